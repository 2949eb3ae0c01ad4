import { error } from '@sveltejs/kit';
import { coordinates } from '$lib/server/auth';
import { reference, themeNames } from '$lib/server/reference';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const [res, ref] = await Promise.all([locals.api.proposals.list(), reference(locals.api)]);
  if (!res.ok) error(res.status, res.error.message);
  return {
    open: res.data.filter((p) => p.status === 'open'),
    decided: res.data.filter((p) => p.status !== 'open'),
    themeNames: themeNames(ref.themes, locals.lang),
    canPropose: coordinates(locals.user),
  };
};
