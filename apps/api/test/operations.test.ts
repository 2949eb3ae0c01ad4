import { claimJobRun, jobSlot } from '@samverka/core';
import { jobRuns, sqliteOf } from '@samverka/db';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

// Running in production: probes, headers, a full disk, the proxy in front, jobs run once.

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0).reverse()) await a.close();
});
async function testApp(...args: Parameters<typeof makeTestApp>): Promise<TestApp> {
  const t = await makeTestApp(...args);
  apps.push(t);
  return t;
}

describe('/healthz and /readyz', () => {
  it('healthz answers while the process lives; readyz reports the database, migrations and outbox backlog', async () => {
    const t = await testApp();
    const live = await t.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    expect(live.headers['cache-control']).toBe('no-store');
    await t.inject({
      method: 'POST',
      url: '/api/subscriptions',
      payload: { email: 'a@example.se', clusters: ['agro-orebro'], themes: [] },
    });
    const ready = await t.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    const body = ready.json() as {
      status: string;
      database: { writable: boolean; migrations: { applied: number; expected: number } };
      outbox: { pending: number };
    };
    expect(body.status).toBe('ready');
    expect(body.database.writable).toBe(true);
    expect(body.database.migrations.applied).toBe(body.database.migrations.expected);
    expect(body.database.migrations.expected).toBeGreaterThanOrEqual(10);
    expect(body.outbox.pending).toBe(1);
  });

  it('readyz answers 503 when a migration is missing or the database takes no writes', async () => {
    const t = await testApp();
    const sqlite = sqliteOf(t.db);
    const row = sqlite.prepare('select hash, created_at from __drizzle_migrations order by created_at desc limit 1').get() as {
      hash: string;
      created_at: number;
    };
    sqlite.prepare('delete from __drizzle_migrations where created_at = ?').run(row.created_at);
    const unmigrated = await t.inject({ method: 'GET', url: '/readyz' });
    expect(unmigrated.statusCode).toBe(503);
    expect(unmigrated.json()).toMatchObject({ status: 'not_ready', database: { writable: true } });
    sqlite.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run(row.hash, row.created_at);
    expect((await t.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    sqlite.pragma('query_only = ON');
    const readOnly = await t.inject({ method: 'GET', url: '/readyz' });
    sqlite.pragma('query_only = OFF');
    expect(readOnly.statusCode).toBe(503);
    expect(readOnly.json()).toMatchObject({ status: 'not_ready', database: { writable: false } });
  });
});

describe('headers', () => {
  it('nosniff on every answer (API, errors, feeds, docs); no HSTS over plain http', async () => {
    const t = await testApp();
    for (const url of ['/api/themes', '/api/nothing-here', '/feeds/all.ics', '/events/999.ics', '/api/docs', '/healthz']) {
      const res = await t.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('HSTS on every answer when PUBLIC_URL is https', async () => {
    const t = await testApp({ PUBLIC_URL: 'https://samverka.example' });
    for (const url of ['/api/themes', '/feeds/all.atom', '/api/nothing-here']) {
      expect((await t.inject({ method: 'GET', url })).headers['strict-transport-security'], url).toBe('max-age=63072000');
    }
  });

  it('/api/docs has a CSP that forbids framing and inline scripts without a hash', async () => {
    const t = await testApp();
    const res = await t.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/script-src 'self'[^;]*;/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('answers about a person are private, no-store', async () => {
    const t = await testApp();
    const admin = await t.login('admin');
    for (const url of ['/api/me', '/api/admin/users', '/api/me/feed']) {
      const res = await t.inject({ method: 'GET', url, headers: bearer(admin.token) });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('private, no-store');
    }
    const unknown = await t.inject({ method: 'GET', url: `/api/registrations/${'x'.repeat(43)}` });
    expect(unknown.headers['cache-control']).toBe('private, no-store');
    // Public answers keep their own caching.
    expect((await t.inject({ method: 'GET', url: '/feeds/all.ics' })).headers['cache-control']).toBe('public, max-age=300');
  });
});

describe('a full disk', () => {
  it('refused writes answer 503 storage_full, and writes work again when space returns', async () => {
    const t = await testApp();
    const sqlite = sqliteOf(t.db);
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    // SQLite's own limit raises the real SQLITE_FULL, as a full disk does.
    sqlite.pragma(`max_page_count = ${pages}`);
    const subscribe = (i: number) =>
      t.inject({
        method: 'POST',
        url: '/api/subscriptions',
        payload: { email: `full-${i}@example.se`, clusters: ['agro-orebro'], themes: ['krisberedskap'] },
      });
    let res = await subscribe(0);
    for (let i = 1; res.statusCode === 202 && i < 2000; i++) res = await subscribe(i);
    const error = expectError(res, 503, 'storage_full');
    expect(error.message).toMatch(/out of storage space/);
    expect(res.headers['retry-after']).toBe('60');
    // Reading goes on.
    expect((await t.inject({ method: 'GET', url: '/api/themes' })).statusCode).toBe(200);
    sqlite.pragma(`max_page_count = ${pages * 100}`);
    expect((await subscribe(99_999)).statusCode).toBe(202);
  });
});

describe('TRUST_PROXY', () => {
  const login = (t: TestApp, from: string, forwardedFor?: string) =>
    t.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      payload: { email: 'nobody@example.se', password: 'wrong password' },
    });

  it('off (the default): every client behind the proxy shares the proxy’s login limit', async () => {
    const t = await testApp({ LOGIN_RATE_LIMIT: '2' });
    expect((await login(t, '127.0.0.1', '198.51.100.1')).statusCode).toBe(401);
    expect((await login(t, '127.0.0.1', '198.51.100.2')).statusCode).toBe(401);
    expect((await login(t, '127.0.0.1', '198.51.100.3')).statusCode).toBe(429);
  });

  it('one hop: each client has its own limit; a forged header from elsewhere counts for nothing beyond the hop', async () => {
    const t = await testApp({ LOGIN_RATE_LIMIT: '2', TRUST_PROXY: '1' });
    for (const client of ['198.51.100.1', '198.51.100.2']) {
      expect((await login(t, '127.0.0.1', client)).statusCode).toBe(401);
      expect((await login(t, '127.0.0.1', client)).statusCode).toBe(401);
      expect((await login(t, '127.0.0.1', client)).statusCode).toBe(429);
    }
    // The client prepends a made-up address: the proxy appends the real one, which is the one used.
    expect((await login(t, '127.0.0.1', '203.0.113.9, 198.51.100.1')).statusCode).toBe(429);
  });

  it('a list of proxy addresses: only those are believed', async () => {
    const t = await testApp({ LOGIN_RATE_LIMIT: '1', TRUST_PROXY: '10.0.0.0/8' });
    expect((await login(t, '10.1.2.3', '198.51.100.1')).statusCode).toBe(401);
    expect((await login(t, '10.1.2.3', '198.51.100.2')).statusCode).toBe(401);
    // Not a trusted proxy: its header is ignored and the socket address is the client.
    expect((await login(t, '192.0.2.50', '198.51.100.3')).statusCode).toBe(401);
    expect((await login(t, '192.0.2.50', '198.51.100.4')).statusCode).toBe(429);
  });
});

describe('scheduled jobs', () => {
  it('claimJobRun gives one period to one claimer', async () => {
    const t = await testApp();
    const slot = jobSlot(new Date(), 3_600_000);
    expect(claimJobRun(t.db, 'retention', slot, 'a')).toBe(true);
    expect(claimJobRun(t.db, 'retention', slot, 'b')).toBe(false);
    expect(claimJobRun(t.db, 'retention', slot + 3_600_000, 'b')).toBe(true);
    expect(claimJobRun(t.db, 'reminders', slot, 'b')).toBe(true);
  });

  it('run once per period when two app instances start on one database', async () => {
    const t = await testApp({}, { jobs: true });
    const second = await buildApp({ config: t.config, db: t.db, mailWorker: false, jobs: true });
    await second.ready();
    await second.close();
    const runs = t.db
      .select()
      .from(jobRuns)
      .all()
      .filter((r) => r.job !== 'readiness-probe');
    expect(runs.map((r) => r.job).sort()).toEqual(['mail-retention', 'reminders', 'retention', 'surveys']);
  });
});
