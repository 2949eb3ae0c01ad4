import { error, fail } from '@sveltejs/kit';
import { eventValues } from '$lib/event-form';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { patchBody, readEventForm, seriesPatchBody } from '$lib/server/event-form';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeOptions } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const [res, ref] = await Promise.all([locals.api.events.get(id), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  if (!res.data.canEdit) error(403, 'Only the organising clusters of this event may change it');
  if (res.data.status === 'cancelled') redirectTo(303, `/evenemang/${id}`);
  return {
    event: res.data,
    values: eventValues(res.data),
    themes: themeOptions(ref.themes, locals.lang),
    counties: ref.counties,
  };
};

export const actions: Actions = {
  default: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const values = readEventForm(await request.formData());
    const current = await locals.api.events.get(id);
    if (!current.ok) return failFromApi(current.error, locals.lang, values);

    if (values.scope === 'following' && current.data.seriesId !== null) {
      const checked = seriesPatchBody(values, m);
      if (!checked.ok) return fail(400, { message: m.formHasErrors, fields: checked.errors, values });
      const res = await locals.api.series.updateFrom(current.data.seriesId, id, checked.body);
      if (!res.ok) return failFromApi(res.error, locals.lang, values, { startTime: 'start', endTime: 'end' });
      // Registration times belong to one date, so they change for this occurrence only.
      const before = eventValues(current.data);
      if (values.registrationOpens !== before.registrationOpens || values.registrationCloses !== before.registrationCloses) {
        const reg = await locals.api.events.update(id, {
          registrationOpens: values.registrationOpens || null,
          registrationCloses: values.registrationCloses || null,
        });
        if (!reg.ok) return failFromApi(reg.error, locals.lang, values);
      }
      redirectTo(303, `/evenemang/${id}?klart=saved`);
    }

    const checked = patchBody(values, m);
    if (!checked.ok) return fail(400, { message: m.formHasErrors, fields: checked.errors, values });
    const res = await locals.api.events.update(id, checked.body);
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/evenemang/${id}?klart=saved${res.data.clashes.length ? '&krockar=1' : ''}`);
  },
};
