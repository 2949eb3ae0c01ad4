import { type Cluster, type ClusterDetail, type ClusterPatch, type County, LIMITS, type Theme } from '@samverka/contracts';
import { asc, eq } from 'drizzle-orm';
import { clusters, counties, themes, type Db } from '@samverka/db';
import { assertCanEditCluster, canEditCluster, type Actor } from './access.ts';
import { DomainError, type ErrorDetail } from './errors.ts';
import { isEmail, singleLine, truncate } from './escape.ts';
import { renderMarkdown } from './markdown.ts';

const clusterColumns = {
  id: clusters.id,
  slug: clusters.slug,
  name: clusters.name,
  town: clusters.town,
  lat: clusters.lat,
  lng: clusters.lng,
  summary: clusters.summary,
  summaryEn: clusters.summaryEn,
  description: clusters.description,
  website: clusters.website,
  contactEmail: clusters.contactEmail,
  updatedAt: clusters.updatedAt,
  countySlug: counties.slug,
  countyName: counties.name,
};

function toView(r: ReturnType<ReturnType<typeof selectClusters>['get']> & object): Cluster {
  return {
    slug: r.slug,
    name: r.name,
    county: { slug: r.countySlug, name: r.countyName },
    town: r.town,
    lat: r.lat,
    lng: r.lng,
    summary: r.summary,
    summaryEn: r.summaryEn,
    description: r.description,
    website: r.website,
    contactEmail: r.contactEmail,
    updatedAt: r.updatedAt.toISOString(),
  };
}

function selectClusters(db: Db) {
  return db.select(clusterColumns).from(clusters).innerJoin(counties, eq(counties.id, clusters.countyId));
}

export function listClusters(db: Db): Cluster[] {
  // Swedish alphabetical order (Å, Ä, Ö last), which SQLite's byte order does not give.
  return selectClusters(db)
    .all()
    .map(toView)
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export function getCluster(db: Db, slug: string, actor: Actor | null = null): ClusterDetail {
  const row = selectClusters(db).where(eq(clusters.slug, slug)).get();
  if (!row) throw new DomainError('not_found', 'unknown_cluster', `There is no cluster "${slug}"`);
  return { ...toView(row), descriptionHtml: renderMarkdown(row.description), canEdit: canEditCluster(actor, row.id) };
}

export function clusterIdBySlug(db: Db, slug: string): number {
  const row = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, slug)).get();
  if (!row) throw new DomainError('not_found', 'unknown_cluster', `There is no cluster "${slug}"`);
  return row.id;
}

function checkedUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DomainError('invalid', 'invalid_url', 'The website must be a full address starting with https://', [
      { field: 'website', code: 'invalid_url', message: 'not a URL' },
    ]);
  }
  // Only web links: a javascript: or data: URL would run in the visitor's browser.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DomainError('invalid', 'invalid_url', 'The website must start with https:// or http://', [
      { field: 'website', code: 'invalid_url', message: 'only http(s) links' },
    ]);
  }
  return url.toString();
}

/**
 * Coordinators edit their own cluster's profile; admins any. Location and county stay reference
 * data. Saving marks the profile as edited, so the seed no longer brings its summaries up to date.
 */
export function updateClusterProfile(db: Db, actor: Actor | null, slug: string, patch: ClusterPatch, now = new Date()): Cluster {
  const id = clusterIdBySlug(db, slug);
  assertCanEditCluster(actor, id);
  const set: Partial<typeof clusters.$inferInsert> = { updatedAt: now, profileEditedAt: now };
  const details: ErrorDetail[] = [];
  for (const key of ['name', 'town', 'summary'] as const) {
    if (patch[key] !== undefined) {
      const v = singleLine(patch[key]!, key === 'summary' ? LIMITS.clusterSummary : LIMITS.name);
      if (!v) details.push({ field: key, code: 'required', message: 'must not be empty' });
      set[key] = v;
    }
  }
  if (patch.summaryEn !== undefined) set.summaryEn = singleLine(patch.summaryEn, LIMITS.clusterSummary);
  if (patch.description !== undefined) set.description = truncate(patch.description.trim(), LIMITS.clusterDescription);
  if (patch.website !== undefined) set.website = patch.website ? checkedUrl(patch.website.trim()) : null;
  if (patch.contactEmail !== undefined) {
    const e = patch.contactEmail?.trim() || null;
    if (e && !isEmail(e)) details.push({ field: 'contactEmail', code: 'invalid_email', message: 'not an email address' });
    set.contactEmail = e;
  }
  if (details.length) throw new DomainError('invalid', 'invalid_profile', 'The profile has invalid fields', details);
  db.update(clusters).set(set).where(eq(clusters.id, id)).run();
  return getCluster(db, slug);
}

/** Every county with the clusters in it; counties without a cluster are included with an empty list. */
export function listCounties(db: Db): County[] {
  const all = db.select().from(counties).orderBy(asc(counties.name)).all();
  const byCounty = new Map<number, { slug: string; name: string }[]>();
  for (const c of db
    .select({ slug: clusters.slug, name: clusters.name, countyId: clusters.countyId })
    .from(clusters)
    .orderBy(asc(clusters.name))
    .all()) {
    const list = byCounty.get(c.countyId) ?? [];
    list.push({ slug: c.slug, name: c.name });
    byCounty.set(c.countyId, list);
  }
  return all
    .map((c): County => ({ slug: c.slug, name: c.name, clusters: byCounty.get(c.id) ?? [] }))
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export function listThemes(db: Db): Theme[] {
  return db.select({ slug: themes.slug, nameSv: themes.nameSv, nameEn: themes.nameEn }).from(themes).orderBy(asc(themes.id)).all();
}
