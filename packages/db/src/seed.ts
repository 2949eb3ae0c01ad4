import { and, eq, isNull, sql } from 'drizzle-orm';
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
 * as they are, so a coordinator's edits to a cluster profile survive every restart. The one
 * exception is a cluster's summaries while its profile was never edited (no `profileEditedAt`)
 * and its Swedish summary is still a text the reference data gave it: those follow the
 * reference data, so an installation seeded with the English-only summaries gets the Swedish
 * ones. A summary changed before the edit marker existed is not the reference text, and stays.
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
      if (haveClusters.has(c.slug)) {
        refreshSummaries(tx, c.slug, c.summary);
        continue;
      }
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
          summary: c.summary.sv,
          summaryEn: c.summary.en,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .run();
    }
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** See seedReferenceData. Writes only when a summary differs, so an up-to-date row is not touched. */
function refreshSummaries(tx: Tx, slug: string, summary: { sv: string; en: string }): void {
  const row = tx
    .select({ summary: clusters.summary, summaryEn: clusters.summaryEn })
    .from(clusters)
    .where(and(eq(clusters.slug, slug), isNull(clusters.profileEditedAt)))
    .get();
  // Earlier reference data had the English summary in `summary`.
  if (!row || (row.summary !== summary.en && row.summary !== summary.sv)) return;
  if (row.summary === summary.sv && row.summaryEn === summary.en) return;
  tx.update(clusters).set({ summary: summary.sv, summaryEn: summary.en }).where(eq(clusters.slug, slug)).run();
}

export function countRows(db: Db): { clusters: number; counties: number; themes: number } {
  const one = (t: typeof clusters | typeof counties | typeof themes) => db.select({ n: sql<number>`count(*)` }).from(t).get()!.n;
  return { clusters: one(clusters), counties: one(counties), themes: one(themes) };
}
