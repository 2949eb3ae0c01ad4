import { coordinates } from '$lib/server/auth';
import type { Proposal } from '$lib/server/api';
import { reference, themeNames } from '$lib/server/reference';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

/** What the board renders of a proposal: the page's data is serialised into the HTML, so nothing more. */
function row(p: Proposal) {
  return {
    id: p.id,
    title: p.title,
    status: p.status,
    cluster: p.cluster.name,
    preferredFrom: p.preferredFrom,
    preferredTo: p.preferredTo,
    themes: p.themes,
    interested: p.interested.length,
    cohostOffers: p.cohostOffers.length,
  };
}

export const load: PageServerLoad = async ({ locals }) => {
  const [res, ref] = await Promise.all([locals.api.proposals.list(), reference(locals.api)]);
  if (!res.ok) errorPage(res.error, locals.lang);
  return {
    open: res.data.filter((p) => p.status === 'open').map(row),
    decided: res.data.filter((p) => p.status !== 'open').map(row),
    themeNames: themeNames(ref.themes, locals.lang),
    canPropose: coordinates(locals.user),
  };
};
