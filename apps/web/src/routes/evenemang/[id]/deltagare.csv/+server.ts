import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import type { ApiError } from '$lib/server/api';
import { errorPage } from '$lib/server/field-errors';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

/**
 * The attendee list as CSV, fetched from the API with the organiser's own token and passed on
 * with its type and file name. The API decides who may have it; a visitor is sent to log in.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname)}`);
  const res = await locals.api.registrations.attendeesCsv(id, locals.lang);
  if (!res.ok) {
    if (res.status === 403) error(403, catalogues[locals.lang].reg.attendeesForbidden);
    const body = (await res.json().catch(() => null)) as { error?: ApiError } | null;
    errorPage({ code: body?.error?.code ?? 'internal_error', message: '', status: res.status }, locals.lang);
  }
  const headers = new Headers({ 'cache-control': 'private, no-store' });
  for (const name of ['content-type', 'content-disposition']) {
    const value = res.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(res.body, { status: 200, headers });
};
