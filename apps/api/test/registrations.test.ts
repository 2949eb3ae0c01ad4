import { anonymiseExpired } from '@samverka/core';
import { clusters, counties, events, outbox, registrations } from '@samverka/db';
import { asc, count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../../../tests/support/fixtures.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
type Who = { token: string; email: string };
let admin: Who;
let lead: Who;
let cohost: Who;
let other: Who;
let participant: Who;

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.login('admin');
  lead = await t.login('coordinator', { clusters: ['agro-orebro'] });
  cohost = await t.login('coordinator', { clusters: ['froda'] });
  other = await t.login('coordinator', { clusters: ['gront-center'] });
  participant = await t.login('participant');
});
afterAll(async () => {
  await t.close();
});

// ---- Helpers ----

/** "YYYY-MM-DDTHH:mm" in UTC, for events created with timeZone UTC relative to the real clock. */
const utcLocal = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString().slice(0, 16);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface EventOpts {
  publish?: boolean;
  [field: string]: unknown;
}

/** An event of Agro Örebro, co-hosted by FRODA (accepted), published unless told otherwise; 2 seats by default. */
async function makeEvent(o: EventOpts = {}): Promise<{ id: number; uid: string }> {
  const { publish = true, ...fields } = o;
  const res = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(lead.token),
    payload: { ...eventInput({ capacity: 2 }), ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { id, uid } = res.json().event as { id: number; uid: string };
  expect(
    (await t.inject({ method: 'POST', url: `/api/events/${id}/organisers`, headers: bearer(lead.token), payload: { cluster: 'froda' } }))
      .statusCode,
  ).toBe(200);
  expect(
    (
      await t.inject({
        method: 'POST',
        url: `/api/events/${id}/organisers/froda/answer`,
        headers: bearer(cohost.token),
        payload: { accept: true },
      })
    ).statusCode,
  ).toBe(200);
  if (publish) {
    // evenIfPast: some tests publish an event that is already over.
    const pub = await t.inject({ method: 'POST', url: `/api/events/${id}/publish?evenIfPast=true`, headers: bearer(lead.token) });
    expect(pub.statusCode, pub.body).toBe(200);
  }
  return { id, uid };
}

let n = 0;
function body(o: Record<string, unknown> = {}) {
  n++;
  return { name: `Deltagare ${n}`, email: `deltagare-${n}@example.se`, organisation: 'Gården AB', consent: true, ...o };
}

const registerRaw = (eventId: number | string, payload: unknown) =>
  t.inject({ method: 'POST', url: `/api/events/${eventId}/registrations`, payload: payload as Record<string, unknown> });

interface Result {
  registration: {
    id: number;
    status: string;
    position: number | null;
    email: string | null;
    name: string | null;
    consentAt: string;
    checkedInAt: string | null;
    [k: string]: unknown;
  };
  token: string | null;
  manageUrl: string | null;
  created: boolean;
}

async function register(eventId: number, o: Record<string, unknown> = {}): Promise<Result & { token: string }> {
  const res = await registerRaw(eventId, body(o));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Rows and mails: what a refused write must leave exactly as it was. */
const snapshot = () =>
  JSON.stringify([
    t.db.select().from(registrations).orderBy(asc(registrations.id)).all(),
    t.db.select().from(outbox).orderBy(asc(outbox.id)).all(),
    t.db.select().from(events).orderBy(asc(events.id)).all(),
  ]);
const counts = () => ({
  registrations: t.db.select({ n: count() }).from(registrations).get()!.n,
  outbox: t.db.select({ n: count() }).from(outbox).get()!.n,
});
const lastMailTo = (to: string) => t.db.select().from(outbox).where(eq(outbox.toAddress, to)).orderBy(desc(outbox.id)).get();

// Read as the organiser: a draft's summary is not shown to anyone else.
const summary = async (id: number) =>
  (await t.inject({ method: 'GET', url: `/api/events/${id}/registration-summary`, headers: bearer(lead.token) })).json();
const attendees = async (id: number, token = lead.token) => {
  const res = await t.inject({ method: 'GET', url: `/api/events/${id}/registrations`, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    capacity: number | null;
    confirmed: number;
    waitlisted: number;
    cancelled: number;
    checkedIn: number;
    attendees: Result['registration'][];
  };
};
const waitlist = async (id: number) =>
  (await attendees(id)).attendees.filter((a) => a.status === 'waitlisted').map((a) => [a.email, a.position]);

/** Moves an event's times into the past directly in the database, as time passing would. */
function endEvent(id: number, endedMsAgo = HOUR) {
  const end = new Date(Date.now() - endedMsAgo);
  t.db
    .update(events)
    .set({ startsAt: new Date(end.getTime() - 3 * HOUR), endsAt: end, registrationOpensAt: null, registrationClosesAt: null })
    .where(eq(events.id, id))
    .run();
}

// ---- Registering ----

describe('POST /api/events/:id/registrations', () => {
  it('confirms while seats remain, then waitlists with positions 1, 2; the summary agrees', async () => {
    const e = await makeEvent({ capacity: 2 });
    const results = [await register(e.id), await register(e.id), await register(e.id), await register(e.id)];
    expect(results.map((r) => [r.registration.status, r.registration.position, r.created])).toEqual([
      ['confirmed', null, true],
      ['confirmed', null, true],
      ['waitlisted', 1, true],
      ['waitlisted', 2, true],
    ]);
    for (const r of results) {
      expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(r.manageUrl).toBe(`http://samverka.test/anmalan/${r.token}`);
    }
    expect(await summary(e.id)).toEqual({
      capacity: 2,
      confirmed: 2,
      waitlisted: 2,
      seatsLeft: 0,
      open: true,
      closedReason: null,
      opensAt: null,
      closesAt: '2031-03-10T08:00:00.000Z',
    });
  });

  it('records when consent was given', async () => {
    const e = await makeEvent();
    const before = Date.now();
    const r = await register(e.id, { consent: true });
    const after = Date.now();
    const at = Date.parse(r.registration.consentAt);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect(t.db.select().from(registrations).where(eq(registrations.id, r.registration.id)).get()!.consentAt.getTime()).toBe(at);
  });

  it('the same email again answers 200 with the existing registration, no token and no personal data, and mails the link to that address', async () => {
    const e = await makeEvent({ capacity: 1 });
    const first = await register(e.id, { email: 'twice@example.se', dietaryNeeds: 'glutenfri' });
    const before = counts();
    const res = await registerRaw(e.id, body({ email: 'TWICE@example.se' }));
    expect(res.statusCode, res.body).toBe(200);
    const again = res.json() as Result;
    expect(again).toMatchObject({ created: false, token: null, manageUrl: null });
    expect(again.registration).toMatchObject({
      id: first.registration.id,
      status: 'confirmed',
      name: null,
      email: null,
      dietaryNeeds: null,
    });
    expect(res.body).not.toContain(first.token);
    expect(res.body).not.toContain('glutenfri');
    expect(counts()).toEqual({ registrations: before.registrations, outbox: before.outbox + 1 });
    const mail = lastMailTo('twice@example.se')!;
    expect(mail.subject).toBe('Din anmälan: Vattenförsörjning på gården');
    expect(mail.text).toContain(`http://samverka.test/anmalan/${first.token}`);
    expect(await summary(e.id)).toMatchObject({ confirmed: 1, waitlisted: 0 });
  });

  it('a cancelled registration registers again with a new token, and the old link is gone', async () => {
    const e = await makeEvent();
    const first = await register(e.id, { email: 'back@example.se' });
    expect((await t.inject({ method: 'POST', url: `/api/registrations/${first.token}/cancel` })).statusCode).toBe(200);
    const again = await register(e.id, { email: 'back@example.se' });
    expect(again.registration.id).toBe(first.registration.id);
    expect(again.token).not.toBe(first.token);
    expect(again.registration.status).toBe('confirmed');
    expectError(await t.inject({ method: 'GET', url: `/api/registrations/${first.token}` }), 404, 'unknown_registration');
    expect((await t.inject({ method: 'GET', url: `/api/registrations/${again.token}` })).json().status).toBe('confirmed');
  });

  const bad: [string, Record<string, unknown> | null, string?][] = [
    ['consent false', { consent: false }, 'consent'],
    ['consent missing', { consent: undefined }],
    ['consent as a string', { consent: 'true' }],
    ['an unknown county', { county: 'atlantis-lan' }, 'county'],
    ['an unknown cluster', { cluster: 'no-such-cluster' }, 'cluster'],
    ['a county that is not a slug', { county: 'Örebro län' }],
    ['an unknown field', { role: 'admin' }],
    ['a number for the name', { name: 42 }],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }, 'name'],
    ['no email', { email: undefined }],
    ['a bad email', { email: 'anna@' }, 'email'],
    ['an email with a header in it', { email: 'a@example.se\r\nBcc: evil@example.com' }, 'email'],
    ['an unknown language', { language: 'de' }],
    ['a string for newsletter', { newsletter: 'yes' }],
    ['over-long dietary needs', { dietaryNeeds: 'x'.repeat(501) }],
    ['an array body', null],
  ];
  it.each(bad)('refuses %s with 400 and changes nothing', async (_name, fields, field) => {
    const e = await makeEvent();
    await register(e.id);
    const before = snapshot();
    const payload = fields === null ? [body()] : JSON.parse(JSON.stringify(body(fields)));
    const err = expectError(await registerRaw(e.id, payload), 400);
    if (field) expect(err.details?.map((d) => d.field)).toContain(field);
    expect(snapshot()).toBe(before);
  });

  it('answers 404 for an unknown event and 400 for an id that is not one', async () => {
    const before = snapshot();
    expectError(await registerRaw(999_999, body()), 404, 'unknown_event');
    expectError(await registerRaw('abc', body()), 400);
    expectError(await t.inject({ method: 'GET', url: '/api/events/999999/registration-summary' }), 404);
    expect(snapshot()).toBe(before);
  });

  const closed: [string, () => Promise<{ id: number }>, string][] = [
    ['a draft', () => makeEvent({ publish: false }), 'registration_draft'],
    ['before registration opens', () => makeEvent({ registrationOpens: '2031-03-01T08:00' }), 'registration_not_open_yet'],
    [
      'after registration closed',
      () =>
        makeEvent({ timeZone: 'UTC', start: utcLocal(2 * DAY), end: utcLocal(2 * DAY + 2 * HOUR), registrationCloses: utcLocal(-HOUR) }),
      'registration_closed',
    ],
    ['after the start', () => makeEvent({ timeZone: 'UTC', start: utcLocal(-HOUR), end: utcLocal(2 * HOUR) }), 'registration_closed'],
    ['an ended event', () => makeEvent({ start: '2020-01-10T09:00', end: '2020-01-10T12:00' }), 'registration_ended'],
  ];
  it.each(closed)('refuses %s with 409 and changes nothing', async (_name, make, code) => {
    const e = await make();
    const before = snapshot();
    expectError(await registerRaw(e.id, body()), 409, code);
    expect(snapshot()).toBe(before);
    expect(await summary(e.id)).toMatchObject({ open: false, closedReason: code.replace('registration_', '') });
  });

  it('refuses a cancelled event with 409 and changes nothing', async () => {
    const e = await makeEvent();
    const r = await register(e.id, { email: 'was-there@example.se' });
    expect(
      (await t.inject({ method: 'POST', url: `/api/events/${e.id}/cancel`, headers: bearer(lead.token), payload: { reason: 'Storm' } }))
        .statusCode,
    ).toBe(200);
    const before = snapshot();
    expectError(await registerRaw(e.id, body()), 409, 'registration_cancelled');
    // Not even an existing registrant gets through to a new mail.
    expectError(await registerRaw(e.id, body({ email: 'was-there@example.se' })), 409, 'registration_cancelled');
    expect(snapshot()).toBe(before);
    expect(r.registration.status).toBe('confirmed');
  });
});

describe('registration rate limit', () => {
  it('answers 429 past REGISTRATION_RATE_LIMIT per minute and writes nothing for the refused request', async () => {
    const limited = await makeTestApp({ REGISTRATION_RATE_LIMIT: '2' });
    try {
      const { token } = await limited.login('coordinator', { clusters: ['agro-orebro'] });
      const created = await limited.inject({
        method: 'POST',
        url: '/api/events',
        headers: bearer(token),
        payload: {
          leadCluster: 'agro-orebro',
          title: 'Liten',
          kind: 'workshop',
          themes: ['krisberedskap'],
          start: '2031-03-10T09:00',
          end: '2031-03-10T12:00',
          venueName: 'Ladan',
        },
      });
      const id = created.json().event.id;
      expect((await limited.inject({ method: 'POST', url: `/api/events/${id}/publish`, headers: bearer(token) })).statusCode).toBe(200);
      const post = (i: number) =>
        limited.inject({ method: 'POST', url: `/api/events/${id}/registrations`, payload: body({ email: `rl-${i}@example.se` }) });
      expect((await post(1)).statusCode).toBe(201);
      expect((await post(2)).statusCode).toBe(201);
      expectError(await post(3), 429, 'rate_limited');
      expect(limited.db.select({ n: count() }).from(registrations).get()!.n).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

// ---- Organisers ----

describe('organiser routes', () => {
  const roles = ['admin', 'lead coordinator', 'co-host coordinator', 'other coordinator', 'participant', 'anonymous'] as const;
  const expected: Record<(typeof roles)[number], number> = {
    admin: 200,
    'lead coordinator': 200,
    'co-host coordinator': 200,
    'other coordinator': 403,
    participant: 403,
    anonymous: 401,
  };
  const headersOf = (role: (typeof roles)[number]) =>
    role === 'anonymous'
      ? {}
      : bearer({ admin, 'lead coordinator': lead, 'co-host coordinator': cohost, 'other coordinator': other, participant }[role].token);

  it.each(roles)('%s: list, CSV, check-in and messages', async (role) => {
    const e = await makeEvent();
    const r = await register(e.id);
    const before = snapshot();
    const h = headersOf(role);
    const answers = [
      await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations`, headers: h }),
      await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations.csv`, headers: h }),
      await t.inject({
        method: 'POST',
        url: `/api/events/${e.id}/registrations/${r.registration.id}/check-in`,
        headers: h,
        payload: { checkedIn: true },
      }),
      await t.inject({ method: 'POST', url: `/api/events/${e.id}/messages`, headers: h, payload: { subject: 'Hej', body: 'Välkomna' } }),
    ];
    const want = expected[role];
    expect(answers.map((a) => a.statusCode)).toEqual([want, want, want, want === 200 ? 202 : want]);
    if (want !== 200) {
      for (const a of answers) expectError(a, want);
      expect(snapshot()).toBe(before);
      // Nothing personal leaks in a refusal.
      for (const a of answers) expect(a.body).not.toContain(r.registration.email!);
    } else {
      expect(answers[0]!.json().attendees[0].email).toBe(r.registration.email);
    }
  });

  it('answer 404 for an unknown event or registration', async () => {
    const e = await makeEvent();
    const h = bearer(admin.token);
    expectError(await t.inject({ method: 'GET', url: '/api/events/999999/registrations', headers: h }), 404);
    expectError(await t.inject({ method: 'GET', url: '/api/events/999999/registrations.csv', headers: h }), 404);
    expectError(
      await t.inject({ method: 'POST', url: '/api/events/999999/messages', headers: h, payload: { subject: 'a', body: 'b' } }),
      404,
    );
    expectError(
      await t.inject({
        method: 'POST',
        url: `/api/events/${e.id}/registrations/999999/check-in`,
        headers: h,
        payload: { checkedIn: true },
      }),
      404,
      'unknown_registration',
    );
    // A registration of another event is not one of this event's.
    const elsewhere = await makeEvent({ title: 'Annat' });
    const r = await register(elsewhere.id);
    expectError(
      await t.inject({
        method: 'POST',
        url: `/api/events/${e.id}/registrations/${r.registration.id}/check-in`,
        headers: h,
        payload: { checkedIn: true },
      }),
      404,
    );
    expect(t.db.select().from(registrations).where(eq(registrations.id, r.registration.id)).get()!.checkedInAt).toBeNull();
  });

  it('the list shows confirmed, then the waiting list in order, then cancelled, with counts', async () => {
    const e = await makeEvent({ capacity: 1 });
    const a = await register(e.id, { email: 'list-a@example.se' });
    await register(e.id, { email: 'list-b@example.se' });
    const c = await register(e.id, { email: 'list-c@example.se' });
    await register(e.id, { email: 'list-d@example.se' });
    expect((await t.inject({ method: 'POST', url: `/api/registrations/${c.token}/cancel` })).statusCode).toBe(200);
    expect(
      (
        await t.inject({
          method: 'POST',
          url: `/api/events/${e.id}/registrations/${a.registration.id}/check-in`,
          headers: bearer(lead.token),
          payload: { checkedIn: true },
        })
      ).statusCode,
    ).toBe(200);
    const list = await attendees(e.id, cohost.token);
    expect(list).toMatchObject({ capacity: 1, confirmed: 1, waitlisted: 2, cancelled: 1, checkedIn: 1 });
    expect(list.attendees.map((x) => [x.email, x.status, x.position])).toEqual([
      ['list-a@example.se', 'confirmed', null],
      ['list-b@example.se', 'waitlisted', 1],
      ['list-d@example.se', 'waitlisted', 2],
      ['list-c@example.se', 'cancelled', null],
    ]);
  });

  it('limit and page give one page of the matching rows, in the list order, with the counts of everyone and the number matching', async () => {
    const e = await makeEvent({ capacity: 2 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) await register(e.id, { email: `page-${k}@example.se` });
    const page = async (query: string) => {
      const res = await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations?${query}`, headers: bearer(lead.token) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        confirmed: number;
        waitlisted: number;
        matching: number;
        attendees: { email: string; position: number | null }[];
      };
    };
    const second = await page('limit=2&page=2');
    expect([second.confirmed, second.waitlisted, second.matching]).toEqual([2, 3, 5]);
    expect(second.attendees.map((a) => [a.email, a.position])).toEqual([
      ['page-c@example.se', 1],
      ['page-d@example.se', 2],
    ]);
    expect((await page('limit=2&page=3')).attendees.map((a) => a.email)).toEqual(['page-e@example.se']);
    expect((await page('limit=2&page=4')).attendees).toEqual([]);
    const waiting = await page('status=waitlisted&limit=2&page=2');
    expect([waiting.matching, waiting.attendees.map((a) => a.email)]).toEqual([3, ['page-e@example.se']]);
    expect((await page('')).matching).toBe(5);
    expectError(await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations?limit=0`, headers: bearer(lead.token) }), 400);
  });

  it('the CSV is an attachment with BOM and CRLF, formula cells neutralised, headers per language', async () => {
    const e = await makeEvent();
    await register(e.id, {
      name: '=cmd|" /C calc"!A0',
      email: 'csv@example.se',
      organisation: '@Gården',
      county: 'skane-lan',
      cluster: 'froda',
      dietaryNeeds: '+vegan',
      accessibilityNeeds: '-ramp',
    });
    const res = await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations.csv`, headers: bearer(lead.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="deltagare-${e.id}.csv"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('Status,Plats i kön,Namn,E-post,Organisation,Län,Kluster,Kost,Tillgänglighet,Incheckad,Anmäld');
    expect(lines[1]).toMatch(/^confirmed,,"'=cmd\|"" \/C calc""!A0",csv@example\.se,'@Gården,Skåne län,FRODA,'\+vegan,'-ramp,,\d{4}-/);
    expect(lines[2]).toBe('');
    const en = await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations.csv?lang=en`, headers: bearer(lead.token) });
    expect(en.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'Status,Waitlist position,Name,Email,Organisation,County,Cluster,Dietary needs,Accessibility needs,Checked in,Registered',
    );
    expectError(await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations.csv?lang=de`, headers: bearer(lead.token) }), 400);
    expectError(
      await t.inject({ method: 'GET', url: `/api/events/${e.id}/registrations.csv?format=xlsx`, headers: bearer(lead.token) }),
      400,
    );
  });

  it('check-in marks and unmarks a confirmed participant; a waitlisted or cancelled one is refused with 409; bad bodies 400', async () => {
    const e = await makeEvent({ capacity: 1 });
    const a = await register(e.id);
    const w = await register(e.id);
    const url = (id: number) => `/api/events/${e.id}/registrations/${id}/check-in`;
    const h = bearer(cohost.token);
    const on = await t.inject({ method: 'POST', url: url(a.registration.id), headers: h, payload: { checkedIn: true } });
    expect(on.statusCode).toBe(200);
    expect(Date.parse(on.json().checkedInAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await attendees(e.id)).checkedIn).toBe(1);
    const off = await t.inject({ method: 'POST', url: url(a.registration.id), headers: h, payload: { checkedIn: false } });
    expect(off.json().checkedInAt).toBeNull();

    const before = snapshot();
    expectError(
      await t.inject({ method: 'POST', url: url(w.registration.id), headers: h, payload: { checkedIn: true } }),
      409,
      'not_confirmed',
    );
    expectError(await t.inject({ method: 'POST', url: url(a.registration.id), headers: h, payload: { checkedIn: 'yes' } }), 400);
    expectError(await t.inject({ method: 'POST', url: url(a.registration.id), headers: h, payload: {} }), 400);
    expectError(await t.inject({ method: 'POST', url: url(a.registration.id), headers: h, payload: { checkedIn: true, at: 'now' } }), 400);
    expect(snapshot()).toBe(before);

    expect((await t.inject({ method: 'POST', url: `/api/registrations/${a.token}/cancel` })).statusCode).toBe(200);
    expectError(
      await t.inject({ method: 'POST', url: url(a.registration.id), headers: h, payload: { checkedIn: true } }),
      409,
      'not_confirmed',
    );
    // The seat went to w, who can now be checked in.
    expect((await t.inject({ method: 'POST', url: url(w.registration.id), headers: h, payload: { checkedIn: true } })).statusCode).toBe(
      200,
    );
  });

  it('a message reaches everyone confirmed or waiting through the outbox; bad bodies are 400 and queue nothing', async () => {
    const e = await makeEvent({ capacity: 1 });
    await register(e.id, { email: 'msg-a@example.se' });
    await register(e.id, { email: 'msg-b@example.se' });
    const c = await register(e.id, { email: 'msg-c@example.se' });
    expect((await t.inject({ method: 'POST', url: `/api/registrations/${c.token}/cancel` })).statusCode).toBe(200);
    const before = counts();
    const res = await t.inject({
      method: 'POST',
      url: `/api/events/${e.id}/messages`,
      headers: bearer(lead.token),
      payload: { subject: 'Parkering', body: 'Parkera vid ladan.' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ recipients: 2 });
    expect(counts().outbox).toBe(before.outbox + 2);
    expect(lastMailTo('msg-a@example.se')!.subject).toBe('Vattenförsörjning på gården: Parkering');
    expect(lastMailTo('msg-c@example.se')!.subject).not.toContain('Parkering');

    const snap = snapshot();
    for (const payload of [
      { subject: '', body: 'x' },
      { subject: 'x' },
      { subject: 'x', body: '   ' },
      { subject: 'x', body: 'y', to: 'evil@example.com' },
      { subject: 'x'.repeat(151), body: 'y' },
      { subject: 1, body: 'y' },
    ]) {
      expectError(await t.inject({ method: 'POST', url: `/api/events/${e.id}/messages`, headers: bearer(lead.token), payload }), 400);
    }
    expect(snapshot()).toBe(snap);
  });
});

// ---- The manage link ----

describe('/api/registrations/:token', () => {
  it('GET shows the registration to the holder of the link; unknown tokens are 404, malformed ones 400', async () => {
    const e = await makeEvent();
    const r = await register(e.id, { email: 'own@example.se', county: 'orebro-lan', language: 'en' });
    const res = await t.inject({ method: 'GET', url: `/api/registrations/${r.token}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: r.registration.id,
      email: 'own@example.se',
      status: 'confirmed',
      county: { slug: 'orebro-lan', name: 'Örebro län' },
      language: 'en',
      event: { id: e.id, title: 'Vattenförsörjning på gården', status: 'published', startsAt: '2031-03-10T08:00:00.000Z' },
    });
    expectError(await t.inject({ method: 'GET', url: `/api/registrations/${'A'.repeat(43)}` }), 404, 'unknown_registration');
    expectError(await t.inject({ method: 'GET', url: '/api/registrations/short' }), 400);
    expectError(await t.inject({ method: 'GET', url: `/api/registrations/${'A'.repeat(42)}%2F` }), 400);
  });

  it('PATCH changes the allowed fields; the email, consent or unknown fields are 400; nothing changes on refusal', async () => {
    const e = await makeEvent();
    const r = await register(e.id, { email: 'patch@example.se' });
    const url = `/api/registrations/${r.token}`;
    const ok = await t.inject({
      method: 'PATCH',
      url,
      payload: {
        name: 'Nytt Namn',
        organisation: 'Ny AB',
        county: 'skane-lan',
        cluster: 'froda',
        dietaryNeeds: 'vegan',
        language: 'en',
        newsletter: true,
      },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      name: 'Nytt Namn',
      organisation: 'Ny AB',
      county: { slug: 'skane-lan' },
      cluster: { slug: 'froda' },
      dietaryNeeds: 'vegan',
      language: 'en',
      newsletter: true,
      email: 'patch@example.se',
    });

    const before = snapshot();
    for (const payload of [
      { email: 'other@example.se' },
      { consent: false },
      { status: 'confirmed' },
      { county: 'atlantis-lan' },
      { cluster: 'nope' },
      { name: '' },
      { name: '   ' },
      { newsletter: 'ja' },
      { language: 'fi' },
    ]) {
      expectError(await t.inject({ method: 'PATCH', url, payload }), 400);
    }
    expectError(await t.inject({ method: 'PATCH', url: `/api/registrations/${'B'.repeat(43)}`, payload: { name: 'X' } }), 404);
    expect(snapshot()).toBe(before);
  });

  it('cancel frees the seat for the first waiting, whose position was 1; the others move up; cancelling twice is 409', async () => {
    const e = await makeEvent({ capacity: 1 });
    const a = await register(e.id, { email: 'c-a@example.se' });
    const b = await register(e.id, { email: 'c-b@example.se' });
    await register(e.id, { email: 'c-c@example.se' });
    await register(e.id, { email: 'c-d@example.se' });
    expect(await waitlist(e.id)).toEqual([
      ['c-b@example.se', 1],
      ['c-c@example.se', 2],
      ['c-d@example.se', 3],
    ]);
    const res = await t.inject({ method: 'POST', url: `/api/registrations/${a.token}/cancel` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', position: null });
    expect((await t.inject({ method: 'GET', url: `/api/registrations/${b.token}` })).json()).toMatchObject({
      status: 'confirmed',
      position: null,
    });
    expect(await waitlist(e.id)).toEqual([
      ['c-c@example.se', 1],
      ['c-d@example.se', 2],
    ]);
    expect(lastMailTo('c-b@example.se')!.subject).toBe('Du har fått en plats: Vattenförsörjning på gården');
    expect(lastMailTo('c-a@example.se')!.subject).toBe('Avbokad: Vattenförsörjning på gården');

    const before = snapshot();
    expectError(await t.inject({ method: 'POST', url: `/api/registrations/${a.token}/cancel` }), 409, 'already_cancelled');
    expectError(await t.inject({ method: 'POST', url: `/api/registrations/${'C'.repeat(43)}/cancel` }), 404);
    expect(snapshot()).toBe(before);
  });

  it('leaving the waiting list renumbers the positions behind and promotes nobody', async () => {
    const e = await makeEvent({ capacity: 1 });
    await register(e.id, { email: 'l-a@example.se' });
    await register(e.id, { email: 'l-b@example.se' });
    const c = await register(e.id, { email: 'l-c@example.se' });
    const d = await register(e.id, { email: 'l-d@example.se' });
    expect(d.registration.position).toBe(3);
    expect((await t.inject({ method: 'POST', url: `/api/registrations/${c.token}/cancel` })).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: `/api/registrations/${d.token}` })).json().position).toBe(2);
    expect(await summary(e.id)).toMatchObject({ confirmed: 1, waitlisted: 2 });
  });

  it('after the event ended, changing or cancelling is 409 and changes nothing', async () => {
    const e = await makeEvent();
    const r = await register(e.id);
    endEvent(e.id);
    const before = snapshot();
    expectError(await t.inject({ method: 'POST', url: `/api/registrations/${r.token}/cancel` }), 409, 'event_ended');
    expectError(await t.inject({ method: 'PATCH', url: `/api/registrations/${r.token}`, payload: { name: 'Sent' } }), 409, 'event_ended');
    expect(snapshot()).toBe(before);
  });

  it('DELETE erases the personal data, gives the seat to the waiting list and kills the link', async () => {
    const e = await makeEvent({ capacity: 1 });
    const a = await register(e.id, { email: 'del-a@example.se', county: 'orebro-lan', cluster: 'froda', dietaryNeeds: 'nötallergi' });
    const b = await register(e.id, { email: 'del-b@example.se' });
    const res = await t.inject({ method: 'DELETE', url: `/api/registrations/${a.token}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const row = t.db.select().from(registrations).where(eq(registrations.id, a.registration.id)).get()!;
    expect(row).toMatchObject({ token: null, name: null, email: null, organisation: null, dietaryNeeds: null, status: 'cancelled' });
    expect(row.anonymisedAt).toBeInstanceOf(Date);
    expect(row.countyId).not.toBeNull();
    expectError(await t.inject({ method: 'GET', url: `/api/registrations/${a.token}` }), 404);
    expectError(await t.inject({ method: 'DELETE', url: `/api/registrations/${a.token}` }), 404);
    expect((await t.inject({ method: 'GET', url: `/api/registrations/${b.token}` })).json().status).toBe('confirmed');
    const list = await attendees(e.id);
    expect(list.attendees.map((x) => x.email)).toEqual(['del-b@example.se']);
    expect(JSON.stringify(list)).not.toContain('nötallergi');
  });
});

// ---- The event's side ----

describe('changes of the event', () => {
  it('more seats by PATCH /api/events/:id promote from the waiting list in order', async () => {
    const e = await makeEvent({ capacity: 1 });
    await register(e.id);
    const waiting = [await register(e.id), await register(e.id), await register(e.id)];
    const res = await t.inject({ method: 'PATCH', url: `/api/events/${e.id}`, headers: bearer(lead.token), payload: { capacity: 3 } });
    expect(res.statusCode, res.body).toBe(200);
    const statuses = await Promise.all(
      waiting.map(async (w) => (await t.inject({ method: 'GET', url: `/api/registrations/${w.token}` })).json()),
    );
    expect(statuses.map((s) => [s.status, s.position])).toEqual([
      ['confirmed', null],
      ['confirmed', null],
      ['waitlisted', 1],
    ]);
    expect(lastMailTo(waiting[0]!.registration.email!)!.subject).toMatch(/^Du har fått en plats/);
    expect(lastMailTo(waiting[2]!.registration.email!)!.subject).toMatch(/^Väntelista/);
    expect(await summary(e.id)).toMatchObject({ capacity: 3, confirmed: 3, waitlisted: 1, seatsLeft: 0 });
  });

  it('a refused event change (another cluster) promotes nobody', async () => {
    const e = await makeEvent({ capacity: 1 });
    await register(e.id);
    await register(e.id);
    const before = snapshot();
    expectError(
      await t.inject({ method: 'PATCH', url: `/api/events/${e.id}`, headers: bearer(other.token), payload: { capacity: 5 } }),
      403,
    );
    expectError(
      await t.inject({ method: 'PATCH', url: `/api/events/${e.id}`, headers: bearer(lead.token), payload: { capacity: '5' } }),
      400,
    );
    expect(snapshot()).toBe(before);
  });
});

// ---- Retention ----

describe('retention', () => {
  it('anonymises registrations of events that ended more than RETENTION_MONTHS ago and keeps the counts per event, cluster and county', async () => {
    const e = await makeEvent({ capacity: 2 });
    const kept = await makeEvent({ title: 'Nyligen' });
    const regs = [
      await register(e.id, { county: 'orebro-lan', cluster: 'froda' }),
      await register(e.id, { county: 'orebro-lan', cluster: 'agro-orebro' }),
      await register(e.id, { county: 'skane-lan', cluster: 'froda' }),
    ];
    const keep = await register(kept.id, { county: 'skane-lan' });
    const byEvent = (id: number) =>
      JSON.stringify([
        t.db
          .select({ s: registrations.status, n: count() })
          .from(registrations)
          .where(eq(registrations.eventId, id))
          .groupBy(registrations.status)
          .orderBy(registrations.status)
          .all(),
        t.db
          .select({ c: clusters.slug, n: count() })
          .from(registrations)
          .innerJoin(clusters, eq(clusters.id, registrations.clusterId))
          .where(eq(registrations.eventId, id))
          .groupBy(clusters.slug)
          .orderBy(clusters.slug)
          .all(),
        t.db
          .select({ c: counties.slug, n: count() })
          .from(registrations)
          .innerJoin(counties, eq(counties.id, registrations.countyId))
          .where(eq(registrations.eventId, id))
          .groupBy(counties.slug)
          .orderBy(counties.slug)
          .all(),
      ]);
    const before = byEvent(e.id);
    expect(before).toBe(
      JSON.stringify([
        [
          { s: 'confirmed', n: 2 },
          { s: 'waitlisted', n: 1 },
        ],
        [
          { c: 'agro-orebro', n: 1 },
          { c: 'froda', n: 2 },
        ],
        [
          { c: 'orebro-lan', n: 2 },
          { c: 'skane-lan', n: 1 },
        ],
      ]),
    );

    endEvent(e.id, (t.config.retentionMonths + 1) * 31 * DAY);
    endEvent(kept.id, (t.config.retentionMonths - 1) * 31 * DAY);
    const summaryBefore = await summary(e.id);
    expect(anonymiseExpired(t.db, t.config.retentionMonths)).toBe(3);

    expect(byEvent(e.id)).toBe(before);
    expect(await summary(e.id)).toEqual(summaryBefore);
    expect(summaryBefore).toMatchObject({ confirmed: 2, waitlisted: 1 });
    for (const r of regs) expectError(await t.inject({ method: 'GET', url: `/api/registrations/${r.token}` }), 404);
    expect((await attendees(e.id)).attendees).toEqual([]);
    const rows = t.db.select().from(registrations).where(eq(registrations.eventId, e.id)).all();
    expect(rows.every((r) => r.email === null && r.name === null && r.organisation === null && r.token === null)).toBe(true);
    // The event that ended within the period keeps its data.
    expect((await t.inject({ method: 'GET', url: `/api/registrations/${keep.token}` })).json().email).toBe(keep.registration.email);
  });
});

describe('registration summary of a draft', () => {
  it('answers 404 to visitors and other clusters, and the counts to the organisers', async () => {
    const t = await makeTestApp();
    try {
      const lead = await t.login('coordinator', { clusters: ['agro-orebro'] });
      const other = await t.login('coordinator', { clusters: ['froda'] });
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: bearer(lead.token),
        payload: {
          leadCluster: 'agro-orebro',
          title: 'Utkast',
          kind: 'workshop',
          themes: ['krisberedskap'],
          start: '2030-03-10T09:00',
          end: '2030-03-10T12:00',
          capacity: 5,
        },
      });
      const id = (created.json() as { event: { id: number } }).event.id;
      expect((await t.app.inject({ url: `/api/events/${id}/registration-summary` })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/api/events/${id}/registration-summary`, headers: bearer(other.token) })).statusCode).toBe(404);
      const mine = await t.app.inject({ url: `/api/events/${id}/registration-summary`, headers: bearer(lead.token) });
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toMatchObject({ capacity: 5, confirmed: 0, open: false, closedReason: 'draft' });
    } finally {
      await t.close();
    }
  });
});

// ---- Safe state changes (issue 12): refused with 409 and a detail code, nothing changed ----

describe('safe state changes', () => {
  const h = () => bearer(lead.token);

  it('a draft cannot be cancelled (409 draft_not_cancellable, nothing changed); it is deleted instead', async () => {
    const e = await makeEvent({ publish: false });
    const before = snapshot();
    expectError(
      await t.inject({ method: 'POST', url: `/api/events/${e.id}/cancel`, headers: h(), payload: { reason: 'Ingen tid' } }),
      409,
      'draft_not_cancellable',
    );
    expect(snapshot()).toBe(before);
    // Still a draft: anonymous visitors do not find it.
    expectError(await t.inject({ method: 'GET', url: `/api/events/${e.id}` }), 404, 'unknown_event');
    expect((await t.inject({ method: 'DELETE', url: `/api/events/${e.id}`, headers: h() })).statusCode).toBe(204);
  });

  it('a cancelled event takes no check-in, no co-host change and no message but one explaining the cancellation', async () => {
    const e = await makeEvent({ capacity: 5 });
    const r = await register(e.id);
    const vast = await t.login('coordinator', { clusters: ['agro-vast'] });
    const invite = await t.inject({
      method: 'POST',
      url: `/api/events/${e.id}/organisers`,
      headers: h(),
      payload: { cluster: 'agro-vast' },
    });
    expect(invite.statusCode, invite.body).toBe(200);
    const cancel = await t.inject({ method: 'POST', url: `/api/events/${e.id}/cancel`, headers: h(), payload: { reason: 'Sjukdom' } });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const before = snapshot();
    const refused: [Awaited<ReturnType<typeof t.inject>>, string][] = [
      [
        await t.inject({
          method: 'POST',
          url: `/api/events/${e.id}/registrations/${r.registration.id}/check-in`,
          headers: h(),
          payload: { checkedIn: true },
        }),
        'event_cancelled',
      ],
      [await t.inject({ method: 'DELETE', url: `/api/events/${e.id}/organisers/froda`, headers: h() }), 'event_cancelled'],
      [
        await t.inject({ method: 'POST', url: `/api/events/${e.id}/organisers`, headers: h(), payload: { cluster: 'gront-center' } }),
        'event_cancelled',
      ],
      [
        await t.inject({
          method: 'POST',
          url: `/api/events/${e.id}/organisers/agro-vast/answer`,
          headers: bearer(vast.token),
          payload: { accept: true },
        }),
        'event_cancelled',
      ],
      [
        await t.inject({
          method: 'POST',
          url: `/api/events/${e.id}/messages`,
          headers: h(),
          payload: { subject: 'Fika', body: 'Välkomna' },
        }),
        'event_cancelled',
      ],
    ];
    for (const [res, code] of refused) expectError(res, 409, code);
    expect(snapshot()).toBe(before);
    const explained = await t.inject({
      method: 'POST',
      url: `/api/events/${e.id}/messages`,
      headers: h(),
      payload: { subject: 'Nytt datum', body: 'Vi återkommer med ett nytt datum.', aboutCancellation: true },
    });
    expect(explained.statusCode, explained.body).toBe(202);
    expect(explained.json()).toEqual({ recipients: 1 });
    const mail = lastMailTo(r.registration.email!)!;
    expect(mail.subject).toMatch(/^Inställt: .*: Nytt datum$/);
    expect(mail.text).toContain('Vi återkommer med ett nytt datum.');
  });

  it('a message marked as about a cancellation is refused on an event that is not cancelled (409 not_cancelled)', async () => {
    const e = await makeEvent();
    await register(e.id);
    const before = snapshot();
    const res = await t.inject({
      method: 'POST',
      url: `/api/events/${e.id}/messages`,
      headers: h(),
      payload: { subject: 'Inställt?', body: 'Nej', aboutCancellation: true },
    });
    expectError(res, 409, 'not_cancelled');
    expect(snapshot()).toBe(before);
  });

  it('capacity below the confirmed seats is refused with the count, unless the latest confirmed move to the top of the waiting list', async () => {
    const e = await makeEvent({ capacity: 4 });
    const regs = [await register(e.id), await register(e.id), await register(e.id), await register(e.id)];
    const waiting = await register(e.id);
    expect(waiting.registration.status).toBe('waitlisted');
    const before = snapshot();
    const refused = await t.inject({ method: 'PATCH', url: `/api/events/${e.id}`, headers: h(), payload: { capacity: 2 } });
    expectError(refused, 409, 'capacity_below_confirmed');
    expect(refused.json().error.message).toContain('4 people already have a confirmed seat');
    expect(refused.json().error.details).toEqual([
      expect.objectContaining({ field: 'capacity', code: 'below_confirmed', params: { min: 4 } }),
    ]);
    expect(snapshot()).toBe(before);

    const moved = await t.inject({
      method: 'PATCH',
      url: `/api/events/${e.id}`,
      headers: h(),
      payload: { capacity: 2, moveExcessToWaitlist: true },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    // The two who registered last go first in the queue, in their order, ahead of the one already waiting.
    expect(await waitlist(e.id)).toEqual([
      [regs[2]!.registration.email, 1],
      [regs[3]!.registration.email, 2],
      [waiting.registration.email, 3],
    ]);
    expect(await summary(e.id)).toMatchObject({ confirmed: 2, waitlisted: 3, seatsLeft: 0 });
    expect(lastMailTo(regs[3]!.registration.email!)!.subject).toMatch(/^Väntelista: /);
    // A freed seat goes to the first of them.
    expect((await t.inject({ method: 'POST', url: `/api/registrations/${regs[0]!.token}/cancel` })).statusCode).toBe(200);
    expect((await attendees(e.id)).attendees.find((a) => a.email === regs[2]!.registration.email)?.status).toBe('confirmed');
  });

  it('a published event with registrations cannot be deleted, by an admin either (409 has_registrations): cancel it first', async () => {
    const e = await makeEvent();
    await register(e.id);
    const before = snapshot();
    for (const who of [lead, admin]) {
      const res = await t.inject({ method: 'DELETE', url: `/api/events/${e.id}`, headers: bearer(who.token) });
      expectError(res, 409, who === admin ? 'has_registrations' : 'not_a_draft');
    }
    expect(snapshot()).toBe(before);
    expect(
      (await t.inject({ method: 'POST', url: `/api/events/${e.id}/cancel`, headers: h(), payload: { reason: 'Flyttas' } })).statusCode,
    ).toBe(200);
    expect((await t.inject({ method: 'DELETE', url: `/api/events/${e.id}`, headers: bearer(admin.token) })).statusCode).toBe(204);
  });
});
