import { fail, redirect } from '@sveltejs/kit';
import { isLang } from '$lib/i18n';
import { failFromApi, field } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (!locals.user) redirect(303, '/logga-in?tillbaka=/konto');
  return { me: locals.user };
};

export const actions: Actions = {
  password: async ({ locals, request }) => {
    const result = await locals.api.me.setPassword(String((await request.formData()).get('password') ?? ''));
    if (!result.ok) return failFromApi(result.error);
    return { passwordSaved: true };
  },
  language: async ({ locals, request }) => {
    const language = field(await request.formData(), 'language');
    if (!isLang(language)) return fail(400, { message: 'Choose Swedish or English', fields: {} });
    const result = await locals.api.me.setLanguage(language);
    if (!result.ok) return failFromApi(result.error);
    return { languageSaved: true };
  },
};
