import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import referenceData from './reference-data.json' with { type: 'json' };
import { clusters, counties, themes } from './schema/index.ts';

/** "Skåne län" -> "skane-lan": URL-safe, stable slugs for counties (used in feed URLs). */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Inserts the reference clusters, counties and themes. Idempotent: rows that exist are left
 * as they are, so a coordinator's edits to a cluster profile survive every restart.
 */
export function seedReferenceData(db: Db, now = new Date()): void {
  db.transaction((tx) => {
    for (const name of referenceData.counties) {
      tx.insert(counties).values({ name, slug: slugify(name) }).onConflictDoNothing().run();
    }
    for (const t of referenceData.themes) {
      tx.insert(themes).values({ slug: t.slug, nameSv: t.sv, nameEn: t.en }).onConflictDoNothing().run();
    }
    for (const c of referenceData.clusters) {
      const county = tx.select({ id: counties.id }).from(counties).where(eq(counties.name, c.county)).get();
      if (!county) throw new Error(`Reference data: cluster ${c.slug} names unknown county ${c.county}`);
      tx.insert(clusters)
        .values({
          slug: c.slug,
          name: c.name,
          countyId: county.id,
          town: c.town,
          lat: c.lat,
          lng: c.lng,
          summary: c.summary,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .run();
    }
  });
}

export function countRows(db: Db): { clusters: number; counties: number; themes: number } {
  const one = (t: typeof clusters | typeof counties | typeof themes) =>
    db.select({ n: sql<number>`count(*)` }).from(t).get()!.n;
  return { clusters: one(clusters), counties: one(counties), themes: one(themes) };
}
