import { fail } from '@sveltejs/kit';
import { catalogues, isLang } from '$lib/i18n';
import { checkedValues, doneKey } from '$lib/server/choices';
import { failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const ref = await reference(locals.api);
  return { clusters: ref.clusters, themes: themeOptions(ref.themes, locals.lang), done: doneKey(url, catalogues[locals.lang].mailingDone) };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const language = field(form, 'language');
    const values = {
      email: field(form, 'email'),
      language: isLang(language) ? language : locals.lang,
      clusters: checkedValues(form, 'clusters'),
      themes: checkedValues(form, 'themes'),
    };
    const errors: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = m.mailingErrEmail;
    if (values.clusters.length + values.themes.length === 0) errors.themes = m.mailingErrFollowOne;
    if (Object.keys(errors).length) return fail(400, { message: m.formHasErrors, fields: errors, values });
    const res = await locals.api.subscriptions.subscribe(values);
    if (!res.ok) {
      if (res.status === 429) return fail(429, { message: m.rateLimited, fields: {}, values });
      return failFromApi(res.error, locals.lang, values);
    }
    // The same answer whether or not the address already subscribes (the API mails either way).
    redirectTo(303, '/prenumeration?klart=sent');
  },
};
