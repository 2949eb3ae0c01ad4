import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('GET /api/counties', () => {
  it('lists all 21 counties, including those with no cluster', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/counties' });
    expect(res.statusCode).toBe(200);
    const counties = res.json() as { slug: string; name: string; clusters: { slug: string }[] }[];
    expect(counties).toHaveLength(21);
    expect(counties.find((c) => c.slug === 'blekinge-lan')).toEqual({ slug: 'blekinge-lan', name: 'Blekinge län', clusters: [] });
    expect(counties.find((c) => c.slug === 'stockholms-lan')!.clusters).toEqual([]);
    expect(counties.find((c) => c.slug === 'dalarnas-lan')!.clusters).toEqual([{ slug: 'froda', name: expect.any(String) }]);
    expect(counties.at(-1)!.name).toBe('Östergötlands län');
  });
});

describe('GET /api/themes', () => {
  it('lists the themes in Swedish and English', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/themes' });
    expect(res.statusCode).toBe(200);
    const themes = res.json() as { slug: string; nameSv: string; nameEn: string }[];
    expect(themes).toHaveLength(6);
    for (const th of themes) expect(Object.keys(th).sort()).toEqual(['nameEn', 'nameSv', 'slug']);
  });
});
