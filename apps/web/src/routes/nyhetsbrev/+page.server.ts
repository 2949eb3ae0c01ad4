import { coordinates } from '$lib/server/auth';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals }) => {
  const writer = coordinates(locals.user);
  // Coordinators and admins also get the drafts they may edit.
  const res = await locals.api.newsletters.list(writer);
  if (!res.ok) errorPage(res.error, locals.lang);
  return { sent: res.data.filter((n) => n.status === 'sent'), drafts: res.data.filter((n) => n.status === 'draft'), writer };
};
