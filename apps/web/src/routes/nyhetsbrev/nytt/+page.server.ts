import { error, fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { coordinates, requireUser } from '$lib/server/auth';
import { failFromApi } from '$lib/server/field-errors';
import { readNewsletterForm, senderOptions } from '$lib/server/newsletter-form';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requireUser(locals, url);
  if (!coordinates(user)) error(403, catalogues[locals.lang].newslettersForCoordinators);
  const ref = await reference(locals.api);
  return { ...senderOptions(user), themes: themeOptions(ref.themes, locals.lang), clusters: ref.clusters };
};

export const actions: Actions = {
  default: async ({ locals, request, url }) => {
    const user = requireUser(locals, url);
    const { values, errors, body } = readNewsletterForm(await request.formData(), user, locals.lang);
    if (Object.keys(errors).length) return fail(400, { message: catalogues[locals.lang].formHasErrors, fields: errors, values });
    const res = await locals.api.newsletters.create(body);
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/nyhetsbrev/${res.data.id}/forhandsgranska?klart=saved`);
  },
};
