import type { Event as EventView, Organiser } from '@samverka/contracts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { clusters, counties, eventOrganisers, eventThemes, themes, type Db, type Event } from '@samverka/db';
import type { Actor } from '../access.ts';
import { renderMarkdown } from '../markdown.ts';
import { instantToLocal } from '../time.ts';
import { canInviteCohosts, canManageEvent, type OrganiserRef } from './event-access.ts';

interface Related {
  organisers: Map<number, (Organiser & { clusterId: number })[]>;
  themes: Map<number, string[]>;
  counties: Map<number, { slug: string; name: string }>;
}

/** Loads organisers, themes and counties for many events in three queries. */
export function loadRelated(db: Db, rows: Event[]): Related {
  const ids = rows.map((r) => r.id);
  const organisers = new Map<number, (Organiser & { clusterId: number })[]>();
  const themeMap = new Map<number, string[]>();
  const countyMap = new Map<number, { slug: string; name: string }>();
  if (ids.length === 0) return { organisers, themes: themeMap, counties: countyMap };
  for (const o of db
    .select({
      eventId: eventOrganisers.eventId,
      clusterId: eventOrganisers.clusterId,
      role: eventOrganisers.role,
      status: eventOrganisers.status,
      slug: clusters.slug,
      name: clusters.name,
    })
    .from(eventOrganisers)
    .innerJoin(clusters, eq(clusters.id, eventOrganisers.clusterId))
    .where(inArray(eventOrganisers.eventId, ids))
    .orderBy(asc(eventOrganisers.invitedAt), asc(clusters.name))
    .all()) {
    const list = organisers.get(o.eventId) ?? [];
    list.push({ clusterId: o.clusterId, slug: o.slug, name: o.name, role: o.role, status: o.status });
    organisers.set(o.eventId, list);
  }
  for (const t of db
    .select({ eventId: eventThemes.eventId, slug: themes.slug })
    .from(eventThemes)
    .innerJoin(themes, eq(themes.id, eventThemes.themeId))
    .where(inArray(eventThemes.eventId, ids))
    .orderBy(asc(themes.id))
    .all()) {
    const list = themeMap.get(t.eventId) ?? [];
    list.push(t.slug);
    themeMap.set(t.eventId, list);
  }
  const countyIds = [...new Set(rows.map((r) => r.countyId).filter((c): c is number => c !== null))];
  if (countyIds.length) {
    for (const c of db.select().from(counties).where(inArray(counties.id, countyIds)).all())
      countyMap.set(c.id, { slug: c.slug, name: c.name });
  }
  return { organisers, themes: themeMap, counties: countyMap };
}

/** The answer for one event; the actor decides the permission flags (canEdit, canInvite). */
export function toEventView(row: Event, related: Related, actor: Actor | null, withHtml = true): EventView {
  const orgs = related.organisers.get(row.id) ?? [];
  const refs: OrganiserRef[] = orgs;
  const lead = orgs.find((o) => o.role === 'lead');
  return {
    id: row.id,
    uid: row.uid,
    title: row.title,
    description: row.description,
    descriptionHtml: withHtml ? renderMarkdown(row.description) : '',
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
    onlineUrl: row.onlineUrl,
    language: row.language,
    capacity: row.capacity,
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
    canEdit: canManageEvent(actor, refs),
    canInvite: canInviteCohosts(actor, refs),
  };
}

export function organiserRefs(db: Db, eventId: number): OrganiserRef[] {
  return db
    .select({ clusterId: eventOrganisers.clusterId, role: eventOrganisers.role, status: eventOrganisers.status })
    .from(eventOrganisers)
    .where(and(eq(eventOrganisers.eventId, eventId)))
    .all();
}
