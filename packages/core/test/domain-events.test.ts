import { eventAudit, events, outbox, registrations, type Db } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, onTestFinished } from 'vitest';
// Loading the public entry point beside the helper must not wire the reactions a second time.
import '../src/index.ts';
import { loadActor, type Actor } from '../src/access.ts';
import {
  concerned,
  emit,
  subscribe,
  subscribeAll,
  type DomainEventMap,
  type EventMoved,
  type PollCreated,
  type Tx,
} from '../src/domain-events.ts';
import { cancelEvent, createEvent, publishEvent, updateEvent } from '../src/events/event-service.ts';
import { enqueueMail } from '../src/outbox/outbox.ts';
import { register } from '../src/registrations/registration-service.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { recordEvents } from './helpers.ts';

const NOW = new Date('2030-06-01T10:00:00Z');

let t: TestDb;
let lead: Actor;

beforeEach(() => {
  t = freshDb();
  lead = loadActor(t.db, insertUser(t.db, { coordinatorOf: ['agro-orebro'] }))!;
});
afterEach(() => t.dispose());

/** A published event of Agro Örebro with one seat, one confirmed registrant and one waiting. */
function eventWithRegistrants(): number {
  const { event } = createEvent(
    t.db,
    lead,
    {
      leadCluster: 'agro-orebro',
      title: 'Markdagen',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2030-06-10T09:00',
      end: '2030-06-10T12:00',
      venueName: 'Lantbruksskolan',
      capacity: 1,
    },
    NOW,
  );
  publishEvent(t.db, lead, event.id, NOW);
  for (const n of [1, 2]) register(t.db, event.id, { name: `P ${n}`, email: `p${n}@example.se`, organisation: 'Gård', consent: true }, NOW);
  return event.id;
}

/** Every row a change of an event and its reactions can touch, to prove a rollback left nothing. */
function snapshot(db: Db = t.db): string {
  return JSON.stringify([
    db.select().from(events).orderBy(asc(events.id)).all(),
    db.select().from(eventAudit).orderBy(asc(eventAudit.id)).all(),
    db.select().from(registrations).orderBy(asc(registrations.id)).all(),
    db.select().from(outbox).orderBy(asc(outbox.id)).all(),
  ]);
}

// The bus tests raise events no module reacts to (yet), with ids that need no rows.
const pollCreated = (pollId: number): PollCreated => ({
  actorId: 1,
  clusterIds: [1, 2],
  now: NOW,
  pollId,
  organiserClusterId: 1,
  invitedClusterIds: [2],
  closesAt: NOW,
});

/** Subscribes for the rest of the test. */
function on<K extends keyof DomainEventMap>(name: K, handler: (tx: Tx, payload: DomainEventMap[K]) => void): void {
  onTestFinished(subscribe(name, handler));
}

describe('the bus', () => {
  it('tells every handler of the event, in subscription order, with the transaction and the payload', () => {
    const calls: string[] = [];
    const seen: unknown[] = [];
    on('poll.created', (tx, p) => {
      calls.push('first');
      seen.push(tx, p);
    });
    on('poll.created', () => calls.push('second'));
    on('poll.answered', () => calls.push('other event'));
    const payload = pollCreated(42);
    t.db.transaction((tx) => {
      emit(tx, 'poll.created', payload);
      expect(seen).toEqual([tx, payload]);
      expect(seen[1]).toBe(payload);
    });
    expect(calls).toEqual(['first', 'second']);
  });

  it('an event nobody listens to is a no-op; an unsubscribed handler hears nothing more', () => {
    const heard: number[] = [];
    const off = subscribe('poll.created', (_tx, p) => heard.push(p.pollId));
    onTestFinished(off);
    t.db.transaction((tx) => emit(tx, 'poll.created', pollCreated(7)));
    off();
    t.db.transaction((tx) => emit(tx, 'poll.created', pollCreated(8)));
    t.db.transaction((tx) =>
      emit(tx, 'horizon.itemCreated', { actorId: 1, clusterIds: [], now: NOW, itemId: 1, clusterId: null, deadline: null }),
    );
    expect(heard).toEqual([7]);
  });

  it('a handler subscribed while an event is told hears only the next one', () => {
    const heard: string[] = [];
    on('poll.created', () => {
      heard.push('outer');
      if (heard.length === 1) on('poll.created', () => heard.push('late'));
    });
    t.db.transaction((tx) => emit(tx, 'poll.created', pollCreated(1)));
    expect(heard).toEqual(['outer']);
    t.db.transaction((tx) => emit(tx, 'poll.created', pollCreated(1)));
    expect(heard).toEqual(['outer', 'outer', 'late']);
  });

  it('subscribeAll subscribes a module’s reactions and takes them all back', () => {
    const heard: string[] = [];
    const off = subscribeAll({ 'poll.created': () => heard.push('poll'), 'event.published': () => heard.push('published') });
    onTestFinished(off);
    const base = { actorId: 1, clusterIds: [1], now: NOW, eventId: 1 };
    t.db.transaction((tx) => {
      emit(tx, 'poll.created', pollCreated(1));
      emit(tx, 'event.published', base);
    });
    off();
    t.db.transaction((tx) => {
      emit(tx, 'poll.created', pollCreated(1));
      emit(tx, 'event.published', base);
    });
    expect(heard).toEqual(['poll', 'published']);
  });

  it('checks names and payloads at compile time', () => {
    expectTypeOf<DomainEventMap['event.moved']>().toEqualTypeOf<EventMoved>();
    expectTypeOf<DomainEventMap['registration.created']['actorId']>().toEqualTypeOf<number | null>();
    expectTypeOf<DomainEventMap['event.capacityChanged']['to']>().toEqualTypeOf<number | null>();
    const typed = (_tx: Tx, p: DomainEventMap['event.cancelled']) => p.reason;
    expectTypeOf(typed).parameter(1).toHaveProperty('reason').toEqualTypeOf<string>();
    t.db.transaction((tx) => {
      // @ts-expect-error an event that does not exist
      expect(() => emit(tx, 'poll.renamed', pollCreated(1))).not.toThrow();
      // @ts-expect-error a payload without the fields of its event
      emit(tx, 'poll.decided', pollCreated(1));
      // @ts-expect-error a handler that expects another event's payload
      subscribe('poll.created', (_t: Tx, p: DomainEventMap['event.moved']) => p.fields)();
    });
  });

  it('concerned lists cluster ids once each, in order, without nulls', () => {
    expect(concerned(3, null, 1, 3, undefined, 2, 1)).toEqual([3, 1, 2]);
    expect(concerned()).toEqual([]);
  });
});

describe('handlers run inside the transaction of the change', () => {
  it('their writes commit with the change', () => {
    const id = eventWithRegistrants();
    on('event.cancelled', (tx, p) => enqueueMail(tx, { to: 'kansli@example.se', subject: `Inställt ${p.eventId}`, text: p.reason }, p.now));
    cancelEvent(t.db, lead, id, 'Storm', NOW);
    expect(t.db.select().from(outbox).where(eq(outbox.toAddress, 'kansli@example.se')).all()).toHaveLength(1);
  });

  it('a handler that throws rolls back the change, the reactions before it and the outbox', () => {
    const id = eventWithRegistrants();
    let reactionsRan = false;
    on('event.cancelled', (tx) => {
      // The registrations' reaction, wired first, has already put its mails in the outbox.
      reactionsRan = tx
        .select()
        .from(outbox)
        .all()
        .some((m) => m.subject.startsWith('Inställt'));
      throw new Error('the notification module failed');
    });
    const before = snapshot();
    expect(() => cancelEvent(t.db, lead, id, 'Storm', NOW)).toThrow('the notification module failed');
    expect(reactionsRan).toBe(true);
    expect(snapshot()).toBe(before);
    expect(t.db.select().from(events).where(eq(events.id, id)).get()!.status).toBe('published');
  });

  it('a throwing handler also takes back a promotion from the waiting list', () => {
    const id = eventWithRegistrants();
    on('registration.promoted', () => {
      throw new Error('refused');
    });
    const before = snapshot();
    expect(() => updateEvent(t.db, lead, id, { capacity: 2 }, NOW)).toThrow('refused');
    expect(snapshot()).toBe(before);
    expect(
      t.db
        .select()
        .from(registrations)
        .all()
        .map((r) => r.status),
    ).toEqual(['confirmed', 'waitlisted']);
  });

  it('a handler that returns a promise is an error, and its change rolls back', () => {
    const id = eventWithRegistrants();
    on('event.cancelled', async () => {});
    const before = snapshot();
    expect(() => cancelEvent(t.db, lead, id, 'Storm', NOW)).toThrow(/returned a promise/);
    expect(snapshot()).toBe(before);
  });
});

describe('the wiring in reactions.ts', () => {
  it('is loaded once: a move mails each registrant once, a cancellation tells each once', () => {
    const id = eventWithRegistrants();
    const mailsBefore = t.db.select().from(outbox).all().length;
    updateEvent(t.db, lead, id, { venueName: 'Ny lada' }, NOW);
    const changed = t.db.select().from(outbox).all().slice(mailsBefore);
    expect(changed.map((m) => m.toAddress).sort()).toEqual(['p1@example.se', 'p2@example.se']);
    cancelEvent(t.db, lead, id, 'Storm', NOW);
    const cancelled = t.db
      .select()
      .from(outbox)
      .all()
      .slice(mailsBefore + 2);
    expect(cancelled.map((m) => m.toAddress).sort()).toEqual(['p1@example.se', 'p2@example.se']);
  });

  it('registrations react after the event changed, so a handler subscribed later sees their mails', () => {
    const id = eventWithRegistrants();
    const log = recordEvents('event.moved');
    let outboxAtMove = 0;
    on('event.moved', (tx) => {
      outboxAtMove = tx.select().from(outbox).all().length;
    });
    const before = t.db.select().from(outbox).all().length;
    updateEvent(t.db, lead, id, { start: '2030-06-10T10:00', end: '2030-06-10T13:00' }, NOW);
    expect(log).toEqual([
      {
        name: 'event.moved',
        payload: {
          actorId: lead.userId,
          clusterIds: [clusterId(t.db, 'agro-orebro')],
          now: NOW,
          eventId: id,
          fields: ['startsAt', 'endsAt'],
        },
      },
    ]);
    expect(outboxAtMove).toBe(before + 2);
  });
});
