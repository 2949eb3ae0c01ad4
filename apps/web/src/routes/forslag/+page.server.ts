import { coordinates } from '$lib/server/auth';
import { reference, themeNames } from '$lib/server/reference';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals }) => {
  const [res, ref] = await Promise.all([locals.api.proposals.list(), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang);
  return {
    open: res.data.filter((p) => p.status === 'open'),
    decided: res.data.filter((p) => p.status !== 'open'),
    themeNames: themeNames(ref.themes, locals.lang),
    canPropose: coordinates(locals.user),
  };
};
