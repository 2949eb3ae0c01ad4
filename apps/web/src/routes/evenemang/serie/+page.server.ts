import { error, fail } from '@sveltejs/kit';
import { emptyEventValues } from '$lib/event-form';
import { catalogues } from '$lib/i18n';
import { actingClusters, coordinates, requireUser } from '$lib/server/auth';
import { readEventForm, seriesCreateBody } from '$lib/server/event-form';
import { failFromApi } from '$lib/server/field-errors';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requireUser(locals, url);
  if (!coordinates(user)) error(403, 'Only cluster coordinators and network admins create events');
  const ref = await reference(locals.api);
  const clusters = actingClusters(user);
  return {
    values: emptyEventValues({ leadCluster: clusters[0]?.value ?? '', kind: 'network_meeting', rrule: 'FREQ=MONTHLY;BYDAY=+2TU;COUNT=10' }),
    clusters,
    themes: themeOptions(ref.themes, locals.lang),
    counties: ref.counties,
  };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const values = readEventForm(form);
    const checked = seriesCreateBody(values, m);
    if (!checked.ok) return fail(400, { message: m.formHasErrors, fields: checked.errors, values });
    const evenIfPast = values.publish && form.get('evenIfPast') === 'yes';
    const res = await locals.api.series.create({ ...checked.body, ...(evenIfPast ? { evenIfPast } : {}) });
    // Published with meetings already over: the page warns, as for a single event, and offers "publish anyway".
    if (!res.ok && res.error.code === 'in_the_past') return fail(422, { values, pastWarning: true, message: m.seriesOverHeading });
    // A local time skipped by the change to summer time is reported per occurrence as start/end.
    if (!res.ok) return failFromApi(res.error, locals.lang, values, { start: 'startTime', end: 'endTime' });
    redirectTo(303, `/evenemang/serie/${res.data.seriesId}?klart=series${res.data.clashes.length ? '&krockar=1' : ''}`);
  },
};
