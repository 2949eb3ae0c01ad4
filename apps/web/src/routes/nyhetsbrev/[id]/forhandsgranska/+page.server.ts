import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { doneKey } from '$lib/server/choices';
import { idParam } from '$lib/server/ids';
import { redirectTo } from '$lib/server/redirects';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  requireUser(locals, url);
  const id = idParam(params.id);
  const newsletter = await locals.api.newsletters.get(id);
  if (!newsletter.ok) errorPage(newsletter.error, locals.lang, newsletter.status === 400 ? 404 : newsletter.status);
  if (newsletter.data.status === 'sent') redirectTo(303, `/nyhetsbrev/${id}`);
  const preview = await locals.api.newsletters.preview(id);
  if (!preview.ok) errorPage(preview.error, locals.lang);
  return { newsletter: newsletter.data, preview: preview.data, done: doneKey(url, catalogues[locals.lang].newsletterDone) };
};
