import type { Dashboard } from '@samverka/contracts';
import type { Db } from '@samverka/db';
import type { Actor } from './access.ts';
import { listEventSummaries, pendingCohostInvitations } from './events/event-service.ts';
import { sharedAnnouncements } from './mailings/announcement-service.ts';
import { listProposals } from './proposals/proposal-service.ts';
import { getMe } from './users-service.ts';

/** Events and proposals a cluster's section of the dashboard lists before linking to the full list. */
const ROWS = 10;
/** Drafts a cluster's section lists. */
const DRAFTS = 50;

/**
 * What the coordinator dashboard shows (contracts' Dashboard): pendingCohostInvitations,
 * sharedAnnouncements and, per cluster of getMe's `clusters`, listEventSummaries (upcoming from
 * `from`, and drafts: what the dashboard shows of an event) and listProposals, each as its own endpoint answers for the same actor, so access
 * is decided by those functions as before. The page then costs one in-process call instead of
 * five or more (three per cluster).
 *
 * @param from the first instant of the upcoming events (the reader's today, midnight in Stockholm)
 * @throws DomainError 401 `login_required` without an actor
 */
export function coordinatorDashboard(db: Db, actor: Actor | null, from: Date): Dashboard {
  const me = getMe(db, actor);
  return {
    invitations: pendingCohostInvitations(db, actor),
    sharedInvitations: sharedAnnouncements(db, actor),
    clusters: me.clusters.map((c) => {
      // One more than shown tells whether the board has more.
      const proposals = listProposals(db, actor, { cluster: c.slug, limit: ROWS + 1 });
      return {
        slug: c.slug,
        name: c.name,
        upcoming: listEventSummaries(db, actor, { cluster: c.slug, from, limit: ROWS }),
        drafts: listEventSummaries(db, actor, { cluster: c.slug, status: 'draft', limit: DRAFTS }),
        proposals: proposals.slice(0, ROWS),
        moreProposals: proposals.length > ROWS,
      };
    }),
  };
}
