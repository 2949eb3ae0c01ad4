import { requireUser } from '$lib/server/auth';
import { errorPage, failFromApi } from '$lib/server/field-errors';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

// The second step before sending: says how many will get it, and sends only on its own POST.
export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const newsletter = await locals.api.newsletters.get(id);
  if (!newsletter.ok) errorPage(newsletter.error, locals.lang, newsletter.status === 400 ? 404 : newsletter.status);
  if (newsletter.data.status === 'sent' || !newsletter.data.canEdit) redirectTo(303, `/nyhetsbrev/${id}`);
  const preview = await locals.api.newsletters.preview(id);
  if (!preview.ok) errorPage(preview.error, locals.lang);
  return { newsletter: newsletter.data, recipients: preview.data.recipients };
};

export const actions: Actions = {
  default: async ({ locals, params }) => {
    const id = idParam(params.id);
    const res = await locals.api.newsletters.send(id);
    if (!res.ok) return failFromApi(res.error, locals.lang);
    redirectTo(303, `/nyhetsbrev/${id}?klart=sent`);
  },
};
