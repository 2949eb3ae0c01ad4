import { coordinates, requireUser } from '$lib/server/auth';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requireUser(locals, url);
  const res = await locals.api.polls.list();
  if (!res.ok) errorPage(res.error, locals.lang);
  // The API lists the open polls first; the page shows them apart from those closed or decided.
  return { open: res.data.filter((p) => p.open), done: res.data.filter((p) => !p.open), canCreate: coordinates(user) };
};
