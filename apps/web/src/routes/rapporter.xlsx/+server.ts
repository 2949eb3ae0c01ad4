import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { coordinates } from '$lib/server/auth';
import { passDownload } from '$lib/server/downloads';
import { reportPeriod } from '$lib/server/report-period';
import { redirectTo } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

/** The report as an .xlsx workbook, as rapporter.csv but for Excel's own format. */
export const GET: RequestHandler = async ({ locals, url }) => {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(`/rapporter${url.search}`)}`);
  const m = catalogues[locals.lang];
  if (!coordinates(locals.user)) error(403, m.reportsForCoordinators);
  const period = reportPeriod(url, m);
  if (!period.query) error(400, Object.values(period.errors)[0] ?? m.errDate);
  const res = await locals.api.reports.sheet('xlsx', { ...period.query, lang: locals.lang });
  return passDownload(res, { forbidden: m.reportsForCoordinators, fileName: `${m.reportFile(period.from, period.to)}.xlsx` });
};
