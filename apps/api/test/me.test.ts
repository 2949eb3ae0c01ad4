import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, TEST_PASSWORD, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('GET /api/me', () => {
  it.each([
    ['admin', ['admin'], []],
    ['coordinator', ['coordinator'], ['agro-orebro']],
    ['participant', ['participant'], []],
  ] as const)('shows a %s their roles and clusters', async (role, roles, clusters) => {
    const { token, userId, email } = await t.login(role);
    const res = await t.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: userId, email, roles, hasPassword: true, language: 'sv' });
    expect(res.json().clusters.map((c: { slug: string }) => c.slug)).toEqual(clusters);
    expect(res.json()).not.toHaveProperty('passwordHash');
  });

  it.each([
    ['admin', true, 18, true],
    ['coordinator', true, 1, false],
    ['participant', false, 0, false],
  ] as const)(
    'tells a %s what they may do: canCoordinate=%s, acting for %s clusters, for the secretariat=%s',
    async (role, canCoordinate, acting, network) => {
      const { token } = await t.login(role);
      const me = (await t.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).json();
      expect(me).toMatchObject({ canCoordinate, actsForNetwork: network, isAdmin: role === 'admin' });
      expect(me.actsFor).toHaveLength(acting);
      if (role === 'coordinator') expect(me.actsFor).toEqual(me.clusters);
    },
  );

  it('401 without a token', async () => {
    expectError(await t.inject({ method: 'GET', url: '/api/me' }), 401, 'login_required');
  });
});

describe('PATCH /api/me', () => {
  it('changes the language', async () => {
    const { token } = await t.login('participant');
    const res = await t.inject({ method: 'PATCH', url: '/api/me', headers: bearer(token), payload: { language: 'en' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().language).toBe('en');
    expect((await t.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).json().language).toBe('en');
  });

  it('401 without a token', async () => {
    expectError(await t.inject({ method: 'PATCH', url: '/api/me', payload: { language: 'en' } }), 401, 'login_required');
  });

  it.each([
    ['an unknown field', { language: 'en', isAdmin: true }],
    ['an unknown language', { language: 'de' }],
    ['a wrong type', { language: 1 }],
    ['no field', {}],
  ])('400 for %s, and nothing changes', async (_what, payload) => {
    const { token } = await t.login('participant');
    const err = expectError(await t.inject({ method: 'PATCH', url: '/api/me', headers: bearer(token), payload }), 400, 'invalid_request');
    expect(err.details?.length).toBeGreaterThan(0);
    const after = (await t.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).json();
    expect(after).toMatchObject({ language: 'sv', isAdmin: false });
  });

  it('names the unknown field', async () => {
    const { token } = await t.login('participant');
    const err = expectError(
      await t.inject({ method: 'PATCH', url: '/api/me', headers: bearer(token), payload: { language: 'en', isAdmin: true } }),
      400,
    );
    expect(err.details).toEqual([
      { field: 'body', code: 'unknown_field', message: 'unknown field "isAdmin"', params: { property: 'isAdmin' } },
    ]);
  });
});

describe('PUT /api/me/password', () => {
  it('sets a new password: it then logs in and the old one does not', async () => {
    const { token, email } = await t.login('participant');
    const res = await t.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers: bearer(token),
      payload: { password: 'a brand new secret' },
    });
    expect(res.statusCode).toBe(204);
    expect(
      (await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'a brand new secret' } })).statusCode,
    ).toBe(200);
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } }),
      401,
      'invalid_credentials',
    );
  });

  it('400 for a too short password, naming the field', async () => {
    const { token, email } = await t.login('participant');
    const err = expectError(
      await t.inject({ method: 'PUT', url: '/api/me/password', headers: bearer(token), payload: { password: 'short' } }),
      400,
      'weak_password',
    );
    expect(err.details).toEqual([{ field: 'password', code: 'too_short', message: expect.any(String), params: { min: 10 } }]);
    expect((await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } })).statusCode).toBe(200);
  });

  it('400 for a wrong type or an unknown field', async () => {
    const { token } = await t.login('participant');
    expectError(
      await t.inject({ method: 'PUT', url: '/api/me/password', headers: bearer(token), payload: { password: 1234567890123 } }),
      400,
      'invalid_request',
    );
    expectError(
      await t.inject({
        method: 'PUT',
        url: '/api/me/password',
        headers: bearer(token),
        payload: { password: 'long enough secret', old: 'x' },
      }),
      400,
      'invalid_request',
    );
  });

  it('401 without a token', async () => {
    expectError(
      await t.inject({ method: 'PUT', url: '/api/me/password', payload: { password: 'a brand new secret' } }),
      401,
      'login_required',
    );
  });
});

describe('GET /api/me/dashboard', () => {
  it('answers what the separate endpoints answer for the same coordinator, per cluster, and tells whether the board has more', async () => {
    const { token } = await t.login('coordinator', { clusters: ['agro-orebro', 'froda'] });
    const post = async (url: string, payload: Record<string, unknown>) => {
      const res = await t.inject({ method: 'POST', url, headers: bearer(token), payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const event = (title: string, start: string) => ({
      leadCluster: 'agro-orebro',
      title,
      kind: 'workshop',
      themes: ['krisberedskap'],
      start,
      end: start.replace(/T\d\d/, 'T16'),
      venueName: 'Lantbruksskolan',
    });
    for (let i = 0; i < 12; i++) await post('/api/events', event(`Utkast ${i}`, `2031-05-${String(10 + i).padStart(2, '0')}T09:00`));
    for (let i = 0; i < 12; i++) {
      const { event: e } = await post('/api/events', event(`Dag ${i}`, `2031-06-${String(10 + i).padStart(2, '0')}T09:00`));
      expect((await t.inject({ method: 'POST', url: `/api/events/${e.id}/publish`, headers: bearer(token) })).statusCode).toBe(200);
    }
    for (let i = 0; i < 11; i++)
      await post('/api/proposals', {
        cluster: 'agro-orebro',
        title: `Förslag ${i}`,
        abstract: 'Något att göra tillsammans',
        themes: ['kapitalforsorjning'],
        format: 'Halvdag',
        audience: 'Alla',
        preferredFrom: '2031-09-01',
        preferredTo: '2031-10-31',
      });
    const get = async (url: string) => {
      const res = await t.inject({ method: 'GET', url, headers: bearer(token) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const dashboard = await get('/api/me/dashboard?from=2031-06-12');
    const me = await get('/api/me');
    expect(dashboard.invitations).toEqual(await get('/api/me/cohost-invitations'));
    expect(dashboard.sharedInvitations).toEqual(await get('/api/me/shared-announcements'));
    expect(dashboard.clusters.map((c: { slug: string; name: string }) => ({ slug: c.slug, name: c.name }))).toEqual(me.clusters);
    for (const c of dashboard.clusters) {
      const { proposals } = await get(`/api/proposals?cluster=${c.slug}&limit=11`);
      expect(c).toEqual({
        slug: c.slug,
        name: c.name,
        upcoming: await get(`/api/events/summaries?cluster=${c.slug}&from=2031-06-12&limit=10`),
        drafts: await get(`/api/events/summaries?cluster=${c.slug}&status=draft&limit=50`),
        proposals: proposals.slice(0, 10),
        moreProposals: proposals.length > 10,
      });
    }
    const own = dashboard.clusters.find((c: { slug: string }) => c.slug === 'agro-orebro');
    expect(own.upcoming.events.map((e: { title: string }) => e.title)).toEqual([
      'Dag 2',
      'Dag 3',
      'Dag 4',
      'Dag 5',
      'Dag 6',
      'Dag 7',
      'Dag 8',
      'Dag 9',
      'Dag 10',
      'Dag 11',
    ]);
    expect(own.upcoming.nextCursor).toBeNull();
    expect(own.drafts.events).toHaveLength(12);
    expect([own.proposals.length, own.moreProposals]).toEqual([10, true]);
  });

  it('401 without a token, 400 without a date', async () => {
    expectError(await t.inject({ method: 'GET', url: '/api/me/dashboard?from=2031-06-12' }), 401, 'login_required');
    const { token } = await t.login('coordinator');
    expect((await t.inject({ method: 'GET', url: '/api/me/dashboard', headers: bearer(token) })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/me/dashboard?from=juni', headers: bearer(token) })).statusCode).toBe(400);
  });
});
