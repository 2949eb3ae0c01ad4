import { fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { field } from '$lib/server/forms';
import { landingPath, redirectTo } from '$lib/server/redirects';
import { setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

// Opening the link only shows a button: mail scanners that fetch links must not spend the
// one-time token; the login happens on the POST.
export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
  default: async ({ locals, request, cookies, url }) => {
    const token = field(await request.formData(), 'token');
    const result = await locals.api.auth.redeemLink(token);
    if (!result.ok) return fail(result.status === 400 ? 400 : result.status, { message: catalogues[locals.lang].linkInvalid });
    setSessionCookie(cookies, result.data.token, result.data.expiresAt, url.protocol === 'https:');
    redirectTo(303, landingPath(result.data.user));
  },
};
