import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { coordinates } from '$lib/server/auth';
import { redirectTo } from '$lib/server/redirects';
import { reportPeriod } from '$lib/server/report-period';
import type { RequestHandler } from './$types';
import { errorPage } from '$lib/server/field-errors';

/** The report as CSV for a spreadsheet, fetched from the API with the user's own session. */
export const GET: RequestHandler = async ({ locals, url }) => {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(`/rapporter${url.search}`)}`);
  const m = catalogues[locals.lang];
  if (!coordinates(locals.user)) error(403, m.reportsForCoordinators);
  const period = reportPeriod(url, m);
  if (!period.query) error(400, Object.values(period.errors)[0] ?? m.errDate);
  const res = await locals.api.reports.csv(period.query);
  if (!res.ok) errorPage(res.error, locals.lang);
  return new Response(res.data, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="samverka-rapport-${period.from}-${period.to}.csv"`,
      'cache-control': 'private, no-store',
    },
  });
};
