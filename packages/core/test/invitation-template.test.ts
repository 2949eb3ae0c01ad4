import { events, type Event } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import { createEvent, publishEvent, updateEvent } from '../src/events/event-service.ts';
import { eventInvitation } from '../src/feeds/feed-service.ts';
import { registrantInvitation, type InvitationParts } from '../src/registrations/invitation-template.ts';
import { eventInput, freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';

const BASE = 'https://samverka.test';
const CREATED = new Date('2030-01-01T10:00:00Z');

let t: TestDb;
let lead: Actor;

beforeEach(() => {
  t = freshDb();
  lead = insertActor(t.db, { coordinatorOf: ['agro-orebro'] });
});
afterEach(() => t.dispose());

const eventRow = (id: number): Event => t.db.select().from(events).where(eq(events.id, id)).get()!;

function makeEvent(over: Parameters<typeof eventInput>[0] = {}): Event {
  const { event } = createEvent(
    t.db,
    lead,
    eventInput({
      start: '2030-06-10T09:00',
      end: '2030-06-10T12:00',
      address: 'Skolvägen 1, Örebro',
      county: 'orebro-lan',
      description: 'Om **vatten** på gården, med en lång beskrivning som viks över flera rader i kalendern.',
      ...over,
    }),
    CREATED,
  );
  publishEvent(t.db, lead, event.id, CREATED);
  return eventRow(event.id);
}

// Names and addresses that fold, escape or drop the CN differently: multi-byte letters at the
// fold, a surrogate pair, quotes and backslashes (made plain), separators, and no name at all.
const PEOPLE = [
  { name: 'Åsa Öberg', email: 'asa@example.se' },
  { name: '', email: 'no-name@example.se' },
  { name: 'Anna "Lantis" Berg\\son; Gård, AB', email: 'anna.berg@example.se' },
  { name: 'Ölänningarnas ekonomiska förening för ängs- och hagmarksskötsel på Ödeshög', email: 'a@example.se' },
  { name: 'x'.repeat(30) + 'ÅÄÖ😀'.repeat(6), email: `${'long-local-part'.repeat(3)}@example.se` },
  { name: 'Per <per@example.se>', email: 'per@example.se' },
];

/** Every person, each method and link choice, two sequences and stamps: the template's text against the whole build's. */
function expectSameAsWhole(e: Event, lang: 'sv' | 'en') {
  let compared = 0;
  for (const attendee of PEOPLE)
    for (const method of ['REQUEST', 'CANCEL'] as const)
      for (const withLink of [false, true])
        for (const [sequence, now] of [
          [e.revision, new Date('2030-06-01T10:00:00.999Z')],
          [e.revision + 7, new Date('2031-12-31T23:59:59.001Z')],
        ] as const) {
          const parts: InvitationParts = { method, attendee, sequence, now, withLink };
          expect(registrantInvitation(t.db, e, lang, BASE, parts)).toBe(eventInvitation(t.db, e, lang, BASE, parts));
          compared++;
        }
  return compared;
}

describe('registrantInvitation: the iTIP message of eventInvitation, made from a template per event state', () => {
  it('is byte for byte the whole build for every attendee, method, link choice, sequence and stamp, in both languages', () => {
    const e = makeEvent({ onlineUrl: 'https://meet.example.se/rum-1' });
    expect(expectSameAsWhole(e, 'sv')).toBe(PEOPLE.length * 8);
    expect(expectSameAsWhole(e, 'en')).toBe(PEOPLE.length * 8);
  });

  it('an all-day event (no VTIMEZONE) and an event in another zone give the same text as the whole build', () => {
    expectSameAsWhole(makeEvent({ allDay: true, start: undefined, end: undefined, startDate: '2030-06-10', endDate: '2030-06-11' }), 'sv');
    expectSameAsWhole(makeEvent({ timeZone: 'America/New_York' }), 'en');
  });

  it('a changed event is never answered from the template of its earlier state', () => {
    const before = makeEvent();
    const parts: InvitationParts = { method: 'REQUEST', attendee: PEOPLE[0]!, sequence: before.revision, now: CREATED };
    const first = registrantInvitation(t.db, before, 'sv', BASE, parts);
    updateEvent(t.db, lead, before.id, { title: 'Ny titel', start: '2030-06-11T09:00', end: '2030-06-11T12:00' }, CREATED);
    const after = eventRow(before.id);
    const second = registrantInvitation(t.db, after, 'sv', BASE, { ...parts, sequence: after.revision });
    expect(second).not.toBe(first);
    expect(second).toContain('SUMMARY:Ny titel');
    expect(second).toBe(eventInvitation(t.db, after, 'sv', BASE, { ...parts, sequence: after.revision }));
  });
});
