import { coordinates } from '$lib/server/auth';
import { ProposalStatusNames, type ProposalQuery } from '@samverka/contracts';
import type { Proposal } from '$lib/server/api';
import { reference, themeNames } from '$lib/server/reference';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';
import { pageParam } from '$lib/paging';

/** What the board renders of a proposal, and nothing more. */
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

/**
 * Proposals on one page of the board: open ones come first, so the first page holds what is
 * still to be answered; the filter and the later pages find the rest.
 */
const PAGE_SIZE = 50;

export const load: PageServerLoad = async ({ locals, url }) => {
  const ref = await reference(locals.api);
  // A status or cluster the board does not know is no filter (the form only offers known ones).
  const statusParam = url.searchParams.get('status') ?? '';
  const status = ProposalStatusNames.find((s) => s === statusParam);
  const clusterParam = url.searchParams.get('kluster') ?? '';
  const cluster = ref.clusters.some((c) => c.value === clusterParam) ? clusterParam : undefined;
  const page = pageParam(url);
  const query: ProposalQuery = { page, limit: PAGE_SIZE };
  if (status) query.status = status;
  if (cluster) query.cluster = cluster;
  const res = await locals.api.proposals.list(query);
  if (!res.ok) errorPage(res.error, locals.lang);
  const { matching, proposals } = res.data;
  // The filter as the page's own query, for the page links and the form.
  const filterQuery = new URLSearchParams();
  if (status) filterQuery.set('status', status);
  if (cluster) filterQuery.set('kluster', cluster);
  return {
    open: proposals.filter((p) => p.status === 'open').map(row),
    decided: proposals.filter((p) => p.status !== 'open').map(row),
    filter: { status: status ?? '', kluster: cluster ?? '' },
    filterQuery: filterQuery.toString(),
    filtered: Boolean(status || cluster),
    clusters: ref.clusters,
    matching,
    page,
    pages: Math.ceil(matching / PAGE_SIZE),
    firstRow: (page - 1) * PAGE_SIZE + 1,
    themeNames: themeNames(ref.themes, locals.lang),
    canPropose: coordinates(locals.user),
  };
};
