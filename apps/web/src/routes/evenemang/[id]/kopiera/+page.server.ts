import { error, fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const res = await locals.api.events.get(id);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  if (!res.data.canCopy) error(403, catalogues[locals.lang].apiErrors.status[403]);
  return { event: res.data };
};

export const actions: Actions = {
  default: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const data = await request.formData();
    // The start is asked for every time: a copy never keeps the old date unnoticed.
    const values = { start: field(data, 'start'), startDate: field(data, 'startDate') };
    const allDay = field(data, 'allDay') === 'yes';
    const given = allDay ? values.startDate : values.start;
    if (!given) return fail(400, { message: m.formHasErrors, fields: { [allDay ? 'startDate' : 'start']: m.errRequired }, values });
    const res = await locals.api.events.copy(id, allDay ? { startDate: given } : { start: given });
    if (!res.ok) return failFromApi(res.error, locals.lang, values);
    redirectTo(303, `/evenemang/${res.data.event.id}?klart=copied`);
  },
};
