import { error, fail } from '@sveltejs/kit';
import { catalogues, isLang } from '$lib/i18n';
import { checkedValues, doneKey } from '$lib/server/choices';
import { errorText, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

// The token in the address is the subscriber's only key: no login, as in every mail's link.
export const load: PageServerLoad = async ({ locals, params, url, setHeaders }) => {
  // The address is a key: keep the page out of shared caches.
  setHeaders({ 'cache-control': 'private, no-store' });
  const [res, ref] = await Promise.all([locals.api.subscriptions.get(params.token), reference(locals.api)]);
  if (!res.ok) error(res.status === 400 || res.status === 404 ? 404 : res.status, catalogues[locals.lang].mailingUnknown);
  return {
    subscription: res.data,
    clusters: ref.clusters,
    themes: themeOptions(ref.themes, locals.lang),
    done: doneKey(url, catalogues[locals.lang].mailingDone),
  };
};

const gone = (status: number, lang: 'sv' | 'en') =>
  status === 400 || status === 404 ? error(404, catalogues[lang].mailingUnknown) : undefined;

export const actions: Actions = {
  save: async ({ locals, params, request }) => {
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const language = field(form, 'language');
    const values = {
      language: isLang(language) ? language : locals.lang,
      clusters: checkedValues(form, 'clusters'),
      themes: checkedValues(form, 'themes'),
    };
    if (values.clusters.length + values.themes.length === 0)
      return fail(400, { message: m.formHasErrors, fields: { themes: m.mailingErrFollowOne }, values });
    const res = await locals.api.subscriptions.update(params.token, values);
    if (!res.ok) return gone(res.status, locals.lang) ?? failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/prenumeration/${encodeURIComponent(params.token)}?klart=saved`);
  },
  confirm: async ({ locals, params }) => {
    const res = await locals.api.subscriptions.confirm(params.token);
    if (!res.ok)
      return gone(res.status, locals.lang) ?? fail(Math.min(res.status, 500), { message: errorText(res.error, catalogues[locals.lang]) });
    redirectTo(303, `/prenumeration/${encodeURIComponent(params.token)}?klart=confirmed`);
  },
  unsubscribe: async ({ locals, params }) => {
    const res = await locals.api.subscriptions.remove(params.token);
    if (!res.ok)
      return gone(res.status, locals.lang) ?? fail(Math.min(res.status, 500), { message: errorText(res.error, catalogues[locals.lang]) });
    redirectTo(303, '/prenumeration?klart=unsubscribed');
  },
};
