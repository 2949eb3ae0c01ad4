import { fail, type ActionFailure } from '@sveltejs/kit';
import type { ApiError } from './api.ts';

/** A form field as a trimmed string ('' when absent or not text). */
export function field(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

export interface FormFailure<V = Record<string, string>> {
  message: string;
  fields: Record<string, string>;
  values?: V;
}

/**
 * The form field an API error detail names: "body/themes/0" is the themes field, and a field
 * can be renamed where the form calls it something else than the API does.
 */
export function fieldOf(detail: string, rename: Record<string, string> = {}): string {
  const name = detail.replace(/^body\//, '').replace(/\/.*$/, '');
  return rename[name] ?? name;
}

/** Maps an API error to a form failure with the same status and per-field messages. */
export function failFromApi<V = Record<string, string>>(
  error: ApiError,
  values?: V,
  rename: Record<string, string> = {},
): ActionFailure<FormFailure<V>> {
  const fields: Record<string, string> = {};
  for (const d of error.details ?? []) {
    if (d.field) fields[fieldOf(d.field, rename)] ??= d.message;
  }
  return fail(Math.min(error.status, 500), { message: error.message, fields, values });
}
