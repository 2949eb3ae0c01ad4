import type { ErrorDetailCode, ErrorDetailParams } from '@samverka/core';
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { catalogues, type Lang, type Messages } from '$lib/i18n';
import type { ApiError } from './api.ts';
import type { FormFailure } from './forms.ts';

/**
 * The one place where the web app turns an API error into words. The API's `message` texts are
 * English for developers and are never shown: an error's `code`, and each detail's `code` and
 * field, choose a text from the reader's catalogue (lib/i18n, `apiErrors`).
 */

export type ApiErrorDetail = NonNullable<ApiError['details']>[number];
type DetailText = string | ((p: ErrorDetailParams) => string);

const has = <T extends object>(o: T, key: PropertyKey): key is keyof T => Object.hasOwn(o, key);

/**
 * The form field an API error detail names: "body/themes/0" is the themes field, and a field
 * can be renamed where the form calls it something else than the API does.
 */
export function fieldOf(detail: string, rename: Record<string, string> = {}): string {
  const name = detail.replace(/^body\//, '').replace(/\/.*$/, '');
  return rename[name] ?? name;
}

/** The field of a detail; a property missing from the body is named in the detail's params. */
export function fieldOfDetail(d: ApiErrorDetail, rename: Record<string, string> = {}): string {
  const path = d.field === 'body' && d.code === 'required' && d.params?.property ? `body/${d.params.property}` : (d.field ?? '');
  return fieldOf(path, rename);
}

/** The text for one detail on the form field `name`: the field's own words for the code if it has them, else the code's. */
export function detailText(d: ApiErrorDetail, name: string, m: Messages): string {
  const byField: Record<string, Partial<Record<ErrorDetailCode, DetailText>>> = m.apiErrors.byField;
  const own = has(byField, name) ? byField[name]?.[d.code] : undefined;
  const text: DetailText | undefined = own ?? (has(m.apiErrors.detail, d.code) ? m.apiErrors.detail[d.code] : undefined);
  if (text === undefined) return m.apiErrors.status[400];
  return typeof text === 'function' ? text(d.params ?? {}) : text;
}

/**
 * Per-field texts for an API error's details, keyed by form field (the first detail of a field
 * wins). `name` maps a detail to the form's field where a plain rename cannot (list items).
 */
export function fieldErrors(
  err: ApiError,
  m: Messages,
  name: (d: ApiErrorDetail) => string = (d) => fieldOfDetail(d),
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const d of err.details ?? []) {
    if (!d.field) continue;
    const field = name(d);
    fields[field] ??= detailText(d, field, m);
  }
  return fields;
}

/** Codes whose text the catalogue already has under another name. */
const SHARED_TEXTS: Record<string, (m: Messages) => string> = {
  invalid_credentials: (m) => m.loginFailed,
  invalid_login_link: (m) => m.linkInvalid,
  rate_limited: (m) => m.rateLimited,
  not_confirmed: (m) => m.reg.checkInNotConfirmed,
  event_ended: (m) => m.reg.manageEnded,
};

/** The text of an error's status, for codes without their own. */
function statusText(status: number, m: Messages): string {
  const texts = m.apiErrors.status;
  if (has(texts, status)) return texts[status];
  return status >= 500 ? texts[500] : texts[400];
}

/** The text for an API error as a whole: its code's own text if it has one, else its status's. */
export function errorText(err: ApiError, m: Messages): string {
  const shared = Object.hasOwn(SHARED_TEXTS, err.code) ? SHARED_TEXTS[err.code] : undefined;
  if (shared) return shared(m);
  // registration_draft, registration_closed, …: why registration is not open.
  const closed = err.code.startsWith('registration_') ? m.reg.closedReasons[err.code.slice('registration_'.length)] : undefined;
  if (closed) return closed;
  if (has(m.apiErrors.code, err.code)) return m.apiErrors.code[err.code];
  return statusText(err.status, m);
}

/**
 * An API refusal of a form post, in the reader's language: per-field texts next to the fields,
 * "the form has errors" above it (or the error's own text when no field is named), the same
 * status, and what was typed so the form shows it again. `rename` renames fields, or names the
 * form field of each detail where a plain rename cannot (a list item, like `answers/12`).
 */
export function failFromApi<V = Record<string, string>>(
  err: ApiError,
  lang: Lang,
  values?: V,
  rename: Record<string, string> | ((d: ApiErrorDetail) => string) = {},
): ActionFailure<FormFailure<V>> {
  const m = catalogues[lang];
  const fields = fieldErrors(err, m, typeof rename === 'function' ? rename : (d) => fieldOfDetail(d, rename));
  const message = has(m.apiErrors.code, err.code) || Object.keys(fields).length === 0 ? errorText(err, m) : m.formHasErrors;
  return fail(Math.min(err.status, 500), { message, fields, values });
}

/**
 * Ends a load with the API's refusal as the error page, in the reader's language. `status`
 * shows another status than the API's (an id that cannot exist is a page that does not exist).
 */
export function errorPage(err: ApiError, lang: Lang, status: number = err.status): never {
  error(status, errorText({ ...err, status }, catalogues[lang]));
}
