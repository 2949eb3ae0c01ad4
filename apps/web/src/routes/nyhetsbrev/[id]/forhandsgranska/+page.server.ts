import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { doneKey } from '$lib/server/choices';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const newsletter = await locals.api.newsletters.get(id);
  if (!newsletter.ok) error(newsletter.status === 400 ? 404 : newsletter.status, newsletter.error.message);
  if (newsletter.data.status === 'sent') redirectTo(303, `/nyhetsbrev/${id}`);
  const preview = await locals.api.newsletters.preview(id);
  if (!preview.ok) error(preview.status, preview.error.message);
  return { newsletter: newsletter.data, preview: preview.data, done: doneKey(url, catalogues[locals.lang].newsletterDone) };
};
