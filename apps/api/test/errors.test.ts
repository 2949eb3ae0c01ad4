import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoInternals, bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let adminToken: string;
let adminId: number;
beforeAll(async () => {
  t = await makeTestApp();
  ({ token: adminToken, userId: adminId } = await t.login('admin'));
});
afterAll(() => t.close());

describe('the error shape', () => {
  it('unknown API routes answer 404 in the error shape', async () => {
    expectError(await t.inject({ method: 'GET', url: '/api/no-such-route' }), 404, 'not_found');
    expectError(await t.inject({ method: 'DELETE', url: '/api/clusters' }), 404, 'not_found');
    expectError(await t.inject({ method: 'GET', url: '/not-the-api' }), 404, 'not_found');
  });

  it('400 malformed_json for a body that is not JSON', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@example.se", "password": ',
    });
    const err = expectError(res, 400, 'malformed_json');
    expect(err.message).not.toContain('Unexpected');
  });

  it('400 empty_body for a JSON content type without a body', async () => {
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' }),
      400,
      'empty_body',
    );
  });

  it('413 body_too_large just over 256 KiB, and a body just under is read', async () => {
    const over = JSON.stringify({ email: 'a@example.se', password: 'x'.repeat(256 * 1024) });
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: over }),
      413,
      'body_too_large',
    );
    const under = JSON.stringify({ email: 'a@example.se', password: 'x'.repeat(200 * 1024) });
    // Read and validated (password longer than 1024), not refused for its size.
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: under }),
      400,
      'invalid_request',
    );
  });

  it('415 for a body in a media type the API does not read', async () => {
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<login/>' }),
      415,
      'unsupported_media_type',
    );
  });

  it('400 bad_url for a broken percent-encoding, without echoing the path', async () => {
    const err = expectError(await t.inject({ method: 'GET', url: '/api/clusters/%E0%A4%A' }), 400, 'bad_url');
    expect(err.message).not.toContain('%E0');
  });

  it('an over-long path parameter is refused in the error shape', async () => {
    const res = await t.inject({ method: 'GET', url: `/api/clusters/${'a'.repeat(200)}` });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expectError(res, res.statusCode);
  });

  it('validation errors name the field and the reason', async () => {
    const err = expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.se', password: 5 } }),
      400,
      'invalid_request',
    );
    expect(err.details).toEqual([
      { field: 'body/password', code: 'wrong_type', message: 'must be string', params: { expected: 'string' } },
    ]);
  });
});

describe('5xx answers hide internals', () => {
  it('a failing database gives 500 internal_error with a generic message, no SQL and no stack', async () => {
    const broken = await makeTestApp();
    try {
      (broken.db as unknown as { $client: { close(): void } }).$client.close();
      for (const req of [
        { method: 'GET', url: '/api/clusters' },
        { method: 'GET', url: '/api/counties' },
        { method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.se', password: 'whatever-password' } },
      ] as const) {
        const res = await broken.inject({ ...req });
        const err = expectError(res, 500, 'internal_error');
        expect(err.message).toBe('Something went wrong on our side. It has been logged.');
        expect(res.body).not.toMatch(/database|connection|sqlite/i);
      }
    } finally {
      await broken.close();
    }
  });
});

describe('OpenAPI', () => {
  it('GET /api/openapi.json documents every route with its security and error answers', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown>; tags?: string[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths['/api/clusters/']! ?? doc.paths['/api/clusters']!)).toContain('get');
    expect(doc.paths['/api/clusters/{slug}']!.patch!.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths['/api/clusters/{slug}']!.patch!.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    for (const path of [
      '/api/auth/login',
      '/api/auth/login-link',
      '/api/auth/login-link/redeem',
      '/api/auth/logout',
      '/api/me/',
      '/api/me/password',
      '/api/clusters/{slug}',
      '/api/themes',
      '/api/counties',
      '/api/admin/users',
      '/api/admin/users/{id}',
      '/api/admin/users/{id}/clusters/{slug}',
      '/api/admin/outbox',
    ]) {
      const entry = doc.paths[path] ?? doc.paths[path.replace(/\/$/, '')];
      expect(entry, path).toBeDefined();
      for (const op of Object.values(entry!)) expect(op.tags?.length, path).toBeGreaterThan(0);
    }
    expect(Object.keys(doc.paths).some((p) => p === '/api/clusters' || p === '/api/clusters/')).toBe(true);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
  });

  it('GET /api/docs serves the browsable page', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
  });
});

/**
 * Bad input against every route: nothing may produce a 5xx, and every refusal has the one
 * error shape. Each case is sent as the admin, so that access rules do not hide a crash.
 */
describe('bad input never yields 500', () => {
  const bodyRoutes = [
    ['POST', '/api/auth/login'],
    ['POST', '/api/auth/login-link'],
    ['POST', '/api/auth/login-link/redeem'],
    ['PATCH', '/api/me'],
    ['PUT', '/api/me/password'],
    ['PATCH', '/api/clusters/froda'],
    ['POST', '/api/admin/users'],
    ['PATCH', '/api/admin/users/1'],
  ] as const;

  const bodies: [string, string, string][] = [
    ['malformed JSON', 'application/json', '{"a": '],
    ['JSON null', 'application/json', 'null'],
    ['a JSON array', 'application/json', '[1,2,3]'],
    ['a JSON string', 'application/json', '"text"'],
    ['a JSON number', 'application/json', '42'],
    ['an unknown field', 'application/json', '{"unknownField": 1}'],
    ['a __proto__ key', 'application/json', '{"__proto__": {"isAdmin": true}}'],
    ['deep nesting', 'application/json', `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`],
    [
      'every field an object',
      'application/json',
      '{"email":{},"password":{},"token":{},"language":{},"name":{},"summary":{},"isAdmin":{}}',
    ],
    [
      'every field null',
      'application/json',
      '{"email":null,"password":null,"token":null,"language":null,"name":null,"summary":null,"isAdmin":null}',
    ],
    [
      'lone surrogates and NUL',
      'application/json',
      '{"email":"\\ud800@x.se\\u0000","password":"\\udfff","token":"\\u0000","name":"\\ud800"}',
    ],
    ['plain text', 'text/plain', 'hello'],
    ['a form', 'application/x-www-form-urlencoded', 'email=a%40b.se&password=x'],
    ['XML', 'application/xml', '<a/>'],
  ];

  const cases: { name: string; method: string; url: string; headers: Record<string, string>; payload?: string }[] = [];
  for (const [method, url] of bodyRoutes) {
    for (const [what, type, payload] of bodies)
      cases.push({ name: `${method} ${url} with ${what}`, method, url, headers: { 'content-type': type }, payload });
  }

  const pathRoutes = [
    ['GET', '/api/clusters/:slug'],
    ['PATCH', '/api/clusters/:slug'],
    ['PATCH', '/api/admin/users/:slug'],
    ['PUT', '/api/admin/users/1/clusters/:slug'],
    ['DELETE', '/api/admin/users/1/clusters/:slug'],
    ['PUT', '/api/admin/users/:slug/clusters/froda'],
  ] as const;
  const segments = [
    '%E0%A4%A',
    '%00',
    '..%2F..%2Fetc%2Fpasswd',
    '%C3%85%C3%84%C3%96',
    "x'%3B%20drop%20table%20users%3B--",
    'a'.repeat(300),
    '-1',
    '1e3',
    'null',
    '%20',
  ];
  for (const [method, url] of pathRoutes) {
    for (const seg of segments)
      cases.push({
        name: `${method} ${url.replace(':slug', seg.slice(0, 30))}`,
        method,
        url: url.replace(':slug', seg),
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
  }

  for (const q of ['?status[]=sent', '?status=sent&status=sent', '?__proto__[x]=1', '?status=%E0%A4%A', `?status=${'x'.repeat(5000)}`]) {
    cases.push({ name: `GET /api/admin/outbox${q.slice(0, 40)}`, method: 'GET', url: `/api/admin/outbox${q}`, headers: {} });
  }
  for (const auth of [
    'Bearer',
    'Bearer  x',
    `Bearer ${'a'.repeat(10_000)}`,
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwic2lkIjoieCJ9.',
    'bearer x',
  ]) {
    cases.push({
      name: `GET /api/me with authorization ${JSON.stringify(auth.slice(0, 40))}`,
      method: 'GET',
      url: '/api/me',
      headers: { authorization: auth },
    });
  }

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await t.app.inject({
      method: c.method as 'GET',
      url: c.url,
      headers: { ...(c.headers.authorization ? {} : bearer(adminToken)), ...c.headers },
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
    assertNoInternals(res);
    expect(res.statusCode, res.body).toBeLessThan(500);
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expectError(res, res.statusCode);
  });

  it('the admin used for these cases is still an admin and no user was created', async () => {
    const me = await t.inject({ method: 'GET', url: '/api/me', headers: bearer(adminToken) });
    expect(me.json()).toMatchObject({ id: adminId, isAdmin: true });
    const list = await t.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(adminToken) });
    expect(list.json()).toHaveLength(1);
  });
});
