import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { coordinates, requireUser } from '$lib/server/auth';
import { errorText } from '$lib/server/field-errors';
import { reference, themeNames } from '$lib/server/reference';
import { reportPeriod } from '$lib/server/report-period';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requireUser(locals, url);
  const m = catalogues[locals.lang];
  if (!coordinates(user)) error(403, m.reportsForCoordinators);
  const period = reportPeriod(url, m);
  const ref = await reference(locals.api);
  if (!period.query) return { period, report: null, chart: null, themeNames: themeNames(ref.themes, locals.lang), apiError: null };
  const q = { ...period.query, lang: locals.lang };
  // One call: the report and its chart from the same build of the report.
  const res = await locals.api.reports.page(q);
  if (!res.ok)
    return { period, report: null, chart: null, themeNames: themeNames(ref.themes, locals.lang), apiError: errorText(res.error, m) };
  return {
    period,
    report: res.data.report,
    // Drawn by core's monthlyChartSvg, every text in it escaped; the page inlines it so it needs no second request.
    chart: res.data.chart,
    themeNames: themeNames(ref.themes, locals.lang),
    apiError: null,
  };
};
