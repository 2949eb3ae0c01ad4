import {
  type AuditEntry,
  type Clash,
  type EventBrief,
  type EventBriefPage,
  type EventPage,
  type EventQuery,
  type EventSummary,
  type EventSummaryPage,
  type Event as EventView,
  type EventWithClashes,
  LIMITS,
  type PendingCohostInvitation,
} from '@samverka/contracts';
import { and, asc, eq, gt, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import {
  clusters,
  counties,
  eventAudit,
  eventOrganisers,
  events,
  eventThemes,
  registrations,
  keptSql,
  keptStatement,
  rowReader,
  themes,
  type Db,
  type Event,
  type EventStatus,
} from '@samverka/db';
import { actsForNetwork, assertActsFor, coordinatedClusters, requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden } from '../errors.ts';
import { singleLine } from '../escape.ts';
import { IN_THE_PAST, inThePast } from '../past-dates.ts';
import {
  canAnswerCohostInvitation,
  canDeleteEvent,
  canInviteCohosts,
  canManageEvent,
  canSeeEvent,
  listedVisibilities,
  unlistedInListsFor,
  type OrganiserRef,
} from './event-access.ts';
import type { EventPatchBody } from '@samverka/contracts';
import {
  fieldsOf,
  leadClusterId,
  resolveEventFields,
  REVISION_FIELDS,
  type EventColumns,
  type EventFields,
  type EventInput,
} from './event-input.ts';
import { eventTiming, loadOrganisersAndCounties, loadRelated, organiserRefs, organisingClusterIds, toEventView } from './event-view.ts';
import { longestEventMs } from './event-span.ts';
import { concerned, emit, type Tx } from '../domain-events.ts';

/** A stable UID (RFC 5545 §3.8.4.7): globally unique, set once, never derived from changeable data. */
export function newEventUid(): string {
  return `${randomUUID()}@samverka`;
}

function eventRow(db: Db | Tx, id: number): Event {
  const row = keptStatement(db, 'events.row', (d) =>
    d
      .select()
      .from(events)
      .where(eq(events.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
  if (!row) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  return row;
}

export function getEvent(db: Db, actor: Actor | null, id: number): EventView {
  const row = eventRow(db, id);
  const related = loadRelated(db, [row], true);
  if (!canSeeEvent(actor, row.status, related.organisers.get(row.id) ?? [], row.visibility)) {
    // Drafts of other clusters, and internal events to those outside, are not acknowledged to exist.
    throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  }
  return toEventView(row, related, actor);
}

function viewOne(db: Db, actor: Actor | null, id: number): EventView {
  const row = eventRow(db, id);
  return toEventView(row, loadRelated(db, [row], true), actor);
}

/**
 * findClashes for several times at once, in one statement: `result[i]` holds what
 * findClashes(db, times[i].startsAt, times[i].endsAt, excludeId) gives (the first 20 by start,
 * ties by id). A poll page asks for each of its candidate times; one statement instead of one
 * per time.
 */
export function findClashesOfTimes(db: Db, times: readonly { startsAt: Date; endsAt: Date }[], excludeId?: number): Clash[][] {
  const result = times.map((): Clash[] => []);
  if (times.length === 0) return result;
  // Each time seeks the (status, start) index on its own range (CROSS JOIN keeps the times outer:
  // otherwise the planner walks every published event and probes the times); the window keeps
  // each time's first 20.
  const statement = keptSql<[number, number, string, number, number, string]>(
    db,
    `select i, id, title, starts_at, ends_at, lead from (
          select t.key as i, e.id, e.title, e.starts_at, e.ends_at, c.name as lead,
            row_number() over (partition by t.key order by e.starts_at, e.id) as n
          from json_each(@times) t
          cross join events e on e.status = 'published' and e.visibility in ('public', 'internal')
            and e.starts_at < (t.value ->> 1) and e.ends_at > (t.value ->> 0)
            and e.starts_at > (t.value ->> 0) - @longest and e.id <> @excludeId
          join clusters c on c.id = e.lead_cluster_id
        ) where n <= 20 order by i, starts_at, id`,
    true,
  );
  const rows = statement.all({
    // Instants as the milliseconds the columns store.
    times: JSON.stringify(times.map((t) => [t.startsAt.getTime(), t.endsAt.getTime()])),
    longest: longestEventMs(db),
    excludeId: excludeId || 0,
  });
  for (const [i, id, title, startsAt, endsAt, lead] of rows)
    result[i]!.push({ id, title, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString(), lead });
  return result;
}

/** Published events of the network that overlap [start, end), other than the event itself; unlisted ones only of its own organisers are left out. */
export function findClashes(db: Db, startsAt: Date, endsAt: Date, excludeId?: number): Clash[] {
  // Kept: a poll page asks once per candidate time.
  const rows = keptStatement(
    db,
    'events.clashes',
    (d) =>
      d
        .select({ id: events.id, title: events.title, startsAt: events.startsAt, endsAt: events.endsAt, lead: clusters.name })
        .from(events)
        .innerJoin(clusters, eq(clusters.id, events.leadClusterId))
        .where(
          and(
            eq(events.status, 'published'),
            // Clashes are shown to coordinators: public and internal events, never unlisted ones.
            inArray(events.visibility, ['public', 'internal']),
            lt(events.startsAt, sql.placeholder('endsAt')),
            gt(events.endsAt, sql.placeholder('startsAt')),
            // Implied by the line above; lets the start index seek instead of scanning every earlier event.
            gt(events.startsAt, sql.placeholder('floor')),
            // No event has id 0: without an event to leave out, nothing is left out.
            ne(events.id, sql.placeholder('excludeId')),
          ),
        )
        .orderBy(asc(events.startsAt))
        .limit(20)
        .prepare(),
    // Placeholders are bound as given: instants as the milliseconds the columns store.
  ).all({
    startsAt: startsAt.getTime(),
    endsAt: endsAt.getTime(),
    floor: startsAt.getTime() - longestEventMs(db),
    excludeId: excludeId || 0,
  });
  return rows.map(
    (r): Clash => ({ id: r.id, title: r.title, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString(), lead: r.lead }),
  );
}

function audit(tx: Tx, eventId: number, actor: Actor | null, action: string, changes: Record<string, [unknown, unknown]>, now: Date) {
  tx.insert(eventAudit)
    .values({ eventId, userId: actor?.userId ?? null, at: now, action, changes })
    .run();
}

function serialisable(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

function setThemes(tx: Tx, eventId: number, themeIds: number[]) {
  tx.delete(eventThemes).where(eq(eventThemes.eventId, eventId)).run();
  for (const themeId of themeIds) tx.insert(eventThemes).values({ eventId, themeId }).run();
}

/** Inserts an event with its lead and themes, and raises event.created; used by create, series, proposal acceptance and polls. */
export function insertEvent(
  tx: Tx,
  actor: Actor,
  leadId: number,
  cols: EventColumns,
  now: Date,
  extra: { seriesId?: number; status?: EventStatus } = {},
): number {
  const { themeIds, ...columns } = cols;
  const row = tx
    .insert(events)
    .values({
      ...columns,
      uid: newEventUid(),
      status: extra.status ?? 'draft',
      leadClusterId: leadId,
      seriesId: extra.seriesId ?? null,
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: events.id })
    .get();
  tx.insert(eventOrganisers)
    .values({
      eventId: row.id,
      clusterId: leadId,
      role: 'lead',
      status: 'accepted',
      invitedBy: actor.userId,
      invitedAt: now,
      respondedAt: now,
    })
    .run();
  setThemes(tx, row.id, themeIds);
  audit(tx, row.id, actor, 'created', { status: [null, extra.status ?? 'draft'], startsAt: [null, columns.startsAt.toISOString()] }, now);
  emit(tx, 'event.created', {
    actorId: actor.userId,
    clusterIds: [leadId],
    now,
    eventId: row.id,
    leadClusterId: leadId,
    status: extra.status ?? 'draft',
    seriesId: extra.seriesId ?? null,
  });
  return row.id;
}

/** The actor may create events led by the cluster: 401 for nobody, 403 unless they act for it. */
export function assertCoordinatesLead(actor: Actor | null, leadId: number): Actor {
  return assertActsFor(actor, leadId, 'You can only create events for a cluster you coordinate');
}

/**
 * A coordinator (or admin) creates a draft led by a cluster they coordinate; raises event.created.
 * Throws 401 without an actor, 403 for another cluster, 400 for invalid fields.
 */
export function createEvent(db: Db, actor: Actor | null, input: EventInput, now = new Date()): EventWithClashes {
  const a = requireActor(actor);
  const leadId = leadClusterId(db, input.leadCluster);
  assertCoordinatesLead(a, leadId);
  const cols = resolveEventFields(db, input);
  const id = db.transaction((tx) => insertEvent(tx, a, leadId, cols, now));
  return { event: viewOne(db, a, id), clashes: findClashes(db, cols.startsAt, cols.endsAt, id) };
}

/** The refusal for someone who may not act on an event: 404 for a draft they may not even see (as getEvent answers), else 403. */
function refusal(db: Db | Tx, actor: Actor, eventId: number, refs: OrganiserRef[], message: string): DomainError {
  const row = eventRow(db, eventId);
  if (!canSeeEvent(actor, row.status, refs, row.visibility))
    return new DomainError('not_found', 'unknown_event', `There is no event ${eventId}`);
  return forbidden(message);
}

function assertCanManage(db: Db | Tx, actor: Actor | null, eventId: number): Actor {
  const a = requireActor(actor);
  const refs = organiserRefs(db as Db, eventId);
  if (!canManageEvent(a, refs)) throw refusal(db, a, eventId, refs, 'Only the organising clusters of this event may change it');
  return a;
}

function currentFields(db: Db, row: Event): Required<EventFields> {
  const themeSlugs = db
    .select({ slug: themes.slug })
    .from(eventThemes)
    .innerJoin(themes, eq(themes.id, eventThemes.themeId))
    .where(eq(eventThemes.eventId, row.id))
    .all()
    .map((t) => t.slug);
  const county =
    row.countyId !== null ? db.select({ slug: counties.slug }).from(counties).where(eq(counties.id, row.countyId)).get() : undefined;
  return fieldsOf(row, themeSlugs, county?.slug ?? null);
}

/**
 * Applies a patch inside a transaction: validates the merged event, records what changed in the
 * audit log, and raises the revision when time, place or status changed. Raises event.updated,
 * then event.moved (time or place of a published event) and event.capacityChanged as they apply.
 */
export function applyEventPatch(
  tx: Tx,
  db: Db,
  actor: Actor,
  row: Event,
  patch: EventFields,
  now: Date,
  action: 'updated' | 'series_updated' = 'updated',
  opts: { moveExcessToWaitlist?: boolean } = {},
): EventColumns {
  if (row.status === 'cancelled') throw new DomainError('conflict', 'event_cancelled', 'A cancelled event cannot be changed');
  const merged = { ...currentFields(db, row), ...stripUndefined(patch) };
  // Switching between all-day and timed keeps the dates the user sees.
  const cols = resolveEventFields(db, merged as EventInput);
  const { themeIds, ...next } = cols;
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(next)) {
    const before = serialisable(row[k as keyof Event]);
    const after = serialisable(v);
    if (before !== after) changes[k] = [before, after];
  }
  const oldThemes = db
    .select({ id: eventThemes.themeId })
    .from(eventThemes)
    .where(eq(eventThemes.eventId, row.id))
    .all()
    .map((t) => t.id)
    .sort();
  const newThemes = [...themeIds].sort();
  if (oldThemes.join() !== newThemes.join()) changes.themes = [oldThemes, newThemes];
  if (Object.keys(changes).length === 0) return cols;
  if ('capacity' in changes && next.capacity !== null) {
    const confirmed = confirmedCount(tx, row.id);
    if (confirmed > next.capacity && !opts.moveExcessToWaitlist)
      throw new DomainError(
        'conflict',
        'capacity_below_confirmed',
        `${confirmed} people already have a confirmed seat; choose at least ${confirmed} seats, or move the ${confirmed - next.capacity} latest to the top of the waiting list`,
        [
          {
            field: 'capacity',
            code: 'below_confirmed',
            message: `${confirmed} seats are already confirmed`,
            params: { min: confirmed },
          },
        ],
      );
  }
  const bump = REVISION_FIELDS.some((f) => f in changes);
  tx.update(events)
    .set({ ...next, updatedAt: now, revision: bump ? row.revision + 1 : row.revision })
    .where(eq(events.id, row.id))
    .run();
  if (changes.themes) setThemes(tx, row.id, themeIds);
  audit(tx, row.id, actor, action, changes, now);
  // The registrations module reacts in this transaction: registrants hear of a new time or place
  // (with the updated .ics), and more seats move people up from the waiting list.
  const updated = eventRow(tx, row.id);
  const base = { actorId: actor.userId, clusterIds: organisingClusterIds(tx, row.id), now, eventId: row.id };
  emit(tx, 'event.updated', { ...base, changes, revision: updated.revision, action });
  const moved = REVISION_FIELDS.filter((f) => f !== 'status' && f in changes);
  if (updated.status === 'published' && moved.length > 0) emit(tx, 'event.moved', { ...base, fields: moved });
  if ('capacity' in changes)
    emit(tx, 'event.capacityChanged', {
      ...base,
      from: row.capacity,
      to: updated.capacity,
      ...(opts.moveExcessToWaitlist ? { moveExcessToWaitlist: true as const } : {}),
    });
  return cols;
}

/** Registrations holding a seat: the floor for a new capacity. */
function confirmedCount(db: Db | Tx, eventId: number): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(registrations)
      .where(and(eq(registrations.eventId, eventId), eq(registrations.status, 'confirmed')))
      .get()?.n ?? 0
  );
}

/** Confirmed and waitlisted registrations: a published event that has any is cancelled (which tells them), not deleted. */
function activeRegistrationCount(db: Db | Tx, eventId: number): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(registrations)
      .where(and(eq(registrations.eventId, eventId), inArray(registrations.status, ['confirmed', 'waitlisted'])))
      .get()?.n ?? 0
  );
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Changes an event for its organisers (see applyEventPatch for what it records and raises).
 * A capacity below the confirmed seats is 409 capacity_below_confirmed (detail `below_confirmed`
 * on capacity, params.min the count) unless `moveExcessToWaitlist`: then the registrations that
 * got their seats last go to the top of the waiting list, keeping their order.
 */
export function updateEvent(db: Db, actor: Actor | null, id: number, patch: EventPatchBody, now = new Date()): EventWithClashes {
  const row = eventRow(db, id);
  const a = assertCanManage(db, actor, id);
  const { moveExcessToWaitlist, ...fields } = patch;
  const cols = db.transaction((tx) => applyEventPatch(tx, db, a, row, fields, now, 'updated', { moveExcessToWaitlist }));
  return { event: viewOne(db, a, id), clashes: findClashes(db, cols.startsAt, cols.endsAt, id) };
}

function setStatus(db: Db, actor: Actor | null, id: number, to: EventStatus, reason: string | null, now: Date): EventView {
  const row = eventRow(db, id);
  const a = assertCanManage(db, actor, id);
  db.transaction((tx) => {
    tx.update(events)
      .set({ status: to, cancelReason: reason, revision: row.revision + 1, updatedAt: now })
      .where(eq(events.id, id))
      .run();
    audit(
      tx,
      id,
      a,
      to === 'published' ? 'published' : 'cancelled',
      { status: [row.status, to], ...(reason ? { cancelReason: [null, reason] } : {}) },
      now,
    );
    const base = { actorId: a.userId, clusterIds: organisingClusterIds(tx, id), now, eventId: id };
    if (to === 'published') emit(tx, 'event.published', base);
    else emit(tx, 'event.cancelled', { ...base, reason: reason ?? '' });
  });
  return viewOne(db, a, id);
}

/**
 * Publishes a draft (raises event.published) of an event the actor manages: 409 not_a_draft for any other status, 422
 * no_place without a place or link, and 422 in_the_past (past-dates.ts) for an event that ended
 * at or before `now` unless `opts.evenIfPast` says the organiser means it (a record of a past
 * meeting): the web page warns and offers "publish anyway".
 */
export function publishEvent(db: Db, actor: Actor | null, id: number, now = new Date(), opts: { evenIfPast?: boolean } = {}): EventView {
  const row = eventRow(db, id);
  assertCanManage(db, actor, id);
  if (row.status !== 'draft')
    throw new DomainError('conflict', 'not_a_draft', `Only a draft can be published; this event is ${row.status}`);
  if (!row.venueName && !row.address && !row.onlineUrl) {
    throw new DomainError('rule', 'no_place', 'Give a place or an online meeting link before publishing', [
      { field: 'venueName', code: 'required', message: 'a place or an online link is required' },
    ]);
  }
  if (row.endsAt <= now && !opts.evenIfPast) {
    throw new DomainError('rule', IN_THE_PAST, 'The event is already over; publish it anyway only if that is meant', [
      inThePast(row.allDay ? 'endDate' : 'end'),
    ]);
  }
  return setStatus(db, actor, id, 'published', null, now);
}

/**
 * Cancels a published event with the reason participants are told (one line, at most 500
 * characters); raises event.cancelled, to which registrations react by telling every registrant.
 * 409 already_cancelled, 409 draft_not_cancellable for a draft (nobody has seen it: it is deleted
 * instead), 400 without a reason.
 */
export function cancelEvent(db: Db, actor: Actor | null, id: number, reason: string, now = new Date()): EventView {
  const row = eventRow(db, id);
  assertCanManage(db, actor, id);
  if (row.status === 'cancelled') throw new DomainError('conflict', 'already_cancelled', 'The event is already cancelled');
  if (row.status === 'draft')
    throw new DomainError(
      'conflict',
      'draft_not_cancellable',
      'A draft cannot be cancelled: nobody has seen it. Delete the draft instead.',
    );
  const why = singleLine(reason, LIMITS.reason);
  if (!why)
    throw new DomainError('invalid', 'reason_required', 'Say why the event is cancelled; participants see the reason', [
      { field: 'reason', code: 'required', message: 'required' },
    ]);
  return setStatus(db, actor, id, 'cancelled', why, now);
}

/**
 * Drafts may be deleted by their organisers; anything that was ever public only by an admin, and
 * a published event with confirmed or waitlisted registrations by nobody (409
 * has_registrations: cancel it first, which tells them). Raises event.deleted before the row
 * goes, in the same transaction.
 */
export function deleteEvent(db: Db, actor: Actor | null, id: number, now = new Date()): void {
  const row = eventRow(db, id);
  const a = assertCanManage(db, actor, id);
  const active = row.status === 'published' ? activeRegistrationCount(db, id) : 0;
  if (active > 0 && actsForNetwork(a))
    throw new DomainError(
      'conflict',
      'has_registrations',
      `${active} ${active === 1 ? 'person is' : 'people are'} registered for this published event; cancel it first, which tells them, then delete it`,
    );
  if (!canDeleteEvent(a, row.status, organiserRefs(db, id), active))
    throw new DomainError('conflict', 'not_a_draft', 'Only drafts can be deleted; cancel a published event instead');
  db.transaction((tx) => {
    emit(tx, 'event.deleted', {
      actorId: a.userId,
      clusterIds: organisingClusterIds(tx, id),
      now,
      eventId: id,
      title: row.title,
      status: row.status,
    });
    tx.delete(events).where(eq(events.id, id)).run();
  });
}

export function eventAuditLog(db: Db, actor: Actor | null, id: number): AuditEntry[] {
  eventRow(db, id);
  assertCanManage(db, actor, id);
  return auditEntries(db, id);
}

/**
 * The change log of event `id`, oldest first, as eventAuditLog gives it, for a caller that has
 * already decided the reader may manage the event (eventOverview, through getEvent's canEdit).
 */
export function auditEntries(db: Db, id: number): AuditEntry[] {
  return keptStatement(db, 'events.auditLog', (d) =>
    d
      .select({
        at: eventAudit.at,
        action: eventAudit.action,
        changes: eventAudit.changes,
        user: sql<string | null>`(select name from users where users.id = ${eventAudit.userId})`,
      })
      .from(eventAudit)
      .where(eq(eventAudit.eventId, sql.placeholder('id')))
      .orderBy(asc(eventAudit.id))
      .prepare(),
  )
    .all({ id })
    .map((r): AuditEntry => ({ at: r.at.toISOString(), action: r.action, user: r.user, changes: r.changes }));
}

// ---- Co-hosts ----

/** The lead invites a cluster to co-host (again, after a decline); raises cohost.invited. 409 for a cancelled event or a cluster already organising. */
export function inviteCohost(db: Db, actor: Actor | null, eventId: number, clusterSlug: string, now = new Date()): EventView {
  const row = eventRow(db, eventId);
  const a = requireActor(actor);
  const refs = organiserRefs(db, eventId);
  if (!canInviteCohosts(a, refs)) throw refusal(db, a, eventId, refs, "Only the lead cluster's coordinators may invite co-hosts");
  if (row.status === 'cancelled') throw new DomainError('conflict', 'event_cancelled', 'A cancelled event cannot get new co-hosts');
  const cluster = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, clusterSlug)).get();
  if (!cluster)
    throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${clusterSlug}"`, [
      { field: 'cluster', code: 'unknown_choice', message: 'unknown cluster' },
    ]);
  const existing = refs.find((r) => r.clusterId === cluster.id);
  if (existing && existing.status !== 'declined') {
    throw new DomainError(
      'conflict',
      'already_organiser',
      existing.role === 'lead'
        ? 'That cluster leads the event'
        : `That cluster is already ${existing.status === 'invited' ? 'invited' : 'a co-host'}`,
    );
  }
  db.transaction((tx) => {
    if (existing) {
      tx.update(eventOrganisers)
        .set({ status: 'invited', invitedBy: a.userId, invitedAt: now, respondedAt: null })
        .where(and(eq(eventOrganisers.eventId, eventId), eq(eventOrganisers.clusterId, cluster.id)))
        .run();
    } else {
      tx.insert(eventOrganisers)
        .values({ eventId, clusterId: cluster.id, role: 'cohost', status: 'invited', invitedBy: a.userId, invitedAt: now })
        .run();
    }
    audit(tx, eventId, a, 'cohost_invited', { cohost: [null, clusterSlug] }, now);
    emit(tx, 'cohost.invited', {
      actorId: a.userId,
      clusterIds: concerned(...organisingClusterIds(tx, eventId), cluster.id),
      now,
      eventId,
      clusterId: cluster.id,
      leadClusterId: row.leadClusterId,
      via: 'invitation',
    });
  });
  return viewOne(db, a, eventId);
}

/** The invited cluster accepts or declines; raises cohost.accepted or cohost.declined. 409 when already answered. */
export function answerCohostInvitation(
  db: Db,
  actor: Actor | null,
  eventId: number,
  clusterSlug: string,
  accept: boolean,
  now = new Date(),
): EventView {
  const row = eventRow(db, eventId);
  const a = requireActor(actor);
  const cluster = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, clusterSlug)).get();
  if (!cluster) throw new DomainError('not_found', 'unknown_cluster', `There is no cluster "${clusterSlug}"`);
  if (!canAnswerCohostInvitation(a, cluster.id)) throw forbidden('Only a coordinator of the invited cluster may answer the invitation');
  if (row.status === 'cancelled')
    throw new DomainError('conflict', 'event_cancelled', 'The event is cancelled; its co-hosts cannot change');
  const org = db
    .select()
    .from(eventOrganisers)
    .where(and(eq(eventOrganisers.eventId, eventId), eq(eventOrganisers.clusterId, cluster.id)))
    .get();
  if (org?.role !== 'cohost') throw new DomainError('not_found', 'no_invitation', 'That cluster has no invitation to this event');
  if (org.status !== 'invited') throw new DomainError('conflict', 'already_answered', `The invitation was already ${org.status}`);
  db.transaction((tx) => {
    tx.update(eventOrganisers)
      .set({ status: accept ? 'accepted' : 'declined', respondedAt: now })
      .where(and(eq(eventOrganisers.eventId, eventId), eq(eventOrganisers.clusterId, cluster.id)))
      .run();
    tx.update(events).set({ updatedAt: now }).where(eq(events.id, eventId)).run();
    audit(tx, eventId, a, accept ? 'cohost_accepted' : 'cohost_declined', { cohost: [clusterSlug, accept ? 'accepted' : 'declined'] }, now);
    emit(tx, accept ? 'cohost.accepted' : 'cohost.declined', {
      actorId: a.userId,
      clusterIds: concerned(...organisingClusterIds(tx, eventId), cluster.id),
      now,
      eventId,
      clusterId: cluster.id,
      leadClusterId: row.leadClusterId,
    });
  });
  return viewOne(db, a, eventId);
}

/** The lead removes a co-host or withdraws an invitation; raises cohost.removed. 404 for a cluster that is not a co-host. */
export function removeCohost(db: Db, actor: Actor | null, eventId: number, clusterSlug: string, now = new Date()): EventView {
  const row = eventRow(db, eventId);
  const a = requireActor(actor);
  const refs = organiserRefs(db, eventId);
  if (!canInviteCohosts(a, refs)) throw refusal(db, a, eventId, refs, "Only the lead cluster's coordinators may remove co-hosts");
  if (row.status === 'cancelled')
    throw new DomainError('conflict', 'event_cancelled', 'The event is cancelled; its co-hosts cannot change');
  const cluster = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, clusterSlug)).get();
  const org =
    cluster &&
    db
      .select()
      .from(eventOrganisers)
      .where(and(eq(eventOrganisers.eventId, eventId), eq(eventOrganisers.clusterId, cluster.id)))
      .get();
  if (!cluster || !org || org.role !== 'cohost')
    throw new DomainError('not_found', 'not_cohost', 'That cluster is not a co-host of this event');
  db.transaction((tx) => {
    tx.delete(eventOrganisers)
      .where(and(eq(eventOrganisers.eventId, eventId), eq(eventOrganisers.clusterId, cluster.id)))
      .run();
    tx.update(events).set({ updatedAt: now }).where(eq(events.id, eventId)).run();
    audit(tx, eventId, a, 'cohost_removed', { cohost: [clusterSlug, null] }, now);
    emit(tx, 'cohost.removed', {
      actorId: a.userId,
      clusterIds: concerned(...organisingClusterIds(tx, eventId), cluster.id),
      now,
      eventId,
      clusterId: cluster.id,
      leadClusterId: row.leadClusterId,
      previousStatus: org.status,
    });
  });
  return viewOne(db, a, eventId);
}

/** Co-host invitations waiting for an answer from the clusters the actor coordinates. */
export function pendingCohostInvitations(db: Db, actor: Actor | null): PendingCohostInvitation[] {
  const mine = coordinatedClusters(requireActor(actor));
  if (mine.length === 0) return [];
  // Kept: the dashboard asks on every view. The clusters go in as one JSON array, so one
  // statement serves any number of them.
  const statement = keptStatement(db, 'events.pendingCohostInvitations', (d) =>
    d
      .select({
        id: events.id,
        title: events.title,
        startsAt: events.startsAt,
        status: events.status,
        lead: sql<string>`(select name from clusters c where c.id = ${events.leadClusterId})`,
        slug: clusters.slug,
        name: clusters.name,
        invitedAt: eventOrganisers.invitedAt,
      })
      .from(eventOrganisers)
      .innerJoin(events, eq(events.id, eventOrganisers.eventId))
      .innerJoin(clusters, eq(clusters.id, eventOrganisers.clusterId))
      .where(
        and(
          eq(eventOrganisers.status, 'invited'),
          inArray(eventOrganisers.clusterId, sql`(select value from json_each(${sql.placeholder('mine')}))`),
          ne(events.status, 'cancelled'),
        ),
      )
      .orderBy(asc(events.startsAt))
      .prepare(),
  );
  return statement.all({ mine: JSON.stringify([...mine]) }).map(
    (r): PendingCohostInvitation => ({
      event: { id: r.id, title: r.title, startsAt: r.startsAt.toISOString(), status: r.status, lead: r.lead },
      cluster: { slug: r.slug, name: r.name },
      invitedAt: r.invitedAt.toISOString(),
    }),
  );
}

// ---- Listing and search ----

/** The list's filters as the API takes them, with the boundaries read as instants. */
export type EventFilters = Omit<EventQuery, 'from' | 'to'> & { from?: Date; to?: Date };

/** Cursor = the (start, id) of the last event of the page, opaque to clients. */
function encodeCursor(row: Pick<Event, 'startsAt' | 'id'>): string {
  return Buffer.from(`${row.startsAt.getTime()}:${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): [number, number] {
  const m = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  // Out of range numbers would bind as NaN or an invalid date and quietly match nothing.
  if (!m || Number.isNaN(new Date(Number(m[1])).getTime()) || !Number.isSafeInteger(Number(m[2])))
    throw new DomainError('invalid', 'invalid_cursor', 'The cursor is not one this API gave out', [
      { field: 'cursor', code: 'invalid_format', message: 'invalid' },
    ]);
  return [Number(m[1]), Number(m[2])];
}

/** User text to an FTS5 query: every word quoted (no operators can be injected), all must match, last one as a prefix. */
export function ftsQuery(q: string): string | null {
  const words = q.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  return words
    .slice(0, 12)
    .map((w, i, all) => `"${w}"${i === all.length - 1 ? '*' : ''}`)
    .join(' ');
}

export function unknownFilter(field: string, value: string) {
  return new DomainError('not_found', `unknown_${field}`, `There is no ${field} "${value}"`, [
    { field, code: 'unknown_choice', message: `unknown ${field}` },
  ]);
}

/** The id of a cluster, theme or county named by a filter; an unknown one is a 404 naming it. */
export function filterIds(
  db: Db,
  f: Pick<EventFilters, 'cluster' | 'theme' | 'county'>,
): { clusterId?: number; themeId?: number; countyId?: number } {
  const out: { clusterId?: number; themeId?: number; countyId?: number } = {};
  if (f.cluster) {
    const c = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, f.cluster)).get();
    if (!c) throw unknownFilter('cluster', f.cluster);
    out.clusterId = c.id;
  }
  if (f.theme) {
    const t = db.select({ id: themes.id }).from(themes).where(eq(themes.slug, f.theme)).get();
    if (!t) throw unknownFilter('theme', f.theme);
    out.themeId = t.id;
  }
  if (f.county) {
    const c = db.select({ id: counties.id }).from(counties).where(eq(counties.slug, f.county)).get();
    if (!c) throw unknownFilter('county', f.county);
    out.countyId = c.id;
  }
  return out;
}

/** The SQL conditions for the cluster/theme/kind/county/time filters, shared by the list, the calendar and the feeds. */
export function filterConditions(ids: ReturnType<typeof filterIds>, f: Pick<EventFilters, 'from' | 'to' | 'kind'>): SQL[] {
  const where: SQL[] = [];
  if (f.from) where.push(gt(events.endsAt, f.from));
  if (f.to) where.push(lt(events.startsAt, f.to));
  if (f.kind) where.push(eq(events.kind, f.kind));
  if (ids.countyId !== undefined) where.push(eq(events.countyId, ids.countyId));
  if (ids.themeId !== undefined)
    where.push(sql`exists (select 1 from event_themes et where et.event_id = ${events.id} and et.theme_id = ${ids.themeId})`);
  if (ids.clusterId !== undefined) {
    where.push(
      sql`exists (select 1 from event_organisers eo where eo.event_id = ${events.id} and eo.cluster_id = ${ids.clusterId} and (eo.role = 'lead' or eo.status = 'accepted'))`,
    );
  }
  return where;
}

/**
 * Which events an actor's lists, search and calendar show by visibility (event-access.ts's
 * listedVisibilities and unlistedInListsFor, in SQL): public ones, internal ones for
 * coordinators and admins, and unlisted ones only of the clusters the actor coordinates.
 */
export function listedCondition(actor: Actor | null): SQL {
  const listed = inArray(events.visibility, listedVisibilities(actor));
  const unlisted = unlistedInListsFor(actor);
  if (unlisted === 'all') return or(listed, eq(events.visibility, 'unlisted'))!;
  if (unlisted.length === 0) return listed;
  return or(
    listed,
    and(
      eq(events.visibility, 'unlisted'),
      sql`exists (select 1 from event_organisers eo where eo.event_id = ${events.id} and eo.cluster_id in (${sql.join(
        unlisted.map((id) => sql`${id}`),
        sql`, `,
      )}) and (eo.role = 'lead' or eo.status = 'accepted'))`,
    ),
  )!;
}

/**
 * The rows of one page of the list (shared by the full, summary and brief lists), each with the
 * columns `reader` selects (drafts: whole rows).
 */
function selectEventPage<K extends keyof Event & string>(
  db: Db,
  actor: Actor | null,
  f: EventFilters,
  maxLimit: number,
  reader: { columns: string; read(row: readonly unknown[]): Pick<Event, K | 'startsAt' | 'id'> },
): { rows: Pick<Event, K | 'startsAt' | 'id'>[]; nextCursor: string | null } {
  const limit = Math.min(Math.max(f.limit ?? LIMITS.pageSize.default, 1), maxLimit);
  // Drafts (a coordinator's own list) keep the query built per call; every other list runs a
  // kept statement.
  if (f.status === 'draft') return selectDraftPage(db, actor, f, limit);
  const ids = filterIds(db, f);
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: limit + 1 };
  if (f.from) {
    where.push('"events"."ends_at" > @from');
    // Implied by "ends after from"; lets the start index seek to the first event that can qualify
    // instead of scanning every event that ended before it.
    where.push('"events"."starts_at" > @fromSeek');
    params.from = f.from.getTime();
    params.fromSeek = f.from.getTime() - longestEventMs(db);
  }
  if (f.to) {
    where.push('"events"."starts_at" < @to');
    params.to = f.to.getTime();
  }
  if (f.kind) {
    where.push('"events"."kind" = @kind');
    params.kind = f.kind;
  }
  if (ids.countyId !== undefined) {
    where.push('"events"."county_id" = @countyId');
    params.countyId = ids.countyId;
  }
  if (ids.themeId !== undefined) {
    where.push('exists (select 1 from event_themes et where et.event_id = "events"."id" and et.theme_id = @themeId)');
    params.themeId = ids.themeId;
  }
  if (ids.clusterId !== undefined) {
    where.push(
      `exists (select 1 from event_organisers eo where eo.event_id = "events"."id" and eo.cluster_id = @clusterId and (eo.role = 'lead' or eo.status = 'accepted'))`,
    );
    params.clusterId = ids.clusterId;
  }
  if (f.status) {
    where.push('"events"."status" = @status');
    params.status = f.status;
  } else {
    // The unary + keeps SQLite off the (status, start) index: through it, two statuses come out
    // in two runs that are sorted again as a whole (every listed event, for a page of 50); the
    // start index gives them in order and the scan stops at the end of the page.
    where.push(`+"events"."status" in ('published', 'cancelled')`);
  }
  // listedCondition, as text: the visibilities are constants of the code, the clusters a parameter.
  const listed = `"events"."visibility" in (${listedVisibilities(actor)
    .map((v) => `'${v}'`)
    .join(', ')})`;
  const unlisted = unlistedInListsFor(actor);
  if (unlisted === 'all') where.push(`(${listed} or "events"."visibility" = 'unlisted')`);
  else if (unlisted.length === 0) where.push(listed);
  else {
    where.push(
      `(${listed} or ("events"."visibility" = 'unlisted' and exists (select 1 from event_organisers eo where eo.event_id = "events"."id" and eo.cluster_id in (select value from json_each(@unlisted)) and (eo.role = 'lead' or eo.status = 'accepted'))))`,
    );
    params.unlisted = JSON.stringify(unlisted);
  }
  // An empty search box is no text filter; text with no words in it matches nothing.
  if (f.q !== undefined && f.q.trim() !== '') {
    const match = ftsQuery(f.q);
    if (!match) return { rows: [], nextCursor: null };
    where.push('"events"."id" in (select rowid from events_fts where events_fts match @match)');
    params.match = match;
  }
  if (f.cursor) {
    const [start, id] = decodeCursor(f.cursor);
    where.push('("events"."starts_at" > @cursorStart or ("events"."starts_at" = @cursorStart and "events"."id" > @cursorId))');
    params.cursorStart = start;
    params.cursorId = id;
  }
  const text = `select ${reader.columns} from "events" where ${where.join(' and ')} order by "events"."starts_at", "events"."id" limit @limit`;
  // The text names the statement: one per combination of filters (a few dozen at most).
  const rows = keptSql<unknown[]>(db, text, true).all(params).map(reader.read);
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** Whole events rows read raw and mapped as drizzle would (the list's hot path). */
const eventColumns = rowReader(events);
/** What eventTiming reads of a row. */
const TIMING_KEYS = ['allDay', 'startsAt', 'endsAt', 'timeZone', 'startDate', 'endDate'] as const;
/** The columns of a brief list item (a calendar grid has hundreds of them). */
const briefColumns = rowReader(events, ['id', 'title', 'kind', 'status', ...TIMING_KEYS]);
/** The columns of a summary list item (and id and countyId for loadOrganisersAndCounties). */
const summaryColumns = rowReader(events, [
  'id',
  'title',
  'kind',
  'status',
  ...TIMING_KEYS,
  'venueName',
  'onlineUrl',
  'visibility',
  'countyId',
]);

/** A page of drafts: only of the clusters the actor coordinates (all of them for admins). */
function selectDraftPage(db: Db, actor: Actor | null, f: EventFilters, limit: number): { rows: Event[]; nextCursor: string | null } {
  const ids = filterIds(db, f);
  const where = filterConditions(ids, f);
  if (f.from) where.push(gt(events.startsAt, new Date(f.from.getTime() - longestEventMs(db))));
  const a = requireActor(actor);
  where.push(eq(events.status, 'draft'));
  if (!actsForNetwork(a)) {
    // canSeeEvent in SQL: a draft of a cluster the actor coordinates, unless it declined.
    const mine = coordinatedClusters(a);
    if (mine.length === 0) return { rows: [], nextCursor: null };
    where.push(
      sql`exists (select 1 from event_organisers eo where eo.event_id = ${events.id} and eo.cluster_id in (${sql.join(
        mine.map((id) => sql`${id}`),
        sql`, `,
      )}) and eo.status != 'declined')`,
    );
  }
  // An empty search box is no text filter; text with no words in it matches nothing.
  if (f.q !== undefined && f.q.trim() !== '') {
    const match = ftsQuery(f.q);
    if (!match) return { rows: [], nextCursor: null };
    where.push(sql`${events.id} in (select rowid from events_fts where events_fts match ${match})`);
  }
  if (f.cursor) {
    const [start, id] = decodeCursor(f.cursor);
    where.push(or(gt(events.startsAt, new Date(start)), and(eq(events.startsAt, new Date(start)), gt(events.id, id)))!);
  }
  const rows = db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}

export function listEvents(db: Db, actor: Actor | null, f: EventFilters): EventPage {
  const { rows, nextCursor } = selectEventPage(db, actor, f, LIMITS.pageSize.max, eventColumns);
  const related = loadRelated(db, rows);
  return { events: rows.map((r) => toEventView(r, related, actor, false)), nextCursor };
}

/**
 * The same page of events as listEvents (same filters, order, cursor and access; up to
 * LIMITS.pageSize.max), each as a list shows it (EventSummary): timing, place and organisers,
 * without the description, rights and timestamps that a list item would only carry along.
 */
export function listEventSummaries(db: Db, actor: Actor | null, f: EventFilters): EventSummaryPage {
  const { rows, nextCursor } = selectEventPage(db, actor, f, LIMITS.pageSize.max, summaryColumns);
  const related = loadOrganisersAndCounties(db, rows);
  return {
    events: rows.map((r): EventSummary => {
      const orgs = related.organisers.get(r.id) ?? [];
      const lead = orgs.find((o) => o.role === 'lead');
      return {
        id: r.id,
        title: r.title,
        kind: r.kind,
        status: r.status,
        ...eventTiming(r),
        venueName: r.venueName,
        hasOnlineUrl: r.onlineUrl !== null,
        visibility: r.visibility,
        county: r.countyId !== null ? (related.counties.get(r.countyId) ?? null) : null,
        lead: lead ? { slug: lead.slug, name: lead.name } : { slug: '', name: '' },
        organisers: orgs.map(({ slug, name, role, status }) => ({ slug, name, role, status })),
      };
    }),
    nextCursor,
  };
}

/** What a calendar grid needs of each event: enough to place and link it, a tenth of the full view. */
export function listEventBriefs(db: Db, actor: Actor | null, f: EventFilters): EventBriefPage {
  const { rows, nextCursor } = selectEventPage(db, actor, f, LIMITS.pageSize.briefMax, briefColumns);
  return {
    events: rows.map(
      (r): EventBrief => ({
        id: r.id,
        title: r.title,
        kind: r.kind,
        status: r.status,
        ...eventTiming(r),
      }),
    ),
    nextCursor,
  };
}
