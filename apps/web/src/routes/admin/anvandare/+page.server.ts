import { fail } from '@sveltejs/kit';
import { catalogues, isLang } from '$lib/i18n';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const [users, clusters] = await Promise.all([locals.api.admin.users(), locals.api.clusters.list()]);
  if (!users.ok) errorPage(users.error, locals.lang);
  if (!clusters.ok) errorPage(clusters.error, locals.lang);
  return { users: users.data, clusters: clusters.data.map((c) => ({ slug: c.slug, name: c.name })) };
};

const userId = (form: FormData) => Number(field(form, 'userId'));

export const actions: Actions = {
  invite: async ({ locals, request }) => {
    const form = await request.formData();
    const values = {
      email: field(form, 'email'),
      name: field(form, 'name'),
      cluster: field(form, 'cluster'),
      language: field(form, 'language'),
    };
    // The API names one problem at a time; the missing fields are all said at once here.
    const m = catalogues[locals.lang];
    const fields: Record<string, string> = {};
    if (!values.name) fields.name = m.errRequired;
    if (!values.email) fields.email = m.errRequired;
    if (Object.keys(fields).length) return fail(400, { message: m.formHasErrors, fields, values });
    const result = await locals.api.admin.invite({
      email: values.email,
      name: values.name,
      language: isLang(values.language) ? values.language : 'sv',
      isAdmin: form.get('isAdmin') === 'on',
      coordinatorOf: values.cluster ? [values.cluster] : [],
    });
    if (!result.ok) return failFromApi(result.error, locals.lang, values);
    return { invited: result.data.email };
  },
  grant: async ({ locals, request }) => {
    const form = await request.formData();
    const slug = field(form, 'cluster');
    if (!slug) return fail(400, { message: 'Choose a cluster', fields: {} });
    const result = await locals.api.admin.grant(userId(form), slug);
    return result.ok ? { updated: true } : failFromApi(result.error, locals.lang);
  },
  revoke: async ({ locals, request }) => {
    const form = await request.formData();
    const result = await locals.api.admin.revoke(userId(form), field(form, 'cluster'));
    return result.ok ? { updated: true } : failFromApi(result.error, locals.lang);
  },
  admin: async ({ locals, request }) => {
    const form = await request.formData();
    const result = await locals.api.admin.setAdmin(userId(form), field(form, 'isAdmin') === 'true');
    return result.ok ? { updated: true } : failFromApi(result.error, locals.lang);
  },
};
