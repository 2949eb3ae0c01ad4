import { fail } from '@sveltejs/kit';
import { homeToday } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { horizonValues, readHorizonForm } from '$lib/server/horizon-form';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const [res, ref] = await Promise.all([locals.api.horizon.get(id), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  if (!res.data.canEdit) redirectTo(303, `/omvarld/${id}`);
  const values = horizonValues(res.data);
  // A past deadline the item already has may stay (core keeps it); any other must be today or later.
  const today = homeToday();
  const minDate = values.deadline && values.deadline < today ? values.deadline : today;
  return { item: res.data, values, themes: themeOptions(ref.themes, locals.lang), minDate };
};

export const actions: Actions = {
  default: async ({ locals, params, request, url }) => {
    requireUser(locals, url);
    const id = idParam(params.id);
    // The posting cluster stays as it was (the form does not offer it), so no cluster is required here.
    const { values, errors, body } = readHorizonForm(await request.formData(), true, locals.lang);
    if (Object.keys(errors).length) return fail(400, { message: catalogues[locals.lang].formHasErrors, fields: errors, values });
    const res = await locals.api.horizon.update(id, { ...body, cluster: undefined });
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/omvarld/${id}?klart=saved`);
  },
};
