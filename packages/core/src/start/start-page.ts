import { and, asc, count, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { clusters, newsletters, pollAnswers, pollClusters, polls, pollSlots, proposalResponses, proposals, type Db } from '@samverka/db';
import { canCoordinate, coordinatedClusters, type Actor } from '../access.ts';
import type {
  Event as EventView,
  HorizonItem as HorizonView,
  Newsletter as NewsletterView,
  PendingCohostInvitation,
} from '@samverka/contracts';
import { listEvents, pendingCohostInvitations } from '../events/event-service.ts';
import { listHorizonItems } from '../horizon/horizon-service.ts';
import { getNewsletter } from '../mailings/newsletter-service.ts';
import { todayIn } from '../past-dates.ts';

/** How many of each list the start page shows; the rest is one link away (calendar, board, archive). */
export const START_PAGE_LIMITS = { events: 5, deadlines: 5, deadlineDays: 30 } as const;

interface ClusterRef {
  slug: string;
  name: string;
}

/** What waits for a coordinator, for the clusters they coordinate (an admin's own clusters, not the whole network). */
export interface CoordinatorQueue {
  /** Co-host invitations not yet answered. */
  invitations: PendingCohostInvitation[];
  /** Open polls that invite one of the clusters, which has not answered every time yet; soonest closing first. */
  polls: { id: number; title: string; closesAt: string; clusters: ClusterRef[] }[];
  /** Open proposals of the clusters with offers to co-host, waiting for their decision; newest first. */
  proposals: { id: number; title: string; cluster: ClusterRef; offers: ClusterRef[] }[];
}

export interface StartPage {
  /** The next published events (and cancelled ones, marked), from now on, soonest first. */
  upcoming: EventView[];
  /** Horizon-scanning items whose deadline is from today (in Sweden) within START_PAGE_LIMITS.deadlineDays days. */
  closingSoon: HorizonView[];
  /** The newest sent newsletter, or null. */
  latestNewsletter: NewsletterView | null;
  /** For someone who coordinates a cluster; null for visitors, participants and admins without a cluster. */
  waiting: CoordinatorQueue | null;
}

/**
 * The start page's content: what happens next in the network for everyone, and for a logged-in
 * coordinator what waits for them. Read-only; visitors may call it (null actor).
 */
export function startPage(db: Db, actor: Actor | null, now = new Date()): StartPage {
  const upcoming = listEvents(db, actor, { from: now, limit: START_PAGE_LIMITS.events }).events;
  const closingSoon = listHorizonItems(db, actor, { closingWithinDays: START_PAGE_LIMITS.deadlineDays, today: todayIn(now) }).slice(
    0,
    START_PAGE_LIMITS.deadlines,
  );
  // One row, not the archive: the start page is the most visited page.
  const newest = db
    .select({ id: newsletters.id })
    .from(newsletters)
    .where(eq(newsletters.status, 'sent'))
    .orderBy(desc(newsletters.sentAt), desc(newsletters.id))
    .limit(1)
    .get();
  let latestNewsletter: NewsletterView | null = null;
  if (newest) {
    const { html: _html, text: _text, ...view } = getNewsletter(db, actor, newest.id);
    latestNewsletter = view;
  }
  const mine = coordinatedClusters(actor);
  const waiting = canCoordinate(actor) && mine.length > 0 ? coordinatorQueue(db, actor, mine, now) : null;
  return { upcoming, closingSoon, latestNewsletter, waiting };
}

function coordinatorQueue(db: Db, actor: Actor | null, mine: readonly number[], now: Date): CoordinatorQueue {
  const names = new Map(
    db
      .select({ id: clusters.id, slug: clusters.slug, name: clusters.name })
      .from(clusters)
      .where(inArray(clusters.id, [...mine]))
      .all()
      .map((c) => [c.id, { slug: c.slug, name: c.name }]),
  );

  // Open polls inviting my clusters, with how many of their slots each of my clusters answered.
  const slotCount = db
    .select({ pollId: pollSlots.pollId, n: count().as('n') })
    .from(pollSlots)
    .groupBy(pollSlots.pollId)
    .as('slot_count');
  const invited = db
    .select({
      id: polls.id,
      title: polls.title,
      closesAt: polls.closesAt,
      clusterId: pollClusters.clusterId,
      slots: slotCount.n,
      answered: sql<number>`(select count(*) from ${pollAnswers} pa join ${pollSlots} ps on ps.id = pa.slot_id
        where ps.poll_id = ${polls.id} and pa.cluster_id = ${pollClusters.clusterId})`,
    })
    .from(pollClusters)
    .innerJoin(polls, eq(polls.id, pollClusters.pollId))
    .innerJoin(slotCount, eq(slotCount.pollId, polls.id))
    .where(and(inArray(pollClusters.clusterId, [...mine]), isNull(polls.finalSlotId), gt(polls.closesAt, now)))
    .orderBy(asc(polls.closesAt), asc(polls.id))
    .all()
    .filter((r) => r.answered < r.slots);
  const pollsToAnswer = new Map<number, CoordinatorQueue['polls'][number]>();
  for (const r of invited) {
    const entry = pollsToAnswer.get(r.id) ?? { id: r.id, title: r.title, closesAt: r.closesAt.toISOString(), clusters: [] };
    entry.clusters.push(names.get(r.clusterId)!);
    pollsToAnswer.set(r.id, entry);
  }

  const open = db
    .select({ id: proposals.id, title: proposals.title, clusterId: proposals.clusterId })
    .from(proposals)
    .where(and(eq(proposals.status, 'open'), inArray(proposals.clusterId, [...mine])))
    .orderBy(sql`${proposals.createdAt} desc`, sql`${proposals.id} desc`)
    .all();
  const offers = open.length
    ? db
        .select({ proposalId: proposalResponses.proposalId, slug: clusters.slug, name: clusters.name })
        .from(proposalResponses)
        .innerJoin(clusters, eq(clusters.id, proposalResponses.clusterId))
        .where(
          and(
            inArray(
              proposalResponses.proposalId,
              open.map((p) => p.id),
            ),
            eq(proposalResponses.kind, 'cohost'),
          ),
        )
        .orderBy(asc(proposalResponses.createdAt))
        .all()
    : [];
  const withOffers = open
    .map((p) => ({
      id: p.id,
      title: p.title,
      cluster: names.get(p.clusterId)!,
      offers: offers.filter((o) => o.proposalId === p.id).map((o) => ({ slug: o.slug, name: o.name })),
    }))
    .filter((p) => p.offers.length > 0);

  return { invitations: pendingCohostInvitations(db, actor), polls: [...pollsToAnswer.values()], proposals: withOffers };
}
