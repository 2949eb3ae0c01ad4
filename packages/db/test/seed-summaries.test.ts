import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type DatabaseHandle } from '../src/client.ts';
import referenceData from '../src/reference-data.json' with { type: 'json' };
import { clusters } from '../src/schema/index.ts';
import { seedReferenceData } from '../src/seed.ts';

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

const reference = (slug: string) => referenceData.clusters.find((c) => c.slug === slug)!.summary;
const row = (slug: string) => h.db.select().from(clusters).where(eq(clusters.slug, slug)).get()!;

describe('cluster summaries in Swedish and English', () => {
  it('a fresh installation gets both summaries of every cluster, Swedish in summary', () => {
    seedReferenceData(h.db);
    for (const c of referenceData.clusters) {
      expect(row(c.slug)).toMatchObject({ summary: c.summary.sv, summaryEn: c.summary.en, profileEditedAt: null });
      expect(c.summary.sv).not.toBe(c.summary.en);
    }
  });

  it('an installation seeded with the English-only summaries gets the Swedish ones at the next start', () => {
    seedReferenceData(h.db, new Date('2026-01-01T00:00:00Z'));
    // As migration 0009 leaves an older installation: the English summary in summary, no English column yet.
    for (const c of referenceData.clusters)
      h.db.update(clusters).set({ summary: c.summary.en, summaryEn: '' }).where(eq(clusters.slug, c.slug)).run();
    const updatedAt = row('froda').updatedAt;
    seedReferenceData(h.db, new Date('2026-06-01T00:00:00Z'));
    for (const c of referenceData.clusters) expect(row(c.slug)).toMatchObject({ summary: c.summary.sv, summaryEn: c.summary.en });
    // The profile's own "last changed" stays: no coordinator changed it.
    expect(row('froda').updatedAt).toEqual(updatedAt);
  });

  it('leaves the summaries of a profile marked as edited, even when they are still reference texts', () => {
    seedReferenceData(h.db);
    const edited = { summary: reference('froda').en, summaryEn: '', profileEditedAt: new Date('2026-02-01T00:00:00Z') };
    h.db.update(clusters).set(edited).where(eq(clusters.slug, 'froda')).run();
    seedReferenceData(h.db);
    expect(row('froda')).toMatchObject(edited);
  });

  it('leaves a summary changed before the edit marker existed (not a reference text)', () => {
    seedReferenceData(h.db);
    h.db.update(clusters).set({ summary: 'Vår egen mening', summaryEn: '' }).where(eq(clusters.slug, 'froda')).run();
    seedReferenceData(h.db);
    expect(row('froda')).toMatchObject({ summary: 'Vår egen mening', summaryEn: '', profileEditedAt: null });
  });
});
