import { catalogues } from '$lib/i18n';
import { attendeeFilter, passDownload } from '$lib/server/downloads';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

/** The attendee list as an .xlsx workbook, as deltagare.csv but for Excel's own format. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname)}`);
  const res = await locals.api.registrations.attendeesSheet(id, 'xlsx', { lang: locals.lang, ...attendeeFilter(url.searchParams) });
  return passDownload(res, { forbidden: catalogues[locals.lang].reg.attendeesForbidden });
};
