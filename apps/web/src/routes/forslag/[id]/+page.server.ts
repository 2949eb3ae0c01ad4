import { fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { coordinates } from '$lib/server/auth';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeNames } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

const DONE = ['created', 'comment', 'response', 'declined'];

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  const [res, ref] = await Promise.all([locals.api.proposals.get(id), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  const done = url.searchParams.get('klart') ?? '';
  return {
    proposal: res.data,
    themeNames: themeNames(ref.themes, locals.lang),
    canComment: coordinates(locals.user),
    done: DONE.includes(done) ? done : null,
  };
};

const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export const actions: Actions = {
  comment: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const body = String((await request.formData()).get('body') ?? '').trim();
    if (!body) return fail(400, { action: 'comment', message: m.formHasErrors, fields: { body: m.errRequired }, values: { body } });
    const res = await locals.api.proposals.comment(id, body);
    if (!res.ok) return fail(res.status, { ...failFromApi(res.error, locals.lang, { body }).data, action: 'comment' });
    redirectTo(303, `/forslag/${id}?klart=comment#kommentarer`);
  },
  respond: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const kind = field(form, 'kind') === 'cohost' ? 'cohost' : 'interest';
    const res = await locals.api.proposals.respond(id, { cluster: field(form, 'cluster'), kind, on: field(form, 'on') === 'true' });
    if (!res.ok) return fail(res.status, { ...failFromApi(res.error, locals.lang).data, action: 'respond' });
    redirectTo(303, `/forslag/${id}?klart=response`);
  },
  accept: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const values = { start: field(form, 'start').slice(0, 16), end: field(form, 'end').slice(0, 16) };
    const fields: Record<string, string> = {};
    if (values.start && !LOCAL_DATETIME.test(values.start)) fields.start = m.errDateTime;
    if (values.end && !LOCAL_DATETIME.test(values.end)) fields.end = m.errDateTime;
    if (Object.keys(fields).length) return fail(400, { action: 'accept', message: m.formHasErrors, fields, values });
    const res = await locals.api.proposals.accept(id, { start: values.start || undefined, end: values.end || undefined });
    if (!res.ok) return fail(res.status, { ...failFromApi(res.error, locals.lang, values).data, action: 'accept' });
    // The accepted proposal is now a draft event: straight on to completing it.
    // With a fragment of its own: else the browser keeps the form's #accept-heading on the new page.
    redirectTo(303, `/evenemang/${res.data.eventId}/redigera#main`);
  },
  decline: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const reason = field(await request.formData(), 'reason');
    if (!reason) return fail(400, { action: 'decline', message: m.formHasErrors, fields: { reason: m.errRequired }, values: { reason } });
    const res = await locals.api.proposals.decline(id, reason);
    if (!res.ok) return fail(res.status, { ...failFromApi(res.error, locals.lang, { reason }).data, action: 'decline' });
    redirectTo(303, `/forslag/${id}?klart=declined`);
  },
};
