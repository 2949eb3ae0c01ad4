import { fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { errorPage } from '$lib/server/field-errors';
import type { Actions, PageServerLoad } from './$types';

/** The organisers' survey page: results (with core's server-drawn chart) and the survey's settings. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const [event, results, settings, chart] = await Promise.all([
    locals.api.events.get(id),
    locals.api.feedback.results(id),
    locals.api.feedback.settings(id),
    locals.api.feedback.chart(id, locals.lang),
  ]);
  if (!event.ok) errorPage(event.error, locals.lang, event.status === 400 ? 404 : event.status);
  if (!results.ok) errorPage(results.error, locals.lang, results.status);
  if (!settings.ok) errorPage(settings.error, locals.lang, settings.status);
  return {
    event: event.data,
    results: results.data,
    settings: settings.data,
    // Drawn by core's feedbackChartSvg, every text in it escaped; inlined so it needs no second request.
    chart: chart.ok ? chart.data : null,
    saved: url.searchParams.get('sparat') === '1',
  };
};

export const actions: Actions = {
  settings: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const questions = [1, 2, 3, 4, 5]
      .map(
        (n) =>
          ({
            id: field(form, `q${n}id`) || undefined,
            text: field(form, `q${n}`),
            kind: field(form, `q${n}kind`) === 'text' ? 'text' : 'scale',
          }) as const,
      )
      .filter((q) => q.text);
    const fields: Record<string, string> = {};
    questions.forEach((q, i) => {
      if (q.text.length > 300) fields[`q${i + 1}`] = m.reg.errTooLong(300);
    });
    if (Object.keys(fields).length) return fail(400, { message: m.formHasErrors, fields });
    const res = await locals.api.feedback.saveSettings(id, { enabled: form.get('enabled') !== null, questions });
    if (!res.ok) return fail(Math.min(res.status, 500), { message: res.status === 409 ? m.kb.locked : m.formHasErrors, fields: {} });
    redirectTo(303, `/evenemang/${id}/aterkoppling?sparat=1#installningar`);
  },
};
