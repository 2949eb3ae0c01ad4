import { Type, type Static } from 'typebox';
import { StrictObject } from './common.ts';
import { EventSummaryPage, PendingCohostInvitation } from './events.ts';
import { SharedAnnouncement } from './network.ts';
import { ProposalList } from './proposals.ts';

/** GET /api/me/dashboard's query: `from`, the reader's today (a date, midnight in Stockholm). */
export const DashboardQuery = StrictObject({
  from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the first day of the upcoming events, YYYY-MM-DD' }),
});
export type DashboardQuery = Static<typeof DashboardQuery>;

/**
 * Everything the coordinator dashboard shows, in one answer: the co-host invitations
 * (GET /api/me/cohost-invitations), the shared invitations (GET /api/me/shared-announcements) and,
 * for each cluster the reader coordinates (GET /api/me's clusters, in that order), its next 10
 * events from `from` as lists show them (GET /api/events/summaries?cluster&from&limit=10), its
 * first 50 drafts (…&status=draft&limit=50) and the first 10 of its proposals on the board
 * (GET /api/proposals?cluster&limit=10), with whether the board has more. Each part exactly as
 * those answer for the same reader.
 */
export const Dashboard = Type.Object({
  invitations: Type.Array(PendingCohostInvitation),
  sharedInvitations: Type.Array(SharedAnnouncement),
  clusters: Type.Array(
    Type.Object({
      slug: Type.String(),
      name: Type.String(),
      upcoming: EventSummaryPage,
      drafts: EventSummaryPage,
      proposals: ProposalList,
      moreProposals: Type.Boolean(),
    }),
  ),
});
export type Dashboard = Static<typeof Dashboard>;
