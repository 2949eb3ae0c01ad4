import { catalogues } from '$lib/i18n';
import { attendeeFilter, passDownload } from '$lib/server/downloads';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

/**
 * The attendee list as CSV for Excel (`;`, BOM, statuses and headings in the page's language,
 * times in the event's zone), narrowed as the list page is, fetched from the API with the
 * organiser's own token. The API decides who may have it; a visitor is sent to log in.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname)}`);
  const res = await locals.api.registrations.attendeesSheet(id, 'csv', { lang: locals.lang, ...attendeeFilter(url.searchParams) });
  return passDownload(res, { forbidden: catalogues[locals.lang].reg.attendeesForbidden });
};
