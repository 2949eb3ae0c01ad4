import { and, eq, inArray, isNull } from 'drizzle-orm';
import { clusters, events, eventThemes, announcementDeliveries, announcementShares, type Db, type Event } from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden } from '../errors.ts';
import { canSeeEvent, managingClusters } from '../events/event-access.ts';
import { organiserRefs } from '../events/event-view.ts';
import { links } from '../links.ts';
import { composeMail } from '../outbox/compose.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { markdownToText } from '../markdown.ts';
import { matchingSubscribers, subscriptionLinks, unsubscribeHeaders } from './subscription-service.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function publishedEvent(db: Db, actor: Actor, id: number): Event {
  const e = db.select().from(events).where(eq(events.id, id)).get();
  // A draft is not acknowledged to those who may not see it, as getEvent answers.
  if (!e || !canSeeEvent(actor, e.status, organiserRefs(db, id)))
    throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  if (e.status !== 'published') throw new DomainError('conflict', 'not_published', 'Only a published event can be sent as an invitation');
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
  if (!actor.isAdmin && !actor.coordinatorOf.includes(id)) throw forbidden('You can only send invitations for a cluster you coordinate');
  return id;
}

function announcementMail(e: Event, lang: 'sv' | 'en', token: string, clusterName: string) {
  const locale = lang === 'sv' ? 'sv-SE' : 'en-GB';
  const when = e.allDay
    ? new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${e.startDate}T00:00:00Z`))
    : new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: e.timeZone }).format(e.startsAt);
  const where = [e.venueName, e.address].filter(Boolean).join(', ') || (e.onlineUrl ? 'Online' : '');
  const about = markdownToText(e.description).slice(0, 1500);
  return lang === 'sv'
    ? composeMail('sv', {
        subject: `Inbjudan: ${e.title}`,
        greeting: 'Hej!',
        paragraphs: [`${clusterName} bjuder in till ${e.title}.`, `Tid: ${when}${where ? `\nPlats: ${where}` : ''}`, about].filter(Boolean),
        action: { label: 'Läs mer och anmäl dig', url: links.event(e.id) },
        footer: `Du får det här för att du följer gröna kluster eller teman på Samverka. Avsluta eller ändra: ${subscriptionLinks.manage(token)}`,
      })
    : composeMail('en', {
        subject: `Invitation: ${e.title}`,
        greeting: 'Hello,',
        paragraphs: [`${clusterName} invites you to ${e.title}.`, `When: ${when}${where ? `\nWhere: ${where}` : ''}`, about].filter(
          Boolean,
        ),
        action: { label: 'Read more and register', url: links.event(e.id) },
        footer: `You receive this because you follow green clusters or themes on Samverka. Unsubscribe or change: ${subscriptionLinks.manage(token)}`,
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

/** A coordinator invites the subscribers who follow their cluster or any of the event's themes. Nobody gets it twice. */
export function sendAnnouncement(
  db: Db,
  actor: Actor | null,
  eventId: number,
  viaCluster: string,
  now = new Date(),
): { recipients: number } {
  const a = requireActor(actor);
  const e = publishedEvent(db, a, eventId);
  const via = assertOrganiserCoordinator(db, a, eventId, viaCluster);
  const themeIds = db
    .select({ id: eventThemes.themeId })
    .from(eventThemes)
    .where(eq(eventThemes.eventId, eventId))
    .all()
    .map((t) => t.id);
  return { recipients: db.transaction((tx) => deliver(tx, e, via, [via], themeIds, now), { behavior: 'immediate' }) };
}

/** Shares the invitation with other clusters, whose coordinators may pass it on to their followers. */
export function shareAnnouncement(
  db: Db,
  actor: Actor | null,
  eventId: number,
  fromCluster: string,
  toClusters: string[],
  now = new Date(),
): { shared: string[] } {
  const a = requireActor(actor);
  publishedEvent(db, a, eventId);
  const from = assertOrganiserCoordinator(db, a, eventId, fromCluster);
  const ids = toClusters.map((s) => clusterId(db, s, 'clusters'));
  db.transaction((tx) => {
    for (const id of ids) {
      if (id === from) continue;
      tx.insert(announcementShares).values({ eventId, clusterId: id, sharedByClusterId: from, sharedAt: now }).onConflictDoNothing().run();
    }
  });
  return { shared: toClusters };
}

/** One action for a coordinator of a cluster the invitation was shared with: send it to that cluster's followers. */
export function passOnAnnouncement(
  db: Db,
  actor: Actor | null,
  eventId: number,
  clusterSlug: string,
  now = new Date(),
): { recipients: number } {
  const a = requireActor(actor);
  const e = publishedEvent(db, a, eventId);
  const id = clusterId(db, clusterSlug);
  if (!a.isAdmin && !a.coordinatorOf.includes(id)) throw forbidden('You can only pass on invitations for a cluster you coordinate');
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
        return n;
      },
      { behavior: 'immediate' },
    ),
  };
}

export interface SharedAnnouncement {
  event: { id: number; title: string; startsAt: string };
  cluster: { slug: string; name: string };
  sharedBy: string;
  sharedAt: string;
  passedOnAt: string | null;
}

/** Invitations shared with the clusters the actor coordinates that are not passed on yet. */
export function sharedAnnouncements(db: Db, actor: Actor | null): SharedAnnouncement[] {
  const a = requireActor(actor);
  if (a.coordinatorOf.length === 0) return [];
  const rows = db
    .select({ share: announcementShares, title: events.title, startsAt: events.startsAt, slug: clusters.slug, name: clusters.name })
    .from(announcementShares)
    .innerJoin(events, eq(events.id, announcementShares.eventId))
    .innerJoin(clusters, eq(clusters.id, announcementShares.clusterId))
    .where(
      and(
        inArray(announcementShares.clusterId, [...a.coordinatorOf]),
        isNull(announcementShares.passedOnAt),
        eq(events.status, 'published'),
      ),
    )
    .all();
  const names = new Map(
    db
      .select({ id: clusters.id, name: clusters.name })
      .from(clusters)
      .all()
      .map((c) => [c.id, c.name]),
  );
  return rows.map((r) => ({
    event: { id: r.share.eventId, title: r.title, startsAt: r.startsAt.toISOString() },
    cluster: { slug: r.slug, name: r.name },
    sharedBy: names.get(r.share.sharedByClusterId) ?? '',
    sharedAt: r.share.sharedAt.toISOString(),
    passedOnAt: r.share.passedOnAt?.toISOString() ?? null,
  }));
}
