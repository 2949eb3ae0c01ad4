import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

/**
 * The mailed confirmation link opens this page, which only shows a button: the confirmation is
 * the POST, so a mail scanner that fetches every link in a message confirms nothing.
 */
export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
  setHeaders({ 'cache-control': 'private, no-store' });
  const token = url.searchParams.get('token') ?? '';
  // Reading the subscription changes nothing; it tells an old or mistyped link apart.
  const res = token ? await locals.api.subscriptions.get(token) : null;
  if (!res?.ok) error(404, catalogues[locals.lang].mailingUnknown);
  return { token, confirmed: res.data.confirmed };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const token = field(await request.formData(), 'token');
    const res = await locals.api.subscriptions.confirm(token);
    if (!res.ok) {
      if (res.status === 404 || res.status === 400) error(404, catalogues[locals.lang].mailingUnknown);
      return failFromApi(res.error, locals.lang);
    }
    redirectTo(303, `/prenumeration/${encodeURIComponent(token)}?klart=confirmed`);
  },
};
