import { error, fail } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { field } from '$lib/server/forms';
import { errorPage, errorText, fieldOf } from '$lib/server/field-errors';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

/**
 * The organisers' page for an event's documentation and materials. Files are posted straight to
 * the API's form endpoint (/api/events/:id/materials/form), which streams them to disk and comes
 * back here with `klart` or, when refused, `fel` (the error code) and the title typed.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const m = catalogues[locals.lang];
  const id = idParam(params.id);
  const [event, materials] = await Promise.all([locals.api.events.get(id), locals.api.materials.list(id)]);
  if (!event.ok) errorPage(event.error, locals.lang, event.status === 400 ? 404 : event.status);
  if (!materials.ok) errorPage(materials.error, locals.lang, materials.status);
  if (!materials.data.canManage) error(403, m.kb.uploadErrors.forbidden);
  const fel = url.searchParams.get('fel') ?? '';
  const done = url.searchParams.get('klart') ?? '';
  const visibility = url.searchParams.get('synlighet');
  return {
    event: event.data,
    materials: materials.data,
    done: Object.hasOwn(m.kb.done, done) ? done : null,
    upload: fel
      ? {
          error: m.kb.uploadErrors[fel] ?? m.kb.uploadFailed,
          title: (url.searchParams.get('titel') ?? '').slice(0, 200),
          visibility: visibility === 'participants' ? 'participants' : 'public',
        }
      : null,
  };
};

const back = (id: number, done: string, anchor = 'material-lista') => `/evenemang/${id}/material?klart=${done}#${anchor}`;
const visibilityOf = (v: string): 'public' | 'participants' => (v === 'participants' ? 'participants' : 'public');

export const actions: Actions = {
  documentation: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const body = field(await request.formData(), 'body');
    const res = await locals.api.materials.saveDocumentation(id, { body });
    if (!res.ok) {
      const m = catalogues[locals.lang];
      return fail(Math.min(res.status, 500), {
        action: 'documentation',
        message: m.formHasErrors,
        fields: { body: res.status === 400 ? m.reg.errTooLong(50_000) : errorText(res.error, m) },
        values: { body },
      });
    }
    redirectTo(303, back(id, 'dokumentation', 'dokumentation'));
  },
  link: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const m = catalogues[locals.lang];
    const form = await request.formData();
    const values = { title: field(form, 'title'), url: field(form, 'url'), visibility: visibilityOf(field(form, 'visibility')) };
    const fields: Record<string, string> = {};
    if (!values.title) fields.title = m.errRequired;
    if (!/^https?:\/\/\S+$/i.test(values.url)) fields.url = m.kb.errUrl;
    if (Object.keys(fields).length) return fail(400, { action: 'link', message: m.formHasErrors, fields, values });
    const res = await locals.api.materials.addLink(id, values);
    if (!res.ok) {
      for (const d of res.error.details ?? [])
        if (d.field) fields[fieldOf(d.field)] = fieldOf(d.field) === 'url' ? m.kb.errUrl : m.errRequired;
      return fail(Math.min(res.status, 500), { action: 'link', message: m.formHasErrors, fields, values });
    }
    redirectTo(303, back(id, 'lank'));
  },
  remove: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const materialId = Number(field(await request.formData(), 'material'));
    if (!Number.isInteger(materialId) || materialId < 1)
      return fail(400, { action: 'list', message: catalogues[locals.lang].formHasErrors, fields: {} });
    const res = await locals.api.materials.remove(id, materialId);
    if (!res.ok)
      return fail(Math.min(res.status, 500), { action: 'list', message: errorText(res.error, catalogues[locals.lang]), fields: {} });
    redirectTo(303, back(id, 'borttagen'));
  },
  visibility: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const materialId = Number(field(form, 'material'));
    if (!Number.isInteger(materialId) || materialId < 1)
      return fail(400, { action: 'list', message: catalogues[locals.lang].formHasErrors, fields: {} });
    const res = await locals.api.materials.update(id, materialId, { visibility: visibilityOf(field(form, 'visibility')) });
    if (!res.ok)
      return fail(Math.min(res.status, 500), { action: 'list', message: errorText(res.error, catalogues[locals.lang]), fields: {} });
    redirectTo(303, back(id, 'andrad'));
  },
};
