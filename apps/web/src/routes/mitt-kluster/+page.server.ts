import { fail } from '@sveltejs/kit';
import { homeToday } from '$lib/datetime';
import { catalogues } from '$lib/i18n';
import { requireUser } from '$lib/server/auth';
import { errorPage, errorText, failFromApi } from '$lib/server/field-errors';
import { field } from '$lib/server/forms';
import { redirectTo } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requireUser(locals, url);
  // One in-process call for the whole page (GET /api/me/dashboard): the invitations, the shared
  // invitations and each cluster's next events, drafts and proposals.
  const res = await locals.api.me.dashboard(homeToday());
  if (!res.ok) errorPage(res.error, locals.lang);
  const { invitations, sharedInvitations, clusters } = res.data;
  const done = url.searchParams.get('klart') ?? '';
  return {
    invitations,
    sharedInvitations,
    clusters: clusters.map((c) => ({
      slug: c.slug,
      name: c.name,
      // Summaries (GET /api/events/summaries' items): what EventSummary renders, nothing more.
      upcoming: c.upcoming.events,
      moreUpcoming: c.upcoming.nextCursor !== null,
      drafts: c.drafts.events,
      proposals: c.proposals.map((p) => ({
        id: p.id,
        title: p.title,
        status: p.status,
        interested: p.interested.length,
        cohostOffers: p.cohostOffers.length,
      })),
      moreProposals: c.moreProposals,
    })),
    done: Object.hasOwn(catalogues[locals.lang].done, done) ? done : null,
  };
};

export const actions: Actions = {
  answer: async ({ locals, request }) => {
    const form = await request.formData();
    const id = Number(field(form, 'event'));
    const accept = field(form, 'accept') === 'true';
    const res = await locals.api.events.answerCohostInvitation(id, field(form, 'cluster'), accept);
    if (!res.ok) return failFromApi(res.error, locals.lang);
    redirectTo(303, `/mitt-kluster?klart=${accept ? 'accepted' : 'declined'}`);
  },
  // ---- Shared invitations (lib/components/SharedAnnouncements.svelte): pass one on to a cluster's followers ----
  passOn: async ({ locals, request }) => {
    const form = await request.formData();
    const id = Number(field(form, 'event'));
    const event = Number.isInteger(id) && id > 0 ? id : 0;
    const cluster = field(form, 'cluster');
    // Mail cannot be called back: the first post asks, the second (confirm=yes) sends.
    if (field(form, 'confirm') !== 'yes') return { action: 'passOn', confirm: { event, cluster } };
    const res = await locals.api.announcements.passOn(event, cluster);
    if (!res.ok) return fail(Math.min(res.status, 500), { action: 'passOn', message: errorText(res.error, catalogues[locals.lang]) });
    redirectTo(303, `/mitt-kluster?vidare=${res.data.recipients}`);
  },
};
