import { fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { idParam } from '$lib/server/ids';
import { newsletterValues, readNewsletterForm, senderOptions } from '$lib/server/newsletter-form';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const user = requireUser(locals, url);
  const id = idParam(params.id);
  const [res, ref] = await Promise.all([locals.api.newsletters.get(id), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  // A sent issue cannot change, and only its cluster or an admin edits a draft.
  if (!res.data.canEdit) redirectTo(303, `/nyhetsbrev/${id}`);
  return {
    newsletter: res.data,
    values: newsletterValues(res.data),
    ...senderOptions(user),
    themes: themeOptions(ref.themes, locals.lang),
    clusters: ref.clusters,
  };
};

export const actions: Actions = {
  default: async ({ locals, params, request, url }) => {
    const user = requireUser(locals, url);
    const id = idParam(params.id);
    const { values, errors, body } = readNewsletterForm(await request.formData(), user, locals.lang);
    if (Object.keys(errors).length) return fail(400, { message: catalogues[locals.lang].formHasErrors, fields: errors, values });
    const res = await locals.api.newsletters.update(id, body);
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/nyhetsbrev/${id}/forhandsgranska?klart=saved`);
  },
};
