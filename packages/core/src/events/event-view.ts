import type { Event as EventView, EventTiming, Organiser } from '@samverka/contracts';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { clusters, counties, eventOrganisers, keptSql, keptStatement, registrations, type Db, type Event } from '@samverka/db';
import type { Actor } from '../access.ts';
import { renderMarkdownKept } from '../markdown.ts';
import { instantToLocal } from '../time.ts';
import {
  announcingClusters,
  canCopyEvent,
  canDeleteEvent,
  canInviteCohosts,
  canManageEvent,
  canSeeMeetingLink,
  managingClusters,
  cohostInvitationsToAnswer,
  type OrganiserRef,
} from './event-access.ts';

interface Related {
  organisers: Map<number, (Organiser & { clusterId: number })[]>;
  themes: Map<number, string[]>;
  counties: Map<number, { slug: string; name: string }>;
  /**
   * Every cluster in Swedish name order, for inviteOptions; only for the single-event view, and
   * read only when the actor may invite (a visitor's page does not load them).
   */
  clusters: (() => { id: number; slug: string; name: string }[]) | null;
  /**
   * Confirmed plus waitlisted registrations per published event (absent: none), for canDelete;
   * counted on the first call (only an admin's canDelete asks), then kept.
   */
  activeRegistrations: () => Map<number, number>;
}

const byName = new Intl.Collator('sv');

/**
 * The organisers (in invitation order) and counties of many events, in one query each: what a
 * list item shows of them (EventSummary), and part of loadRelated.
 */
export function loadOrganisersAndCounties(db: Db, rows: Pick<Event, 'id' | 'countyId'>[]): Pick<Related, 'organisers' | 'counties'> {
  const organisers = new Map<number, (Organiser & { clusterId: number })[]>();
  const countyMap = new Map<number, { slug: string; name: string }>();
  if (rows.length === 0) return { organisers, counties: countyMap };
  // Kept statements that take the ids as one JSON array (json_each), so one statement serves
  // lists of any length: building and preparing the SQL cost more than running it.
  const idList = { ids: JSON.stringify(rows.map((r) => r.id)) };
  // Plain SQLite statements: every column here is stored as it is shown (no dates, no booleans),
  // so drizzle's per-row mapping would only copy values.
  const organiserRows = keptSql<OrganiserRow>(
    db,
    `select eo.event_id as eventId, eo.cluster_id as clusterId, eo.role as role, eo.status as status, c.slug as slug, c.name as name
     from event_organisers eo join clusters c on c.id = eo.cluster_id
     where eo.event_id in (select value from json_each(@ids))
     order by eo.invited_at, c.name`,
  ).all(idList);
  for (const o of organiserRows) {
    const list = organisers.get(o.eventId) ?? [];
    list.push({ clusterId: o.clusterId, slug: o.slug, name: o.name, role: o.role, status: o.status });
    organisers.set(o.eventId, list);
  }
  const countyIds = [...new Set(rows.map((r) => r.countyId).filter((c): c is number => c !== null))];
  if (countyIds.length) {
    const countyRows = keptStatement(db, 'events.related.counties', (d) =>
      d.select({ id: counties.id, slug: counties.slug, name: counties.name }).from(counties).where(inJsonList(counties.id)).prepare(),
    ).all({ ids: JSON.stringify(countyIds) });
    for (const c of countyRows) countyMap.set(c.id, { slug: c.slug, name: c.name });
  }
  return { organisers, counties: countyMap };
}

/**
 * Loads organisers, themes and counties for many events in three queries; published events'
 * active registration counts and (with `withClusters`) every cluster, for inviteOptions, in one
 * more each when first asked for.
 */
export function loadRelated(db: Db, rows: Pick<Event, 'id' | 'countyId' | 'status'>[], withClusters = false): Related {
  const { organisers, counties: countyMap } = loadOrganisersAndCounties(db, rows);
  const themeMap = new Map<number, string[]>();
  if (rows.length === 0) return { organisers, themes: themeMap, counties: countyMap, clusters: null, activeRegistrations: () => new Map() };
  const themeRows = keptSql<{ eventId: number; slug: string }>(
    db,
    `select et.event_id as eventId, t.slug as slug
     from event_themes et join themes t on t.id = et.theme_id
     where et.event_id in (select value from json_each(@ids))
     order by t.id`,
  ).all({ ids: JSON.stringify(rows.map((r) => r.id)) });
  for (const t of themeRows) {
    const list = themeMap.get(t.eventId) ?? [];
    list.push(t.slug);
    themeMap.set(t.eventId, list);
  }
  const allClusters = withClusters
    ? () =>
        keptStatement(db, 'events.related.clusters', (d) =>
          d.select({ id: clusters.id, slug: clusters.slug, name: clusters.name }).from(clusters).prepare(),
        )
          .all()
          .sort((a, b) => byName.compare(a.name, b.name))
    : null;
  let activeRegistrations: Map<number, number> | undefined;
  const countActive = () => {
    if (activeRegistrations) return activeRegistrations;
    activeRegistrations = new Map();
    // Only a published event's registrations block its deletion (canDeleteEvent), so only those are counted.
    const published = rows.filter((r) => r.status === 'published').map((r) => r.id);
    if (published.length) {
      const counts = keptStatement(db, 'events.related.activeRegistrations', (d) =>
        d
          .select({ eventId: registrations.eventId, n: sql<number>`count(*)` })
          .from(registrations)
          .where(and(inJsonList(registrations.eventId), inArray(registrations.status, ['confirmed', 'waitlisted'])))
          .groupBy(registrations.eventId)
          .prepare(),
      ).all({ ids: JSON.stringify(published) });
      for (const r of counts) activeRegistrations.set(r.eventId, r.n);
    }
    return activeRegistrations;
  };
  return { organisers, themes: themeMap, counties: countyMap, clusters: allClusters, activeRegistrations: countActive };
}

interface OrganiserRow {
  eventId: number;
  clusterId: number;
  role: Organiser['role'];
  status: Organiser['status'];
  slug: string;
  name: string;
}

/** `column in (the ids given as the JSON array in placeholder 'ids')`: one statement for any number of ids. */
function inJsonList(column: SQLiteColumn): SQL {
  return sql`${column} in (select value from json_each(${sql.placeholder('ids')}))`;
}

const named = ({ slug, name }: { slug: string; name: string }) => ({ slug, name });

/** The event as the API shows it to `actor`; `full` (the single-event view) adds the HTML and inviteOptions. */
export function toEventView(row: Event, related: Related, actor: Actor | null, full = true): EventView {
  const orgs = related.organisers.get(row.id) ?? [];
  const refs: OrganiserRef[] = orgs;
  const lead = orgs.find((o) => o.role === 'lead');
  const manages = canManageEvent(actor, refs);
  const invites = canInviteCohosts(actor, refs);
  const taken = new Set(orgs.filter((o) => o.status !== 'declined').map((o) => o.clusterId));
  const inviteOptions =
    full && invites && row.status !== 'cancelled' && related.clusters
      ? related
          .clusters()
          .filter((c) => !taken.has(c.id))
          .map(named)
      : [];
  return {
    id: row.id,
    uid: row.uid,
    title: row.title,
    description: row.description,
    descriptionHtml: full ? renderMarkdownKept(row.description) : '',
    kind: row.kind,
    status: row.status,
    cancelReason: row.cancelReason,
    allDay: row.allDay,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    timeZone: row.timeZone,
    start: instantToLocal(row.startsAt, row.timeZone),
    end: instantToLocal(row.endsAt, row.timeZone),
    startDate: row.startDate,
    endDate: row.endDate,
    venueName: row.venueName,
    address: row.address,
    county: row.countyId !== null ? (related.counties.get(row.countyId) ?? null) : null,
    lat: row.lat,
    lng: row.lng,
    onlineUrl: canSeeMeetingLink(actor, row.onlineUrlPublic, refs) ? row.onlineUrl : null,
    hasOnlineUrl: row.onlineUrl !== null,
    onlineUrlPublic: row.onlineUrlPublic,
    visibility: row.visibility,
    language: row.language,
    capacity: row.capacity,
    registrationEnabled: row.registrationEnabled,
    registrationOpensAt: row.registrationOpensAt?.toISOString() ?? null,
    registrationClosesAt: row.registrationClosesAt?.toISOString() ?? null,
    contactEmail: row.contactEmail,
    lead: lead ? { slug: lead.slug, name: lead.name } : { slug: '', name: '' },
    organisers: orgs.map(({ slug, name, role, status }) => ({ slug, name, role, status })),
    themes: related.themes.get(row.id) ?? [],
    seriesId: row.seriesId,
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    canEdit: manages,
    canInvite: invites && row.status !== 'cancelled',
    canUpdate: manages && row.status !== 'cancelled',
    canPublish: manages && row.status === 'draft',
    canCancel: manages && row.status === 'published',
    canDelete: canDeleteEvent(actor, row.status, refs, () => related.activeRegistrations().get(row.id) ?? 0),
    canSeeAttendees: manages,
    canCopy: canCopyEvent(actor, refs),
    canAnswerAs: cohostInvitationsToAnswer(actor, row.status, orgs).map(named),
    inviteOptions,
    announceAs: announcingClusters(actor, row.status, orgs, row.visibility).map(named),
  };
}

export function organiserRefs(db: Pick<Db, 'select'>, eventId: number): OrganiserRef[] {
  return keptStatement(db, 'events.organiserRefs', (d) =>
    d
      .select({ clusterId: eventOrganisers.clusterId, role: eventOrganisers.role, status: eventOrganisers.status })
      .from(eventOrganisers)
      .where(eq(eventOrganisers.eventId, sql.placeholder('eventId')))
      .prepare(),
  ).all({ eventId });
}

/** clusters.id of the clusters that run an event (lead and accepted co-hosts): the clusterIds of its domain events. */
export function organisingClusterIds(db: Pick<Db, 'select'>, eventId: number): number[] {
  return managingClusters(organiserRefs(db, eventId));
}

/** The timing fields every event list shows (contracts' EventTiming), from a row. */
export function eventTiming(r: Pick<Event, 'allDay' | 'startsAt' | 'endsAt' | 'timeZone' | 'startDate' | 'endDate'>): EventTiming {
  return {
    allDay: r.allDay,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    timeZone: r.timeZone,
    start: instantToLocal(r.startsAt, r.timeZone),
    end: instantToLocal(r.endsAt, r.timeZone),
    startDate: r.startDate,
    endDate: r.endDate,
  };
}
