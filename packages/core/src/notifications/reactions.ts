import { eq, inArray, ne, sql } from 'drizzle-orm';
import {
  clusters,
  coordinators,
  events,
  keptStatement,
  pollAnswers,
  polls,
  pollSlots,
  proposals,
  proposalThemes,
  users,
} from '@samverka/db';
import type { DomainEventHandlers, DomainEventMap, Tx } from '../domain-events.ts';
import type { Texts } from '../texts/index.ts';
import type { NotificationCategory } from './categories.ts';
import { coordinatorsOf, notify, type Recipient, type Step } from './deliver.ts';
import { notificationLinks as to } from './links.ts';
import { spokenDateTime } from '../time-format.ts';

function clusterName(tx: Tx, id: number | null): string | null {
  if (id === null) return null;
  return tx.select({ name: clusters.name }).from(clusters).where(eq(clusters.id, id)).get()?.name ?? null;
}

/** Who acted, as a line names them: their name, else "someone" in the reader's language. */
function userName(tx: Tx, id: number | null): string | null {
  if (id === null) return null;
  return tx.select({ name: users.name }).from(users).where(eq(users.id, id)).get()?.name ?? null;
}

function eventTitle(tx: Tx, id: number): string {
  // Kept: every registration and cancellation reads it.
  return (
    keptStatement(tx, 'notifications.eventTitle', (d) =>
      d
        .select({ title: events.title })
        .from(events)
        .where(eq(events.id, sql.placeholder('id')))
        .prepare(),
    ).get({ id })?.title ?? ''
  );
}

function proposalTitle(tx: Tx, id: number): string {
  return tx.select({ title: proposals.title }).from(proposals).where(eq(proposals.id, id)).get()?.title ?? '';
}

/** The poll, or undefined for a payload whose poll is not there (a test raising an event by hand): then nobody is told. */
function pollRow(tx: Tx, id: number) {
  return tx.select().from(polls).where(eq(polls.id, id)).get();
}

/**
 * A cluster showed interest in a proposal or offered to co-host it: the proposing cluster's
 * coordinators are told when the mark is set, not when it is taken back.
 */
function toldOfOffer(
  tx: Tx,
  e: DomainEventMap['proposal.interestShown'] | DomainEventMap['proposal.cohostOffered'],
  line: 'proposalInterest' | 'proposalCohostOffer',
): void {
  if (!e.on) return;
  const title = proposalTitle(tx, e.proposalId);
  const cluster = clusterName(tx, e.clusterId) ?? '';
  tell(
    tx,
    'proposal_activity',
    coordinatorsOf(tx, [e.proposingClusterId]),
    (t) => ({ line: t.notifications[line](title, cluster), url: to.proposal(e.proposalId) }),
    e,
  );
}

/** An instant as the reader's language writes a date and time, in `zone`. */
export function when(t: Texts, at: Date, zone: string): string {
  return spokenDateTime(at, zone, t.locale);
}

/** Every enabled coordinator of any cluster except those of `exceptCluster`. */
function allCoordinatorsExcept(tx: Tx, exceptCluster: number): Recipient[] {
  const own = new Set(
    tx
      .select({ userId: coordinators.userId })
      .from(coordinators)
      .where(eq(coordinators.clusterId, exceptCluster))
      .all()
      .map((r) => r.userId),
  );
  const all = tx.select({ id: clusters.id }).from(clusters).where(ne(clusters.id, exceptCluster)).all();
  return coordinatorsOf(
    tx,
    all.map((c) => c.id),
  ).filter((r) => !own.has(r.userId));
}

type Base = { actorId: number | null; now: Date };
const tell = (tx: Tx, category: NotificationCategory, recipients: Recipient[], step: (t: Texts) => Step, base: Base, themeIds?: number[]) =>
  notify(tx, category, recipients, step, { actorId: base.actorId, now: base.now, ...(themeIds ? { themeIds } : {}) });

/**
 * The notifications module's reactions, wired in reactions.ts after the registrations' (so a
 * waiting-list promotion is settled before organisers are told). Each handler finds whom a step
 * concerns from the payload and the tables, never from another module's services, and hands
 * them to notify() (deliver.ts), which applies each reader's setting. Categories:
 * - proposal_new: proposal.created, to every other cluster's coordinators following one of its themes.
 * - proposal_activity: proposal.commented, .interestShown and .cohostOffered (when turned on), to the proposing cluster's coordinators.
 * - proposal_decided: proposal.accepted and .declined, to the coordinators of the clusters that responded (interest or offer).
 * - cohost_invited: cohost.invited, to the invited cluster's coordinators.
 * - cohost_answered: cohost.accepted and .declined, to the lead cluster's coordinators.
 * - cohost_removed: cohost.removed (withdrawn while invited, or removed), to the co-host cluster's coordinators.
 * - poll_invited: poll.created, to the invited clusters' coordinators.
 * - poll_decided: poll.decided, to the invited clusters' coordinators who did not answer (those who answered get
 *   the poll's own mail with the calendar file).
 * - announcement_shared: announcement.shared, to the coordinators of the clusters shared with.
 * - event_changed: event.updated, .published and .cancelled, to the organising clusters' coordinators.
 * - registrations: registration.created and .cancelled, to the organising clusters' coordinators.
 * poll_closing and horizon_deadline come from jobs (jobs.ts), not from events.
 */
/** The lead cluster is told that a co-host accepted or declined its invitation; both answers read alike. */
function cohostAnswered(tx: Tx, e: DomainEventMap['cohost.accepted'], answer: 'accepted' | 'declined'): void {
  const title = eventTitle(tx, e.eventId);
  const cluster = clusterName(tx, e.clusterId) ?? '';
  tell(
    tx,
    'cohost_answered',
    coordinatorsOf(tx, [e.leadClusterId]),
    (t) => ({
      line: answer === 'accepted' ? t.notifications.cohostAccepted(title, cluster) : t.notifications.cohostDeclined(title, cluster),
      url: to.event(e.eventId),
    }),
    e,
  );
}

export const notificationReactions: DomainEventHandlers = {
  'proposal.created': (tx, e) => {
    const title = proposalTitle(tx, e.proposalId);
    const cluster = clusterName(tx, e.proposingClusterId) ?? '';
    const themeIds = tx
      .select({ id: proposalThemes.themeId })
      .from(proposalThemes)
      .where(eq(proposalThemes.proposalId, e.proposalId))
      .all()
      .map((r) => r.id);
    tell(
      tx,
      'proposal_new',
      allCoordinatorsExcept(tx, e.proposingClusterId),
      (t) => ({ line: t.notifications.proposalNew(title, cluster), url: to.proposal(e.proposalId) }),
      e,
      themeIds,
    );
  },
  'proposal.commented': (tx, e) => {
    const title = proposalTitle(tx, e.proposalId);
    const by = clusterName(tx, e.commenterClusterId) ?? userName(tx, e.actorId);
    tell(
      tx,
      'proposal_activity',
      coordinatorsOf(tx, [e.proposingClusterId]),
      (t) => ({ line: t.notifications.proposalCommented(title, by ?? t.notifications.someone), url: to.proposal(e.proposalId) }),
      e,
    );
  },
  'proposal.interestShown': (tx, e) => toldOfOffer(tx, e, 'proposalInterest'),
  'proposal.cohostOffered': (tx, e) => toldOfOffer(tx, e, 'proposalCohostOffer'),
  'proposal.accepted': (tx, e) => {
    const title = proposalTitle(tx, e.proposalId);
    const responding = e.clusterIds.filter((c) => c !== e.proposingClusterId);
    tell(
      tx,
      'proposal_decided',
      coordinatorsOf(tx, responding),
      (t) => ({ line: t.notifications.proposalAccepted(title), url: to.proposal(e.proposalId) }),
      e,
    );
  },
  'proposal.declined': (tx, e) => {
    const title = proposalTitle(tx, e.proposalId);
    const responding = e.clusterIds.filter((c) => c !== e.proposingClusterId);
    tell(
      tx,
      'proposal_decided',
      coordinatorsOf(tx, responding),
      (t) => ({ line: t.notifications.proposalDeclined(title, e.reason), url: to.proposal(e.proposalId) }),
      e,
    );
  },
  'cohost.invited': (tx, e) => {
    const title = eventTitle(tx, e.eventId);
    const lead = clusterName(tx, e.leadClusterId) ?? '';
    const cluster = clusterName(tx, e.clusterId) ?? '';
    tell(
      tx,
      'cohost_invited',
      coordinatorsOf(tx, [e.clusterId]),
      (t) => ({ line: t.notifications.cohostInvited(title, lead, cluster), url: to.myCluster() }),
      e,
    );
  },
  'cohost.accepted': (tx, e) => cohostAnswered(tx, e, 'accepted'),
  'cohost.declined': (tx, e) => cohostAnswered(tx, e, 'declined'),
  'cohost.removed': (tx, e) => {
    const title = eventTitle(tx, e.eventId);
    const cluster = clusterName(tx, e.clusterId) ?? '';
    const withdrawn = e.previousStatus === 'invited';
    tell(
      tx,
      'cohost_removed',
      coordinatorsOf(tx, [e.clusterId]),
      (t) => ({
        line: withdrawn ? t.notifications.cohostWithdrawn(title, cluster) : t.notifications.cohostRemoved(title, cluster),
        url: withdrawn ? to.myCluster() : to.event(e.eventId),
      }),
      e,
    );
  },
  'poll.created': (tx, e) => {
    const p = pollRow(tx, e.pollId);
    if (!p) return;
    const organiser = clusterName(tx, e.organiserClusterId) ?? '';
    const invited = e.invitedClusterIds.filter((c) => c !== e.organiserClusterId);
    tell(
      tx,
      'poll_invited',
      coordinatorsOf(tx, invited),
      (t) => ({ line: t.notifications.pollInvited(p.title, organiser, when(t, e.closesAt, p.timeZone)), url: to.poll(p.id) }),
      e,
    );
  },
  'poll.decided': (tx, e) => {
    const p = pollRow(tx, e.pollId);
    if (!p) return;
    const slot = tx.select().from(pollSlots).where(eq(pollSlots.id, e.slotId)).get();
    const slotIds = tx
      .select({ id: pollSlots.id })
      .from(pollSlots)
      .where(eq(pollSlots.pollId, p.id))
      .all()
      .map((s) => s.id);
    const answered = new Set(
      slotIds.length
        ? tx
            .selectDistinct({ userId: pollAnswers.userId })
            .from(pollAnswers)
            .where(inArray(pollAnswers.slotId, slotIds))
            .all()
            .map((r) => r.userId)
        : [],
    );
    const invited = e.clusterIds.filter((c) => c !== e.organiserClusterId);
    tell(
      tx,
      'poll_decided',
      coordinatorsOf(tx, invited).filter((r) => !answered.has(r.userId)),
      (t) => ({
        line: t.notifications.pollDecided(p.title, slot ? when(t, slot.startsAt, p.timeZone) : ''),
        url: to.event(e.eventId),
      }),
      e,
    );
  },
  'announcement.shared': (tx, e) => {
    const title = eventTitle(tx, e.eventId);
    const from = clusterName(tx, e.fromClusterId) ?? '';
    tell(
      tx,
      'announcement_shared',
      coordinatorsOf(tx, e.toClusterIds),
      (t) => ({ line: t.notifications.announcementShared(title, from), url: to.myCluster() }),
      e,
    );
  },
  'event.updated': (tx, e) => eventChanged(tx, e, 'eventChanged'),
  'event.published': (tx, e) => eventChanged(tx, e, 'eventPublished'),
  'event.cancelled': (tx, e) => eventChanged(tx, e, 'eventCancelled'),
  'registration.created': (tx, e) => {
    const title = eventTitle(tx, e.eventId);
    tell(
      tx,
      'registrations',
      coordinatorsOf(tx, e.clusterIds),
      (t) => ({ line: t.notifications.registrationCreated(title, e.status === 'waitlisted'), url: to.attendees(e.eventId) }),
      e,
    );
  },
  'registration.cancelled': (tx, e) => {
    const title = eventTitle(tx, e.eventId);
    tell(
      tx,
      'registrations',
      coordinatorsOf(tx, e.clusterIds),
      (t) => ({ line: t.notifications.registrationCancelled(title), url: to.attendees(e.eventId) }),
      e,
    );
  },
};

/** event_changed: told to the organisers' coordinators (the payload's clusterIds), never to the one who changed it. */
function eventChanged(
  tx: Tx,
  e: Base & { eventId: number; clusterIds: number[] },
  which: 'eventChanged' | 'eventPublished' | 'eventCancelled',
): void {
  const title = eventTitle(tx, e.eventId);
  const by = userName(tx, e.actorId);
  tell(
    tx,
    'event_changed',
    coordinatorsOf(tx, e.clusterIds),
    (t) => ({ line: t.notifications[which](title, by ?? t.notifications.someone), url: to.event(e.eventId) }),
    e,
  );
}
