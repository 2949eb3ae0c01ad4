import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusters, seedReferenceData } from '@samverka/db';
import { loadActor, type Actor } from '../src/access.ts';
import { getCluster, listClusters, updateClusterProfile } from '../src/clusters-service.ts';
import { freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';

let t: TestDb;
let coordinator: Actor;
beforeEach(() => {
  t = freshDb();
  coordinator = loadActor(t.db, insertUser(t.db, { coordinatorOf: ['froda'] }))!;
});
afterEach(() => t.dispose());

describe('cluster profiles in two languages', () => {
  it('lists every cluster with a Swedish and an English summary', () => {
    const froda = listClusters(t.db).find((c) => c.slug === 'froda')!;
    expect(froda.summary).toMatch(/Dalarna/);
    expect(froda.summaryEn).toMatch(/^Knowledge and innovation/);
    expect(froda.summary).not.toBe(froda.summaryEn);
  });

  it('saves the English summary, and a save marks the profile as edited so the seed leaves it', () => {
    const now = new Date('2026-04-01T08:00:00Z');
    const view = updateClusterProfile(t.db, coordinator, 'froda', { summary: 'Vår mening', summaryEn: '  Our   sentence ' }, now);
    expect(view).toMatchObject({ summary: 'Vår mening', summaryEn: 'Our sentence' });
    expect(t.db.select().from(clusters).where(eq(clusters.slug, 'froda')).get()!.profileEditedAt).toEqual(now);
    // Even a coordinator who puts the reference text back keeps it as theirs.
    const afterFirstSave = listClusters(t.db).find((c) => c.slug === 'froda')!;
    updateClusterProfile(t.db, coordinator, 'froda', { summary: 'Knowledge and innovation', summaryEn: '' }, now);
    seedReferenceData(t.db);
    expect(getCluster(t.db, 'froda')).toMatchObject({ summary: 'Knowledge and innovation', summaryEn: '' });
    expect(afterFirstSave.summaryEn).toBe('Our sentence');
  });

  it('renders the presentation as sanitised Markdown with its paragraphs', () => {
    updateClusterProfile(t.db, coordinator, 'froda', {
      description: 'Första stycket med **fetstil**.\n\nAndra stycket <script>alert(1)</script>\n\n- en\n- två',
    });
    const html = getCluster(t.db, 'froda').descriptionHtml;
    expect(html).toContain('<p>Första stycket med <strong>fetstil</strong>.</p>');
    expect(html).toContain('<p>Andra stycket');
    expect(html).toContain('<li>två</li>');
    expect(html).not.toContain('<script');
  });
});
