import { catalogues } from '$lib/i18n';
import { doneKey } from '$lib/server/choices';
import { idParam } from '$lib/server/ids';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  const res = await locals.api.newsletters.get(id);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  return { newsletter: res.data, done: doneKey(url, catalogues[locals.lang].newsletterDone) };
};
