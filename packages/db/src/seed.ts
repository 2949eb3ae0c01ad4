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
    // Insert only what is missing: with AUTOINCREMENT, even an INSERT that ON CONFLICT DOES
    // NOTHING advances sqlite_sequence, so every start would burn ids.
    const slugsIn = (t: typeof counties | typeof themes | typeof clusters) =>
      new Set(
        tx
          .select({ slug: t.slug })
          .from(t)
          .all()
          .map((r) => r.slug),
      );
    const haveCounties = slugsIn(counties);
    const haveThemes = slugsIn(themes);
    const haveClusters = slugsIn(clusters);
    for (const name of referenceData.counties) {
      if (haveCounties.has(slugify(name))) continue;
      tx.insert(counties)
        .values({ name, slug: slugify(name) })
        .onConflictDoNothing()
        .run();
    }
    for (const t of referenceData.themes) {
      if (haveThemes.has(t.slug)) continue;
      tx.insert(themes).values({ slug: t.slug, nameSv: t.sv, nameEn: t.en }).onConflictDoNothing().run();
    }
    for (const c of referenceData.clusters) {
      if (haveClusters.has(c.slug)) continue;
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
  const one = (t: typeof clusters | typeof counties | typeof themes) => db.select({ n: sql<number>`count(*)` }).from(t).get()!.n;
  return { clusters: one(clusters), counties: one(counties), themes: one(themes) };
}
