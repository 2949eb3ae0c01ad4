import { LIMITS } from '@samverka/contracts';
import { error, fail } from '@sveltejs/kit';
import { homeToday } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { actingClusters, coordinates } from '$lib/server/auth';
import { failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  if (!coordinates(locals.user)) error(403, 'Only cluster coordinators and network admins propose workshops');
  const ref = await reference(locals.api);
  // A period starting before today is refused; `min` lets the browser say so first.
  return { clusters: actingClusters(locals.user!), themes: themeOptions(ref.themes, locals.lang), minDate: homeToday() };
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const values = {
      cluster: field(form, 'cluster'),
      title: field(form, 'title'),
      abstract: String(form.get('abstract') ?? '').trim(),
      themes: form.getAll('themes').filter((t): t is string => typeof t === 'string' && t !== ''),
      format: field(form, 'format'),
      audience: field(form, 'audience'),
      preferredFrom: field(form, 'preferredFrom'),
      preferredTo: field(form, 'preferredTo'),
    };
    const errors: Record<string, string> = {};
    for (const k of ['cluster', 'title', 'abstract', 'format', 'audience'] as const) if (!values[k]) errors[k] = m.errRequired;
    if (values.themes.length === 0) errors.themes = m.errChooseTheme;
    else if (values.themes.length > LIMITS.themes) errors.themes = m.errTooManyThemes;
    if (!DATE.test(values.preferredFrom)) errors.preferredFrom = m.errDate;
    if (!DATE.test(values.preferredTo)) errors.preferredTo = m.errDate;
    if (Object.keys(errors).length) return fail(400, { message: m.formHasErrors, fields: errors, values });
    const res = await locals.api.proposals.create({ ...values, themes: [...new Set(values.themes)] });
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/forslag/${res.data.id}?klart=created`);
  },
};
