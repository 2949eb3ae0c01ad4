import { outbox, subscribers } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeTestApp, type TestApp } from './helpers.ts';

/**
 * Issue 12: a meeting link is for confirmed participants and organisers unless the organisers
 * make it public. A unique link is put on an event; every surface someone else can read is
 * fetched and searched for it, and every place a confirmed participant looks must hold it.
 */
const LEAD = 'agro-orebro';
const COHOST = 'froda';
const THEME = 'nya-affarsmodeller';
const Y = new Date().getFullYear() + 2;
const LINK = `https://meet.example.se/${randomUUID()}`;
const NEW_LINK = `https://meet.example.se/${randomUUID()}`;

type Who = 'anonymous' | 'participant' | 'unrelated' | 'lead' | 'cohost';
let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};
let eventId = 0;
let publicTitle = '';
const reg: Record<'first' | 'second' | 'third', { token: string; email: string }> = {
  first: { token: '', email: 'forsta@example.se' },
  second: { token: '', email: 'andra@example.se' },
  third: { token: '', email: 'tredje@example.se' },
};

const call = (method: InjectOptions['method'], url: string, who: Who = 'anonymous', payload?: unknown) =>
  t.inject({
    method,
    url,
    headers: who === 'anonymous' ? {} : bearer(tokens[who]!),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** Every mail to an address, oldest first, as one text (subject, text, HTML, attached calendar data and the iTIP calendar). */
function mailsTo(email: string): string[] {
  return t.db
    .select()
    .from(outbox)
    .where(eq(outbox.toAddress, email))
    .orderBy(asc(outbox.id))
    .all()
    .map((m) =>
      [m.subject, m.text, m.html ?? '', ...(m.attachments ?? []).map((a) => String(a.content)), m.icalEvent?.content ?? ''].join('\n'),
    );
}

/** Every surface a non-participant can read: the API's public answers, the lists as each role gets them, every feed. */
function publicSurfaces(): [Who, string][] {
  const urls = [
    `/api/events/${eventId}`,
    '/api/events?limit=200',
    `/api/events?limit=200&cluster=${LEAD}`,
    `/api/events?limit=200&theme=${THEME}`,
    `/api/events?limit=200&q=${encodeURIComponent('Länkmöte')}`,
    '/api/events/brief?limit=500',
    '/api/start',
    `/api/clusters/${LEAD}`,
    '/api/embed/events?limit=20',
    '/api/knowledge',
    `/api/events/${eventId}/registration-summary`,
    '/feeds/all.ics',
    '/feeds/all.ics?lang=en',
    '/feeds/all.atom',
    '/feeds/all.atom?lang=en',
    `/feeds/clusters/${LEAD}.ics`,
    `/feeds/clusters/${COHOST}.ics`,
    `/feeds/themes/${THEME}.ics`,
    '/feeds/counties/orebro-lan.ics',
    `/events/${eventId}.ics`,
    `/events/${eventId}.ics?lang=en`,
  ];
  return (['anonymous', 'participant', 'unrelated'] as const).flatMap((who) => urls.map((url): [Who, string] => [who, url]));
}

async function register(email: string): Promise<string> {
  const res = await call('POST', `/api/events/${eventId}/registrations`, 'anonymous', {
    name: email.split('@')[0],
    email,
    organisation: 'Gården AB',
    consent: true,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token;
}

beforeAll(async () => {
  t = await makeTestApp({ PUBLIC_URL: 'https://samverka.test' });
  tokens.participant = (await t.login('participant')).token;
  tokens.unrelated = (await t.login('coordinator', { clusters: ['grona-navet'] })).token;
  tokens.lead = (await t.login('coordinator', { clusters: [LEAD] })).token;
  tokens.cohost = (await t.login('coordinator', { clusters: [COHOST] })).token;
  // Followers of the lead cluster in both languages, for the announcement.
  for (const [email, language] of [
    ['foljare-sv@example.se', 'sv'],
    ['foljare-en@example.se', 'en'],
  ] as const) {
    expect((await call('POST', '/api/subscriptions', 'anonymous', { email, clusters: [LEAD], themes: [], language })).statusCode).toBe(202);
    const token = t.db.select().from(subscribers).where(eq(subscribers.email, email)).get()!.token;
    expect((await call('POST', `/api/subscriptions/${token}/confirm`)).statusCode).toBe(200);
  }
  publicTitle = `Länkmöte ${randomUUID().slice(0, 8)}`;
  const created = await call('POST', '/api/events', 'lead', {
    leadCluster: LEAD,
    title: publicTitle,
    kind: 'webinar',
    themes: [THEME],
    county: 'orebro-lan',
    start: `${Y}-03-10T09:00`,
    end: `${Y}-03-10T11:00`,
    onlineUrl: LINK,
    capacity: 1,
  });
  expect(created.statusCode, created.body).toBe(201);
  eventId = created.json().event.id;
  expect((await call('POST', `/api/events/${eventId}/organisers`, 'lead', { cluster: COHOST })).statusCode).toBe(200);
  expect((await call('POST', `/api/events/${eventId}/organisers/${COHOST}/answer`, 'cohost', { accept: true })).statusCode).toBe(200);
  expect((await call('POST', `/api/events/${eventId}/publish`, 'lead')).statusCode).toBe(200);
  expect((await call('POST', `/api/events/${eventId}/announcements`, 'lead', { cluster: LEAD })).statusCode).toBe(202);
  reg.first.token = await register(reg.first.email);
  reg.second.token = await register(reg.second.email);
});
afterAll(() => t.close());

describe('a participant-only meeting link', () => {
  it('is on no surface a non-participant can read, which say the link is sent to registered participants', async () => {
    for (const [who, url] of publicSurfaces()) {
      const res = await call('GET', url, who);
      expect(res.statusCode, `${who} ${url}: ${res.body.slice(0, 200)}`).toBe(200);
      expect(res.body.includes(LINK), `${who} ${url}`).toBe(false);
    }
    // The surfaces do show the event, and say where the link goes.
    const all = (await call('GET', '/feeds/all.ics')).body;
    expect(all).toContain(publicTitle);
    expect(all.replace(/\r\n /g, '')).toContain('länken skickas till anmälda deltagare');
    expect((await call('GET', `/events/${eventId}.ics?lang=en`)).body.replace(/\r\n /g, '')).toContain(
      'the link is sent to registered participants',
    );
    expect((await call('GET', `/api/events/${eventId}`)).json()).toMatchObject({
      onlineUrl: null,
      hasOnlineUrl: true,
      onlineUrlPublic: false,
    });
  });

  it('is in no announcement mail, which say it is sent to registered participants', () => {
    const sv = mailsTo('foljare-sv@example.se').filter((m) => m.includes(publicTitle));
    const en = mailsTo('foljare-en@example.se').filter((m) => m.includes(publicTitle));
    expect(sv).toHaveLength(1);
    expect(en).toHaveLength(1);
    expect(sv[0]).not.toContain(LINK);
    expect(en[0]).not.toContain(LINK);
    expect(sv[0]).toContain('länken skickas till anmälda deltagare');
    expect(en[0]).toContain('the link is sent to registered participants');
  });

  it('a waitlisted person does not get it: not in their mail, not on their manage page', async () => {
    const mails = mailsTo(reg.second.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).not.toContain(LINK);
    expect(mails[0]).toContain('länken skickas till anmälda deltagare');
    const manage = await call('GET', `/api/registrations/${reg.second.token}`);
    expect(manage.json().status).toBe('waitlisted');
    expect(manage.body.includes(LINK)).toBe(false);
  });

  it('a confirmed participant has it in the confirmation mail, its calendar data and on the manage page', async () => {
    const [confirmation] = mailsTo(reg.first.email);
    expect(confirmation).toContain(LINK);
    const ics = t.db.select().from(outbox).where(eq(outbox.toAddress, reg.first.email)).get()!.icalEvent!.content;
    expect(ics).toMatch(/^METHOD:REQUEST\r?$/m);
    const unfolded = String(ics).replace(/\r\n /g, '');
    // LOCATION is the county (a place); the link is in DESCRIPTION.
    expect(unfolded).toMatch(new RegExp(`DESCRIPTION:.*${LINK.replace(/[.?/]/g, '\\$&')}`));
    const manage = (await call('GET', `/api/registrations/${reg.first.token}`)).json();
    expect(manage.event).toMatchObject({ onlineUrl: LINK, hasOnlineUrl: true });
  });

  it('the organisers see it: the lead and the co-host, on the event and in their personal feeds', async () => {
    for (const who of ['lead', 'cohost'] as const) {
      expect((await call('GET', `/api/events/${eventId}`, who)).json().onlineUrl).toBe(LINK);
      const feed = (await call('GET', '/api/me/feed', who)).json().url.replace(/^https?:\/\/[^/]+/, '');
      expect((await call('GET', feed, who)).body.replace(/\r\n /g, '')).toContain(LINK);
    }
  });

  it('a waitlisted person gets it when promoted, in the mail and its calendar data', async () => {
    expect((await call('POST', `/api/registrations/${reg.first.token}/cancel`)).statusCode).toBe(200);
    const manage = (await call('GET', `/api/registrations/${reg.second.token}`)).json();
    expect(manage.status).toBe('confirmed');
    expect(manage.event.onlineUrl).toBe(LINK);
    const promoted = mailsTo(reg.second.email).at(-1)!;
    expect(promoted.startsWith(`Du har fått en plats: ${publicTitle}`)).toBe(true);
    expect(promoted.replace(/\r\n /g, '')).toContain(LINK);
  });

  it('a changed link is mailed to the confirmed participants only, and stays off every public surface', async () => {
    reg.third.token = await register(reg.third.email);
    const before = { first: mailsTo(reg.first.email).length, third: mailsTo(reg.third.email).length };
    const res = await call('PATCH', `/api/events/${eventId}`, 'lead', { onlineUrl: NEW_LINK });
    expect(res.statusCode, res.body).toBe(200);
    const changed = mailsTo(reg.second.email).at(-1)!;
    expect(changed).toMatch(/^Ny länk till mötet: /);
    expect(changed).toContain(NEW_LINK);
    // The cancelled and the waitlisted registrant hear nothing of it.
    expect(mailsTo(reg.first.email)).toHaveLength(before.first);
    expect(mailsTo(reg.third.email)).toHaveLength(before.third);
    for (const [who, url] of publicSurfaces()) {
      const body = (await call('GET', url, who)).body;
      expect(body.includes(NEW_LINK), `${who} ${url}`).toBe(false);
    }
    expect((await call('GET', `/api/registrations/${reg.third.token}`)).body.includes(NEW_LINK)).toBe(false);
  });

  it('a link the organisers made public is shown to everyone', async () => {
    expect((await call('PATCH', `/api/events/${eventId}`, 'lead', { onlineUrlPublic: true })).statusCode).toBe(200);
    expect((await call('GET', `/api/events/${eventId}`)).json().onlineUrl).toBe(NEW_LINK);
    expect((await call('GET', '/feeds/all.ics')).body.replace(/\r\n /g, '')).toContain(NEW_LINK);
  });
});
