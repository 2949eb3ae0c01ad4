import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** Disk used by uploaded materials, in total and per event (admins; the admin layout checks the role). */
export const load: PageServerLoad = async ({ locals }) => {
  const res = await locals.api.knowledge.storage();
  if (!res.ok) error(res.status, res.error.message);
  return { usage: res.data };
};
