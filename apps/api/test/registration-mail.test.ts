import { events, outbox } from '@samverka/db';
import ICAL from 'ical.js';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../../../tests/support/fixtures.ts';
import { addresses, expectItipMail, headerSection, startSmtp, type ReceivedMail, type TestSmtp } from '../../../tests/support/smtp.ts';
import { waitFor } from '../../../tests/support/wait.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

// Registration mail end to end: the API writes the outbox, the worker sends over SMTP to a real
// smtp-server on 127.0.0.1, mailparser reads it back and ical.js reads the attached calendar.
// The tests check the SMTP envelope recipients, not only the parsed headers.

interface ReadIcs {
  method: string;
  uid: string;
  sequence: number;
  status: string;
  start: string;
  end: string;
  tzid: string | null;
}

/** Reads an .ics with ical.js, registering its VTIMEZONE first so that TZID times become instants. */
function readIcs(text: string): ReadIcs {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
  const vevents = root.getAllSubcomponents('vevent');
  expect(vevents).toHaveLength(1);
  const ev = new ICAL.Event(vevents[0]!);
  expect(ev.startDate.zone === ICAL.Timezone.localTimezone, 'DTSTART is floating: its TZID did not resolve').toBe(false);
  return {
    method: String(root.getFirstPropertyValue('method')),
    uid: ev.uid,
    sequence: ev.sequence,
    status: String(vevents[0]!.getFirstPropertyValue('status')),
    start: ev.startDate.toJSDate().toISOString(),
    end: ev.endDate.toJSDate().toISOString(),
    tzid: (vevents[0]!.getFirstProperty('dtstart')!.getParameter('tzid') as string | undefined) ?? null,
  };
}

/**
 * The calendar of a mail: its iTIP text/calendar alternative (checked by expectItipMail, METHOD
 * as the part says) with the filename of the .ics copy nodemailer attaches beside it.
 */
function calendarOf(m: ReceivedMail): { ics: ReadIcs; contentType: string; filename: string | undefined } {
  const cals = m.parsed.attachments.filter((a) => a.contentType === 'text/calendar');
  expect(cals, `attachments of "${m.parsed.subject}"`).toHaveLength(1);
  const method = /^METHOD:(REQUEST|CANCEL)\r$/m.exec(cals[0]!.content.toString('utf8'))?.[1] as 'REQUEST' | 'CANCEL' | undefined;
  expect(method, 'an iTIP METHOD').toBeTruthy();
  const text = expectItipMail(m, method!);
  const file = m.parsed.attachments.find((a) => a.contentType === 'application/ics');
  return { ics: readIcs(text), contentType: cals[0]!.contentType, filename: file?.filename };
}

/** Text and HTML parts, both with the manage link. */
function expectManageLink(m: ReceivedMail, token: string) {
  const url = `http://samverka.test/anmalan/${token}`;
  expect(m.parsed.text, 'text part').toContain(url);
  expect(m.parsed.html, 'html part').toBeTruthy();
  expect(m.parsed.html as string).toContain(`href="${url}"`);
}

let n = 0;
const person = (o: Record<string, unknown> = {}) => {
  n++;
  return { name: `Deltagare ${n}`, email: `mail-${n}@example.se`, organisation: 'Gården AB', consent: true, ...o };
};

async function makeEvent(t: TestApp, token: string, fields: Record<string, unknown> = {}): Promise<{ id: number; uid: string }> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(token),
    // 09:00–12:00 in Stockholm on a winter day (CET, UTC+1).
    payload: { ...eventInput({ capacity: 1 }), ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { id, uid } = res.json().event;
  expect((await t.inject({ method: 'POST', url: `/api/events/${id}/publish`, headers: bearer(token) })).statusCode).toBe(200);
  return { id, uid };
}

async function register(t: TestApp, eventId: number, o: Record<string, unknown> = {}) {
  const payload = person(o);
  const res = await t.inject({ method: 'POST', url: `/api/events/${eventId}/registrations`, payload });
  expect(res.statusCode, res.body).toBe(201);
  return {
    ...(res.json() as { token: string; registration: { id: number; status: string; position: number | null } }),
    email: payload.email as string,
  };
}

describe('registration mail through a real SMTP server', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let lead: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await makeTestApp(
      { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Samverka <noreply@samverka.test>' },
      { mailWorker: true, mailPollMs: 100 },
    );
    lead = (await t.login('coordinator', { clusters: ['agro-orebro'] })).token;
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const mailsTo = (to: string) => smtp.to(to);
  const mailTo = (to: string, subject: string | RegExp) => smtp.waitForMailTo(to, subject);

  it('a confirmation arrives with text and HTML, the manage link, and an .ics with the event’s UID and start', async () => {
    const e = await makeEvent(t, lead);
    const r = await register(t, e.id);
    expect(r.registration.status).toBe('confirmed');
    const m = await mailTo(r.email, 'Anmälan bekräftad: Vattenförsörjning på gården');
    expect(m.envelopeTo).toEqual([r.email]);
    expect(addresses(m.parsed.to)).toEqual([r.email]);
    expect(addresses(m.parsed.from)).toEqual(['noreply@samverka.test']);
    expectManageLink(m, r.token);
    expect(m.parsed.text).toContain('Du har en plats.');
    expect(m.parsed.html as string).toContain('<html lang="sv">');

    const { ics, filename } = calendarOf(m);
    expect(filename).toBe('invite.ics');
    // Issue 10: an iTIP REQUEST, no longer PUBLISH.
    expect(ics).toMatchObject({
      method: 'REQUEST',
      uid: e.uid,
      status: 'CONFIRMED',
      start: '2031-03-10T08:00:00.000Z',
      end: '2031-03-10T11:00:00.000Z',
      tzid: 'Europe/Stockholm',
    });
    // The same UID as the event and its feeds, so calendars update one entry instead of adding another.
    expect(e.uid).toMatch(/@samverka$/);
    const single = await t.inject({ method: 'GET', url: `/events/${e.id}.ics` });
    expect(single.statusCode).toBe(200);
    expect(readIcs(single.body).uid).toBe(e.uid);
    expect(t.db.select({ uid: events.uid }).from(events).where(eq(events.id, e.id)).get()!.uid).toBe(e.uid);
    const all = await t.inject({ method: 'GET', url: '/feeds/all.ics' });
    expect(all.body.replace(/\r\n[ \t]/g, '')).toContain(`UID:${e.uid}\r\n`);

    await waitFor(
      () => t.db.select().from(outbox).where(eq(outbox.toAddress, r.email)).get()?.status === 'sent',
      'the outbox row marked sent',
    );
  });

  it('a waiting-list mail states the position and carries no calendar; after a cancel the first waiting gets a promotion mail with the .ics', async () => {
    const e = await makeEvent(t, lead, { capacity: 1 });
    const a = await register(t, e.id);
    const b = await register(t, e.id);
    const c = await register(t, e.id);
    expect([b.registration.position, c.registration.position]).toEqual([1, 2]);
    const wb = await mailTo(b.email, 'Väntelista: Vattenförsörjning på gården');
    const wc = await mailTo(c.email, 'Väntelista: Vattenförsörjning på gården');
    expect(wb.parsed.text).toContain('Du står som nummer 1 på väntelistan');
    expect(wc.parsed.text).toContain('Du står som nummer 2 på väntelistan');
    expect(wc.parsed.html as string).toContain('nummer 2 på väntelistan');
    expectManageLink(wc, c.token);
    expect(wb.parsed.attachments).toHaveLength(0);

    expect((await t.inject({ method: 'POST', url: `/api/registrations/${a.token}/cancel` })).statusCode).toBe(200);
    const cancelled = await mailTo(a.email, 'Avbokad: Vattenförsörjning på gården');
    expectManageLink(cancelled, a.token);
    const promoted = await mailTo(b.email, 'Du har fått en plats: Vattenförsörjning på gården');
    expectManageLink(promoted, b.token);
    expect(calendarOf(promoted).ics).toMatchObject({ uid: e.uid, method: 'REQUEST', start: '2031-03-10T08:00:00.000Z' });
    // c stays waiting and hears nothing more.
    expect(mailsTo(c.email)).toHaveLength(1);
  });

  it('moving the event sends a "changed" mail with the new time and a higher SEQUENCE under the same UID', async () => {
    const e = await makeEvent(t, lead, { capacity: 5 });
    const r = await register(t, e.id);
    const first = calendarOf(await mailTo(r.email, /^Anmälan bekräftad/)).ics;
    // To a summer day: 13:00 CEST is 11:00 UTC.
    const res = await t.inject({
      method: 'PATCH',
      url: `/api/events/${e.id}`,
      headers: bearer(lead),
      payload: { start: '2031-06-10T13:00', end: '2031-06-10T15:00' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const changed = await mailTo(r.email, 'Ändrat: Vattenförsörjning på gården');
    expectManageLink(changed, r.token);
    const { ics } = calendarOf(changed);
    expect(ics).toMatchObject({ uid: e.uid, method: 'REQUEST', start: '2031-06-10T11:00:00.000Z', end: '2031-06-10T13:00:00.000Z' });
    expect(ics.sequence).toBeGreaterThan(first.sequence);
    expect(changed.parsed.text).toContain('13:00');
  });

  it('cancelling the event sends an .ics with METHOD:CANCEL and STATUS:CANCELLED, and the reason', async () => {
    const e = await makeEvent(t, lead, { capacity: 1 });
    const a = await register(t, e.id);
    const b = await register(t, e.id, { language: 'en' });
    await mailTo(a.email, /^Anmälan bekräftad/);
    const res = await t.inject({
      method: 'POST',
      url: `/api/events/${e.id}/cancel`,
      headers: bearer(lead),
      payload: { reason: 'Stormvarning' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const sv = await mailTo(a.email, 'Inställt: Vattenförsörjning på gården');
    expect(sv.parsed.text).toContain('Skäl: Stormvarning');
    expectManageLink(sv, a.token);
    const cal = calendarOf(sv);
    expect(cal.filename).toBe('cancel.ics');
    expect(cal.ics).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', uid: e.uid });
    expect(sv.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=CANCEL/i);
    // The waiting person hears of it too, in English.
    const en = await mailTo(b.email, 'Cancelled: Vattenförsörjning på gården');
    expect(en.parsed.text).toContain('Reason: Stormvarning');
    expect(calendarOf(en).ics).toMatchObject({ method: 'CANCEL', status: 'CANCELLED' });
  });

  it('a participant who chose English gets English mail', async () => {
    const e = await makeEvent(t, lead, { capacity: 1 });
    const a = await register(t, e.id, { language: 'en' });
    const b = await register(t, e.id, { language: 'en' });
    const m = await mailTo(a.email, 'Registration confirmed: Vattenförsörjning på gården');
    expect(m.parsed.text).toContain('Hello ');
    expect(m.parsed.text).toContain('View, change or cancel your registration');
    expect(m.parsed.html as string).toContain('<html lang="en">');
    expectManageLink(m, a.token);
    const w = await mailTo(b.email, 'Waiting list: Vattenförsörjning på gården');
    expect(w.parsed.text).toContain('You are number 1 on the waiting list');
  });

  it("the confirmation lists the participant's answers, question: answer, yes/no in the recipient's language", async () => {
    const e = await makeEvent(t, lead, { capacity: 10 });
    const put = await t.inject({
      method: 'PUT',
      url: `/api/events/${e.id}/questions`,
      headers: bearer(lead),
      payload: {
        questions: [
          { kind: 'single_choice', label: 'Vilket pass?', required: true, choices: ['Förmiddag', 'Eftermiddag'] },
          { kind: 'multiple_choice', label: 'Vilka måltider?', choices: ['Lunch', 'Fika'] },
          { kind: 'yes_no', label: 'Driver du en gård?', required: true },
          { kind: 'short_text', label: 'Fakturareferens' },
        ],
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const q = (put.json() as { id: number }[]).map((x) => x.id);
    const answers = (farm: boolean) => [
      { question: q[0]!, value: 'Eftermiddag' },
      { question: q[1]!, value: ['Fika', 'Lunch'] },
      { question: q[2]!, value: farm },
    ];
    const sv = await register(t, e.id, { answers: answers(true) });
    const en = await register(t, e.id, { language: 'en', answers: answers(false) });
    const plain = (await register(t, (await makeEvent(t, lead, { capacity: 10 })).id)).email;

    const svMail = await mailTo(sv.email, 'Anmälan bekräftad: Vattenförsörjning på gården');
    expect(svMail.parsed.text).toContain('Dina svar:\nVilket pass?: Eftermiddag\nVilka måltider?: Lunch, Fika\nDriver du en gård?: Ja');
    expect(svMail.parsed.text).not.toContain('Fakturareferens');
    expect(svMail.parsed.html as string).toContain('Driver du en gård?: Ja');
    const enMail = await mailTo(en.email, 'Registration confirmed: Vattenförsörjning på gården');
    expect(enMail.parsed.text).toContain('Your answers:\nVilket pass?: Eftermiddag\nVilka måltider?: Lunch, Fika\nDriver du en gård?: No');
    const plainMail = await mailTo(plain, 'Anmälan bekräftad: Vattenförsörjning på gården');
    expect(plainMail.parsed.text).not.toContain('Dina svar');
  });

  it('the same address again gets its manage link by mail (and only the address owner does)', async () => {
    const e = await makeEvent(t, lead);
    const r = await register(t, e.id);
    const res = await t.inject({ method: 'POST', url: `/api/events/${e.id}/registrations`, payload: person({ email: r.email }) });
    expect(res.statusCode).toBe(200);
    const m = await mailTo(r.email, 'Din anmälan: Vattenförsörjning på gården');
    expect(m.envelopeTo).toEqual([r.email]);
    expectManageLink(m, r.token);
  });

  it('iTIP over SMTP: REQUEST on confirm and move, CANCEL on one’s own cancellation, SEQUENCE rising, one ORGANIZER (MAIL_FROM: the cluster has no contact address)', async () => {
    const e = await makeEvent(t, lead, { capacity: 5 });
    const r = await register(t, e.id, { name: 'Åsa "Bonde"' });
    const confirmed = await mailTo(r.email, /^Anmälan bekräftad/);
    const first = expectItipMail(confirmed, 'REQUEST');
    const lines = first.replace(/\r\n[ \t]/g, '').split('\r\n');
    expect(lines.filter((l) => l.startsWith('ORGANIZER'))).toEqual([expect.stringMatching(/:mailto:noreply@samverka\.test$/i)]);
    expect(lines.filter((l) => l.startsWith('ATTENDEE'))).toEqual([
      expect.stringMatching(new RegExp(`^ATTENDEE;.*PARTSTAT=ACCEPTED;RSVP=FALSE;.*:mailto:${r.email}$`, 'i')),
    ]);
    const a = readIcs(first);
    expect(a).toMatchObject({ uid: e.uid, start: '2031-03-10T08:00:00.000Z', end: '2031-03-10T11:00:00.000Z' });

    const moved = await t.inject({
      method: 'PATCH',
      url: `/api/events/${e.id}`,
      headers: bearer(lead),
      payload: { start: '2031-03-11T10:00', end: '2031-03-11T12:00' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const b = readIcs(expectItipMail(await mailTo(r.email, /^Ändrat/), 'REQUEST'));
    expect(b).toMatchObject({
      uid: e.uid,
      start: '2031-03-11T09:00:00.000Z',
      end: '2031-03-11T11:00:00.000Z',
      sequence: moved.json().event.revision,
    });
    expect(b.sequence).toBeGreaterThan(a.sequence);

    expect((await t.inject({ method: 'POST', url: `/api/registrations/${r.token}/cancel` })).statusCode).toBe(200);
    const c = readIcs(expectItipMail(await mailTo(r.email, /^Avbokad/), 'CANCEL'));
    expect(c.uid).toBe(e.uid);
    expect(c.sequence).toBeGreaterThan(b.sequence);
  });

  it('an organisers’ message carries Reply-To: the sending coordinator; other mails have none', async () => {
    const writer = await t.login('coordinator', { clusters: ['agro-orebro'], email: 'karin.coord@example.se' });
    const e = await makeEvent(t, writer.token, { capacity: 5 });
    const r = await register(t, e.id);
    const res = await t.inject({
      method: 'POST',
      url: `/api/events/${e.id}/messages`,
      headers: bearer(writer.token),
      payload: { subject: 'Parkering', body: 'Parkera vid ladan.' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const m = await mailTo(r.email, /Parkering$/);
    expect(addresses(m.parsed.replyTo)).toEqual(['karin.coord@example.se']);
    expect(headerSection(m.raw).match(/^Reply-To:/gim)).toHaveLength(1);
    expect(addresses(m.parsed.from)).toEqual(['noreply@samverka.test']);
    expect((await mailTo(r.email, /^Anmälan bekräftad/)).parsed.replyTo).toBeUndefined();
  });

  it('registering an address again and again within 15 minutes mails its link once; every answer is the same', async () => {
    const e = await makeEvent(t, lead, { capacity: 5 });
    const r = await register(t, e.id);
    await mailTo(r.email, /^Anmälan bekräftad/);
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.inject({ method: 'POST', url: `/api/events/${e.id}/registrations`, payload: person({ email: r.email }) });
      expect(res.statusCode).toBe(200);
      answers.push(res.body);
    }
    expect(new Set(answers).size).toBe(1);
    await mailTo(r.email, 'Din anmälan: Vattenförsörjning på gården');
    // Every mail written by now has gone out: the outbox holds nothing more for the address.
    await waitFor(
      () =>
        t.db
          .select()
          .from(outbox)
          .where(eq(outbox.toAddress, r.email))
          .all()
          .every((x) => x.status === 'sent'),
      'the outbox to be sent',
    );
    expect(smtp.to(r.email).map((m) => m.parsed.subject)).toEqual([
      'Anmälan bekräftad: Vattenförsörjning på gården',
      'Din anmälan: Vattenförsörjning på gården',
    ]);
  });

  it('a name with "\\r\\nBcc:" and a 300-character title add no header and no recipient', async () => {
    // The API refuses a title over 200 characters ...
    const tooLong = await t.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(lead),
      payload: {
        leadCluster: 'agro-orebro',
        title: 'x'.repeat(300),
        kind: 'workshop',
        themes: ['krisberedskap'],
        start: '2031-03-10T09:00',
        end: '2031-03-10T12:00',
      },
    });
    expectError(tooLong, 400);
    // ... so the 300 characters (one line, as every title the API stores, with a header-like text
    // in it) are written straight to the database: the subject is then long enough to be folded
    // and cut, and must still be one Subject header and nothing else.
    const e = await makeEvent(t, lead, { capacity: 5 });
    const title = `Kris Bcc: evil@example.com ${'Lång titel med åäö '.repeat(16)}`.slice(0, 300);
    expect(title).toHaveLength(300);
    t.db.update(events).set({ title }).where(eq(events.id, e.id)).run();

    const r = await register(t, e.id, { name: 'Eve\r\nBcc: evil@example.com\r\nSubject: Hacked', email: 'eve@example.se' });
    const m = await waitFor(() => mailsTo('eve@example.se')[0], 'the mail to eve');
    expect(m.envelopeTo).toEqual(['eve@example.se']);
    expect(addresses(m.parsed.to)).toEqual(['eve@example.se']);
    expect(m.parsed.cc).toBeUndefined();
    expect(m.parsed.bcc).toBeUndefined();
    expect(m.parsed.headers.has('bcc')).toBe(false);
    const headers = headerSection(m.raw);
    expect(headers).not.toMatch(/^(Bcc|Cc):/im);
    expect(headers).not.toMatch(/^Subject: Hacked/im);
    expect(headers).not.toContain('evil@example.com');
    // Exactly one Subject, on one logical line; RFC 5322 §2.1.1: no line over 998 characters.
    expect(headers.match(/^Subject:/gim)).toHaveLength(1);
    for (const line of m.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(m.parsed.subject).toMatch(/^Anmälan bekräftad: Kris Bcc: evil@example\.com Lång titel med åäö/);
    expect(m.parsed.subject).not.toMatch(/[\r\n]/);
    expect(m.parsed.subject!.length).toBeLessThanOrEqual(250);
    // Nobody else received anything.
    expect(smtp.received.some((x) => x.envelopeTo.includes('evil@example.com'))).toBe(false);
    // The name reaches the body as one line of text, and the .ics still reads.
    expect(m.parsed.text).toContain('Hej Eve Bcc: evil@example.com Subject: Hacked!');
    expectManageLink(m, r.token);
    expect(calendarOf(m).ics.uid).toBe(e.uid);
  });
});

describe('when SMTP is down', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('the registration mail waits in the outbox with attempts > 0 and is delivered once SMTP listens on that port', async () => {
    // A port where nothing listens: taken from a server that is then stopped.
    const smtp = await startSmtp();
    await smtp.stop();
    const port = smtp.port;

    const t = await makeTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` }, { mailWorker: true, mailPollMs: 100 });
    cleanups.push(() => t.close());
    const admin = (await t.login('admin')).token;
    const e = await makeEvent(t, admin);
    const r = await register(t, e.id, { email: 'patient@example.se' });
    expect(r.registration.status).toBe('confirmed');

    type OutboxRow = {
      id: number;
      toAddress: string;
      subject: string;
      status: string;
      attempts: number;
      lastError: string | null;
      sentAt: string | null;
    };
    const outboxRow = async (status?: string) => {
      const res = await t.inject({ method: 'GET', url: `/api/admin/outbox${status ? `?status=${status}` : ''}`, headers: bearer(admin) });
      expect(res.statusCode).toBe(200);
      return (res.json().mails as OutboxRow[]).find((m) => m.toAddress === 'patient@example.se');
    };
    const pending = await waitFor(async () => {
      const row = await outboxRow('pending');
      return row && row.attempts > 0 ? row : undefined;
    }, 'a failed attempt to be recorded');
    expect(pending).toMatchObject({ status: 'pending', subject: 'Anmälan bekräftad: Vattenförsörjning på gården', sentAt: null });
    expect(pending.lastError).toMatch(/ECONNREFUSED|connect/i);
    // Not given up: it waits for its next attempt.
    const row = t.db.select().from(outbox).where(eq(outbox.id, pending.id)).get()!;
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    // SMTP comes up on the same port.
    await smtp.start();
    cleanups.push(() => smtp.stop());
    t.db
      .update(outbox)
      .set({ nextAttemptAt: new Date(Date.now() - 1) })
      .where(eq(outbox.id, pending.id))
      .run();
    await t.app.mailer.kick();

    const m = await waitFor(() => smtp.to('patient@example.se')[0], 'the delivery once SMTP is up');
    expect(m.parsed.subject).toBe('Anmälan bekräftad: Vattenförsörjning på gården');
    expectManageLink(m, r.token);
    expect(calendarOf(m).ics.uid).toBe(e.uid);
    const sent = await waitFor(async () => {
      const x = await outboxRow('sent');
      return x?.status === 'sent' ? x : undefined;
    }, 'the outbox row marked sent');
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(sent.sentAt).not.toBeNull();
    expect(smtp.to('patient@example.se')).toHaveLength(1);
  });
});
