import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

/** Disk used by uploaded materials, in total and per event (admins; the admin layout checks the role). */
export const load: PageServerLoad = async ({ locals }) => {
  const res = await locals.api.knowledge.storage();
  if (!res.ok) errorPage(res.error, locals.lang, res.status);
  return { usage: res.data };
};
