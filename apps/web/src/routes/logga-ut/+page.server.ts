import { redirectTo } from '$lib/server/redirects';
import { clearSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirectTo(303, '/');

export const actions: Actions = {
  default: async ({ locals, cookies }) => {
    // Revoke the session server-side too, so a copied token stops working.
    if (locals.token) await locals.api.auth.logout();
    clearSessionCookie(cookies);
    redirectTo(303, '/?utloggad=1');
  },
};
