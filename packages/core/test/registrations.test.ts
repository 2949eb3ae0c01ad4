import { clusters, counties, events, outbox, registrations, users, type Db, type Event, type OutboxMail } from '@samverka/db';
import { asc, count, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import {
  answerCohostInvitation,
  cancelEvent,
  createEvent,
  deleteEvent,
  inviteCohost,
  publishEvent,
  updateEvent,
} from '../src/events/event-service.ts';
import { setMailFrom } from '../src/platform-sender.ts';
import { REPEAT_MAIL_WINDOW_MS } from '../src/outbox/throttle.ts';
import type { EventInput } from '../src/events/event-input.ts';
import { links, setPublicUrl } from '../src/links.ts';
import { icsAttachment, registrationMail, withCalendar, type RegistrationMailKind } from '../src/registrations/registration-mail.ts';
import {
  anonymiseExpired,
  attendeesCsv,
  cancelRegistration,
  deletePersonalData,
  getRegistration,
  listAttendees,
  messageRegistrants,
  neutraliseCell,
  promoteFromWaitlist,
  register,
  registrationSummary,
  sendDueReminders,
  setCheckIn,
  updateRegistration,
  type RegistrationInput,
} from '../src/registrations/registration-service.ts';
import { readWithIcalJs } from '../../../tests/support/ics-readers.ts';
import { expectValidItip } from '../../../tests/support/libical.ts';
import { clusterId, eventInput, freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents } from './helpers.ts';

// The clock of these tests: events are created in January 2030 and take place on
// 10 June 2030, 09:00–12:00 in Stockholm (CEST, UTC+2); "now" is ten days before.
const CREATED = new Date('2030-01-01T10:00:00Z');
const NOW = new Date('2030-06-01T10:00:00Z');
const START = new Date('2030-06-10T07:00:00Z');
const END = new Date('2030-06-10T10:00:00Z');
const later = (ms: number, from = NOW) => new Date(from.getTime() + ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let t: TestDb;
let admin: Actor;
let lead: Actor;
let cohost: Actor;
let invited: Actor;
let other: Actor;
let participant: Actor;

beforeEach(() => {
  setPublicUrl('https://samverka.test');
  t = freshDb();
  admin = insertActor(t.db, { isAdmin: true });
  lead = insertActor(t.db, { coordinatorOf: ['agro-orebro'] });
  cohost = insertActor(t.db, { coordinatorOf: ['froda'] });
  invited = insertActor(t.db, { coordinatorOf: ['agro-vast'] });
  other = insertActor(t.db, { coordinatorOf: ['gront-center'] });
  participant = insertActor(t.db);
});
afterEach(() => t.dispose());

/** Runs fn and returns the DomainError it threw; fails when it throws nothing or something else. */
/** 'allowed', or the kind of DomainError thrown. */
/** Every row a registration write can touch, to prove that a refused write changed nothing. */
function snapshot(db: Db = t.db): string {
  return JSON.stringify([
    db.select().from(registrations).orderBy(asc(registrations.id)).all(),
    db.select().from(outbox).orderBy(asc(outbox.id)).all(),
    db.select().from(events).orderBy(asc(events.id)).all(),
  ]);
}

const eventRow = (id: number): Event => t.db.select().from(events).where(eq(events.id, id)).get()!;
const mails = (): OutboxMail[] => t.db.select().from(outbox).orderBy(asc(outbox.id)).all();
const mailsTo = (to: string) => mails().filter((m) => m.toAddress === to);
const outboxCount = () => t.db.select({ n: count() }).from(outbox).get()!.n;

/** A published event of Agro Örebro (co-hosted by FRODA, with Agro Väst invited) with 2 seats unless told otherwise. */
function makeEvent(o: Partial<EventInput> & { publish?: boolean } = {}): Event {
  const { publish = true, ...fields } = o;
  const { event } = createEvent(
    t.db,
    lead,
    eventInput({
      start: '2030-06-10T09:00',
      end: '2030-06-10T12:00',
      address: 'Skolvägen 1, Örebro',
      county: 'orebro-lan',
      capacity: 2,
      ...fields,
    }),
    CREATED,
  );
  inviteCohost(t.db, lead, event.id, 'froda', CREATED);
  answerCohostInvitation(t.db, cohost, event.id, 'froda', true, CREATED);
  inviteCohost(t.db, lead, event.id, 'agro-vast', CREATED);
  // Events of the anonymisation tests are over by CREATED: they are published anyway.
  if (publish) publishEvent(t.db, lead, event.id, CREATED, { evenIfPast: true });
  return eventRow(event.id);
}

let n = 0;
function person(o: Partial<RegistrationInput> = {}): RegistrationInput {
  n++;
  return { name: `Deltagare ${n}`, email: `deltagare-${n}@example.se`, organisation: 'Gården AB', consent: true, ...o };
}

/** Registers at the given time (a millisecond apart by default, so the waiting list order is the call order). */
let tick = 0;
function reg(e: Event, o: Partial<RegistrationInput> = {}, now = later(++tick)) {
  return register(t.db, e.id, person(o), now);
}

function tokenOf(r: { token: string | null }): string {
  if (!r.token) throw new Error('no token');
  return r.token;
}

const byId = (id: number) => t.db.select().from(registrations).where(eq(registrations.id, id)).get()!;
const positions = (eventId: number) =>
  listAttendees(t.db, admin, eventId)
    .attendees.filter((a) => a.status === 'waitlisted')
    .map((a) => [a.email, a.position]);

/** The calendar a mail carries: its iTIP message (checked by expectValidItip), else its one .ics attachment. */
function icsOf(mail: OutboxMail): string {
  if (mail.icalEvent) {
    expect(mail.attachments, `${mail.subject} carries its calendar once`).toBeNull();
    expectValidItip(mail.icalEvent.content, mail.icalEvent.method);
    return mail.icalEvent.content;
  }
  expect(mail.attachments, `${mail.subject} has no attachment`).toHaveLength(1);
  return mail.attachments![0]!.content;
}

// ---- Registering ----

describe('register', () => {
  it('confirms while seats remain, then puts people on the waiting list with positions 1, 2, 3', () => {
    const e = makeEvent({ capacity: 2 });
    const results = [reg(e), reg(e), reg(e), reg(e), reg(e)];
    expect(results.map((r) => [r.registration.status, r.registration.position, r.created])).toEqual([
      ['confirmed', null, true],
      ['confirmed', null, true],
      ['waitlisted', 1, true],
      ['waitlisted', 2, true],
      ['waitlisted', 3, true],
    ]);
    for (const r of results) expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(results.map((r) => r.token)).size).toBe(5);
    expect(registrationSummary(t.db, e.id, NOW)).toMatchObject({
      capacity: 2,
      confirmed: 2,
      waitlisted: 3,
      seatsLeft: 0,
      open: true,
      closedReason: null,
    });
  });

  it('records the moment of consent and what was given, trimmed and on one line', () => {
    const e = makeEvent();
    const at = new Date('2030-06-01T12:34:56.789Z');
    const r = register(
      t.db,
      e.id,
      {
        name: '  Anna\r\nAndersson ',
        email: ' Anna@Example.SE ',
        organisation: 'Gården\tAB',
        county: 'orebro-lan',
        cluster: 'froda',
        dietaryNeeds: '  vegetarisk  ',
        accessibilityNeeds: '',
        consent: true,
        newsletter: true,
        language: 'en',
      },
      at,
    );
    expect(r.registration).toMatchObject({
      status: 'confirmed',
      name: 'Anna Andersson',
      email: 'anna@example.se',
      organisation: 'Gården AB',
      county: { slug: 'orebro-lan', name: 'Örebro län' },
      cluster: { slug: 'froda' },
      dietaryNeeds: 'vegetarisk',
      accessibilityNeeds: null,
      language: 'en',
      newsletter: true,
      consentAt: at.toISOString(),
      createdAt: at.toISOString(),
      checkedInAt: null,
    });
    expect(byId(r.registration.id).consentAt.getTime()).toBe(at.getTime());
  });

  it('without a capacity confirms everyone', () => {
    const e = makeEvent({ capacity: null });
    for (let i = 0; i < 5; i++) expect(reg(e).registration.status).toBe('confirmed');
    expect(registrationSummary(t.db, e.id, NOW)).toMatchObject({ capacity: null, seatsLeft: null, confirmed: 5, waitlisted: 0 });
  });

  it('mails a confirmation with the manage link and the event as .ics, and a waiting-list mail with the position', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e, { email: 'a@example.se' });
    const b = reg(e, { email: 'b@example.se' });

    const [confirmed] = mailsTo('a@example.se');
    expect(mailsTo('a@example.se')).toHaveLength(1);
    expect(confirmed!.subject).toBe('Anmälan bekräftad: Vattenförsörjning på gården');
    expect(confirmed!.text).toContain(`https://samverka.test/anmalan/${a.token}`);
    expect(confirmed!.html).toContain(`href="https://samverka.test/anmalan/${a.token}"`);
    // Issue 10: an iTIP REQUEST that calendars act on, no longer a PUBLISH attachment.
    expect(confirmed!.icalEvent).toMatchObject({ filename: 'invite.ics', method: 'REQUEST' });
    const cal = readWithIcalJs(icsOf(confirmed!));
    expect(cal.props.METHOD).toBe('REQUEST');
    expect(cal.events).toHaveLength(1);
    expect(cal.events[0]).toMatchObject({
      uid: e.uid,
      start: '2030-06-10T07:00:00Z',
      end: '2030-06-10T10:00:00Z',
      tzid: 'Europe/Stockholm',
      status: 'CONFIRMED',
    });

    const [waiting] = mailsTo('b@example.se');
    expect(mailsTo('b@example.se')).toHaveLength(1);
    expect(waiting!.subject).toBe('Väntelista: Vattenförsörjning på gården');
    expect(waiting!.text).toContain('nummer 1 på väntelistan');
    expect(waiting!.text).toContain(`https://samverka.test/anmalan/${b.token}`);
    expect(waiting!.attachments).toBeNull();
  });

  it('writes the time in the event’s own zone and the participant’s language, and the place', () => {
    const stockholm = makeEvent({ capacity: null });
    const helsinki = makeEvent({
      capacity: null,
      title: 'I Helsingfors',
      timeZone: 'Europe/Helsinki',
      onlineUrl: 'https://meet.example.se/x',
    });
    const allDay = makeEvent({
      capacity: null,
      title: 'Heldag',
      allDay: true,
      startDate: '2030-06-10',
      endDate: '2030-06-11',
      start: undefined,
      end: undefined,
    });
    reg(stockholm, { email: 'sv@example.se' });
    reg(stockholm, { email: 'en@example.se', language: 'en' });
    reg(helsinki, { email: 'fi@example.se' });
    reg(allDay, { email: 'day@example.se', language: 'en' });
    expect(mailsTo('sv@example.se')[0]!.text).toContain(
      'Tid: måndag 10 juni 2030 kl. 09:00 – 12:00 (Europe/Stockholm)\nPlats: Lantbruksskolan, Skolvägen 1, Örebro',
    );
    expect(mailsTo('en@example.se')[0]!.text).toContain(
      'When: Monday, 10 June 2030 at 09:00 – 12:00 (Europe/Stockholm)\nWhere: Lantbruksskolan, Skolvägen 1, Örebro',
    );
    expect(mailsTo('fi@example.se')[0]!.text).toContain('Tid: måndag 10 juni 2030 kl. 09:00 – 12:00 (Europe/Helsinki)');
    expect(mailsTo('fi@example.se')[0]!.text).toContain('Online: https://meet.example.se/x');
    expect(mailsTo('day@example.se')[0]!.text).toContain('When: Monday, 10 June 2030 – Tuesday, 11 June 2030\n');
  });

  it('the same email twice (any case) gives the existing registration without a token, takes no second seat, and mails the link to that address', () => {
    const e = makeEvent({ capacity: 1 });
    const first = reg(e, { email: 'same@example.se', dietaryNeeds: 'glutenfri', accessibilityNeeds: 'rullstol' });
    const before = outboxCount();
    const again = reg(e, { email: '  SAME@example.SE', name: 'Någon annan' });
    expect(again.created).toBe(false);
    expect(again.token).toBeNull();
    expect(again.registration.id).toBe(first.registration.id);
    expect(again.registration.status).toBe('confirmed');
    // Whoever knows an address must not learn what its owner registered (health data included).
    expect(again.registration).toMatchObject({ name: null, email: null, organisation: null, dietaryNeeds: null, accessibilityNeeds: null });
    expect(t.db.select().from(registrations).all()).toHaveLength(1);
    expect(byId(first.registration.id)).toMatchObject({ name: first.registration.name, token: first.token, dietaryNeeds: 'glutenfri' });
    expect(outboxCount()).toBe(before + 1);
    const link = mailsTo('same@example.se').at(-1)!;
    expect(link.subject).toBe('Din anmälan: Vattenförsörjning på gården');
    expect(link.text).toContain(`https://samverka.test/anmalan/${first.token}`);
    expect(link.attachments).toBeNull();
    // A waitlisted person asking again keeps their place.
    const w = reg(e, { email: 'w@example.se' });
    const w2 = reg(e, { email: 'w@example.se' });
    expect([w2.created, w2.registration.id, w2.registration.status, w2.registration.position]).toEqual([
      false,
      w.registration.id,
      'waitlisted',
      1,
    ]);
  });

  it('a cancelled registration registers again with a new token; the old link stops working', () => {
    const e = makeEvent({ capacity: 1 });
    const first = reg(e, { email: 'again@example.se' });
    reg(e); // waits, and is promoted when the first cancels
    cancelRegistration(t.db, tokenOf(first), later(10 * MINUTE));
    const again = reg(e, { email: 'again@example.se' }, later(20 * MINUTE));
    expect(again.created).toBe(true);
    expect(again.registration.id).toBe(first.registration.id);
    expect(again.token).not.toBe(first.token);
    expect(again.registration).toMatchObject({ status: 'waitlisted', position: 1, consentAt: later(20 * MINUTE).toISOString() });
    expect(caught(() => getRegistration(t.db, tokenOf(first))).code).toBe('unknown_registration');
    expect(getRegistration(t.db, tokenOf(again)).id).toBe(first.registration.id);
    expect(t.db.select().from(registrations).all()).toHaveLength(2);
  });

  it.each([
    ['a draft', { publish: false }, NOW, 'registration_draft'],
    ['before registration opens', { registrationOpens: '2030-06-05T08:00' }, NOW, 'registration_not_open_yet'],
    ['after registration closes', { registrationCloses: '2030-05-31T12:00' }, NOW, 'registration_closed'],
    ['after the start', {}, later(30 * MINUTE, START), 'registration_closed'],
    ['after the end', {}, END, 'registration_ended'],
  ] as const)('is refused (409) for %s, and changes nothing', (_name, fields, now, code) => {
    const e = makeEvent(fields);
    const before = snapshot();
    const err = caught(() => register(t.db, e.id, person(), now));
    expect([err.kind, err.code]).toEqual(['conflict', code]);
    expect(snapshot()).toBe(before);
    expect(registrationSummary(t.db, e.id, now)).toMatchObject({ open: false, closedReason: code.replace('registration_', '') });
  });

  it('is refused (409) for a cancelled event', () => {
    const e = makeEvent();
    cancelEvent(t.db, lead, e.id, 'Sjukdom', CREATED);
    const before = snapshot();
    expect([caught(() => reg(e)).kind, caught(() => reg(e)).code]).toEqual(['conflict', 'registration_cancelled']);
    expect(snapshot()).toBe(before);
  });

  it('opens exactly at registrationOpensAt and closes exactly at registrationClosesAt', () => {
    const e = makeEvent({ registrationOpens: '2030-06-02T08:00', registrationCloses: '2030-06-03T08:00' });
    const opens = new Date('2030-06-02T06:00:00Z');
    const closes = new Date('2030-06-03T06:00:00Z');
    expect(outcome(() => reg(e, {}, later(-1, opens)))).toBe('conflict');
    expect(outcome(() => reg(e, {}, opens))).toBe('allowed');
    expect(outcome(() => reg(e, {}, later(-1, closes)))).toBe('allowed');
    expect(outcome(() => reg(e, {}, closes))).toBe('conflict');
  });

  it.each([
    ['consent false', { consent: false }, 'consent'],
    ['no name', { name: '  \r\n ' }, 'name'],
    ['a bad email', { email: 'anna@' }, 'email'],
    ['an email with a line break', { email: 'a@example.se\r\nbcc: evil@example.com' }, 'email'],
    ['no organisation', { organisation: '' }, 'organisation'],
    ['an unknown county', { county: 'atlantis' }, 'county'],
    ['an unknown cluster', { cluster: 'no-such-cluster' }, 'cluster'],
    ['over-long dietary needs', { dietaryNeeds: 'x'.repeat(501) }, 'dietaryNeeds'],
  ] as const)('is refused (400) for %s, and changes nothing', (_name, fields, field) => {
    const e = makeEvent();
    reg(e);
    const before = snapshot();
    const err = caught(() => reg(e, fields));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_registration']);
    expect(err.details.map((d) => d.field)).toContain(field);
    expect(snapshot()).toBe(before);
  });

  it('answers not found for an unknown event', () => {
    expect(caught(() => register(t.db, 9999, person(), NOW)).kind).toBe('not_found');
  });
});

// ---- The waiting list ----

describe('waiting list', () => {
  it('a confirmed participant cancelling promotes the first on the list, who is mailed; the others move up', () => {
    const e = makeEvent({ capacity: 2 });
    const a = reg(e, { email: 'a@example.se' });
    reg(e, { email: 'b@example.se' });
    const c = reg(e, { email: 'c@example.se' });
    reg(e, { email: 'd@example.se' });
    reg(e, { email: 'e@example.se' });
    expect(positions(e.id)).toEqual([
      ['c@example.se', 1],
      ['d@example.se', 2],
      ['e@example.se', 3],
    ]);

    const when = later(HOUR);
    const cancelled = cancelRegistration(t.db, tokenOf(a), when);
    expect(cancelled).toMatchObject({ status: 'cancelled', position: null });
    expect(byId(a.registration.id).cancelledAt).toEqual(when);
    expect(byId(c.registration.id)).toMatchObject({ status: 'confirmed', promotedAt: when, waitlistedAt: null });
    expect(positions(e.id)).toEqual([
      ['d@example.se', 1],
      ['e@example.se', 2],
    ]);
    expect(getRegistration(t.db, tokenOf(c)).position).toBeNull();

    expect(mailsTo('a@example.se').at(-1)!.subject).toBe('Avbokad: Vattenförsörjning på gården');
    const promoted = mailsTo('c@example.se').at(-1)!;
    expect(promoted.subject).toBe('Du har fått en plats: Vattenförsörjning på gården');
    expect(promoted.text).toContain(`https://samverka.test/anmalan/${c.token}`);
    expect(readWithIcalJs(icsOf(promoted)).events[0]!.uid).toBe(e.uid);
    // Nobody else was promoted or mailed.
    expect(mailsTo('d@example.se')).toHaveLength(1);
    expect(registrationSummary(t.db, e.id, NOW)).toMatchObject({ confirmed: 2, waitlisted: 2 });
  });

  it('someone leaving the waiting list promotes nobody, and the positions behind them renumber', () => {
    const e = makeEvent({ capacity: 1 });
    reg(e, { email: 'a@example.se' });
    reg(e, { email: 'b@example.se' });
    const c = reg(e, { email: 'c@example.se' });
    reg(e, { email: 'd@example.se' });
    expect(positions(e.id)).toEqual([
      ['b@example.se', 1],
      ['c@example.se', 2],
      ['d@example.se', 3],
    ]);
    cancelRegistration(t.db, tokenOf(c), later(HOUR));
    expect(positions(e.id)).toEqual([
      ['b@example.se', 1],
      ['d@example.se', 2],
    ]);
    expect(registrationSummary(t.db, e.id, NOW)).toMatchObject({ confirmed: 1, waitlisted: 2 });
    expect(mails().filter((m) => m.subject.startsWith('Du har fått en plats'))).toHaveLength(0);
  });

  it('cancelling twice is refused (409) and changes nothing; an unknown token is not found', () => {
    const e = makeEvent();
    const a = reg(e);
    cancelRegistration(t.db, tokenOf(a), later(HOUR));
    const before = snapshot();
    expect([
      caught(() => cancelRegistration(t.db, tokenOf(a), later(2 * HOUR))).kind,
      caught(() => cancelRegistration(t.db, tokenOf(a), later(2 * HOUR))).code,
    ]).toEqual(['conflict', 'already_cancelled']);
    expect(snapshot()).toBe(before);
    expect(caught(() => cancelRegistration(t.db, 'x'.repeat(43), NOW)).kind).toBe('not_found');
  });

  it('cancelling after the event ended is refused (409) and changes nothing', () => {
    const e = makeEvent();
    const a = reg(e);
    const before = snapshot();
    expect(caught(() => cancelRegistration(t.db, tokenOf(a), END)).code).toBe('event_ended');
    expect(snapshot()).toBe(before);
  });

  it('more seats (updateEvent capacity) promote that many, first come first served, each mailed', () => {
    const e = makeEvent({ capacity: 1 });
    reg(e);
    const waiting = [reg(e), reg(e), reg(e), reg(e)];
    updateEvent(t.db, lead, e.id, { capacity: 3 }, later(HOUR));
    expect(waiting.map((w) => byId(w.registration.id).status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted']);
    expect(getRegistration(t.db, tokenOf(waiting[2]!)).position).toBe(1);
    expect(
      mails()
        .filter((m) => m.subject.startsWith('Du har fått en plats'))
        .map((m) => m.toAddress),
    ).toEqual([waiting[0]!.registration.email, waiting[1]!.registration.email]);
    // No limit at all: everyone gets in.
    updateEvent(t.db, lead, e.id, { capacity: null }, later(2 * HOUR));
    expect(registrationSummary(t.db, e.id, NOW)).toMatchObject({ confirmed: 5, waitlisted: 0 });
  });

  it('fewer seats move nobody, and the next cancellation promotes nobody while still over capacity', () => {
    const e = makeEvent({ capacity: 3 });
    const a = reg(e);
    reg(e);
    reg(e);
    const w = reg(e);
    // Over capacity as events could be before updateEvent refused it (capacity_below_confirmed).
    t.db.update(events).set({ capacity: 1 }).where(eq(events.id, e.id)).run();
    expect(registrationSummary(t.db, e.id, NOW)).toMatchObject({ confirmed: 3, waitlisted: 1, seatsLeft: 0 });
    cancelRegistration(t.db, tokenOf(a), later(2 * HOUR));
    expect(byId(w.registration.id).status).toBe('waitlisted');
  });

  it('promoteFromWaitlist does nothing for events that are not published', () => {
    const e = makeEvent({ capacity: 1 });
    reg(e);
    reg(e);
    t.db.update(events).set({ capacity: 5 }).where(eq(events.id, e.id)).run();
    // It runs inside the transaction of the change that freed the seats.
    const promote = (ev: Event) => t.db.transaction((tx) => promoteFromWaitlist(tx, ev, NOW));
    expect(promote({ ...eventRow(e.id), status: 'draft' })).toBe(0);
    expect(promote({ ...eventRow(e.id), status: 'cancelled' })).toBe(0);
    expect(promote(eventRow(e.id))).toBe(1);
  });
});

// ---- The participant's own changes ----

describe('updateRegistration', () => {
  it('changes the given fields and nothing else', () => {
    const e = makeEvent();
    const a = reg(e, { email: 'a@example.se', county: 'orebro-lan', dietaryNeeds: 'vegan' });
    const v = updateRegistration(
      t.db,
      tokenOf(a),
      { organisation: 'Nya Gården AB', cluster: 'froda', language: 'en', accessibilityNeeds: 'hörslinga' },
      later(HOUR),
    );
    expect(v).toMatchObject({
      email: 'a@example.se',
      name: a.registration.name,
      organisation: 'Nya Gården AB',
      county: { slug: 'orebro-lan' },
      cluster: { slug: 'froda' },
      dietaryNeeds: 'vegan',
      accessibilityNeeds: 'hörslinga',
      language: 'en',
      status: 'confirmed',
    });
    expect(updateRegistration(t.db, tokenOf(a), { county: null, dietaryNeeds: null }, later(HOUR))).toMatchObject({
      county: null,
      dietaryNeeds: null,
      cluster: { slug: 'froda' },
    });
    expect(byId(a.registration.id).updatedAt).toEqual(later(HOUR));
  });

  it('refuses an unknown county or an empty name (400), after the end (409), an unknown token (404), changing nothing', () => {
    const e = makeEvent();
    const a = reg(e);
    const before = snapshot();
    expect(caught(() => updateRegistration(t.db, tokenOf(a), { county: 'atlantis' }, NOW)).kind).toBe('invalid');
    expect(caught(() => updateRegistration(t.db, tokenOf(a), { name: ' ' }, NOW)).kind).toBe('invalid');
    expect(caught(() => updateRegistration(t.db, tokenOf(a), { name: 'Ny' }, END)).code).toBe('event_ended');
    expect(caught(() => updateRegistration(t.db, 'y'.repeat(43), { name: 'Ny' }, NOW)).kind).toBe('not_found');
    expect(snapshot()).toBe(before);
  });
});

describe('deletePersonalData', () => {
  it('erases every personal field, gives up the seat to the waiting list and kills the link; statistics remain', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e, { email: 'a@example.se', county: 'orebro-lan', cluster: 'froda', dietaryNeeds: 'vegan', accessibilityNeeds: 'ramp' });
    const b = reg(e, { email: 'b@example.se' });
    const when = later(HOUR);
    deletePersonalData(t.db, tokenOf(a), when);
    const row = byId(a.registration.id);
    expect(row).toMatchObject({
      token: null,
      name: null,
      email: null,
      organisation: null,
      dietaryNeeds: null,
      accessibilityNeeds: null,
      status: 'cancelled',
      cancelledAt: when,
      anonymisedAt: when,
    });
    expect(row.countyId).not.toBeNull();
    expect(row.clusterId).not.toBeNull();
    expect(caught(() => getRegistration(t.db, tokenOf(a))).kind).toBe('not_found');
    expect(byId(b.registration.id).status).toBe('confirmed');
    expect(mailsTo('b@example.se').at(-1)!.subject).toMatch(/^Du har fått en plats/);
    // The mails already written about the registration go (since issue 15: they hold its data).
    // Issue 10: the one that remains is the iTIP CANCEL taking the event out of the person's
    // calendar, which holds neither the name nor the dead link.
    const left = mails().filter((m) => m.toAddress === 'a@example.se');
    expect(left.map((m) => m.subject)).toEqual(['Borttaget ur din kalender: Vattenförsörjning på gården']);
    expect(readWithIcalJs(icsOf(left[0]!)).props.METHOD).toBe('CANCEL');
    expect(`${left[0]!.text}${left[0]!.html}${left[0]!.icalEvent!.content}`).not.toMatch(new RegExp(`${tokenOf(a)}|Deltagare`));
    expect(listAttendees(t.db, admin, e.id).attendees.map((x) => x.email)).toEqual(['b@example.se']);
    // The same address may register afresh.
    expect(reg(e, { email: 'a@example.se' }, later(2 * HOUR)).created).toBe(true);
  });

  it('after the event keeps the status (the person did attend) and promotes nobody', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e);
    const b = reg(e);
    deletePersonalData(t.db, tokenOf(a), later(DAY, END));
    expect(byId(a.registration.id)).toMatchObject({ status: 'confirmed', email: null, token: null });
    expect(byId(b.registration.id).status).toBe('waitlisted');
  });

  it('an unknown token is not found', () => {
    expect(caught(() => deletePersonalData(t.db, 'z'.repeat(43), NOW)).kind).toBe('not_found');
  });
});

// ---- Organisers ----

describe('organiser access', () => {
  const roles = [
    'admin',
    'lead coordinator',
    'accepted co-host',
    'invited co-host',
    'other coordinator',
    'participant',
    'anonymous',
  ] as const;
  const expected: Record<(typeof roles)[number], string> = {
    admin: 'allowed',
    'lead coordinator': 'allowed',
    'accepted co-host': 'allowed',
    'invited co-host': 'forbidden',
    'other coordinator': 'forbidden',
    participant: 'forbidden',
    anonymous: 'unauthenticated',
  };
  const who = (r: (typeof roles)[number]): Actor | null =>
    ({
      admin,
      'lead coordinator': lead,
      'accepted co-host': cohost,
      'invited co-host': invited,
      'other coordinator': other,
      participant,
      anonymous: null,
    })[r];

  it.each(roles)('%s: list, CSV, check-in and messages', (role) => {
    const e = makeEvent();
    const a = reg(e);
    const before = snapshot();
    const results = [
      outcome(() => listAttendees(t.db, who(role), e.id)),
      outcome(() => attendeesCsv(t.db, who(role), e.id)),
      outcome(() => setCheckIn(t.db, who(role), e.id, a.registration.id, true, NOW)),
      outcome(() => messageRegistrants(t.db, who(role), e.id, { subject: 'Hej', body: 'Välkomna' }, NOW)),
    ];
    expect(results).toEqual(Array(4).fill(expected[role]));
    if (expected[role] !== 'allowed') expect(snapshot()).toBe(before);
  });

  it('answers not found for an unknown event', () => {
    expect(outcome(() => listAttendees(t.db, admin, 9999))).toBe('not_found');
    expect(outcome(() => setCheckIn(t.db, admin, 9999, 1, true, NOW))).toBe('not_found');
    expect(outcome(() => messageRegistrants(t.db, admin, 9999, { subject: 'x', body: 'y' }, NOW))).toBe('not_found');
  });
});

describe('attendee list and CSV', () => {
  it('lists confirmed first, then the waiting list in order, then cancelled, with counts; anonymised rows are left out', () => {
    const e = makeEvent({ capacity: 2 });
    const a = reg(e, { email: 'a@example.se' });
    reg(e, { email: 'b@example.se' });
    reg(e, { email: 'c@example.se' });
    const d = reg(e, { email: 'd@example.se' });
    reg(e, { email: 'e@example.se' });
    cancelRegistration(t.db, tokenOf(d), later(HOUR));
    setCheckIn(t.db, lead, e.id, a.registration.id, true, later(HOUR));
    const gone = reg(e, { email: 'gone@example.se' });
    deletePersonalData(t.db, tokenOf(gone), later(2 * HOUR));

    const list = listAttendees(t.db, cohost, e.id);
    expect(list.attendees.map((x) => [x.email, x.status, x.position])).toEqual([
      ['a@example.se', 'confirmed', null],
      ['b@example.se', 'confirmed', null],
      ['c@example.se', 'waitlisted', 1],
      ['e@example.se', 'waitlisted', 2],
      ['d@example.se', 'cancelled', null],
    ]);
    expect(list).toMatchObject({ capacity: 2, confirmed: 2, waitlisted: 2, cancelled: 1, checkedIn: 1 });
  });

  it('is a UTF-8 CSV with BOM, CRLF rows, a header per language, and formula cells neutralised', () => {
    const e = makeEvent({ capacity: 1 });
    reg(e, {
      name: '=HYPERLINK("https://evil.example","klick")',
      email: 'f@example.se',
      organisation: '+46 Gården',
      county: 'skane-lan',
      cluster: 'froda',
      dietaryNeeds: '-2+3',
      accessibilityNeeds: '@SUM(A1)',
    });
    reg(e, { name: 'Åsa Öberg, "Lillan"', email: 'asa@example.se', organisation: 'Ängens gård' });

    const csv = attendeesCsv(t.db, lead, e.id, 'sv');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Status,Plats i kön,Namn,E-post,Organisation,Län,Kluster,Kost,Tillgänglighet,Incheckad,Anmäld');
    expect(lines[1]).toMatch(
      /^confirmed,,"'=HYPERLINK\(""https:\/\/evil\.example"",""klick""\)",f@example\.se,'\+46 Gården,Skåne län,FRODA,'-2\+3,'@SUM\(A1\),,2030-/,
    );
    expect(lines[2]).toMatch(/^waitlisted,1,"Åsa Öberg, ""Lillan""",asa@example\.se,Ängens gård,,,,,,2030-/);
    // No raw cell of any line starts a formula.
    for (const line of lines.slice(1, 3)) for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);

    expect(attendeesCsv(t.db, lead, e.id, 'en').slice(1).split('\r\n')[0]).toBe(
      'Status,Waitlist position,Name,Email,Organisation,County,Cluster,Dietary needs,Accessibility needs,Checked in,Registered',
    );
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@A1', "'@A1"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['a=1', 'a=1'],
    ['', ''],
    ['Anna', 'Anna'],
  ])('neutraliseCell(%j) is %j', (input, out) => {
    expect(neutraliseCell(input)).toBe(out);
  });
});

describe('check-in', () => {
  it('marks and unmarks a confirmed participant', () => {
    const e = makeEvent();
    const a = reg(e);
    const at = later(HOUR);
    expect(setCheckIn(t.db, lead, e.id, a.registration.id, true, at).checkedInAt).toBe(at.toISOString());
    expect(byId(a.registration.id).checkedInAt).toEqual(at);
    expect(setCheckIn(t.db, cohost, e.id, a.registration.id, false, at).checkedInAt).toBeNull();
    expect(byId(a.registration.id).checkedInAt).toBeNull();
  });

  it('refuses a waitlisted or cancelled person (409), another event’s registration or an unknown id (404), changing nothing', () => {
    const e = makeEvent({ capacity: 1 });
    const second = makeEvent({ title: 'Annat' });
    const c = reg(e);
    const w = reg(e);
    const x = reg(second);
    cancelRegistration(t.db, tokenOf(c), later(HOUR));
    // c's seat went to w; register one more to wait.
    const w2 = reg(e, {}, later(2 * HOUR));
    const before = snapshot();
    expect(caught(() => setCheckIn(t.db, lead, e.id, w2.registration.id, true, NOW)).code).toBe('not_confirmed');
    expect(caught(() => setCheckIn(t.db, lead, e.id, c.registration.id, true, NOW)).code).toBe('not_confirmed');
    expect(caught(() => setCheckIn(t.db, lead, e.id, x.registration.id, true, NOW)).kind).toBe('not_found');
    expect(caught(() => setCheckIn(t.db, lead, e.id, 9999, true, NOW)).kind).toBe('not_found');
    expect(snapshot()).toBe(before);
    expect(setCheckIn(t.db, lead, e.id, w.registration.id, true, NOW).status).toBe('confirmed');
  });
});

describe('messages from the organisers', () => {
  it('go to everyone confirmed or waiting (not cancelled), each with their own manage link', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e, { email: 'a@example.se' });
    const b = reg(e, { email: 'b@example.se', language: 'en' });
    const c = reg(e, { email: 'c@example.se' });
    cancelRegistration(t.db, tokenOf(c), later(HOUR));
    const before = outboxCount();
    expect(
      messageRegistrants(
        t.db,
        cohost,
        e.id,
        { subject: ' Parkering\r\nBcc: x@example.com ', body: 'Parkera vid ladan.\nVälkomna!' },
        later(2 * HOUR),
      ),
    ).toBe(2);
    const sent = mails().slice(before);
    expect(sent.map((m) => m.toAddress).sort()).toEqual(['a@example.se', 'b@example.se']);
    const toA = sent.find((m) => m.toAddress === 'a@example.se')!;
    expect(toA.subject).toBe('Vattenförsörjning på gården: Parkering Bcc: x@example.com');
    expect(toA.text).toContain('Meddelande från arrangörerna:\n\nParkera vid ladan.\nVälkomna!');
    expect(toA.text).toContain(`https://samverka.test/anmalan/${a.token}`);
    const toB = sent.find((m) => m.toAddress === 'b@example.se')!;
    expect(toB.text).toContain('A message from the organisers:');
    expect(toB.text).toContain(`https://samverka.test/anmalan/${b.token}`);
  });

  it('refuses a blank subject or text (400) and queues nothing', () => {
    const e = makeEvent();
    reg(e);
    const before = snapshot();
    expect(caught(() => messageRegistrants(t.db, lead, e.id, { subject: ' \r\n ', body: 'x' }, NOW)).kind).toBe('invalid');
    expect(caught(() => messageRegistrants(t.db, lead, e.id, { subject: 'x', body: '   ' }, NOW)).kind).toBe('invalid');
    expect(caught(() => messageRegistrants(t.db, lead, e.id, { subject: 'x', body: 'y'.repeat(10_001) }, NOW)).kind).toBe('invalid');
    expect(snapshot()).toBe(before);
  });
});

// ---- Changes of the event ----

describe('when the event changes', () => {
  it('a new time of a published event mails everyone registered the updated .ics with the same UID and a higher SEQUENCE', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e, { email: 'a@example.se' });
    reg(e, { email: 'b@example.se' });
    const c = reg(e, { email: 'c@example.se' });
    cancelRegistration(t.db, tokenOf(c), later(HOUR));
    const firstIcs = readWithIcalJs(icsOf(mailsTo('a@example.se')[0]!)).events[0]!;

    const before = outboxCount();
    updateEvent(t.db, lead, e.id, { start: '2030-06-11T13:00', end: '2030-06-11T15:30' }, later(2 * HOUR));
    const sent = mails().slice(before);
    expect(sent.map((m) => m.toAddress).sort()).toEqual(['a@example.se', 'b@example.se']);
    for (const m of sent) {
      expect(m.subject).toBe('Ändrat: Vattenförsörjning på gården');
      const ev = readWithIcalJs(icsOf(m)).events[0]!;
      expect(ev).toMatchObject({ uid: e.uid, start: '2030-06-11T11:00:00Z', end: '2030-06-11T13:30:00Z' });
      expect(ev.sequence).toBeGreaterThan(firstIcs.sequence!);
    }
    expect(sent.find((m) => m.toAddress === 'a@example.se')!.text).toContain(`https://samverka.test/anmalan/${a.token}`);
  });

  it('a new place mails too; a new title or more seats alone do not send a "changed" mail', () => {
    const e = makeEvent({ capacity: 5 });
    reg(e, { email: 'a@example.se' });
    updateEvent(t.db, lead, e.id, { title: 'Vattenförsörjning på gården, del 1', capacity: 6 }, later(HOUR));
    expect(mailsTo('a@example.se').map((m) => m.subject)).toEqual(['Anmälan bekräftad: Vattenförsörjning på gården']);
    updateEvent(t.db, lead, e.id, { venueName: 'Försöksgården' }, later(2 * HOUR));
    expect(mailsTo('a@example.se').at(-1)!.subject).toBe('Ändrat: Vattenförsörjning på gården, del 1');
    expect(readWithIcalJs(icsOf(mailsTo('a@example.se').at(-1)!)).events[0]!.location).toContain('Försöksgården');
  });

  it('moving a draft mails nobody', () => {
    const e = makeEvent({ publish: false });
    const before = outboxCount();
    updateEvent(t.db, lead, e.id, { start: '2030-06-11T13:00', end: '2030-06-11T15:00' }, later(HOUR));
    expect(outboxCount()).toBe(before);
  });

  it('cancelling the event mails everyone registered an .ics with METHOD:CANCEL and STATUS:CANCELLED', () => {
    const e = makeEvent({ capacity: 1 });
    reg(e, { email: 'a@example.se' });
    reg(e, { email: 'b@example.se', language: 'en' });
    const before = outboxCount();
    cancelEvent(t.db, lead, e.id, 'För få anmälda', later(HOUR));
    const sent = mails().slice(before);
    expect(sent.map((m) => m.toAddress).sort()).toEqual(['a@example.se', 'b@example.se']);
    const sv = sent.find((m) => m.toAddress === 'a@example.se')!;
    expect(sv.subject).toBe('Inställt: Vattenförsörjning på gården');
    expect(sv.text).toContain('Skäl: För få anmälda');
    expect(sv.icalEvent).toMatchObject({ filename: 'cancel.ics', method: 'CANCEL' });
    const cal = readWithIcalJs(icsOf(sv));
    expect(cal.props.METHOD).toBe('CANCEL');
    expect(cal.events[0]).toMatchObject({ uid: e.uid, status: 'CANCELLED' });
    expect(sent.find((m) => m.toAddress === 'b@example.se')!.subject).toBe('Cancelled: Vattenförsörjning på gården');
    // Registration is now closed.
    expect(caught(() => reg(e, {}, later(2 * HOUR))).code).toBe('registration_cancelled');
  });
});

// ---- Scheduled jobs ----

describe('sendDueReminders', () => {
  it('reminds each confirmed participant once, for events starting within 24 hours', () => {
    const soon = makeEvent({ capacity: 1 });
    const far = makeEvent({ title: 'Senare', start: '2030-06-12T09:00', end: '2030-06-12T12:00' });
    const draft = makeEvent({ title: 'Utkast', publish: false });
    const a = reg(soon, { email: 'a@example.se' });
    reg(soon, { email: 'waiting@example.se' });
    const gone = reg(soon, { email: 'gone@example.se' }); // waits, then cancels
    cancelRegistration(t.db, tokenOf(gone), later(HOUR));
    reg(far, { email: 'far@example.se' });
    t.db.update(events).set({ status: 'published' }).where(eq(events.id, draft.id)).run();
    reg(draft, { email: 'draft@example.se' });
    t.db.update(events).set({ status: 'draft' }).where(eq(events.id, draft.id)).run();

    // Two days before: nothing is due.
    expect(sendDueReminders(t.db, later(-2 * DAY, START))).toBe(0);
    const before = outboxCount();
    const at = later(-20 * HOUR, START);
    expect(sendDueReminders(t.db, at)).toBe(1);
    const sent = mails().slice(before);
    expect(sent.map((m) => [m.toAddress, m.subject])).toEqual([['a@example.se', 'Påminnelse: Vattenförsörjning på gården i morgon']]);
    expect(sent[0]!.text).toContain(`https://samverka.test/anmalan/${a.token}`);
    expect(readWithIcalJs(icsOf(sent[0]!)).events[0]!.uid).toBe(soon.uid);
    expect(byId(a.registration.id).reminderSentAt).toEqual(at);
    // Once only.
    expect(sendDueReminders(t.db, later(HOUR, at))).toBe(0);
    // Not for an event that has already started.
    expect(sendDueReminders(t.db, later(MINUTE, START))).toBe(0);
  });
});

describe('anonymiseExpired', () => {
  it('erases personal data of events that ended more than N months ago and keeps the counts per event, cluster and county', () => {
    // Ended 13 and 11 months before `now`; registered while they were open.
    const old = makeEvent({ title: 'Gammal', start: '2029-05-01T09:00', end: '2029-05-01T12:00', capacity: 2 });
    const recent = makeEvent({ title: 'Nyare', start: '2029-07-01T09:00', end: '2029-07-01T12:00' });
    const then = new Date('2029-04-01T10:00:00Z');
    reg(old, { county: 'orebro-lan', cluster: 'froda' }, later(1, then));
    const checked = reg(old, { county: 'orebro-lan', cluster: 'agro-vast' }, later(2, then));
    reg(old, { county: 'skane-lan', cluster: 'froda' }, later(3, then));
    const kept = reg(recent, { county: 'skane-lan' }, later(4, then));
    setCheckIn(t.db, lead, old.id, checked.registration.id, true, new Date('2029-05-01T07:30:00Z'));

    const stats = () =>
      JSON.stringify([
        t.db
          .select({ e: registrations.eventId, s: registrations.status, n: count() })
          .from(registrations)
          .groupBy(registrations.eventId, registrations.status)
          .orderBy(registrations.eventId, registrations.status)
          .all(),
        t.db
          .select({ c: clusters.slug, n: count() })
          .from(registrations)
          .innerJoin(clusters, eq(clusters.id, registrations.clusterId))
          .groupBy(clusters.slug)
          .orderBy(clusters.slug)
          .all(),
        t.db
          .select({ c: counties.slug, n: count() })
          .from(registrations)
          .innerJoin(counties, eq(counties.id, registrations.countyId))
          .groupBy(counties.slug)
          .orderBy(counties.slug)
          .all(),
        t.db
          .select({ n: count(registrations.checkedInAt) })
          .from(registrations)
          .get(),
      ]);
    const before = stats();
    const summary = registrationSummary(t.db, old.id, NOW);

    const now = new Date('2030-06-01T10:00:00Z');
    expect(anonymiseExpired(t.db, 12, now)).toBe(3);
    for (const r of t.db.select().from(registrations).where(eq(registrations.eventId, old.id)).all()) {
      expect(r).toMatchObject({
        token: null,
        name: null,
        email: null,
        organisation: null,
        dietaryNeeds: null,
        accessibilityNeeds: null,
        anonymisedAt: now,
      });
    }
    expect(byId(kept.registration.id)).toMatchObject({ email: kept.registration.email, token: kept.token, anonymisedAt: null });
    expect(stats()).toBe(before);
    expect(registrationSummary(t.db, old.id, NOW)).toEqual(summary);
    expect(summary).toMatchObject({ confirmed: 2, waitlisted: 1 });
    // Idempotent; and with a shorter period the newer event goes too.
    expect(anonymiseExpired(t.db, 12, now)).toBe(0);
    expect(anonymiseExpired(t.db, 10, now)).toBe(1);
    expect(stats()).toBe(before);
  });
});

// ---- The mail texts ----

describe('registrationMail', () => {
  const kinds: RegistrationMailKind[] = [
    'confirmed',
    'waitlisted',
    'promoted',
    'cancelled_by_participant',
    'event_changed',
    'event_cancelled',
    'reminder',
    'organiser_message',
    'manage_link',
  ];
  const event = {
    title: 'Kol <i> marken & "skogen"',
    cancelReason: 'Storm',
  } as Event;
  const make = (kind: RegistrationMailKind, language: 'sv' | 'en', name = 'Anna') =>
    registrationMail({
      kind,
      event,
      registration: { name, language, status: 'confirmed' },
      manageUrl: 'https://samverka.test/anmalan/TOKEN_abc-123',
      eventUrl: 'https://samverka.test/evenemang/7',
      position: 4,
      when: 'tisdag 10 juni 2030 09:00 – 12:00 (Europe/Stockholm)',
      where: 'Ladan, Skolvägen 1',
      message: { subject: 'Parkering', body: 'Vid <ladan>' },
    });

  it.each(kinds.flatMap((k) => [[k, 'sv'] as const, [k, 'en'] as const]))(
    '%s (%s) has text and escaped HTML, the manage link, time and place',
    (kind, lang) => {
      const m = make(kind, lang, '<b>Anna</b>');
      expect(m.subject).toContain(event.title);
      expect(m.text).toContain('https://samverka.test/anmalan/TOKEN_abc-123');
      expect(m.html).toContain('href="https://samverka.test/anmalan/TOKEN_abc-123"');
      expect(m.text).toContain('Ladan, Skolvägen 1');
      expect(m.text).toContain('https://samverka.test/evenemang/7');
      expect(m.html).toContain(`<html lang="${lang}">`);
      expect(m.html).not.toContain('<b>Anna</b>');
      expect(m.html).toContain('&lt;b&gt;Anna&lt;/b&gt;');
      expect(m.html).not.toContain('<i>');
      expect(m.text).toContain(lang === 'sv' ? 'Hej <b>Anna</b>!' : 'Hello <b>Anna</b>,');
      expect(m.text).toContain(lang === 'sv' ? 'Visa, ändra eller avboka din anmälan' : 'View, change or cancel your registration');
    },
  );

  it('states the position on the waiting list and the reason for a cancellation, in both languages', () => {
    expect(make('waitlisted', 'sv').text).toContain('nummer 4 på väntelistan');
    expect(make('waitlisted', 'en').text).toContain('You are number 4 on the waiting list');
    expect(make('event_cancelled', 'sv').text).toContain('Skäl: Storm');
    expect(make('event_cancelled', 'en').text).toContain('Reason: Storm');
    expect(make('organiser_message', 'sv').subject).toBe(`${event.title}: Parkering`);
    expect(make('organiser_message', 'sv').html).toContain('Vid &lt;ladan&gt;');
  });

  it('attaches the calendar to confirmed, promoted, changed, cancelled and reminder mails only', () => {
    // Issue 10: the participant's own cancellation carries a CANCEL too.
    expect(kinds.filter(withCalendar)).toEqual([
      'confirmed',
      'promoted',
      'cancelled_by_participant',
      'event_changed',
      'event_cancelled',
      'reminder',
    ]);
    expect(icsAttachment('X', false)).toEqual({
      filename: 'invite.ics',
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
      content: 'X',
    });
    expect(icsAttachment('X', true)).toMatchObject({ filename: 'cancel.ics', contentType: 'text/calendar; charset=utf-8; method=CANCEL' });
  });

  it('links use the public URL', () => {
    setPublicUrl('https://example.org/');
    expect(links.manage('abc')).toBe('https://example.org/anmalan/abc');
  });
});

// ---- Domain events raised by registrations ----

describe('domain events of registrations', () => {
  const organisers = () => [clusterId(t.db, 'agro-orebro'), clusterId(t.db, 'froda')];
  const step = (registrationId: number, eventId: number, now: Date) => ({
    actorId: null,
    clusterIds: organisers(),
    now,
    registrationId,
    eventId,
  });

  it('registration.created: confirmed, then waitlisted with the place; not a repeat, a closed event or invalid input', () => {
    const e = makeEvent({ capacity: 1 });
    const draft = makeEvent({ publish: false });
    const log = recordEvents('registration.created');
    expect(outcome(() => reg(draft))).toBe('conflict');
    expect(outcome(() => reg(e, { consent: false }))).toBe('invalid');
    expect(log).toEqual([]);
    const t1 = later(MINUTE);
    const t2 = later(2 * MINUTE);
    const a = register(t.db, e.id, person({ email: 'a@example.se' }), t1);
    const b = register(t.db, e.id, person({ email: 'b@example.se' }), t2);
    expect(register(t.db, e.id, person({ email: 'a@example.se' }), later(3 * MINUTE)).created).toBe(false);
    expect(log).toEqual([
      { name: 'registration.created', payload: { ...step(a.registration.id, e.id, t1), status: 'confirmed', position: null } },
      { name: 'registration.created', payload: { ...step(b.registration.id, e.id, t2), status: 'waitlisted', position: 1 } },
    ]);
  });

  it('registration.cancelled, then registration.promoted for the first in line; not twice, not after the event', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e);
    const b = reg(e);
    const log = recordEvents('registration.cancelled', 'registration.promoted');
    const when = later(HOUR);
    cancelRegistration(t.db, tokenOf(a), when);
    expect(outcome(() => cancelRegistration(t.db, tokenOf(a), when))).toBe('conflict');
    expect(outcome(() => cancelRegistration(t.db, tokenOf(b), END))).toBe('conflict');
    expect(log).toEqual([
      { name: 'registration.cancelled', payload: { ...step(a.registration.id, e.id, when), previousStatus: 'confirmed' } },
      { name: 'registration.promoted', payload: step(b.registration.id, e.id, when) },
    ]);
    // A waiting registrant who cancels frees no seat.
    const c = reg(e);
    log.length = 0;
    cancelRegistration(t.db, tokenOf(c), when);
    expect(log).toEqual([
      { name: 'registration.cancelled', payload: { ...step(c.registration.id, e.id, when), previousStatus: 'waitlisted' } },
    ]);
  });

  it('registration.promoted when the capacity grows, from the reaction to event.capacityChanged; not when it shrinks or is refused', () => {
    const e = makeEvent({ capacity: 1 });
    reg(e);
    const b = reg(e);
    const c = reg(e);
    const log = recordEvents('event.capacityChanged', 'registration.promoted');
    expect(outcome(() => updateEvent(t.db, participant, e.id, { capacity: 5 }, NOW))).toBe('forbidden');
    expect(log).toEqual([]);
    updateEvent(t.db, cohost, e.id, { capacity: 2 }, NOW);
    // The registrations' reaction, wired before this test's recorder, promotes (and raises
    // registration.promoted) while event.capacityChanged is being told.
    expect(log).toEqual([
      { name: 'registration.promoted', payload: step(b.registration.id, e.id, NOW) },
      {
        name: 'event.capacityChanged',
        payload: { actorId: cohost.userId, clusterIds: organisers(), now: NOW, eventId: e.id, from: 1, to: 2 },
      },
    ]);
    log.length = 0;
    // Below the two confirmed seats only by moving the excess to the waiting list (issue 12).
    updateEvent(t.db, lead, e.id, { capacity: 1, moveExcessToWaitlist: true }, NOW);
    expect(log.map((x) => x.name)).toEqual(['event.capacityChanged']);
    expect(byId(c.registration.id).status).toBe('waitlisted');
  });

  it('registration.erased, after registration.cancelled when a seat was given up; only erased after the event', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e);
    const b = reg(e);
    const log = recordEvents('registration.cancelled', 'registration.erased', 'registration.promoted');
    expect(outcome(() => deletePersonalData(t.db, 'x'.repeat(43), NOW))).toBe('not_found');
    expect(log).toEqual([]);
    const when = later(HOUR);
    deletePersonalData(t.db, tokenOf(a), when);
    expect(log).toEqual([
      { name: 'registration.cancelled', payload: { ...step(a.registration.id, e.id, when), previousStatus: 'confirmed' } },
      { name: 'registration.erased', payload: step(a.registration.id, e.id, when) },
      { name: 'registration.promoted', payload: step(b.registration.id, e.id, when) },
    ]);
    log.length = 0;
    const afterwards = later(HOUR, END);
    deletePersonalData(t.db, tokenOf(b), afterwards);
    expect(log).toEqual([{ name: 'registration.erased', payload: step(b.registration.id, e.id, afterwards) }]);
  });
});

// ---- Calendar invitations that calendars act on (issue 10, RFC 5546) ----

describe('iTIP messages to participants', () => {
  /** The one iTIP message of a mail, checked by libical, as ical.js reads it, with its ATTENDEE and ORGANIZER lines. */
  function itip(m: OutboxMail, method: 'REQUEST' | 'CANCEL') {
    expect(m.icalEvent, `${m.subject} carries an iTIP message`).not.toBeNull();
    expect(m.icalEvent!.method).toBe(method);
    const lines = expectValidItip(m.icalEvent!.content, method);
    const cal = readWithIcalJs(m.icalEvent!.content);
    return {
      event: cal.events[0]!,
      attendee: lines.find((l) => l.startsWith('ATTENDEE'))!,
      organizer: lines.find((l) => l.startsWith('ORGANIZER'))!,
    };
  }

  it('confirm → move → cancel: REQUEST, REQUEST, CANCEL under one UID with a rising SEQUENCE; ical.js reads the event’s instants', () => {
    const e = makeEvent({ capacity: 5 });
    reg(e, { email: 'a@example.se', name: 'Anna' });
    const confirmed = itip(mailsTo('a@example.se')[0]!, 'REQUEST');
    expect(confirmed.event).toMatchObject({ uid: e.uid, sequence: e.revision, start: '2030-06-10T07:00:00Z', end: '2030-06-10T10:00:00Z' });
    expect(confirmed.attendee).toMatch(/^ATTENDEE;.*PARTSTAT=ACCEPTED.*:mailto:a@example\.se$/i);
    expect(confirmed.attendee).toContain('RSVP=FALSE');
    expect(confirmed.attendee).toContain('CN="Anna"');

    updateEvent(t.db, lead, e.id, { start: '2030-06-11T13:00', end: '2030-06-11T15:00' }, later(HOUR));
    const moved = itip(mailsTo('a@example.se').at(-1)!, 'REQUEST');
    expect(moved.event).toMatchObject({
      uid: e.uid,
      sequence: eventRow(e.id).revision,
      start: '2030-06-11T11:00:00Z',
      end: '2030-06-11T13:00:00Z',
    });
    expect(moved.event.sequence!).toBeGreaterThan(confirmed.event.sequence!);

    cancelEvent(t.db, lead, e.id, 'Storm', later(2 * HOUR));
    const cancelled = itip(mailsTo('a@example.se').at(-1)!, 'CANCEL');
    expect(cancelled.event).toMatchObject({ uid: e.uid, status: 'CANCELLED' });
    expect(cancelled.event.sequence!).toBeGreaterThan(moved.event.sequence!);
    expect(cancelled.attendee).toMatch(/:mailto:a@example\.se$/i);
  });

  it('exactly one ORGANIZER: the lead cluster’s contact address, else MAIL_FROM when the cluster has none', () => {
    setMailFrom('Samverka <noreply@samverka.test>');
    try {
      const e = makeEvent({ capacity: 5 });
      reg(e, { email: 'a@example.se' });
      expect(itip(mailsTo('a@example.se')[0]!, 'REQUEST').organizer).toMatch(/^ORGANIZER;CN=.*:mailto:noreply@samverka\.test$/);
      t.db.update(clusters).set({ contactEmail: 'kontakt@agro.test' }).where(eq(clusters.slug, 'agro-orebro')).run();
      reg(e, { email: 'b@example.se' });
      expect(itip(mailsTo('b@example.se')[0]!, 'REQUEST').organizer).toMatch(/:mailto:kontakt@agro\.test$/);
    } finally {
      setMailFrom('Samverka <noreply@samverka.local>');
    }
  });

  it('one’s own cancellation sends CANCEL with a higher SEQUENCE; registering again sends a REQUEST above that CANCEL', () => {
    const e = makeEvent({ capacity: 5 });
    const a = reg(e, { email: 'a@example.se' });
    const request = itip(mailsTo('a@example.se')[0]!, 'REQUEST').event;
    cancelRegistration(t.db, tokenOf(a), later(HOUR));
    const cancel = itip(mailsTo('a@example.se').at(-1)!, 'CANCEL').event;
    expect(cancel.uid).toBe(e.uid);
    expect(cancel.sequence!).toBeGreaterThan(request.sequence!);
    expect(eventRow(e.id).revision).toBe(e.revision);
    reg(e, { email: 'a@example.se' }, later(2 * HOUR));
    const again = itip(mailsTo('a@example.se').at(-1)!, 'REQUEST').event;
    expect(again.sequence!).toBeGreaterThan(cancel.sequence!);
  });

  it('a waiting person got no REQUEST, so leaving the list sends no CANCEL; a promotion sends the REQUEST', () => {
    const e = makeEvent({ capacity: 1 });
    const a = reg(e, { email: 'a@example.se' });
    const w = reg(e, { email: 'w@example.se' });
    const x = reg(e, { email: 'x@example.se' });
    expect(mailsTo('w@example.se')[0]!.icalEvent).toBeNull();
    cancelRegistration(t.db, tokenOf(x), later(HOUR));
    expect(mailsTo('x@example.se').map((m) => [m.subject, m.icalEvent, m.attachments])).toEqual([
      ['Väntelista: Vattenförsörjning på gården', null, null],
      ['Avbokad: Vattenförsörjning på gården', null, null],
    ]);
    cancelRegistration(t.db, tokenOf(a), later(2 * HOUR));
    itip(mailsTo('a@example.se').at(-1)!, 'CANCEL');
    expect(itip(mailsTo('w@example.se').at(-1)!, 'REQUEST').event.uid).toBe(e.uid);
    expect(tokenOf(w)).toBeTruthy();
  });

  it('a published event whose participants got REQUESTs is not deleted before it is cancelled; once cancelled, each had a CANCEL and deleting sends none again', () => {
    const e = makeEvent({ capacity: 1 });
    reg(e, { email: 'a@example.se' });
    reg(e, { email: 'w@example.se' });
    const request = itip(mailsTo('a@example.se')[0]!, 'REQUEST').event;
    expect(caught(() => deleteEvent(t.db, admin, e.id, later(HOUR))).code).toBe('has_registrations');
    expect(t.db.select().from(events).where(eq(events.id, e.id)).get()).toBeDefined();
    cancelEvent(t.db, lead, e.id, 'Sjukdom', later(HOUR));
    const cancel = itip(mailsTo('a@example.se').at(-1)!, 'CANCEL').event;
    expect(cancel.uid).toBe(e.uid);
    expect(cancel.sequence!).toBeGreaterThan(request.sequence!);
    const sent = t.db.select().from(outbox).all().length;
    deleteEvent(t.db, admin, e.id, later(2 * HOUR));
    expect(t.db.select().from(events).where(eq(events.id, e.id)).get()).toBeUndefined();
    // Nobody still has it in their calendar: no second CANCEL.
    expect(t.db.select().from(outbox).all()).toHaveLength(sent);
  });

  it('a reminder repeats the REQUEST; no calendar goes with the waiting-list mail or the link mail', () => {
    const e = makeEvent({ capacity: 5 });
    reg(e, { email: 'a@example.se' });
    sendDueReminders(t.db, later(-DAY / 2, START));
    const reminder = mailsTo('a@example.se').at(-1)!;
    expect(reminder.subject).toMatch(/^Påminnelse/);
    expect(itip(reminder, 'REQUEST').event.sequence).toBe(eventRow(e.id).revision);
  });
});

describe('Reply-To on organisers’ messages', () => {
  it('carries the sending coordinator’s name and address, as an address object; a name with CR/LF stays one line', () => {
    const e = makeEvent({ capacity: 5 });
    reg(e, { email: 'a@example.se' });
    t.db.update(users).set({ name: 'Karin\r\nBcc: evil@example.com', email: 'karin@agro.test' }).where(eq(users.id, lead.userId)).run();
    expect(messageRegistrants(t.db, lead, e.id, { subject: 'Parkering', body: 'Vid ladan' }, later(HOUR))).toBe(1);
    const m = mailsTo('a@example.se').at(-1)!;
    expect(m.replyTo).toEqual({ name: 'Karin Bcc: evil@example.com', address: 'karin@agro.test' });
    // Other mails reply to the platform (From).
    expect(mailsTo('a@example.se')[0]!.replyTo).toBeNull();
  });
});

describe('mails anyone can trigger for an address go out once per 15 minutes', () => {
  it('a repeated registration mails the link once within the window, again after it; the answer is the same', () => {
    const e = makeEvent({ capacity: 5 });
    reg(e, { email: 'a@example.se' });
    const first = register(t.db, e.id, person({ email: 'a@example.se' }), later(MINUTE));
    const second = register(t.db, e.id, person({ email: 'a@example.se' }), later(10 * MINUTE));
    expect(second).toEqual(first);
    expect(mailsTo('a@example.se').map((m) => m.subject)).toEqual([
      'Anmälan bekräftad: Vattenförsörjning på gården',
      'Din anmälan: Vattenförsörjning på gården',
    ]);
    const third = register(t.db, e.id, person({ email: 'A@example.se' }), later(MINUTE + REPEAT_MAIL_WINDOW_MS));
    expect(third).toEqual(first);
    expect(mailsTo('a@example.se').map((m) => m.subject)).toHaveLength(3);
  });

  it('the window is kept in SQLite per address and kind, not per event or in memory', () => {
    const e1 = makeEvent({ capacity: 5 });
    const e2 = makeEvent({ capacity: 5 });
    reg(e1, { email: 'a@example.se' });
    reg(e2, { email: 'a@example.se' });
    register(t.db, e1.id, person({ email: 'a@example.se' }), later(MINUTE));
    register(t.db, e2.id, person({ email: 'a@example.se' }), later(2 * MINUTE));
    expect(mailsTo('a@example.se').filter((m) => m.subject.startsWith('Din anmälan'))).toHaveLength(1);
    expect(t.db.all<{ kind: string; address_hash: string }>(sql`select kind, address_hash from mail_throttle`)).toEqual([
      { kind: 'registration_link', address_hash: expect.not.stringContaining('@') },
    ]);
  });
});
