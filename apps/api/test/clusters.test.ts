import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  t = await makeTestApp();
  tokens.admin = (await t.login('admin')).token;
  tokens.own = (await t.login('coordinator', { clusters: ['froda'] })).token;
  tokens.other = (await t.login('coordinator', { clusters: ['agro-vast'] })).token;
  tokens.participant = (await t.login('participant')).token;
});
afterAll(() => t.close());

const get = (slug: string, headers: Record<string, string> = {}) => t.inject({ method: 'GET', url: `/api/clusters/${slug}`, headers });
const patch = (slug: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.inject({ method: 'PATCH', url: `/api/clusters/${slug}`, headers, payload: payload as object });

describe('GET /api/clusters', () => {
  it('lists every cluster without a login', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/clusters' });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { slug: string; county: { slug: string } }[];
    expect(list).toHaveLength(18);
    expect(list.find((c) => c.slug === 'froda')).toMatchObject({ county: { slug: 'dalarnas-lan' } });
    expect(list[0]).not.toHaveProperty('id');
  });
});

describe('GET /api/clusters/:slug', () => {
  it.each([
    ['anonymous', undefined, false],
    ['participant', 'participant', false],
    ['coordinator of another cluster', 'other', false],
    ['coordinator of the cluster', 'own', true],
    ['admin', 'admin', true],
  ])('tells the %s canEdit=%s', async (_who, key, canEdit) => {
    const res = await get('froda', key ? bearer(tokens[key]!) : {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ slug: 'froda', canEdit });
  });

  it('404 for an unknown slug', async () => {
    expectError(await get('no-such-cluster'), 404, 'unknown_cluster');
  });

  it.each(['Froda', 'fro_da', 'froda-', '-froda', 'fr--oda', 'a'.repeat(81), 'fröda'])(
    '400 for the slug %j (bad pattern)',
    async (slug) => {
      expectError(await get(encodeURIComponent(slug)), 400, 'invalid_request');
    },
  );
});

describe('PATCH /api/clusters/:slug', () => {
  it.each([
    ['coordinator of the cluster', 'own'],
    ['admin', 'admin'],
  ])('the %s may edit the profile', async (who, key) => {
    const summary = `Uppdaterad av ${who}`;
    const res = await patch(
      'froda',
      { summary, website: 'https://froda.example.se', contactEmail: 'info@froda.example.se' },
      bearer(tokens[key]!),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      slug: 'froda',
      summary,
      website: 'https://froda.example.se/',
      contactEmail: 'info@froda.example.se',
      canEdit: true,
    });
    expect((await get('froda')).json().summary).toBe(summary);
  });

  it.each([
    ['coordinator of another cluster', 'other'],
    ['participant', 'participant'],
  ])('403 for a %s, and nothing changes', async (_who, key) => {
    const before = (await get('froda')).json();
    expectError(await patch('froda', { summary: 'Kapad' }, bearer(tokens[key]!)), 403, 'forbidden');
    expect((await get('froda')).json()).toEqual(before);
  });

  it('401 without a token, and nothing changes', async () => {
    const before = (await get('froda')).json();
    expectError(await patch('froda', { summary: 'Kapad' }), 401, 'login_required');
    expect((await get('froda')).json()).toEqual(before);
  });

  it('404 for an unknown slug, 400 for a bad one', async () => {
    expectError(await patch('no-such-cluster', { summary: 'x' }, bearer(tokens.admin!)), 404, 'unknown_cluster');
    expectError(await patch('Not_A_Slug', { summary: 'x' }, bearer(tokens.admin!)), 400, 'invalid_request');
  });

  it('400 for an unknown field, naming it', async () => {
    const err = expectError(await patch('froda', { summary: 'x', countyId: 1 }, bearer(tokens.own!)), 400, 'invalid_request');
    expect(err.details).toEqual([
      { field: 'body', code: 'unknown_field', message: 'unknown field "countyId"', params: { property: 'countyId' } },
    ]);
  });

  it.each([
    ['a number for a string', { name: 5 }],
    ['a string for null-or-string', { website: 5 }],
    ['an array', { summary: ['a'] }],
    ['an empty name', { name: '' }],
    ['a too long summary', { summary: 'x'.repeat(301) }],
    ['a body that is not an object', ['summary']],
  ])('400 for %s', async (_what, payload) => {
    expectError(await patch('froda', payload, bearer(tokens.own!)), 400, 'invalid_request');
  });

  it.each(['javascript:alert(1)', 'data:text/html,hi', 'ftp://example.se'])(
    '400 invalid_url for the website %s, and the old one stays',
    async (website) => {
      const before = (await get('froda')).json().website;
      const err = expectError(await patch('froda', { website }, bearer(tokens.own!)), 400, 'invalid_url');
      expect(err.details).toEqual([{ field: 'website', code: 'invalid_url', message: expect.any(String) }]);
      expect((await get('froda')).json().website).toBe(before);
    },
  );

  it('400 invalid_profile for a bad contact email', async () => {
    const err = expectError(await patch('froda', { contactEmail: 'nope' }, bearer(tokens.own!)), 400, 'invalid_profile');
    expect(err.details).toEqual([{ field: 'contactEmail', code: 'invalid_email', message: expect.any(String) }]);
  });

  it('400 for malformed JSON', async () => {
    const res = await t.inject({
      method: 'PATCH',
      url: '/api/clusters/froda',
      headers: { ...bearer(tokens.own!), 'content-type': 'application/json' },
      payload: '{"summary": "x",',
    });
    expectError(res, 400, 'malformed_json');
  });

  it('413 for a body over 256 KiB', async () => {
    const res = await t.inject({
      method: 'PATCH',
      url: '/api/clusters/froda',
      headers: { ...bearer(tokens.own!), 'content-type': 'application/json' },
      payload: JSON.stringify({ description: 'x'.repeat(256 * 1024) }),
    });
    expectError(res, 413, 'body_too_large');
  });
});
