import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { coordinates } from '$lib/server/auth';
import { passDownload } from '$lib/server/downloads';
import { reportPeriod } from '$lib/server/report-period';
import { redirectTo } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

/**
 * The report as CSV for Excel (`;`, BOM, headings and names in the page's language), fetched
 * from the API with the user's own session; the file is named by the period's first and last day.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(`/rapporter${url.search}`)}`);
  const m = catalogues[locals.lang];
  if (!coordinates(locals.user)) error(403, m.reportsForCoordinators);
  const period = reportPeriod(url, m);
  if (!period.query) error(400, Object.values(period.errors)[0] ?? m.errDate);
  const res = await locals.api.reports.sheet('csv', { ...period.query, lang: locals.lang });
  return passDownload(res, { forbidden: m.reportsForCoordinators, fileName: `${m.reportFile(period.from, period.to)}.csv` });
};
