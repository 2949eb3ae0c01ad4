import { fail, type ActionFailure } from '@sveltejs/kit';
import type { ApiError } from './api.ts';

/** A form field as a trimmed string ('' when absent or not text). */
export function field(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

export interface FormFailure {
  message: string;
  fields: Record<string, string>;
  values?: Record<string, string>;
}

/** Maps an API error to a form failure with the same status and per-field messages. */
export function failFromApi(error: ApiError, values?: Record<string, string>): ActionFailure<FormFailure> {
  const fields: Record<string, string> = {};
  for (const d of error.details ?? []) {
    if (d.field) fields[d.field.replace(/^body\//, '')] = d.message;
  }
  return fail(error.status >= 500 ? 500 : error.status, { message: error.message, fields, values });
}
