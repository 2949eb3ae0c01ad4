import { LIMITS, type Recipients, type Shared, type SharedAnnouncement } from '@samverka/contracts';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  clusters,
  events,
  eventThemes,
  announcementDeliveries,
  announcementShares,
  keptStatement,
  type Db,
  type Event,
} from '@samverka/db';
import { assertActsFor, coordinatedClusters, requireActor, type Actor } from '../access.ts';
import { DomainError } from '../errors.ts';
import { canSeeEvent, managingClusters } from '../events/event-access.ts';
import { organiserRefs } from '../events/event-view.ts';
import { concerned, emit, type Tx } from '../domain-events.ts';
import { links } from '../links.ts';
import { truncate } from '../escape.ts';
import { composeMail, type ComposedMail } from '../outbox/compose.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { markdownToText } from '../markdown.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { matchingSubscribers, subscriptionLinks, unsubscribeHeaders } from './subscription-service.ts';
import { spokenDateTime } from '../time-format.ts';

function publishedEvent(db: Db, actor: Actor, id: number): Event {
  const e = db.select().from(events).where(eq(events.id, id)).get();
  // A draft is not acknowledged to those who may not see it, as getEvent answers.
  if (!e || !canSeeEvent(actor, e.status, organiserRefs(db, id), e.visibility))
    throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  if (e.status !== 'published') throw new DomainError('conflict', 'not_published', 'Only a published event can be sent as an invitation');
  if (e.visibility !== 'public')
    throw new DomainError('conflict', 'not_public', 'Only a public event can be sent to subscribers; this one is unlisted or internal');
  return e;
}

function clusterId(db: Db, slug: string, field = 'cluster'): number {
  const c = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, slug)).get();
  if (!c)
    throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${slug}"`, [
      { field, code: 'unknown_choice', message: 'unknown cluster' },
    ]);
  return c.id;
}

/** The organising cluster the actor sends for: one they coordinate (admins: any organiser). */
function assertOrganiserCoordinator(db: Db, actor: Actor, eventId: number, clusterSlug: string): number {
  const id = clusterId(db, clusterSlug);
  const organisers = managingClusters(organiserRefs(db, eventId));
  if (!organisers.includes(id)) throw new DomainError('rule', 'not_organiser', 'That cluster does not organise this event');
  assertActsFor(actor, id, 'You can only send invitations for a cluster you coordinate');
  return id;
}

/**
 * The announcement of a published event to one subscriber: who invites, when and where (in the
 * event's zone, in the reader's language), the first 1,500 characters of the description as
 * text, a link to the event and the subscriber's manage link.
 */
export function announcementMail(e: Event, lang: Lang, token: string, clusterName: string): ComposedMail {
  const t = textsFor(lang);
  const m = t.mail.mailings.announcement;
  const when = e.allDay
    ? new Intl.DateTimeFormat(t.locale, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${e.startDate}T00:00:00Z`))
    : spokenDateTime(e.startsAt, e.timeZone, t.locale);
  // Subscribers are not participants: a participant-only link is only announced, never given.
  const online = e.onlineUrl ? (e.onlineUrlPublic ? `${t.online}: ${e.onlineUrl}` : t.linkForParticipants) : '';
  const where = [e.venueName, e.address].filter(Boolean).join(', ') || online;
  const about = truncate(markdownToText(e.description), LIMITS.announcementExcerpt);
  return composeMail(lang, {
    subject: m.subject(e.title),
    greeting: t.mail.greetingNoName,
    paragraphs: [m.lead(clusterName, e.title), `${t.mail.when(when)}${where ? `\n${t.mail.where(where)}` : ''}`, about].filter(Boolean),
    action: { label: m.action, url: links.event(e.id) },
    footer: m.footer(subscriptionLinks.manage(token)),
  });
}

/** Mails the invitation to the given subscribers who have not had it yet; records each delivery. */
function deliver(tx: Tx, e: Event, via: number, clusterIds: number[], themeIds: number[], now: Date): number {
  const already = new Set(
    tx
      .select({ id: announcementDeliveries.subscriberId })
      .from(announcementDeliveries)
      .where(eq(announcementDeliveries.eventId, e.id))
      .all()
      .map((r) => r.id),
  );
  const name = tx.select({ name: clusters.name }).from(clusters).where(eq(clusters.id, via)).get()!.name;
  let sent = 0;
  for (const s of matchingSubscribers(tx, clusterIds, themeIds)) {
    if (already.has(s.id)) continue;
    tx.insert(announcementDeliveries).values({ eventId: e.id, subscriberId: s.id, viaClusterId: via, sentAt: now }).run();
    enqueueMail(tx, { to: s.email, ...announcementMail(e, s.language, s.token, name), headers: unsubscribeHeaders(s.token) }, now);
    sent++;
  }
  return sent;
}

/**
 * A coordinator invites the subscribers who follow their cluster or any of the event's themes.
 * Nobody gets it twice. Raises announcement.sent (also when nobody new was mailed).
 */
export function sendAnnouncement(db: Db, actor: Actor | null, eventId: number, viaCluster: string, now = new Date()): Recipients {
  const a = requireActor(actor);
  const e = publishedEvent(db, a, eventId);
  const via = assertOrganiserCoordinator(db, a, eventId, viaCluster);
  const themeIds = db
    .select({ id: eventThemes.themeId })
    .from(eventThemes)
    .where(eq(eventThemes.eventId, eventId))
    .all()
    .map((t) => t.id);
  return {
    recipients: db.transaction(
      (tx) => {
        const recipients = deliver(tx, e, via, [via], themeIds, now);
        emit(tx, 'announcement.sent', { actorId: a.userId, clusterIds: [via], now, eventId, clusterId: via, recipients });
        return recipients;
      },
      { behavior: 'immediate' },
    ),
  };
}

/**
 * Shares the invitation with other clusters, whose coordinators may pass it on to their
 * followers. Raises announcement.shared naming the clusters shared with for the first time, if any.
 */
export function shareAnnouncement(
  db: Db,
  actor: Actor | null,
  eventId: number,
  fromCluster: string,
  toClusters: string[],
  now = new Date(),
): Shared {
  const a = requireActor(actor);
  publishedEvent(db, a, eventId);
  const from = assertOrganiserCoordinator(db, a, eventId, fromCluster);
  const ids = toClusters.map((s) => clusterId(db, s, 'clusters'));
  db.transaction((tx) => {
    const added: number[] = [];
    for (const id of ids) {
      if (id === from) continue;
      const { changes } = tx
        .insert(announcementShares)
        .values({ eventId, clusterId: id, sharedByClusterId: from, sharedAt: now })
        .onConflictDoNothing()
        .run();
      if (changes > 0) added.push(id);
    }
    if (added.length > 0)
      emit(tx, 'announcement.shared', {
        actorId: a.userId,
        clusterIds: concerned(from, ...added),
        now,
        eventId,
        fromClusterId: from,
        toClusterIds: added,
      });
  });
  return { shared: toClusters };
}

/**
 * One action for a coordinator of a cluster the invitation was shared with: send it to that
 * cluster's followers. Raises announcement.passedOn.
 */
export function passOnAnnouncement(db: Db, actor: Actor | null, eventId: number, clusterSlug: string, now = new Date()): Recipients {
  const a = requireActor(actor);
  const e = publishedEvent(db, a, eventId);
  const id = clusterId(db, clusterSlug);
  assertActsFor(a, id, 'You can only pass on invitations for a cluster you coordinate');
  const share = db
    .select()
    .from(announcementShares)
    .where(and(eq(announcementShares.eventId, eventId), eq(announcementShares.clusterId, id)))
    .get();
  if (!share) throw new DomainError('not_found', 'not_shared', 'This invitation was not shared with that cluster');
  return {
    recipients: db.transaction(
      (tx) => {
        const n = deliver(tx, e, id, [id], [], now);
        tx.update(announcementShares)
          .set({ passedOnAt: now })
          .where(and(eq(announcementShares.eventId, eventId), eq(announcementShares.clusterId, id)))
          .run();
        emit(tx, 'announcement.passedOn', {
          actorId: a.userId,
          clusterIds: concerned(id, share.sharedByClusterId),
          now,
          eventId,
          clusterId: id,
          sharedByClusterId: share.sharedByClusterId,
          recipients: n,
        });
        return n;
      },
      { behavior: 'immediate' },
    ),
  };
}

/** Invitations shared with the clusters the actor coordinates that are not passed on yet. */
export function sharedAnnouncements(db: Db, actor: Actor | null): SharedAnnouncement[] {
  const mine = coordinatedClusters(requireActor(actor));
  if (mine.length === 0) return [];
  // Kept: the dashboard asks on every view. The clusters go in as one JSON array, so one
  // statement serves any number of them; the sharing cluster's name is read per share, not
  // every cluster's per call.
  const rows = keptStatement(db, 'announcements.shared', (d) =>
    d
      .select({
        share: announcementShares,
        title: events.title,
        startsAt: events.startsAt,
        slug: clusters.slug,
        name: clusters.name,
        sharedBy: sql<string>`coalesce((select c.name from clusters c where c.id = ${announcementShares.sharedByClusterId}), '')`,
      })
      .from(announcementShares)
      .innerJoin(events, eq(events.id, announcementShares.eventId))
      .innerJoin(clusters, eq(clusters.id, announcementShares.clusterId))
      // `+status`: without the events index on status SQLite walks the few shares and looks each
      // event up, instead of walking every published event and looking for a share of each.
      .where(
        and(
          inArray(announcementShares.clusterId, sql`(select value from json_each(${sql.placeholder('mine')}))`),
          isNull(announcementShares.passedOnAt),
          sql`+${events.status} = 'published'`,
        ),
      )
      .prepare(),
  ).all({ mine: JSON.stringify([...mine]) });
  return rows.map(
    (r): SharedAnnouncement => ({
      event: { id: r.share.eventId, title: r.title, startsAt: r.startsAt.toISOString() },
      cluster: { slug: r.slug, name: r.name },
      sharedBy: r.sharedBy,
      sharedAt: r.share.sharedAt.toISOString(),
      passedOnAt: r.share.passedOnAt?.toISOString() ?? null,
    }),
  );
}
