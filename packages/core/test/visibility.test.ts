import { eventAudit, eventOrganisers, events, eventThemes, outbox, registrations, type Db } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import {
  canDeleteEvent,
  canSeeEvent,
  canSeeMeetingLink,
  listedVisibilities,
  type OrganiserRef,
  type Visibility,
} from '../src/events/event-access.ts';
import {
  answerCohostInvitation,
  cancelEvent,
  createEvent,
  deleteEvent,
  getEvent,
  inviteCohost,
  listEvents,
  publishEvent,
  removeCohost,
  updateEvent,
} from '../src/events/event-service.ts';
import type { EventInput } from '../src/events/event-input.ts';
import { FeedService } from '../src/feeds/feed-service.ts';
import { setPublicUrl } from '../src/links.ts';
import { register, setCheckIn, messageRegistrants } from '../src/registrations/registration-service.ts';
import { eventInput, freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome } from './helpers.ts';

const NOW = new Date('2030-01-10T10:00:00Z');

/** Every row a refused change could touch: events, organisers, themes, audit, registrations and mails. */
function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(events).orderBy(asc(events.id)).all(),
    db.select().from(eventOrganisers).all(),
    db.select().from(eventThemes).all(),
    db.select().from(eventAudit).orderBy(asc(eventAudit.id)).all(),
    db.select().from(registrations).orderBy(asc(registrations.id)).all(),
    db.select().from(outbox).orderBy(asc(outbox.id)).all(),
  ]);
}

describe('visibility rules as pure functions', () => {
  const LEAD = 1;
  const COHOST = 2;
  const OTHER = 3;
  const orgs: OrganiserRef[] = [
    { clusterId: LEAD, role: 'lead', status: 'accepted' },
    { clusterId: COHOST, role: 'cohost', status: 'accepted' },
  ];
  const who: Record<string, Actor | null> = {
    anonymous: null,
    participant: { userId: 1, isAdmin: false, coordinatorOf: [] },
    'coordinator of another cluster': { userId: 2, isAdmin: false, coordinatorOf: [OTHER] },
    'co-host': { userId: 3, isAdmin: false, coordinatorOf: [COHOST] },
    lead: { userId: 4, isAdmin: false, coordinatorOf: [LEAD] },
    admin: { userId: 5, isAdmin: true, coordinatorOf: [] },
  };
  //                                       see public, unlisted, internal   lists internal   meeting link
  const table: [string, boolean, boolean, boolean, boolean, boolean][] = [
    ['anonymous', true, true, false, false, false],
    ['participant', true, true, false, false, false],
    ['coordinator of another cluster', true, true, true, true, false],
    ['co-host', true, true, true, true, true],
    ['lead', true, true, true, true, true],
    ['admin', true, true, true, true, true],
  ];
  it.each(table)('%s: public=%s unlisted=%s internal=%s listsInternal=%s link=%s', (name, pub, unl, int, lists, link) => {
    const actor = who[name]!;
    const see = (v: Visibility) => canSeeEvent(actor, 'published', orgs, v);
    expect([see('public'), see('unlisted'), see('internal')]).toEqual([pub, unl, int]);
    // A cancelled internal event stays as hidden as a published one.
    expect(canSeeEvent(actor, 'cancelled', orgs, 'internal')).toBe(int);
    expect(listedVisibilities(actor).includes('internal')).toBe(lists);
    expect(listedVisibilities(actor)).not.toContain('unlisted');
    expect(canSeeMeetingLink(actor, false, orgs)).toBe(link);
    expect(canSeeMeetingLink(actor, true, orgs)).toBe(true);
  });

  it('a published event with registrations is deleted by nobody; without, by an admin only; a draft by its organisers', () => {
    expect(canDeleteEvent(who.admin!, 'published', orgs, 1)).toBe(false);
    expect(canDeleteEvent(who.admin!, 'published', orgs, 0)).toBe(true);
    expect(canDeleteEvent(who.admin!, 'cancelled', orgs, 3)).toBe(true);
    expect(canDeleteEvent(who.lead!, 'published', orgs, 0)).toBe(false);
    expect(canDeleteEvent(who.lead!, 'draft', orgs, 0)).toBe(true);
  });
});

describe('visibility and safe states in the services', () => {
  let t: TestDb;
  let lead: Actor;
  let cohost: Actor;
  let other: Actor;
  let participant: Actor;
  let admin: Actor;
  beforeEach(() => {
    t = freshDb();
    setPublicUrl('https://samverka.test');
    lead = insertActor(t.db, { coordinatorOf: ['agro-orebro'] });
    cohost = insertActor(t.db, { coordinatorOf: ['froda'] });
    other = insertActor(t.db, { coordinatorOf: ['agro-vast'] });
    participant = insertActor(t.db);
    admin = insertActor(t.db, { isAdmin: true });
  });
  afterEach(() => t.dispose());

  function published(over: Partial<EventInput> = {}): number {
    const id = createEvent(t.db, lead, eventInput(over), NOW).event.id;
    inviteCohost(t.db, lead, id, 'froda', NOW);
    answerCohostInvitation(t.db, cohost, id, 'froda', true, NOW);
    publishEvent(t.db, lead, id, NOW);
    return id;
  }
  const person = (n: number) => ({ name: `P ${n}`, email: `p${n}@example.se`, organisation: 'Gården', consent: true as const });

  it('lists, search and feeds: internal for coordinators and admins, unlisted only for its organisers, public feeds public only', () => {
    const ids = {
      public: published({ title: 'Publikt möte' }),
      unlisted: published({ title: 'Olistat möte', visibility: 'unlisted' }),
      internal: published({ title: 'Internt möte', visibility: 'internal' }),
    };
    const listed = (actor: Actor | null, q?: string) =>
      listEvents(t.db, actor, { limit: 100, ...(q ? { q } : {}) })
        .events.map((e) => e.id)
        .sort();
    expect(listed(null)).toEqual([ids.public]);
    expect(listed(participant)).toEqual([ids.public]);
    expect(listed(other)).toEqual([ids.public, ids.internal].sort());
    expect(listed(cohost)).toEqual([ids.public, ids.unlisted, ids.internal].sort());
    expect(listed(admin)).toEqual([ids.public, ids.unlisted, ids.internal].sort());
    expect(listed(null, 'möte')).toEqual([ids.public]);
    expect(caught(() => getEvent(t.db, participant, ids.internal)).code).toBe('unknown_event');
    expect(getEvent(t.db, null, ids.unlisted).visibility).toBe('unlisted');
    const feeds = new FeedService(t.db, 'https://samverka.test');
    for (const body of [
      feeds.ics({ type: 'all' }, 'sv', NOW.getTime()).body.toString(),
      feeds.atom({ type: 'all' }, 'en', NOW.getTime()).body.toString(),
      feeds.ics({ type: 'all', cluster: 'froda' }, 'sv', NOW.getTime()).body.toString(),
    ]) {
      expect(body).toContain('Publikt möte');
      expect(body).not.toContain('Olistat möte');
      expect(body).not.toContain('Internt möte');
    }
    expect(feeds.ics({ type: 'event', id: ids.unlisted }, 'sv', NOW.getTime()).body.toString()).toContain('Olistat möte');
    expect(caught(() => feeds.ics({ type: 'event', id: ids.internal }, 'sv', NOW.getTime())).code).toBe('unknown_event');
  });

  it('registration for an internal event: 404 for those who may not see it, nothing written', () => {
    const id = published({ visibility: 'internal' });
    const before = snapshot(t.db);
    expect(caught(() => register(t.db, id, person(1), NOW)).code).toBe('unknown_event');
    expect(caught(() => register(t.db, id, person(1), NOW, participant)).code).toBe('unknown_event');
    expect(snapshot(t.db)).toBe(before);
    expect(register(t.db, id, person(1), NOW, other).registration.status).toBe('confirmed');
  });

  it('cancelling a draft is refused (409 draft_not_cancellable) and changes nothing', () => {
    const id = createEvent(t.db, lead, eventInput(), NOW).event.id;
    const before = snapshot(t.db);
    const e = caught(() => cancelEvent(t.db, lead, id, 'Ingen tid', NOW));
    expect([e.kind, e.code]).toEqual(['conflict', 'draft_not_cancellable']);
    expect(snapshot(t.db)).toBe(before);
    deleteEvent(t.db, lead, id, NOW);
    expect(outcome(() => getEvent(t.db, lead, id))).toBe('not_found');
  });

  it('a cancelled event refuses check-in, co-host changes and plain messages; a cancellation message goes out', () => {
    const id = published({ capacity: 10 });
    const r = register(t.db, id, person(1), NOW);
    inviteCohost(t.db, lead, id, 'agro-vast', NOW);
    cancelEvent(t.db, lead, id, 'Sjukdom', NOW);
    const before = snapshot(t.db);
    const refusals = [
      () => setCheckIn(t.db, lead, id, r.registration.id, true, NOW),
      () => removeCohost(t.db, lead, id, 'froda', NOW),
      () => inviteCohost(t.db, lead, id, 'grona-navet', NOW),
      () => answerCohostInvitation(t.db, other, id, 'agro-vast', true, NOW),
      () => messageRegistrants(t.db, lead, id, { subject: 'Fika', body: 'Välkomna' }, NOW),
    ];
    for (const refuse of refusals) expect([caught(refuse).kind, caught(refuse).code]).toEqual(['conflict', 'event_cancelled']);
    expect(snapshot(t.db)).toBe(before);
    expect(messageRegistrants(t.db, lead, id, { subject: 'Nytt datum', body: 'Vi hör av oss.', aboutCancellation: true }, NOW)).toBe(1);
    const mail = t.db.select().from(outbox).orderBy(asc(outbox.id)).all().at(-1)!;
    expect(mail.subject.startsWith('Inställt: ')).toBe(true);
  });

  it('capacity below the confirmed seats: refused with the count, or the latest confirmed go first in the queue', () => {
    const id = published({ capacity: 3 });
    const [a, b, c] = [1, 2, 3].map((n) => register(t.db, id, person(n), new Date(NOW.getTime() + n * 1000)));
    const w = register(t.db, id, person(4), new Date(NOW.getTime() + 4000));
    const before = snapshot(t.db);
    const e = caught(() => updateEvent(t.db, lead, id, { capacity: 1 }, NOW));
    expect([e.kind, e.code]).toEqual(['conflict', 'capacity_below_confirmed']);
    expect(e.message).toContain('3 people already have a confirmed seat');
    expect(e.details).toEqual([expect.objectContaining({ field: 'capacity', code: 'below_confirmed', params: { min: 3 } })]);
    expect(snapshot(t.db)).toBe(before);
    updateEvent(t.db, lead, id, { capacity: 1, moveExcessToWaitlist: true }, NOW);
    const queue = t.db
      .select()
      .from(registrations)
      .where(eq(registrations.status, 'waitlisted'))
      .orderBy(asc(registrations.waitlistedAt), asc(registrations.id))
      .all()
      .map((x) => x.id);
    expect(queue).toEqual([b!.registration.id, c!.registration.id, w.registration.id]);
    const confirmed = t.db.select().from(registrations).where(eq(registrations.status, 'confirmed')).all();
    expect(confirmed.map((x) => x.id)).toEqual([a!.registration.id]);
  });

  it('deleting a published event with registrations is refused for an admin too (409 has_registrations)', () => {
    const id = published();
    register(t.db, id, person(1), NOW);
    const before = snapshot(t.db);
    const e = caught(() => deleteEvent(t.db, admin, id, NOW));
    expect([e.kind, e.code]).toEqual(['conflict', 'has_registrations']);
    expect(snapshot(t.db)).toBe(before);
    cancelEvent(t.db, lead, id, 'Flyttas', NOW);
    deleteEvent(t.db, admin, id, NOW);
    expect(outcome(() => getEvent(t.db, admin, id))).toBe('not_found');
  });
});
