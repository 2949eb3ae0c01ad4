import type { Db, EventStatus } from '@samverka/db';

/**
 * Domain events: what happened in one module, told to the modules that react to it, so that no
 * module calls another's reactions (and none imports another in a circle). The bus is
 * synchronous and runs every handler inside the transaction of the change that raised the
 * event: a seat taken from the waiting list, a mail put in the outbox and the change itself
 * commit together or not at all.
 *
 * Subscriptions are made in one place, reactions.ts, which every entry point loads through
 * index.ts (and core's tests through their helper).
 */

/** The transaction a change runs in; handlers get it and write through it. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * What every domain event carries: enough for a listener (the registrations module, the coming
 * notifications) to decide whom it concerns without asking the service that raised it.
 */
export interface DomainEventBase {
  /** users.id of whoever acted; null for an anonymous participant acting through their link. */
  actorId: number | null;
  /**
   * clusters.id of the clusters the step concerns, without duplicates: for an event its
   * organising clusters (lead and accepted co-hosts) plus any cluster the step is about; for a
   * proposal, poll or item the clusters taking part. Each payload's doc says which.
   */
  clusterIds: number[];
  /** The instant of the change, as the service was given it. */
  now: Date;
}

/** A payload's clusterIds: the ids given, in order, without nulls and duplicates. */
export function concerned(...ids: (number | null | undefined)[]): number[] {
  return [...new Set(ids.filter((id): id is number => id !== null && id !== undefined))];
}

/** A field of an event as the audit log records its change: [before, after], instants as ISO strings, themes as ids. */
export type FieldChanges = Record<string, [unknown, unknown]>;

// ---- Events (events/event-service.ts) ----

/** An event was inserted: by createEvent, a series, an accepted proposal or a decided poll. clusterIds: the lead. */
export interface EventCreated extends DomainEventBase {
  eventId: number;
  leadClusterId: number;
  /** 'draft', or 'published' for a series created published (a decided poll is always a draft). */
  status: EventStatus;
  seriesId: number | null;
}

/** Fields of an event changed (updateEvent, or editing a series from one occurrence on). clusterIds: the organisers. */
export interface EventUpdated extends DomainEventBase {
  eventId: number;
  /** Every changed field (column names, and 'themes'), as recorded in the audit log. */
  changes: FieldChanges;
  /** The revision after the change (ICS SEQUENCE); raised only when time, place or status changed. */
  revision: number;
  /** 'series_updated' when the change came from editing "this and following" of a series. */
  action: 'updated' | 'series_updated';
}

/** The time or place of a published event changed; follows event.updated. clusterIds: the organisers. */
export interface EventMoved extends DomainEventBase {
  eventId: number;
  /** The time and place fields that changed (a subset of REVISION_FIELDS, never 'status'). */
  fields: string[];
}

/** A draft was published. An event inserted as published announces itself by event.created instead. clusterIds: the organisers. */
export interface EventPublished extends DomainEventBase {
  eventId: number;
}

/** An event was cancelled (from draft or published). clusterIds: the organisers. */
export interface EventCancelled extends DomainEventBase {
  eventId: number;
  /** Why, as participants are told; one line, at most 500 characters. */
  reason: string;
}

/**
 * An event is being deleted. Raised just before the row goes, in the same transaction, so
 * handlers can still read the event, its organisers and its registrations (which the delete
 * removes with it). clusterIds: the organisers.
 */
export interface EventDeleted extends DomainEventBase {
  eventId: number;
  title: string;
  /** The status it had: drafts are deleted by their organisers, anything else only by an admin. */
  status: EventStatus;
}

/** The capacity of an event changed (in any status); follows event.updated. clusterIds: the organisers. */
export interface EventCapacityChanged extends DomainEventBase {
  eventId: number;
  /** Seats before and after; null is unlimited. */
  from: number | null;
  to: number | null;
  /** Present when the organiser chose to move confirmed registrations beyond `to` to the top of the waiting list. */
  moveExcessToWaitlist?: true;
}

// ---- Co-hosts (events/event-service.ts; also proposals and polls, which invite when they create the event) ----

/** Base of the co-host steps. clusterIds: the organisers and the co-host cluster. */
export interface CohostStep extends DomainEventBase {
  eventId: number;
  /** The co-host cluster the step is about. */
  clusterId: number;
  leadClusterId: number;
}

/** A cluster was invited to co-host (again, if it had declined). */
export interface CohostInvited extends CohostStep {
  /** 'invitation': by the lead; 'proposal': it offered to co-host an accepted proposal; 'poll': it said yes or maybe to the decided time. */
  via: 'invitation' | 'proposal' | 'poll';
}

/** The co-host cluster's coordinator (or an admin) accepted or declined. */
export type CohostAnswered = CohostStep;

/** The lead removed a co-host; previousStatus 'invited' means the invitation was withdrawn before an answer. */
export interface CohostRemoved extends CohostStep {
  previousStatus: 'invited' | 'accepted' | 'declined';
}

// ---- Registrations (registrations/registration-service.ts) ----

/** Base of the registration steps; actorId is null (participants act through their link). clusterIds: the event's organisers. */
export interface RegistrationStep extends DomainEventBase {
  registrationId: number;
  eventId: number;
}

/** A registration was made, or a cancelled one taken up again. A repeated registration of the same address raises nothing. */
export interface RegistrationCreated extends RegistrationStep {
  status: 'confirmed' | 'waitlisted';
  /** 1-based place on the waiting list; null when confirmed. */
  position: number | null;
}

/** A confirmed or waitlisted registration was cancelled, by the participant or by the deletion of their data. */
export interface RegistrationCancelled extends RegistrationStep {
  previousStatus: 'confirmed' | 'waitlisted';
}

/** A waitlisted registration got a seat (after a cancellation or more capacity). */
export type RegistrationPromoted = RegistrationStep;

/** The participant deleted their personal data; the row remains, anonymous, for statistics. */
export type RegistrationErased = RegistrationStep;

// ---- Proposals (proposals/proposal-service.ts) ----

/** Base of the proposal steps. */
export interface ProposalStep extends DomainEventBase {
  proposalId: number;
  proposingClusterId: number;
}

/** clusterIds: the proposing cluster. */
export type ProposalCreated = ProposalStep;

/** clusterIds: the proposing cluster and every cluster that has shown interest or offered to co-host. */
export interface ProposalCommented extends ProposalStep {
  commentId: number;
  /** The cluster the comment is signed with (the commenter's first), null for an admin without one. */
  commenterClusterId: number | null;
}

/** Interest shown, or co-hosting offered, for a cluster; raised only when that changed. clusterIds: proposing and responding. */
export interface ProposalResponded extends ProposalStep {
  /** The responding cluster. */
  clusterId: number;
  /** false: the cluster took its response back. */
  on: boolean;
}

/** The proposal became a draft event; clusterIds: the proposing cluster and every responding cluster. */
export interface ProposalAccepted extends ProposalStep {
  eventId: number;
  /** The clusters that offered to co-host, now invited as co-hosts (each also raises cohost.invited). */
  cohostClusterIds: number[];
}

/** clusterIds: the proposing cluster and every responding cluster. */
export interface ProposalDeclined extends ProposalStep {
  reason: string;
}

// ---- Polls (polls/poll-service.ts) ----

/** Base of the poll steps. */
export interface PollStep extends DomainEventBase {
  pollId: number;
  organiserClusterId: number;
}

/** clusterIds: the organising and the invited clusters. */
export interface PollCreated extends PollStep {
  invitedClusterIds: number[];
  closesAt: Date;
}

/** A coordinator answered (or changed the answers) for one cluster. clusterIds: the organising and the answering cluster. */
export interface PollAnswered extends PollStep {
  clusterId: number;
  answers: { slotId: number; answer: 'yes' | 'maybe' | 'no' }[];
}

/** The time was decided and the event created (event.created and cohost.invited are raised too). clusterIds: organiser and invited. */
export interface PollDecided extends PollStep {
  slotId: number;
  eventId: number;
  /** The clusters that said yes or maybe to the chosen time, invited as co-hosts. */
  cohostClusterIds: number[];
}

/**
 * The organiser changed an undecided poll: times added or the closing time moved (extended, or
 * closed now). clusterIds: organiser and invited.
 */
export interface PollUpdated extends PollStep {
  /** poll_slots.id of the times added (empty when only the deadline moved). */
  addedSlotIds: number[];
  /** The closing time before and after (equal when only times were added). */
  closesAt: { from: Date; to: Date };
  /** The poll's title, so a mail can name it without reading the poll. */
  title: string;
}

/**
 * The organiser removed a candidate time; its answers are gone (the voters were mailed in the
 * same transaction). clusterIds: organiser and invited.
 */
export interface PollSlotRemoved extends PollStep {
  slotId: number;
  startsAt: Date;
  endsAt: Date;
  title: string;
  /** The answers the time had, as they were: cluster, answer and who gave it (users.id or null). */
  removedAnswers: { clusterId: number; userId: number | null; answer: 'yes' | 'maybe' | 'no' }[];
}

/** An invitee or the organiser wrote in the poll's thread. clusterIds: organiser and invited. */
export interface PollCommented extends PollStep {
  commentId: number;
  /** The cluster the author wrote for (their first among the poll's clusters), or null for an admin outside them. */
  commenterClusterId: number | null;
  title: string;
}

// ---- Announcements (mailings/announcement-service.ts) ----

/** A cluster mailed a published event to its followers and the event's theme followers. clusterIds: the sending cluster. */
export interface AnnouncementSent extends DomainEventBase {
  eventId: number;
  clusterId: number;
  /** Subscribers mailed now (those who had it already are skipped). */
  recipients: number;
}

/** An organising cluster shared the announcement; raised only when some cluster got a new share. clusterIds: from and to. */
export interface AnnouncementShared extends DomainEventBase {
  eventId: number;
  fromClusterId: number;
  /** The clusters newly shared with (not the sharing cluster, not those shared with before). */
  toClusterIds: number[];
}

/** A cluster the announcement was shared with passed it on to its followers. clusterIds: that cluster and the sharing one. */
export interface AnnouncementPassedOn extends DomainEventBase {
  eventId: number;
  clusterId: number;
  sharedByClusterId: number;
  recipients: number;
}

// ---- Horizon scanning (horizon/horizon-service.ts) ----

/** clusterIds: the posting cluster, or none for the secretariat's items. */
export interface HorizonItemCreated extends DomainEventBase {
  itemId: number;
  clusterId: number | null;
  /** YYYY-MM-DD, or null. */
  deadline: string | null;
}

/** A cluster marked an item relevant (or took it back); raised only when that changed. clusterIds: marking and posting cluster. */
export interface HorizonMarkedRelevant extends DomainEventBase {
  itemId: number;
  clusterId: number;
  on: boolean;
  postingClusterId: number | null;
  /** users.id of who posted the item, so an admin's item without a cluster still has someone to tell. */
  postedBy: number | null;
}

/** Every domain event: name → payload. Adding an event here makes emit and subscribe check it. */
export interface DomainEventMap {
  'event.created': EventCreated;
  'event.updated': EventUpdated;
  'event.moved': EventMoved;
  'event.published': EventPublished;
  'event.cancelled': EventCancelled;
  'event.deleted': EventDeleted;
  'event.capacityChanged': EventCapacityChanged;
  'cohost.invited': CohostInvited;
  'cohost.accepted': CohostAnswered;
  'cohost.declined': CohostAnswered;
  'cohost.removed': CohostRemoved;
  'registration.created': RegistrationCreated;
  'registration.cancelled': RegistrationCancelled;
  'registration.promoted': RegistrationPromoted;
  'registration.erased': RegistrationErased;
  'proposal.created': ProposalCreated;
  'proposal.commented': ProposalCommented;
  'proposal.interestShown': ProposalResponded;
  'proposal.cohostOffered': ProposalResponded;
  'proposal.accepted': ProposalAccepted;
  'proposal.declined': ProposalDeclined;
  'poll.created': PollCreated;
  'poll.answered': PollAnswered;
  'poll.decided': PollDecided;
  'poll.updated': PollUpdated;
  'poll.slotRemoved': PollSlotRemoved;
  'poll.commented': PollCommented;
  'announcement.sent': AnnouncementSent;
  'announcement.shared': AnnouncementShared;
  'announcement.passedOn': AnnouncementPassedOn;
  'horizon.itemCreated': HorizonItemCreated;
  'horizon.markedRelevant': HorizonMarkedRelevant;
}

export type DomainEventName = keyof DomainEventMap;

/**
 * Reacts to one event inside the caller's transaction. It must finish synchronously (better-sqlite3
 * transactions cannot await) and may throw: the error rolls the whole change back.
 */
export type DomainEventHandler<K extends DomainEventName> = (tx: Tx, payload: DomainEventMap[K]) => void;

/** A module's reactions, one handler per event it cares about, for subscribeAll. */
export type DomainEventHandlers = { [K in DomainEventName]?: DomainEventHandler<K> };

const handlers = new Map<DomainEventName, DomainEventHandler<never>[]>();

/**
 * Adds a handler for one event, after those already subscribed (handlers run in subscription
 * order). Returns a function that removes it again, for tests.
 */
export function subscribe<K extends DomainEventName>(name: K, handler: DomainEventHandler<K>): () => void {
  const list = handlers.get(name) ?? [];
  list.push(handler as DomainEventHandler<never>);
  handlers.set(name, list);
  return () => {
    const i = list.indexOf(handler as DomainEventHandler<never>);
    if (i >= 0) list.splice(i, 1);
  };
}

/** Subscribes every handler of a module's reactions; returns one function that removes them all. */
export function subscribeAll(reactions: DomainEventHandlers): () => void {
  const offs = (Object.keys(reactions) as DomainEventName[]).map((name) =>
    subscribe(name, reactions[name] as DomainEventHandler<typeof name>),
  );
  return () => {
    for (const off of offs) off();
  };
}

/**
 * Tells every handler of `name`, in subscription order, inside `tx`, before emit returns. Call it
 * in the transaction of the change, after the change is written (handlers read the new state),
 * and only once the change is certain: a refused request raises nothing. A handler's error
 * propagates to the caller, so the transaction, and with it the change and every handler's
 * writes (outbox mails included), rolls back. Handlers subscribed while an event is being told
 * hear only the next one. An event a handler raises is told in full before the handlers after it
 * hear the first (registration.promoted, raised by the reaction to event.capacityChanged,
 * reaches a later subscriber before event.capacityChanged does).
 *
 * @throws whatever a handler throws; an Error when a handler returns a promise, whose work would
 *   escape the transaction.
 */
export function emit<K extends DomainEventName>(tx: Tx, name: K, payload: DomainEventMap[K]): void {
  const list = handlers.get(name);
  if (!list) return;
  for (const handler of [...list] as DomainEventHandler<K>[]) {
    const result: unknown = handler(tx, payload);
    if (result !== undefined && typeof (result as { then?: unknown }).then === 'function')
      throw new Error(`A handler of ${name} returned a promise; domain event handlers must finish inside the transaction`);
  }
}
