import { error, fail } from '@sveltejs/kit';
import { emptyEventValues } from '$lib/event-form';
import { catalogues } from '$lib/i18n';
import { actingClusters, coordinates, requireUser } from '$lib/server/auth';
import { createBody, readEventForm } from '$lib/server/event-form';
import { failFromApi } from '$lib/server/field-errors';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requireUser(locals, url);
  if (!coordinates(user)) error(403, 'Only cluster coordinators and network admins create events');
  const ref = await reference(locals.api);
  const clusters = actingClusters(user);
  const wanted = url.searchParams.get('kluster');
  return {
    values: emptyEventValues({ leadCluster: clusters.find((c) => c.value === wanted)?.value ?? clusters[0]?.value ?? '' }),
    clusters,
    themes: themeOptions(ref.themes, locals.lang),
    counties: ref.counties,
  };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const m = catalogues[locals.lang];
    const values = readEventForm(await request.formData());
    const checked = createBody(values, m);
    if (!checked.ok) return fail(400, { message: m.formHasErrors, fields: checked.errors, values });
    const res = await locals.api.events.create(checked.body);
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    // The clashes are read back on the event page, so the warning survives the redirect.
    redirectTo(303, `/evenemang/${res.data.event.id}?klart=created${res.data.clashes.length ? '&krockar=1' : ''}`);
  },
};
