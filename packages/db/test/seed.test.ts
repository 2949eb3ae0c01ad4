import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type DatabaseHandle } from '../src/client.ts';
import referenceData from '../src/reference-data.json' with { type: 'json' };
import { clusters, counties } from '../src/schema/index.ts';
import { countRows, seedReferenceData, slugify } from '../src/seed.ts';

let dir: string;
let h: DatabaseHandle;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samverka-seed-'));
  h = openDatabase(join(dir, 'samverka.db'));
  runMigrations(h.db);
});
afterEach(() => {
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of every table (including sqlite_sequence), for an exact before/after comparison. */
function dump(): Record<string, unknown[]> {
  const names = (h.sqlite.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map(
    (r) => r.name,
  );
  // Sorted in JS: some tables (FTS shadow tables) are WITHOUT ROWID.
  return Object.fromEntries(
    names.map((n) => [
      n,
      h.sqlite
        .prepare(`select * from "${n}"`)
        .all()
        .map((r) => JSON.stringify(r))
        .sort(),
    ]),
  );
}

describe('seedReferenceData', () => {
  it('inserts every county, theme and cluster of the reference data', () => {
    seedReferenceData(h.db);
    expect(countRows(h.db)).toEqual({
      counties: referenceData.counties.length,
      themes: referenceData.themes.length,
      clusters: referenceData.clusters.length,
    });
    expect(countRows(h.db)).toEqual({ counties: 21, themes: 6, clusters: 18 });
    const froda = h.db.select().from(clusters).where(eq(clusters.slug, 'froda')).get()!;
    const county = h.db.select().from(counties).where(eq(counties.id, froda.countyId)).get()!;
    expect(county.name).toBe(referenceData.clusters.find((c) => c.slug === 'froda')!.county);
  });

  it('is idempotent: a second run changes no row, not even a timestamp or a sequence', () => {
    seedReferenceData(h.db, new Date('2026-01-01T00:00:00Z'));
    const counts = countRows(h.db);
    const before = dump();
    seedReferenceData(h.db, new Date('2026-06-01T00:00:00Z'));
    expect(countRows(h.db)).toEqual(counts);
    expect(dump()).toEqual(before);
  });

  it('does not overwrite a cluster profile a coordinator edited, nor its updatedAt', () => {
    seedReferenceData(h.db, new Date('2026-01-01T00:00:00Z'));
    const edited = {
      name: 'Fröda (ny)',
      summary: 'Vår egen text',
      description: 'Lång',
      website: 'https://froda.example.se/',
      contactEmail: 'info@froda.example.se',
      updatedAt: new Date('2026-02-01T00:00:00Z'),
    };
    h.db.update(clusters).set(edited).where(eq(clusters.slug, 'froda')).run();
    seedReferenceData(h.db, new Date('2026-06-01T00:00:00Z'));
    expect(h.db.select().from(clusters).where(eq(clusters.slug, 'froda')).get()).toMatchObject(edited);
  });

  it('adds reference rows that are missing without touching the others', () => {
    seedReferenceData(h.db);
    h.db.delete(clusters).where(eq(clusters.slug, 'froda')).run();
    h.db.update(clusters).set({ summary: 'kept' }).where(eq(clusters.slug, 'agro-vast')).run();
    seedReferenceData(h.db);
    expect(countRows(h.db).clusters).toBe(18);
    expect(h.db.select().from(clusters).where(eq(clusters.slug, 'agro-vast')).get()!.summary).toBe('kept');
  });

  it('fails as a whole on a database without the schema (nothing half-seeded)', () => {
    h.sqlite.exec('DROP TABLE clusters');
    expect(() => seedReferenceData(h.db)).toThrow();
    expect(h.sqlite.prepare('select count(*) as n from counties').get()).toEqual({ n: 0 });
  });
});

describe('slugify', () => {
  it.each([
    ['Skåne län', 'skane-lan'],
    ['Västra Götalands län', 'vastra-gotalands-lan'],
    ['Örebro län', 'orebro-lan'],
    ['  Gävleborgs   län! ', 'gavleborgs-lan'],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('gives every reference county a distinct slug', () => {
    expect(new Set(referenceData.counties.map(slugify)).size).toBe(referenceData.counties.length);
  });
});
