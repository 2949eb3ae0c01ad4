import { textsFor } from '../texts/index.ts';
import type { EmbedListing as ContractEmbedListing } from '@samverka/contracts';
import { and, asc, eq, gt } from 'drizzle-orm';
import { clusters, counties, events, themes, type Db } from '@samverka/db';
import { filterConditions, filterIds } from '../events/event-service.ts';
import { eventTiming, loadRelated } from '../events/event-view.ts';

export interface EmbedScope {
  cluster?: string;
  theme?: string;
  county?: string;
}

export type EmbedEvent = ContractEmbedListing['events'][number];

export type EmbedListing = ContractEmbedListing;

/**
 * Upcoming published events for a cluster's own website: the whole network, or one cluster
 * (lead or accepted co-host), theme or county; in start order, at most `limit` (1–20).
 *
 * @throws DomainError 404 `unknown_cluster` / `unknown_theme` / `unknown_county`
 */
export function embedListing(db: Db, scope: EmbedScope, limit = 8, now = new Date()): EmbedListing {
  const ids = filterIds(db, scope);
  const where = filterConditions(ids, {});
  const rows = db
    .select()
    .from(events)
    .where(and(eq(events.status, 'published'), eq(events.visibility, 'public'), gt(events.endsAt, now), ...where))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(Math.min(Math.max(limit, 1), 20))
    .all();
  const related = loadRelated(db, rows);
  let named: EmbedListing['scope'] = {
    type: 'network',
    slug: null,
    nameSv: textsFor('sv').feeds.network,
    nameEn: textsFor('en').feeds.network,
  };
  if (ids.clusterId !== undefined) {
    const c = db.select().from(clusters).where(eq(clusters.id, ids.clusterId)).get()!;
    named = { type: 'cluster', slug: c.slug, nameSv: c.name, nameEn: c.name };
  } else if (ids.themeId !== undefined) {
    const t = db.select().from(themes).where(eq(themes.id, ids.themeId)).get()!;
    named = { type: 'theme', slug: t.slug, nameSv: t.nameSv, nameEn: t.nameEn };
  } else if (ids.countyId !== undefined) {
    const c = db.select().from(counties).where(eq(counties.id, ids.countyId)).get()!;
    named = { type: 'county', slug: c.slug, nameSv: c.name, nameEn: c.name };
  }
  return {
    scope: named,
    events: rows.map((r) => ({
      id: r.id,
      title: r.title,
      kind: r.kind,
      ...eventTiming(r),
      place: [r.venueName, r.address].filter(Boolean).join(', ') || null,
      online: !!r.onlineUrl,
      county: r.countyId !== null ? (related.counties.get(r.countyId)?.name ?? null) : null,
      lead: related.organisers.get(r.id)?.find((o) => o.role === 'lead')?.name ?? '',
    })),
  };
}
