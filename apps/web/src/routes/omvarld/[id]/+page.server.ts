import { fail } from '@sveltejs/kit';
import { homeToday } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { coordinates } from '$lib/server/auth';
import { doneKey } from '$lib/server/choices';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import { reference, themeNames } from '$lib/server/reference';
import type { Actions, PageServerLoad } from './$types';

// Public, like the board: calendar feeds link each deadline here (PUBLIC_URL/omvarld/ID).
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  const [res, ref] = await Promise.all([locals.api.horizon.get(id), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  const user = locals.user;
  return {
    item: res.data,
    themeNames: themeNames(ref.themes, locals.lang),
    today: homeToday(),
    canDiscuss: coordinates(user),
    // "Relevant for us" is said by each cluster the user coordinates.
    relevanceFor: (user?.clusters ?? []).map((c) => ({
      slug: c.slug,
      name: c.name,
      on: res.data.relevantFor.some((r) => r.slug === c.slug),
    })),
    done: doneKey(url, catalogues[locals.lang].horizonDone),
  };
};

function tagged<T extends object>(action: string, failure: { status: number; data: T }) {
  return fail(failure.status, { ...failure.data, action });
}

export const actions: Actions = {
  comment: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const body = String((await request.formData()).get('body') ?? '').trim();
    if (!body)
      return fail(400, {
        action: 'comment',
        message: catalogues[locals.lang].formHasErrors,
        fields: { body: catalogues[locals.lang].errRequired },
        values: { body },
      });
    const res = await locals.api.horizon.comment(id, body);
    if (!res.ok) return tagged('comment', failFromApi(res.error, locals.lang, { body }));
    redirectTo(303, `/omvarld/${id}?klart=comment#comments-heading`);
  },
  relevance: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    const form = await request.formData();
    const res = await locals.api.horizon.relevance(id, field(form, 'cluster'), field(form, 'on') === 'true');
    if (!res.ok) return tagged('relevance', failFromApi(res.error, locals.lang));
    redirectTo(303, `/omvarld/${id}?klart=relevance`);
  },
  remove: async ({ locals, params, request }) => {
    const id = idParam(params.id);
    // Deleting has no undo: the first post asks, the second (confirm=yes) deletes.
    if (field(await request.formData(), 'confirm') !== 'yes') return { action: 'remove', confirm: true };
    const res = await locals.api.horizon.remove(id);
    if (!res.ok) return tagged('remove', failFromApi(res.error, locals.lang));
    redirectTo(303, '/omvarld?klart=deleted');
  },
};
