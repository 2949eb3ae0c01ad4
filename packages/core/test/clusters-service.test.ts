import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import { getCluster, listClusters, listCounties, listThemes, updateClusterProfile } from '../src/clusters-service.ts';
import { freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught } from './helpers.ts';

let t: TestDb;
let coordinator: Actor;
beforeEach(() => {
  t = freshDb();
  coordinator = loadActor(t.db, insertUser(t.db, { coordinatorOf: ['froda'] }))!;
});
afterEach(() => t.dispose());

describe('updateClusterProfile', () => {
  it('saves every editable field and moves updatedAt', () => {
    const now = new Date('2026-04-01T08:00:00Z');
    const view = updateClusterProfile(
      t.db,
      coordinator,
      'froda',
      {
        name: 'Fröda ny',
        town: 'Falun',
        summary: 'Kort',
        description: '  Lång text\nmed rader  ',
        website: 'https://froda.se/om',
        contactEmail: 'info@froda.se',
      },
      now,
    );
    expect(view).toMatchObject({
      name: 'Fröda ny',
      town: 'Falun',
      summary: 'Kort',
      description: 'Lång text\nmed rader',
      website: 'https://froda.se/om',
      contactEmail: 'info@froda.se',
      updatedAt: now.toISOString(),
    });
    expect(getCluster(t.db, 'froda')).toMatchObject({ name: 'Fröda ny', website: 'https://froda.se/om' });
  });

  it.each(['https://example.se', 'http://example.se/path?q=1'])('accepts the web address %s', (website) => {
    expect(updateClusterProfile(t.db, coordinator, 'froda', { website }).website).toBe(new URL(website).toString());
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://example.se',
    'mailto:a@example.se',
    'example.se',
    '//example.se',
    'not a url',
  ])('refuses the website %s and keeps the old one', (website) => {
    updateClusterProfile(t.db, coordinator, 'froda', { website: 'https://ok.example.se' });
    const err = caught(() => updateClusterProfile(t.db, coordinator, 'froda', { website }));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_url']);
    expect(err.details[0]?.field).toBe('website');
    expect(getCluster(t.db, 'froda').website).toBe('https://ok.example.se/');
  });

  it('clears website and contact email with null or an empty string', () => {
    updateClusterProfile(t.db, coordinator, 'froda', { website: 'https://x.se', contactEmail: 'a@x.se' });
    expect(updateClusterProfile(t.db, coordinator, 'froda', { website: '', contactEmail: '' })).toMatchObject({
      website: null,
      contactEmail: null,
    });
    updateClusterProfile(t.db, coordinator, 'froda', { website: 'https://x.se', contactEmail: 'a@x.se' });
    expect(updateClusterProfile(t.db, coordinator, 'froda', { website: null, contactEmail: null })).toMatchObject({
      website: null,
      contactEmail: null,
    });
  });

  it('refuses an empty name and a bad contact email, naming each field, and saves nothing', () => {
    const before = getCluster(t.db, 'froda');
    const err = caught(() =>
      updateClusterProfile(t.db, coordinator, 'froda', { name: ' \n ', contactEmail: 'not-an-email', summary: 'would change' }),
    );
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_profile']);
    expect(err.details.map((d) => d.field).sort()).toEqual(['contactEmail', 'name']);
    expect(getCluster(t.db, 'froda')).toEqual(before);
  });

  it('flattens line breaks in one-line fields', () => {
    expect(updateClusterProfile(t.db, coordinator, 'froda', { name: 'Fröda\r\nBcc: x@y.se' }).name).toBe('Fröda Bcc: x@y.se');
  });

  it('answers not found for an unknown slug', () => {
    const err = caught(() => updateClusterProfile(t.db, coordinator, 'no-such-cluster', { summary: 'x' }));
    expect([err.kind, err.code]).toEqual(['not_found', 'unknown_cluster']);
  });
});

describe('directory', () => {
  it('lists all 18 reference clusters by name with their county', () => {
    const list = listClusters(t.db);
    expect(list).toHaveLength(18);
    expect(list.map((c) => c.name)).toEqual([...list.map((c) => c.name)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(list.find((c) => c.slug === 'agro-orebro')!.county).toEqual({ slug: 'orebro-lan', name: 'Örebro län' });
  });

  it('lists every county, including those without a cluster, in Swedish alphabetical order', () => {
    const counties = listCounties(t.db);
    expect(counties).toHaveLength(21);
    expect(counties.find((c) => c.slug === 'blekinge-lan')).toEqual({ slug: 'blekinge-lan', name: 'Blekinge län', clusters: [] });
    expect(
      counties
        .filter((c) => c.clusters.length === 0)
        .map((c) => c.slug)
        .sort(),
    ).toEqual(
      ['blekinge-lan', 'gavleborgs-lan', 'kalmar-lan', 'kronobergs-lan', 'stockholms-lan', 'varmlands-lan', 'vasternorrlands-lan'].sort(),
    );
    expect(
      counties
        .find((c) => c.slug === 'vastra-gotalands-lan')!
        .clusters.map((c) => c.slug)
        .sort(),
    ).toEqual(['agro-vast', 'grona-klustret-nuntorp', 'naturbruk-vgr']);
    // Å, Ä, Ö sort after Z in Swedish.
    expect(counties.slice(-2).map((c) => c.name)).toEqual(['Örebro län', 'Östergötlands län']);
    expect(counties.reduce((n, c) => n + c.clusters.length, 0)).toBe(18);
  });

  it('lists the themes in both languages', () => {
    const themes = listThemes(t.db);
    expect(themes).toHaveLength(6);
    for (const th of themes) expect(th.nameSv && th.nameEn && th.slug).toBeTruthy();
  });

  it('getCluster answers not found for an unknown slug', () => {
    expect(caught(() => getCluster(t.db, 'nope')).kind).toBe('not_found');
  });
});
