import { error } from '@sveltejs/kit';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import { forgetReference } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname)}`);
  const cluster = await locals.api.clusters.get(params.slug);
  if (!cluster.ok) errorPage(cluster.error, locals.lang, cluster.status === 400 ? 404 : cluster.status);
  if (!cluster.data.canEdit) error(403, 'Only the coordinators of this cluster or a network admin may edit it');
  return { cluster: cluster.data };
};

export const actions: Actions = {
  default: async ({ locals, params, request }) => {
    const form = await request.formData();
    const values = {
      name: field(form, 'name'),
      town: field(form, 'town'),
      summary: field(form, 'summary'),
      summaryEn: field(form, 'summaryEn'),
      description: field(form, 'description'),
      website: field(form, 'website'),
      contactEmail: field(form, 'contactEmail'),
    };
    const result = await locals.api.clusters.update(params.slug, {
      ...values,
      website: values.website || null,
      contactEmail: values.contactEmail || null,
    });
    if (!result.ok) return failFromApi(result.error, locals.lang, values);
    forgetReference(); // the name may have changed; filters and selects show it
    redirectTo(303, `/kluster/${params.slug}?sparat=1`);
  },
};
