import { error, fail } from '@sveltejs/kit';
import { homeToday } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { actingClusters, coordinates, requireUser } from '$lib/server/auth';
import { failFromApi } from '$lib/server/field-errors';
import { readHorizonForm } from '$lib/server/horizon-form';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requireUser(locals, url);
  if (!coordinates(user)) error(403, catalogues[locals.lang].horizonForCoordinators);
  const ref = await reference(locals.api);
  return {
    clusters: actingClusters(user),
    secretariat: user.actsForNetwork,
    themes: themeOptions(ref.themes, locals.lang),
    // A deadline before today is refused; `min` lets the browser say so first.
    minDate: homeToday(),
  };
};

export const actions: Actions = {
  default: async ({ locals, request, url }) => {
    const user = requireUser(locals, url);
    const { values, errors, body } = readHorizonForm(await request.formData(), user.actsForNetwork, locals.lang);
    if (Object.keys(errors).length) return fail(400, { message: catalogues[locals.lang].formHasErrors, fields: errors, values });
    const res = await locals.api.horizon.create(body);
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/omvarld/${res.data.id}?klart=created`);
  },
};
