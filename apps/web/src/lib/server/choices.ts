import type { ApiError } from './api.ts';
import { fieldOf } from './forms.ts';

/** The ticked values of a checkbox group (or repeated field), each once, without empty ones. */
export function checkedValues(data: FormData, name: string): string[] {
  return [
    ...new Set(
      data
        .getAll(name)
        .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
        .map((v) => v.trim()),
    ),
  ];
}

/**
 * Per-field messages from an API error, where the form's names differ from the API's in ways a
 * plain rename cannot say (an array item "body/slots/2" is the form's third filled-in time).
 */
export function apiFieldErrors(error: ApiError, name: (detail: string) => string = (d) => fieldOf(d)): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const d of error.details ?? []) if (d.field) fields[name(d.field)] ??= d.message;
  return fields;
}

/** A done-message key from `?klart=`, when the catalogue has it; otherwise none. */
export function doneKey(url: URL, messages: Record<string, string>): string | null {
  const done = url.searchParams.get('klart') ?? '';
  return Object.hasOwn(messages, done) ? done : null;
}
