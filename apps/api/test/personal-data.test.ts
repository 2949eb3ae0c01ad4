import { outbox, subscribers } from '@samverka/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { bearer, makeTestApp, type TestApp } from './helpers.ts';

// GDPR: erasure reaches the outbox, sent mail is purged, and a participant can see everything
// stored about their address.

let t: TestApp;
let lead: { token: string };
beforeAll(async () => {
  t = await makeTestApp({ MAIL_RETENTION_DAYS: '10' });
  lead = await t.login('coordinator', { clusters: ['agro-orebro'] });
});
afterAll(async () => {
  await t.close();
});

async function publishedEvent(title: string): Promise<number> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(lead.token),
    payload: {
      leadCluster: 'agro-orebro',
      title,
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2031-03-10T09:00',
      end: '2031-03-10T12:00',
      venueName: 'Skolan',
      capacity: 10,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = (res.json() as { event: { id: number } }).event.id;
  expect((await t.inject({ method: 'POST', url: `/api/events/${id}/publish`, headers: bearer(lead.token) })).statusCode).toBe(200);
  return id;
}

async function register(eventId: number, email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name: 'Greta Gård', email, organisation: 'Gården AB', consent: true, ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { token: string }).token;
}

const carrying = (secret: string) =>
  t.db
    .select()
    .from(outbox)
    .where(
      sql`instr(${outbox.text}, ${secret}) > 0 or instr(coalesce(${outbox.html}, ''), ${secret}) > 0 or instr(coalesce(${outbox.headers}, ''), ${secret}) > 0`,
    )
    .all();
const markAllSent = () => t.db.update(outbox).set({ status: 'sent', sentAt: new Date() }).run();

describe('erasure reaches the outbox', () => {
  it('deleting a registration’s personal data deletes its mails, pending and sent, and no others', async () => {
    const first = await publishedEvent('Markdag');
    const second = await publishedEvent('Vattendag');
    const keep = await register(first, 'greta@example.se');
    const erase = await register(second, 'greta@example.se');
    markAllSent();
    // A pending one too: a change that mails the participant.
    expect((await t.inject({ method: 'POST', url: `/api/registrations/${erase}/cancel` })).statusCode).toBe(200);
    expect(
      carrying(erase)
        .map((m) => m.status)
        .sort(),
    ).toEqual(['pending', 'sent']);
    expect(carrying(erase).every((m) => m.toAddress === 'greta@example.se' && m.text.includes('Greta'))).toBe(true);
    expect((await t.inject({ method: 'DELETE', url: `/api/registrations/${erase}` })).statusCode).toBe(204);
    expect(carrying(erase)).toEqual([]);
    expect(carrying(keep)).toHaveLength(1);
  });

  it('unsubscribing deletes every mail to the subscriber, pending and sent', async () => {
    const subscribe = () =>
      t.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'sub@example.se', clusters: ['agro-orebro'], themes: [] } });
    expect((await subscribe()).statusCode).toBe(202);
    const token = t.db.select().from(subscribers).where(eq(subscribers.email, 'sub@example.se')).get()!.token;
    markAllSent();
    expect((await t.inject({ method: 'POST', url: `/api/subscriptions/${token}/confirm` })).statusCode).toBe(200);
    expect((await subscribe()).statusCode).toBe(202); // "you already subscribe", pending
    expect(
      carrying(token)
        .map((m) => m.status)
        .sort(),
    ).toEqual(['pending', 'sent']);
    expect((await t.inject({ method: 'DELETE', url: `/api/subscriptions/${token}` })).statusCode).toBe(204);
    expect(carrying(token)).toEqual([]);
    expect(t.db.select().from(outbox).where(eq(outbox.toAddress, 'sub@example.se')).all()).toEqual([]);
  });
});

describe('MAIL_RETENTION_DAYS', () => {
  it('the hourly job purges sent mail older than the setting and keeps what is newer or waiting', async () => {
    const old = new Date(Date.now() - 11 * 86_400_000);
    const recent = new Date(Date.now() - 9 * 86_400_000);
    const base = { subject: 's', text: 't', nextAttemptAt: old, createdAt: old };
    t.db.delete(outbox).run();
    t.db
      .insert(outbox)
      .values([
        { ...base, toAddress: 'old@example.se', status: 'sent', sentAt: old },
        { ...base, toAddress: 'recent@example.se', status: 'sent', sentAt: recent },
        { ...base, toAddress: 'waiting@example.se', status: 'pending' },
      ])
      .run();
    const withJobs = await buildApp({ config: t.config, db: t.db, mailWorker: false, jobs: true });
    await withJobs.ready();
    await withJobs.close();
    expect(
      t.db
        .select({ to: outbox.toAddress })
        .from(outbox)
        .all()
        .map((r) => r.to)
        .sort(),
    ).toEqual(['recent@example.se', 'waiting@example.se']);
  });
});

describe('a participant’s own data', () => {
  it('GET /api/registrations/:token/personal-data has every registration with its answers, the subscription and mails, and no tokens', async () => {
    const a = await publishedEvent('Skördefest');
    const b = await publishedEvent('Biodling');
    const token = await register(a, 'olle@example.se', { dietaryNeeds: 'Vegetarisk', county: 'orebro-lan' });
    const other = await register(b, 'olle@example.se', { accessibilityNeeds: 'Hörslinga' });
    await register(b, 'someone-else@example.se');
    await t.inject({
      method: 'POST',
      url: '/api/subscriptions',
      payload: { email: 'olle@example.se', clusters: ['froda'], themes: ['krisberedskap'] },
    });
    const res = await t.inject({ method: 'GET', url: `/api/registrations/${token}/personal-data` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const data = res.json() as {
      email: string;
      registrations: {
        event: { title: string };
        dietaryNeeds: string | null;
        accessibilityNeeds: string | null;
        county: string | null;
        name: string;
      }[];
      subscriptions: { confirmed: boolean; clusters: string[]; themes: string[] }[];
      mails: { subject: string; status: string }[];
    };
    expect(data.email).toBe('olle@example.se');
    expect(data.registrations.map((r) => [r.event.title, r.name, r.dietaryNeeds, r.accessibilityNeeds])).toEqual([
      ['Skördefest', 'Greta Gård', 'Vegetarisk', null],
      ['Biodling', 'Greta Gård', null, 'Hörslinga'],
    ]);
    expect(data.registrations[0]!.county).toBe('Örebro län');
    expect(data.subscriptions).toEqual([expect.objectContaining({ confirmed: false, clusters: ['froda'], themes: ['krisberedskap'] })]);
    expect(data.mails.length).toBeGreaterThanOrEqual(3);
    const subscriberToken = t.db.select().from(subscribers).where(eq(subscribers.email, 'olle@example.se')).get()!.token;
    for (const secret of [token, other, subscriberToken]) expect(res.body).not.toContain(secret);
    expect(res.body).not.toContain('someone-else');
    expect((await t.inject({ method: 'GET', url: `/api/registrations/${'x'.repeat(43)}/personal-data` })).statusCode).toBe(404);
    await t.inject({ method: 'DELETE', url: `/api/registrations/${token}` });
    expect((await t.inject({ method: 'GET', url: `/api/registrations/${token}/personal-data` })).statusCode).toBe(404);
  });
});
