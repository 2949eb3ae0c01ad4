import type { ErrorDetail, ErrorDetailCode } from './errors.ts';
import { DEFAULT_ZONE, instantToLocal } from './time.ts';

/**
 * The code for a date or time that has already passed (polls' times and closing time, proposals'
 * preferred period, horizon deadlines, publishing an event that is over): the detail code of
 * each such field, and the error code of publishEvent's refusal.
 */
export const IN_THE_PAST = 'in_the_past' satisfies ErrorDetailCode;

/** The message of every past-date detail, so a form can tell it from the field's other problems. */
export const IN_THE_PAST_MESSAGE = 'is in the past';

export function inThePast(field: string): ErrorDetail {
  return { field, code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE };
}

/** Today's date ("YYYY-MM-DD") in Sweden, where dates without a time (deadlines, periods) are meant. */
export function todayIn(now: Date, zone = DEFAULT_ZONE): string {
  return instantToLocal(now, zone).slice(0, 10);
}
