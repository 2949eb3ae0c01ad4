import { eventOrganisers, events, eventThemes, outbox, pollAnswers, pollClusters, polls, pollSlots, themes, type Db } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readWithIcalJs } from '../../../tests/support/ics-readers.ts';
import { loadActor, type Actor } from '../src/access.ts';
import { createEvent, getEvent, pendingCohostInvitations, publishEvent } from '../src/events/event-service.ts';
import { setPublicUrl } from '../src/links.ts';
import { answerPoll, createPoll, finalisePoll, getPoll, listPolls, type PollInput } from '../src/polls/poll-service.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents, withoutNotifications } from './helpers.ts';

/** 'allowed', or the kind of DomainError thrown. */
/** Every row a poll write touches, to prove that a refused write changed nothing. */
function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(polls).orderBy(asc(polls.id)).all(),
    db.select().from(pollClusters).all(),
    db.select().from(pollSlots).orderBy(asc(pollSlots.id)).all(),
    db.select().from(pollAnswers).all(),
    db.select().from(events).all(),
    db.select().from(eventOrganisers).all(),
    db.select().from(outbox).all(),
  ]);
}

const ORG = 'agro-orebro';
const INV = 'froda';
const INV2 = 'agro-vast';
const OTHER = 'gront-center';

/** The tests' clock: January 2030, winter time in Stockholm (UTC+1). */
const NOW = new Date('2030-01-10T10:00:00Z');
const _at = (iso: string) => new Date(iso);

let t: TestDb;
let admin: Actor;
let organiser: Actor;
let invited: Actor;
let invited2: Actor;
let unrelated: Actor;
let participant: Actor;

beforeEach(() => {
  setPublicUrl('https://samverka.example');
  t = freshDb();
  const load = (o: Parameters<typeof insertUser>[1]) => loadActor(t.db, insertUser(t.db, o))!;
  admin = load({ name: 'Ada Admin', email: 'ada@example.se', isAdmin: true });
  organiser = load({ name: 'Olga Organiser', email: 'olga@example.se', coordinatorOf: [ORG] });
  invited = load({ name: 'Ines Invited', email: 'ines@example.se', coordinatorOf: [INV] });
  invited2 = load({ name: 'Ivar Invited', email: 'ivar@example.se', coordinatorOf: [INV2] });
  unrelated = load({ name: 'Urban Unrelated', email: 'urban@example.se', coordinatorOf: [OTHER] });
  participant = load({ name: 'Per Participant', email: 'per@example.se' });
});
afterEach(() => t.dispose());

const input = (over: Partial<PollInput> = {}): PollInput => ({
  organiserCluster: ORG,
  title: 'Gemensamt nätverksmöte om beredskap',
  description: 'Vi hittar en tid som passar alla.',
  durationMinutes: 90,
  invitedClusters: [INV, INV2],
  slots: ['2030-02-05T10:00', '2030-02-06T13:30', '2030-06-05T10:00'],
  closes: '2030-02-01T12:00',
  venueName: 'Lantbruksskolan',
  ...over,
});

describe('createPoll', () => {
  it('the organising coordinator starts a poll: slots are Stockholm wall-clock times, sorted, with their ends', () => {
    const p = createPoll(
      t.db,
      organiser,
      input({ slots: ['2030-06-05T10:00', '2030-02-05T10:00', '2030-02-06T13:30', '2030-02-05T10:00'] }),
      NOW,
    );
    expect(p.organiser).toEqual({ slug: ORG, name: 'Agro Örebro' });
    expect(p.invited.map((c) => c.slug).sort()).toEqual([INV2, INV].sort());
    expect(p.timeZone).toBe('Europe/Stockholm');
    // Winter: UTC+1; summer: UTC+2. The duplicate slot is kept once.
    expect(p.slots.map((s) => [s.start, s.startsAt, s.endsAt])).toEqual([
      ['2030-02-05T10:00', '2030-02-05T09:00:00.000Z', '2030-02-05T10:30:00.000Z'],
      ['2030-02-06T13:30', '2030-02-06T12:30:00.000Z', '2030-02-06T14:00:00.000Z'],
      ['2030-06-05T10:00', '2030-06-05T08:00:00.000Z', '2030-06-05T09:30:00.000Z'],
    ]);
    expect(p.closesAt).toBe('2030-02-01T11:00:00.000Z');
    expect(p.open).toBe(true);
    expect(p.finalSlotId).toBeNull();
    expect(p.eventId).toBeNull();
    expect(p.canFinalise).toBe(true);
    expect(p.canAnswerFor.map((c) => c.slug)).toEqual([ORG]);
    for (const s of p.slots) expect(s.score).toEqual({ yes: 0, maybe: 0, no: 0 });
  });

  it('the organising cluster listed among the invited is not invited to its own poll', () => {
    const p = createPoll(t.db, organiser, input({ invitedClusters: [INV, ORG] }), NOW);
    expect(p.invited.map((c) => c.slug)).toEqual([INV]);
  });

  it.each([
    ['admin', 'allowed', () => admin],
    ['organiser coordinator', 'allowed', () => organiser],
    ['invited coordinator', 'forbidden', () => invited],
    ['unrelated coordinator', 'forbidden', () => unrelated],
    ['participant', 'forbidden', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('%s starting a poll for the organising cluster: %s', (_who, expected, actor) => {
    const before = snapshot(t.db);
    expect(outcome(() => createPoll(t.db, actor(), input(), NOW))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
    else expect(t.db.select().from(polls).all()).toHaveLength(1);
  });

  it.each<[string, Partial<PollInput>, string]>([
    ['an empty title', { title: '  ' }, 'title'],
    ['a too short duration', { durationMinutes: 10 }, 'durationMinutes'],
    ['a duration over a day', { durationMinutes: 24 * 60 + 1 }, 'durationMinutes'],
    ['a fractional duration', { durationMinutes: 60.5 }, 'durationMinutes'],
    ['no invited cluster', { invitedClusters: [] }, 'invitedClusters'],
    ['an unknown invited cluster', { invitedClusters: [INV, 'no-such-cluster'] }, 'invitedClusters'],
    ['no slots', { slots: [] }, 'slots'],
    ['31 slots', { slots: Array.from({ length: 31 }, (_, i) => `2030-03-${String(i + 1).padStart(2, '0')}T10:00`) }, 'slots'],
    ['a slot in the past', { slots: ['2030-02-05T10:00', '2030-01-09T10:00'] }, 'slots/1'],
    ['a slot that is not a time', { slots: ['5 februari 10:00'] }, 'slots/0'],
    ['a slot on 30 February', { slots: ['2030-02-30T10:00'] }, 'slots/0'],
    ['a slot in the hour skipped by summer time', { slots: ['2030-03-31T02:30'] }, 'slots/0'],
    ['a closing time in the past', { closes: '2030-01-10T10:59' }, 'closes'],
    ['a closing time exactly now', { closes: '2030-01-10T11:00' }, 'closes'],
    ['a closing time that is not a time', { closes: 'snart' }, 'closes'],
    ['a javascript: link', { onlineUrl: 'javascript:alert(1)' }, 'onlineUrl'],
    ['a link without scheme', { onlineUrl: 'meet.example.se/abc' }, 'onlineUrl'],
  ])('refuses %s (400, naming the field) and stores nothing', (_what, over, field) => {
    const before = snapshot(t.db);
    const err = caught(() => createPoll(t.db, organiser, input(over), NOW));
    expect(err.kind).toBe('invalid');
    expect(err.details.map((d) => d.field)).toContain(field);
    expect(snapshot(t.db)).toBe(before);
  });

  it('refuses an unknown organising cluster and an unknown time zone', () => {
    expect(caught(() => createPoll(t.db, admin, input({ organiserCluster: 'no-such-cluster' }), NOW)).code).toBe('unknown_cluster');
    expect(caught(() => createPoll(t.db, organiser, input({ timeZone: 'Europe/Nowhere' }), NOW)).code).toBe('invalid_time_zone');
    expect(t.db.select().from(polls).all()).toHaveLength(0);
  });

  it('reads slots in another zone when one is given', () => {
    const p = createPoll(t.db, organiser, input({ timeZone: 'UTC', slots: ['2030-02-05T10:00'], closes: '2030-02-01T12:00' }), NOW);
    expect(p.slots[0]!.startsAt).toBe('2030-02-05T10:00:00.000Z');
    expect(p.closesAt).toBe('2030-02-01T12:00:00.000Z');
  });
});

describe('getPoll and listPolls', () => {
  it.each([
    ['admin', 'allowed', () => admin],
    ['organiser coordinator', 'allowed', () => organiser],
    ['invited coordinator', 'allowed', () => invited],
    ['unrelated coordinator', 'not_found', () => unrelated],
    ['participant', 'not_found', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('%s reading the poll: %s', (_who, expected, actor) => {
    const p = createPoll(t.db, organiser, input(), NOW);
    expect(outcome(() => getPoll(t.db, actor(), p.id, NOW))).toBe(expected);
  });

  it('an unknown poll is 404, the same answer as a poll one may not see', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const hidden = caught(() => getPoll(t.db, unrelated, p.id, NOW));
    const unknown = caught(() => getPoll(t.db, unrelated, p.id + 100, NOW));
    expect([hidden.kind, hidden.code]).toEqual(['not_found', 'unknown_poll']);
    expect([unknown.kind, unknown.code]).toEqual(['not_found', 'unknown_poll']);
  });

  it('says for which clusters each reader may answer, and who may decide', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    expect(getPoll(t.db, invited, p.id, NOW).canAnswerFor.map((c) => c.slug)).toEqual([INV]);
    expect(getPoll(t.db, invited, p.id, NOW).canFinalise).toBe(false);
    expect(
      getPoll(t.db, admin, p.id, NOW)
        .canAnswerFor.map((c) => c.slug)
        .sort(),
    ).toEqual([ORG, INV, INV2].sort());
    expect(getPoll(t.db, admin, p.id, NOW).canFinalise).toBe(true);
  });

  it('lists the polls one organises or is invited to, open ones first; nothing for others', () => {
    const early = createPoll(t.db, organiser, input({ title: 'Closes early', closes: '2030-01-20T12:00' }), NOW);
    const late = createPoll(t.db, organiser, input({ title: 'Closes late', invitedClusters: [INV2] }), NOW);
    const later = new Date('2030-01-25T00:00:00Z');
    expect(listPolls(t.db, organiser, later).map((p) => [p.id, p.open])).toEqual([
      [late.id, true],
      [early.id, false],
    ]);
    expect(listPolls(t.db, invited, NOW).map((p) => p.id)).toEqual([early.id]);
    expect(
      listPolls(t.db, invited2, NOW)
        .map((p) => p.id)
        .sort(),
    ).toEqual([early.id, late.id].sort());
    expect(listPolls(t.db, admin, NOW)).toHaveLength(2);
    expect(listPolls(t.db, unrelated, NOW)).toEqual([]);
    expect(listPolls(t.db, participant, NOW)).toEqual([]);
    expect(caught(() => listPolls(t.db, null, NOW)).kind).toBe('unauthenticated');
  });

  it('each slot shows the published events it clashes with, not drafts', () => {
    const published = createEvent(
      t.db,
      unrelated,
      {
        leadCluster: OTHER,
        title: 'Skogsdag',
        kind: 'workshop',
        themes: ['krisberedskap'],
        start: '2030-02-05T11:00',
        end: '2030-02-05T15:00',
        venueName: 'Ås',
      },
      NOW,
    ).event;
    publishEvent(t.db, unrelated, published.id, NOW);
    createEvent(
      t.db,
      invited,
      {
        leadCluster: INV,
        title: 'Utkast',
        kind: 'workshop',
        themes: ['krisberedskap'],
        start: '2030-02-06T13:00',
        end: '2030-02-06T14:00',
        venueName: 'Falun',
      },
      NOW,
    );
    const p = createPoll(t.db, organiser, input(), NOW);
    const [first, second, third] = p.slots;
    expect(first!.clashes.map((c) => [c.id, c.title, c.lead])).toEqual([[published.id, 'Skogsdag', 'Grönt Center']]);
    expect(second!.clashes).toEqual([]);
    expect(third!.clashes).toEqual([]);
  });
});

describe('answerPoll', () => {
  it('invited and organising coordinators answer yes / maybe / no per slot for their own cluster; the scores add up', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const [s1, s2, s3] = p.slots.map((s) => s.id) as [number, number, number];
    answerPoll(
      t.db,
      invited,
      p.id,
      INV,
      [
        { slotId: s1, answer: 'yes' },
        { slotId: s2, answer: 'maybe' },
        { slotId: s3, answer: 'no' },
      ],
      NOW,
    );
    answerPoll(
      t.db,
      invited2,
      p.id,
      INV2,
      [
        { slotId: s1, answer: 'maybe' },
        { slotId: s2, answer: 'no' },
      ],
      NOW,
    );
    const v = answerPoll(t.db, organiser, p.id, ORG, [{ slotId: s1, answer: 'yes' }], NOW);
    expect(v.slots.map((s) => s.score)).toEqual([
      { yes: 2, maybe: 1, no: 0 },
      { yes: 0, maybe: 1, no: 1 },
      { yes: 0, maybe: 0, no: 1 },
    ]);
    expect(v.slots[0]!.answers.map((a) => [a.cluster.slug, a.answer]).sort()).toEqual(
      [
        [INV2, 'maybe'],
        [ORG, 'yes'],
        [INV, 'yes'],
      ].sort(),
    );
  });

  it('answering again replaces the earlier answer (one answer per cluster and slot)', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const s1 = p.slots[0]!.id;
    answerPoll(t.db, invited, p.id, INV, [{ slotId: s1, answer: 'yes' }], NOW);
    const v = answerPoll(t.db, invited, p.id, INV, [{ slotId: s1, answer: 'no' }], new Date(NOW.getTime() + 60_000));
    expect(v.slots[0]!.score).toEqual({ yes: 0, maybe: 0, no: 1 });
    expect(t.db.select().from(pollAnswers).all()).toHaveLength(1);
  });

  it.each([
    ['admin for an invited cluster', 'allowed', () => admin, INV],
    ['admin for the organising cluster', 'allowed', () => admin, ORG],
    ['invited coordinator for their cluster', 'allowed', () => invited, INV],
    ['organiser coordinator for the organising cluster', 'allowed', () => organiser, ORG],
    ['invited coordinator for another invited cluster', 'forbidden', () => invited, INV2],
    ['organiser coordinator for an invited cluster', 'forbidden', () => organiser, INV],
    ['invited coordinator for a cluster that is not invited', 'invalid', () => invited, OTHER],
    ['unrelated coordinator for their own cluster', 'not_found', () => unrelated, OTHER],
    ['unrelated coordinator for an invited cluster', 'not_found', () => unrelated, INV],
    ['participant', 'not_found', () => participant, INV],
    ['anonymous', 'unauthenticated', () => null, INV],
  ])('%s: %s', (_who, expected, actor, cluster) => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const before = snapshot(t.db);
    expect(outcome(() => answerPoll(t.db, actor(), p.id, cluster, [{ slotId: p.slots[0]!.id, answer: 'yes' }], NOW))).toBe(expected);
    if (expected === 'allowed') expect(t.db.select().from(pollAnswers).all()).toHaveLength(1);
    else expect(snapshot(t.db)).toBe(before);
  });

  it('refuses a slot of another poll (400) and keeps the other answers of the request unwritten', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const q = createPoll(t.db, organiser, input({ title: 'Another' }), NOW);
    const before = snapshot(t.db);
    const err = caught(() =>
      answerPoll(
        t.db,
        invited,
        p.id,
        INV,
        [
          { slotId: p.slots[0]!.id, answer: 'yes' },
          { slotId: q.slots[0]!.id, answer: 'yes' },
        ],
        NOW,
      ),
    );
    expect([err.kind, err.code]).toEqual(['invalid', 'unknown_slot']);
    expect(snapshot(t.db)).toBe(before);
  });

  it('an unknown poll is 404', () => {
    expect(caught(() => answerPoll(t.db, admin, 999, INV, [{ slotId: 1, answer: 'yes' }], NOW)).kind).toBe('not_found');
  });

  it('answers change until closesAt; from then on they are refused with 409 poll_closed and stay as they were', () => {
    const p = createPoll(t.db, organiser, input({ closes: '2030-01-20T12:00' }), NOW);
    const s1 = p.slots[0]!.id;
    const closesAt = new Date(p.closesAt);
    expect(closesAt.toISOString()).toBe('2030-01-20T11:00:00.000Z');
    answerPoll(t.db, invited, p.id, INV, [{ slotId: s1, answer: 'yes' }], NOW);
    // The last millisecond before closing still counts.
    answerPoll(t.db, invited, p.id, INV, [{ slotId: s1, answer: 'maybe' }], new Date(closesAt.getTime() - 1));
    const before = snapshot(t.db);
    for (const when of [closesAt, new Date(closesAt.getTime() + 86_400_000)]) {
      const err = caught(() => answerPoll(t.db, invited, p.id, INV, [{ slotId: s1, answer: 'no' }], when));
      expect([err.kind, err.code]).toEqual(['conflict', 'poll_closed']);
      expect(caught(() => answerPoll(t.db, admin, p.id, INV2, [{ slotId: s1, answer: 'no' }], when)).code).toBe('poll_closed');
    }
    expect(snapshot(t.db)).toBe(before);
    const closed = getPoll(t.db, invited, p.id, closesAt);
    expect(closed.open).toBe(false);
    expect(closed.canAnswerFor).toEqual([]);
    expect(closed.slots[0]!.score).toEqual({ yes: 0, maybe: 1, no: 0 });
  });
});

describe('finalisePoll', () => {
  /** A poll with answers: slot 1 FRODA yes, Agro Väst maybe, organiser yes; slot 2 FRODA no, Agro Väst yes. */
  function answered(over: Partial<PollInput> = {}) {
    const p = createPoll(t.db, organiser, input(over), NOW);
    const [s1, s2] = p.slots.map((s) => s.id) as [number, number];
    answerPoll(
      t.db,
      invited,
      p.id,
      INV,
      [
        { slotId: s1, answer: 'yes' },
        { slotId: s2, answer: 'no' },
      ],
      NOW,
    );
    answerPoll(
      t.db,
      invited2,
      p.id,
      INV2,
      [
        { slotId: s1, answer: 'maybe' },
        { slotId: s2, answer: 'yes' },
      ],
      NOW,
    );
    answerPoll(t.db, organiser, p.id, ORG, [{ slotId: s1, answer: 'yes' }], NOW);
    return { p, s1, s2 };
  }

  it('creates a draft network meeting at the slot (internal, no registrations), invites the clusters that said yes or maybe as co-hosts, and closes the poll', () => {
    const { p, s1 } = answered();
    const decidedAt = new Date('2030-01-15T08:00:00Z');
    const { poll, eventId } = finalisePoll(t.db, organiser, p.id, s1, { themes: ['krisberedskap', 'omvarldsbevakning'] }, decidedAt);
    const e = t.db.select().from(events).where(eq(events.id, eventId)).get()!;
    expect(e.kind).toBe('network_meeting');
    // Issue 12: a decision is a draft the organiser publishes when ready, internal and without registrations by default.
    expect([e.status, e.visibility, e.registrationEnabled]).toEqual(['draft', 'internal', false]);
    expect(e.title).toBe(p.title);
    expect(e.description).toBe(p.description);
    expect(e.venueName).toBe('Lantbruksskolan');
    expect(e.startsAt.toISOString()).toBe('2030-02-05T09:00:00.000Z');
    expect(e.endsAt.toISOString()).toBe('2030-02-05T10:30:00.000Z');
    expect(e.timeZone).toBe('Europe/Stockholm');
    expect(e.leadClusterId).toBe(clusterId(t.db, ORG));
    const orgs = t.db.select().from(eventOrganisers).where(eq(eventOrganisers.eventId, eventId)).all();
    expect(orgs.map((o) => [o.clusterId, o.role, o.status]).sort()).toEqual(
      [
        [clusterId(t.db, ORG), 'lead', 'accepted'],
        [clusterId(t.db, INV), 'cohost', 'invited'],
        [clusterId(t.db, INV2), 'cohost', 'invited'],
      ].sort(),
    );
    const themeSlugs = t.db
      .select({ slug: themes.slug })
      .from(eventThemes)
      .innerJoin(themes, eq(themes.id, eventThemes.themeId))
      .where(eq(eventThemes.eventId, eventId))
      .all()
      .map((r) => r.slug);
    expect(themeSlugs.sort()).toEqual(['krisberedskap', 'omvarldsbevakning']);
    expect(poll.finalSlotId).toBe(s1);
    expect(poll.eventId).toBe(eventId);
    expect(poll.open).toBe(false);
    expect(poll.canFinalise).toBe(false);
    expect(poll.canAnswerFor).toEqual([]);
    // The event does not clash with itself on the chosen slot.
    expect(poll.slots[0]!.clashes).toEqual([]);
    // The invited clusters see the co-host invitation.
    expect(pendingCohostInvitations(t.db, invited).map((i) => i.event.id)).toEqual([eventId]);
    expect(getEvent(t.db, organiser, eventId).title).toBe(p.title);
    expect(caught(() => getEvent(t.db, null, eventId)).kind).toBe('not_found');
  });

  it('only clusters that said yes or maybe to the chosen slot are invited (not those who said no, or answered other slots)', () => {
    const { p, s2 } = answered();
    const { eventId } = finalisePoll(t.db, organiser, p.id, s2, {}, NOW);
    const cohosts = t.db
      .select()
      .from(eventOrganisers)
      .where(eq(eventOrganisers.eventId, eventId))
      .all()
      .filter((o) => o.role === 'cohost');
    expect(cohosts.map((o) => o.clusterId)).toEqual([clusterId(t.db, INV2)]);
    // Without themes chosen the draft has none (issue 12): the organiser chooses before publishing.
    const themeSlugs = t.db
      .select({ slug: themes.slug })
      .from(eventThemes)
      .innerJoin(themes, eq(themes.id, eventThemes.themeId))
      .where(eq(eventThemes.eventId, eventId))
      .all()
      .map((r) => r.slug);
    expect(themeSlugs).toEqual([]);
  });

  it('mails everyone who answered, once each, with an .ics holding the event under its UID', () => {
    // The poll's own decision mail; notifications of the decision are tested in notifications.test.ts.
    withoutNotifications();
    const { p, s1 } = answered();
    // A second answer by the same person does not give them a second mail.
    answerPoll(t.db, invited, p.id, INV, [{ slotId: p.slots[2]!.id, answer: 'maybe' }], NOW);
    const { eventId } = finalisePoll(t.db, organiser, p.id, s1, {}, NOW);
    const e = t.db.select().from(events).where(eq(events.id, eventId)).get()!;
    const mails = t.db.select().from(outbox).all();
    expect(mails.map((m) => m.toAddress).sort()).toEqual(['ines@example.se', 'ivar@example.se', 'olga@example.se']);
    for (const m of mails) {
      expect(m.subject).toBe(`Bestämt: ${p.title}`);
      expect(m.text).toContain(`https://samverka.example/evenemang/${eventId}`);
      expect(m.attachments).toHaveLength(1);
      const [ics] = m.attachments!;
      expect(ics!.filename).toBe('invite.ics');
      expect(ics!.contentType).toMatch(/^text\/calendar/);
      const cal = readWithIcalJs(ics!.content);
      expect(cal.events).toHaveLength(1);
      expect(cal.events[0]!.uid).toBe(e.uid);
      expect(cal.events[0]!.start).toBe('2030-02-05T09:00:00Z');
      expect(cal.events[0]!.end).toBe('2030-02-05T10:30:00Z');
      expect(cal.events[0]!.summary).toBe(p.title);
    }
  });

  it("the .ics carries the meeting link for the invitees who organise the event (the lead's coordinators), not for invited co-hosts", () => {
    withoutNotifications();
    const LINK = 'https://meet.example.se/natverksmote-beredskap-42';
    const { p, s1 } = answered({ onlineUrl: LINK });
    const { eventId } = finalisePoll(t.db, organiser, p.id, s1, {}, NOW);
    const e = t.db.select().from(events).where(eq(events.id, eventId)).get()!;
    expect([e.onlineUrl, e.onlineUrlPublic]).toEqual([LINK, false]);
    const ics = (to: string) => {
      const m = t.db.select().from(outbox).where(eq(outbox.toAddress, to)).get()!;
      return m.attachments![0]!.content.replace(/\r\n[ \t]/g, '');
    };
    expect(ics('olga@example.se')).toContain(LINK);
    for (const cohost of ['ines@example.se', 'ivar@example.se']) {
      expect(ics(cohost)).toContain(`UID:${e.uid}`);
      expect(ics(cohost)).not.toContain(LINK);
    }
  });

  it('nobody answered: the event is made and no mail goes out', () => {
    withoutNotifications();
    const p = createPoll(t.db, organiser, input(), NOW);
    const { eventId } = finalisePoll(t.db, admin, p.id, p.slots[0]!.id, {}, NOW);
    expect(t.db.select().from(eventOrganisers).where(eq(eventOrganisers.eventId, eventId)).all()).toHaveLength(1);
    expect(t.db.select().from(outbox).all()).toEqual([]);
  });

  it('a poll without place or link becomes a draft event, which clashes with nothing', () => {
    const p = createPoll(t.db, organiser, input({ venueName: null, onlineUrl: null }), NOW);
    const { eventId } = finalisePoll(t.db, organiser, p.id, p.slots[0]!.id, {}, NOW);
    expect(t.db.select().from(events).where(eq(events.id, eventId)).get()!.status).toBe('draft');
    const q = createPoll(t.db, organiser, input({ title: 'Later poll' }), NOW);
    expect(q.slots[0]!.clashes).toEqual([]);
  });

  it('a poll with only an online link becomes a draft with that link, which clashes once published', () => {
    const p = createPoll(t.db, organiser, input({ venueName: null, onlineUrl: 'https://meet.example.se/natverk' }), NOW);
    const { eventId } = finalisePoll(t.db, organiser, p.id, p.slots[0]!.id, {}, NOW);
    const e = t.db.select().from(events).where(eq(events.id, eventId)).get()!;
    expect([e.status, e.onlineUrl]).toEqual(['draft', 'https://meet.example.se/natverk']);
    publishEvent(t.db, organiser, eventId, NOW);
    // Another poll's slot at that time now shows the clash.
    const q = createPoll(t.db, invited, input({ organiserCluster: INV, invitedClusters: [ORG] }), NOW);
    expect(q.slots[0]!.clashes.map((c) => c.id)).toEqual([eventId]);
  });

  it('the decide step sets the themes, visibility, registration and place of the draft as the organiser chose', () => {
    const { p, s1 } = answered();
    const { eventId } = finalisePoll(
      t.db,
      organiser,
      p.id,
      s1,
      {
        themes: ['krisberedskap'],
        visibility: 'public',
        registrationEnabled: true,
        venueName: 'Ladan',
        address: 'Storgatan 1',
        onlineUrl: 'https://meet.example.se/beslut',
      },
      NOW,
    );
    const e = t.db.select().from(events).where(eq(events.id, eventId)).get()!;
    expect([e.status, e.visibility, e.registrationEnabled, e.venueName, e.address, e.onlineUrl]).toEqual([
      'draft',
      'public',
      true,
      'Ladan',
      'Storgatan 1',
      'https://meet.example.se/beslut',
    ]);
    expect(getEvent(t.db, organiser, eventId).themes).toEqual(['krisberedskap']);
  });

  it('is allowed after the poll closed (that is when it is usually decided)', () => {
    const { p, s1 } = answered({ closes: '2030-01-20T12:00' });
    expect(outcome(() => finalisePoll(t.db, organiser, p.id, s1, {}, new Date('2030-01-25T00:00:00Z')))).toBe('allowed');
  });

  it.each([
    ['admin', 'allowed', () => admin],
    ['organiser coordinator', 'allowed', () => organiser],
    ['invited coordinator', 'forbidden', () => invited],
    ['unrelated coordinator', 'not_found', () => unrelated],
    ['participant', 'not_found', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('%s deciding the poll: %s; a refusal changes nothing', (_who, expected, actor) => {
    const { p, s1 } = answered();
    const before = snapshot(t.db);
    expect(outcome(() => finalisePoll(t.db, actor(), p.id, s1, {}, NOW))).toBe(expected);
    if (expected === 'allowed') expect(t.db.select().from(events).all()).toHaveLength(1);
    else expect(snapshot(t.db)).toBe(before);
  });

  it('a poll one may not see answers finalise with the same 404 as an unknown poll', () => {
    const { p, s1 } = answered();
    const hidden = caught(() => finalisePoll(t.db, unrelated, p.id, s1, {}, NOW));
    const unknown = caught(() => finalisePoll(t.db, unrelated, p.id + 100, s1, {}, NOW));
    expect([hidden.kind, hidden.code, hidden.message.replace(String(p.id), 'N')]).toEqual([
      unknown.kind,
      unknown.code,
      unknown.message.replace(String(p.id + 100), 'N'),
    ]);
  });

  it('refuses a slot of another poll and an unknown theme (400) without creating anything', () => {
    const { p, s1 } = answered();
    const q = createPoll(t.db, organiser, input({ title: 'Another' }), NOW);
    const before = snapshot(t.db);
    const slot = caught(() => finalisePoll(t.db, organiser, p.id, q.slots[0]!.id, {}, NOW));
    expect([slot.kind, slot.code]).toEqual(['invalid', 'unknown_slot']);
    const theme = caught(() => finalisePoll(t.db, organiser, p.id, s1, { themes: ['no-such-theme'] }, NOW));
    expect(theme.kind).toBe('invalid');
    expect(theme.details.map((d) => d.field)).toContain('themes');
    expect(snapshot(t.db)).toBe(before);
  });

  it('is decided once: a second finalise and any later answer are 409, and change nothing', () => {
    const { p, s1, s2 } = answered();
    finalisePoll(t.db, organiser, p.id, s1, {}, NOW);
    const before = snapshot(t.db);
    const again = caught(() => finalisePoll(t.db, admin, p.id, s2, {}, NOW));
    expect([again.kind, again.code]).toEqual(['conflict', 'poll_finalised']);
    // Before closesAt, so it is the decision that refuses the answer.
    const answer = caught(() => answerPoll(t.db, invited, p.id, INV, [{ slotId: s1, answer: 'no' }], NOW));
    expect([answer.kind, answer.code]).toEqual(['conflict', 'poll_finalised']);
    expect(snapshot(t.db)).toBe(before);
    // The decided poll stays readable to those involved.
    expect(getPoll(t.db, invited, p.id, NOW).eventId).not.toBeNull();
  });
});

// ---- Domain events raised by polls ----

describe('domain events of polls', () => {
  const cid = (slug: string) => clusterId(t.db, slug);

  it('poll.created: with the organising and invited clusters and the closing time; not when refused', () => {
    const log = recordEvents('poll.created');
    expect(outcome(() => createPoll(t.db, unrelated, input(), NOW))).toBe('forbidden');
    expect(outcome(() => createPoll(t.db, organiser, input({ slots: [] }), NOW))).toBe('invalid');
    expect(log).toEqual([]);
    const p = createPoll(t.db, organiser, input(), NOW);
    const invitedIds = p.invited.map((c) => cid(c.slug));
    expect([...invitedIds].sort()).toEqual([cid(INV), cid(INV2)].sort());
    expect(log).toEqual([
      {
        name: 'poll.created',
        payload: {
          actorId: organiser.userId,
          clusterIds: [cid(ORG), ...invitedIds],
          now: NOW,
          pollId: p.id,
          organiserClusterId: cid(ORG),
          invitedClusterIds: invitedIds,
          closesAt: new Date(p.closesAt),
        },
      },
    ]);
  });

  it('poll.answered: the answering cluster and its answers; not for an outsider, another cluster or a closed poll', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const [s1, s2] = p.slots.map((s) => s.id) as [number, number];
    const log = recordEvents('poll.answered');
    const answers = [
      { slotId: s1, answer: 'yes' as const },
      { slotId: s2, answer: 'maybe' as const },
    ];
    expect(outcome(() => answerPoll(t.db, unrelated, p.id, OTHER, answers, NOW))).toBe('not_found');
    expect(outcome(() => answerPoll(t.db, invited, p.id, INV2, answers, NOW))).toBe('forbidden');
    expect(outcome(() => answerPoll(t.db, invited, p.id, INV, answers, new Date(p.closesAt)))).toBe('conflict');
    expect(log).toEqual([]);
    answerPoll(t.db, invited, p.id, INV, answers, NOW);
    expect(log).toEqual([
      {
        name: 'poll.answered',
        payload: {
          actorId: invited.userId,
          clusterIds: [cid(ORG), cid(INV)],
          now: NOW,
          pollId: p.id,
          organiserClusterId: cid(ORG),
          clusterId: cid(INV),
          answers,
        },
      },
    ]);
  });

  it('poll.decided: after event.created and cohost.invited for each cluster that said yes or maybe; not when refused', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const [s1, s2] = p.slots.map((s) => s.id) as [number, number];
    answerPoll(t.db, invited, p.id, INV, [{ slotId: s1, answer: 'maybe' }], NOW);
    answerPoll(t.db, invited2, p.id, INV2, [{ slotId: s1, answer: 'no' }], NOW);
    const log = recordEvents('event.created', 'cohost.invited', 'poll.decided');
    const decidedAt = new Date('2030-01-20T08:00:00Z');
    expect(outcome(() => finalisePoll(t.db, invited, p.id, s1, {}, decidedAt))).toBe('forbidden');
    expect(outcome(() => finalisePoll(t.db, organiser, p.id, 999_999, {}, decidedAt))).toBe('invalid');
    expect(log).toEqual([]);
    const { eventId } = finalisePoll(t.db, organiser, p.id, s1, {}, decidedAt);
    expect(outcome(() => finalisePoll(t.db, organiser, p.id, s2, {}, decidedAt))).toBe('conflict');
    const base = { actorId: organiser.userId, now: decidedAt, eventId };
    expect(log).toEqual([
      {
        name: 'event.created',
        payload: { ...base, clusterIds: [cid(ORG)], leadClusterId: cid(ORG), status: 'draft', seriesId: null },
      },
      {
        name: 'cohost.invited',
        payload: { ...base, clusterIds: [cid(ORG), cid(INV)], clusterId: cid(INV), leadClusterId: cid(ORG), via: 'poll' },
      },
      {
        name: 'poll.decided',
        payload: {
          ...base,
          clusterIds: [cid(ORG), ...p.invited.map((c) => cid(c.slug))],
          pollId: p.id,
          organiserClusterId: cid(ORG),
          slotId: s1,
          cohostClusterIds: [cid(INV)],
        },
      },
    ]);
  });
});
