import { fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { errorText, fieldErrors } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { landingPath, redirectTo, safeReturnPath } from '$lib/server/redirects';
import { setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  // '' when no return path was given: the login then leads to the user's own landing page.
  const back = safeReturnPath(url.searchParams.get('tillbaka'), '');
  if (locals.user) redirectTo(303, back || landingPath(locals.user));
  return { back };
};

export const actions: Actions = {
  password: async ({ locals, request, cookies, url }) => {
    const form = await request.formData();
    const email = field(form, 'email');
    const m = catalogues[locals.lang];
    const result = await locals.api.auth.login(email, String(form.get('password') ?? ''));
    if (!result.ok) {
      // A missing or malformed address or password is said next to its field; wrong credentials above the form.
      const fields = result.status === 400 ? fieldErrors(result.error, m) : {};
      const message =
        result.status === 429
          ? m.rateLimited
          : result.status === 401
            ? m.loginFailed
            : Object.keys(fields).length
              ? m.formHasErrors
              : errorText(result.error, m);
      return fail(result.status, { form: 'password', message, email, fields });
    }
    setSessionCookie(cookies, result.data.token, result.data.expiresAt, url.protocol === 'https:');
    redirectTo(303, safeReturnPath(field(form, 'back'), '') || landingPath(result.data.user));
  },
  link: async ({ locals, request }) => {
    const form = await request.formData();
    const email = field(form, 'email');
    const m = catalogues[locals.lang];
    const result = await locals.api.auth.requestLink(email);
    if (!result.ok) {
      const fields = result.status === 400 ? fieldErrors(result.error, m) : {};
      const message = result.status === 429 ? m.rateLimited : Object.keys(fields).length ? m.formHasErrors : errorText(result.error, m);
      return fail(result.status, { form: 'link', message, email, fields });
    }
    return { form: 'link', sent: true, email };
  },
};
