import { events, subscribers } from '@samverka/db';
import { eq } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../../../tests/support/fixtures.ts';
import { readWithIcalJs } from '../../../tests/support/ics-readers.ts';
import { TestSmtp, toAddress } from '../../../tests/support/smtp.ts';
import { bearer, makeTestApp, type TestApp } from './helpers.ts';

/**
 * Invitations, newsletters and poll decisions delivered through a real SMTP server on
 * 127.0.0.1 (smtp-server) and read back with mailparser, as a mail provider would see them.
 */

const ORG = 'agro-orebro';
const INV = 'froda';
const Y = new Date().getFullYear() + 2;

let smtp: TestSmtp;
let t: TestApp;
const tokens: Record<'organiser' | 'invited', string> = { organiser: '', invited: '' };
const emails: Record<'organiser' | 'invited', string> = { organiser: '', invited: '' };

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  t = await makeTestApp(
    { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Samverka <noreply@samverka.test>', PUBLIC_URL: 'https://samverka.test' },
    { mailWorker: true, mailPollMs: 100 },
  );
  for (const [who, cluster] of [
    ['organiser', ORG],
    ['invited', INV],
  ] as const) {
    const l = await t.login('coordinator', { clusters: [cluster] });
    tokens[who] = l.token;
    emails[who] = l.email;
  }
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

const call = (method: InjectOptions['method'], url: string, who?: keyof typeof tokens, payload?: unknown) =>
  t.inject({ method, url, headers: who ? bearer(tokens[who]) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

/** The raw value of a header line as it went over SMTP (unfolded), e.g. "List-Unsubscribe". */
function headerLine(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.replace(/\r?\n[ \t]+/g, ' ')
    .slice(name.length + 1)
    .trim();
}

async function confirmedSubscriber(email: string, clusters: string[]): Promise<string> {
  expect((await call('POST', '/api/subscriptions', undefined, { email, clusters, themes: [] })).statusCode).toBe(202);
  const token = t.db.select().from(subscribers).where(eq(subscribers.email, email)).get()!.token;
  // The confirmation mail is the only one before confirming; it carries the link.
  const confirmation = await smtp.waitFor((m) => toAddress(m) === email);
  expect(confirmation.text).toContain(`https://samverka.test/prenumeration/bekrafta?token=${token}`);
  expect((await call('POST', `/api/subscriptions/${token}/confirm`)).statusCode).toBe(200);
  return token;
}

/** Checks the RFC 2369/8058 headers of a mailing, then uses the one-click URL as a mail provider does. */
async function oneClickUnsubscribes(mail: ParsedMail, token: string) {
  const listUnsubscribe = headerLine(mail, 'List-Unsubscribe');
  expect(listUnsubscribe).toBe(`<https://samverka.test/api/subscriptions/${token}/one-click>`);
  expect(headerLine(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  const url = new URL(listUnsubscribe!.slice(1, -1));
  expect(url.protocol).toBe('https:');
  expect((await call('GET', `/api/subscriptions/${token}`)).statusCode).toBe(200);
  // RFC 8058 §3.1: a POST of the form body "List-Unsubscribe=One-Click", without cookies.
  const res = await t.inject({
    method: 'POST',
    url: url.pathname + url.search,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  expect(res.statusCode, res.body).toBe(200);
  expect((await call('GET', `/api/subscriptions/${token}`)).statusCode).toBe(404);
}

async function publishedEvent(title: string): Promise<number> {
  const res = await call(
    'POST',
    '/api/events',
    'organiser',
    eventInput({ leadCluster: ORG, title, start: `${Y}-03-10T09:00`, end: `${Y}-03-10T12:00` }),
  );
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().event.id as number;
  expect((await call('POST', `/api/events/${id}/publish`, 'organiser')).statusCode).toBe(200);
  return id;
}

describe('mailings over SMTP', () => {
  it('an invitation carries List-Unsubscribe (https) and List-Unsubscribe-Post; the one-click POST unsubscribes', async () => {
    const email = 'invitation-reader@example.se';
    const token = await confirmedSubscriber(email, [ORG]);
    const eventId = await publishedEvent('Vattenförsörjning på gården');
    const res = await call('POST', `/api/events/${eventId}/announcements`, 'organiser', { cluster: ORG });
    expect(res.json()).toEqual({ recipients: 1 });
    const mail = await smtp.waitFor((m) => toAddress(m) === email && m.subject === 'Inbjudan: Vattenförsörjning på gården');
    expect(mail.text).toContain(`https://samverka.test/evenemang/${eventId}`);
    expect(mail.text).toContain(`https://samverka.test/prenumeration/${token}`);
    await oneClickUnsubscribes(mail, token);
  });

  it('a newsletter carries the headers too, per recipient; each one-click link unsubscribes only its own subscriber', async () => {
    const a = 'newsletter-a@example.se';
    const b = 'newsletter-b@example.se';
    const tokenA = await confirmedSubscriber(a, [ORG]);
    const tokenB = await confirmedSubscriber(b, [ORG]);
    const created = await call('POST', '/api/newsletters', 'organiser', {
      subject: 'Nyhetsbrev från Agro Örebro',
      body: 'Hej! **Nyheter** från klustret.',
      themes: [],
      clusters: [ORG],
      cluster: ORG,
    });
    expect(created.statusCode, created.body).toBe(201);
    const sent = await call('POST', `/api/newsletters/${created.json().id}/send`, 'organiser');
    expect(sent.statusCode, sent.body).toBe(202);
    const mailA = await smtp.waitFor((m) => toAddress(m) === a && m.subject === 'Nyhetsbrev från Agro Örebro');
    const mailB = await smtp.waitFor((m) => toAddress(m) === b && m.subject === 'Nyhetsbrev från Agro Örebro');
    expect(mailA.html).toContain('<strong>Nyheter</strong>');
    expect(mailA.text).toContain(`https://samverka.test/prenumeration/${tokenA}`);
    expect(mailA.text).not.toContain(tokenB);
    await oneClickUnsubscribes(mailA, tokenA);
    expect((await call('GET', `/api/subscriptions/${tokenB}`)).statusCode).toBe(200);
    await oneClickUnsubscribes(mailB, tokenB);
    // Exactly one copy of the issue per subscriber.
    expect(
      smtp.messages
        .filter((m) => m.subject === 'Nyhetsbrev från Agro Örebro')
        .map(toAddress)
        .sort(),
    ).toEqual([a, b]);
  });

  it('the poll-decided mail has an .ics attachment holding the event under its UID', async () => {
    const created = await call('POST', '/api/polls', 'organiser', {
      organiserCluster: ORG,
      title: 'Gemensamt planeringsmöte',
      durationMinutes: 90,
      invitedClusters: [INV],
      slots: [`${Y}-02-05T10:00`, `${Y}-02-06T13:00`],
      closes: `${Y}-01-20T12:00`,
      onlineUrl: 'https://meet.example.se/planering',
    });
    expect(created.statusCode, created.body).toBe(201);
    const poll = created.json() as { id: number; slots: { id: number }[] };
    const slotId = poll.slots[0]!.id;
    expect(
      (await call('POST', `/api/polls/${poll.id}/answers`, 'invited', { cluster: INV, answers: [{ slotId, answer: 'yes' }] })).statusCode,
    ).toBe(200);
    const fin = await call('POST', `/api/polls/${poll.id}/finalise`, 'organiser', { slotId });
    expect(fin.statusCode, fin.body).toBe(200);
    const eventId = fin.json().eventId as number;
    const uid = t.db.select().from(events).where(eq(events.id, eventId)).get()!.uid;

    const mail = await smtp.waitFor((m) => toAddress(m) === emails.invited && m.subject === 'Bestämt: Gemensamt planeringsmöte');
    const ics = mail.attachments.find((x) => x.contentType === 'text/calendar');
    expect(ics, `attachments: ${mail.attachments.map((x) => x.contentType).join(', ')}`).toBeDefined();
    expect(ics!.filename).toBe('invite.ics');
    const cal = readWithIcalJs(ics!.content.toString('utf8'));
    expect(cal.events).toHaveLength(1);
    expect(cal.events[0]!.uid).toBe(uid);
    expect(cal.events[0]!.start).toBe(`${Y}-02-05T09:00:00Z`);
    expect(cal.events[0]!.summary).toBe('Gemensamt planeringsmöte');
    // Only those who answered are mailed: the organiser did not answer.
    expect(smtp.messages.some((m) => toAddress(m) === emails.organiser && m.subject?.startsWith('Bestämt'))).toBe(false);
  });
});
