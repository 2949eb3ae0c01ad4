import { error, type RequestEvent } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { coordinates } from './auth.ts';
import { passDownload } from './downloads.ts';
import { redirectTo } from './redirects.ts';
import { reportPeriod } from './report-period.ts';

/**
 * The report for the period in the address as a download for Excel: `.xlsx`, or CSV with `;`,
 * BOM and headings in the page's language. Fetched from the API with the user's own session;
 * the file is named by the period's first and last day. Visitors are sent to log in, others
 * than coordinators and admins get 403, a bad period 400 with its message.
 */
export async function reportDownload({ locals, url }: Pick<RequestEvent, 'locals' | 'url'>, format: 'xlsx' | 'csv'): Promise<Response> {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(`/rapporter${url.search}`)}`);
  const m = catalogues[locals.lang];
  if (!coordinates(locals.user)) error(403, m.reportsForCoordinators);
  const period = reportPeriod(url, m);
  if (!period.query) error(400, Object.values(period.errors)[0] ?? m.errDate);
  const res = await locals.api.reports.sheet(format, { ...period.query, lang: locals.lang });
  return passDownload(res, { forbidden: m.reportsForCoordinators, fileName: `${m.reportFile(period.from, period.to)}.${format}` });
}
