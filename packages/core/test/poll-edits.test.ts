import { LIMITS } from '@samverka/contracts';
import { outbox, pollAnswers, pollComments, polls, pollSlots, type Db } from '@samverka/db';
import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import { setPublicUrl } from '../src/links.ts';
import {
  addPollSlots,
  answerPoll,
  closePoll,
  commentOnPoll,
  createPoll,
  finalisePoll,
  getPoll,
  removePollSlot,
  setPollDeadline,
  type PollInput,
} from '../src/polls/poll-service.ts';
import { freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents, withoutNotifications } from './helpers.ts';

/** Every row a poll edit touches, to prove that a refused edit changed nothing. */
function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(polls).orderBy(asc(polls.id)).all(),
    db.select().from(pollSlots).orderBy(asc(pollSlots.id)).all(),
    db.select().from(pollAnswers).all(),
    db.select().from(pollComments).all(),
    db.select().from(outbox).all(),
  ]);
}

const ORG = 'agro-orebro';
const INV = 'froda';
const INV2 = 'agro-vast';
const OTHER = 'gront-center';
/** January 2030, winter time in Stockholm (UTC+1). */
const NOW = new Date('2030-01-10T10:00:00Z');
const LATER = new Date('2030-01-20T10:00:00Z');

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
  invited2 = load({ name: 'Ivar Invited', email: 'ivar@example.se', coordinatorOf: [INV2], language: 'en' });
  unrelated = load({ name: 'Urban Unrelated', email: 'urban@example.se', coordinatorOf: [OTHER] });
  participant = load({ name: 'Per Participant', email: 'per@example.se' });
});
afterEach(() => t.dispose());

const input = (over: Partial<PollInput> = {}): PollInput => ({
  organiserCluster: ORG,
  title: 'Gemensamt nätverksmöte om beredskap',
  durationMinutes: 90,
  invitedClusters: [INV, INV2],
  slots: ['2030-02-05T10:00', '2030-02-06T13:30'],
  closes: '2030-02-01T12:00',
  venueName: 'Lantbruksskolan',
  ...over,
});

/** A poll where both invited clusters answered both times. */
function answered() {
  const p = createPoll(t.db, organiser, input(), NOW);
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
  return { p, s1, s2 };
}

describe('adding times', () => {
  it('the organiser adds times in the poll zone; they are sorted in with their ends, and poll.updated names them', () => {
    const raised = recordEvents('poll.updated');
    const p = createPoll(t.db, organiser, input(), NOW);
    const after = addPollSlots(t.db, organiser, p.id, ['2030-02-05T08:00', '2030-06-01T09:00'], NOW);
    expect(after.slots.map((s) => [s.start, s.endsAt])).toEqual([
      ['2030-02-05T08:00', '2030-02-05T08:30:00.000Z'],
      ['2030-02-05T10:00', '2030-02-05T10:30:00.000Z'],
      ['2030-02-06T13:30', '2030-02-06T14:00:00.000Z'],
      ['2030-06-01T09:00', '2030-06-01T08:30:00.000Z'],
    ]);
    expect(raised).toHaveLength(1);
    const added = after.slots.filter((s) => ['2030-02-05T08:00', '2030-06-01T09:00'].includes(s.start)).map((s) => s.id);
    expect(raised[0]!.payload).toMatchObject({ pollId: p.id, addedSlotIds: added, title: p.title });
    expect(raised[0]!.payload.clusterIds).toHaveLength(3);
  });

  it.each<[string, string[], string, string]>([
    ['a past time', ['2030-01-09T10:00'], 'slots/0', 'in_the_past'],
    ['a time the poll has', ['2030-02-05T10:00'], 'slots/0', 'duplicate'],
    ['the same new time twice', ['2030-03-01T10:00', '2030-03-01T10:00'], 'slots/1', 'duplicate'],
    ['a date that does not exist', ['2030-02-30T10:00'], 'slots/0', 'invalid_date'],
    ['nothing', [], 'slots', 'required'],
  ])('refuses %s (400, detail %s %s) and changes nothing', (_, slots, field, code) => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const before = snapshot(t.db);
    const err = caught(() => addPollSlots(t.db, organiser, p.id, slots, NOW));
    expect(err.kind).toBe('invalid');
    expect(err.details).toContainEqual(expect.objectContaining({ field, code }));
    expect(snapshot(t.db)).toBe(before);
  });

  it('refuses more than LIMITS.pollSlots times in all (too_many)', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    // Two times already; one more than the limit allows, on successive days from March.
    const many = Array.from({ length: LIMITS.pollSlots - 1 }, (_, i) => new Date(Date.UTC(2030, 2, 1 + i, 9)).toISOString().slice(0, 16));
    const err = caught(() => addPollSlots(t.db, organiser, p.id, many, NOW));
    expect(err.details).toContainEqual(expect.objectContaining({ field: 'slots', code: 'too_many', params: { max: LIMITS.pollSlots } }));
    expect(getPoll(t.db, organiser, p.id, NOW).slots).toHaveLength(2);
  });
});

describe('removing a time', () => {
  it('its answers go; those who gave them get a mail in their language through the outbox', () => {
    withoutNotifications();
    const raised = recordEvents('poll.slotRemoved');
    const { p, s1, s2 } = answered();
    const after = removePollSlot(t.db, organiser, p.id, s1, NOW);
    expect(after.slots.map((s) => s.id)).toEqual([s2]);
    expect(
      t.db
        .select()
        .from(pollAnswers)
        .all()
        .map((a) => a.slotId),
    ).toEqual([s2, s2]);
    const mails = t.db.select().from(outbox).all();
    expect(mails.map((m) => m.toAddress).sort()).toEqual(['ines@example.se', 'ivar@example.se']);
    const sv = mails.find((m) => m.toAddress === 'ines@example.se')!;
    expect(sv.subject).toBe(`En tid är struken: ${p.title}`);
    expect(sv.text).toContain('tisdag 5 februari 2030 kl. 10:00');
    expect(sv.text).toContain(`https://samverka.example/moten/${p.id}`);
    const en = mails.find((m) => m.toAddress === 'ivar@example.se')!;
    expect(en.subject).toBe(`A time was removed: ${p.title}`);
    expect(en.text).toContain('Tuesday, 5 February 2030 at 10:00');
    expect(raised.map((r) => r.payload)).toEqual([
      expect.objectContaining({
        pollId: p.id,
        slotId: s1,
        startsAt: new Date('2030-02-05T09:00:00Z'),
        removedAnswers: expect.arrayContaining([
          { clusterId: expect.any(Number), userId: invited.userId, answer: 'yes' },
          { clusterId: expect.any(Number), userId: invited2.userId, answer: 'maybe' },
        ]),
      }),
    ]);
  });

  it('a time nobody answered goes without a mail', () => {
    withoutNotifications();
    const p = createPoll(t.db, organiser, input(), NOW);
    removePollSlot(t.db, organiser, p.id, p.slots[0]!.id, NOW);
    expect(t.db.select().from(outbox).all()).toHaveLength(0);
  });

  it('refuses the last time (409 last_slot), a slot of another poll (404) and changes nothing', () => {
    const p = createPoll(t.db, organiser, input({ slots: ['2030-02-05T10:00'] }), NOW);
    const other = createPoll(t.db, organiser, input(), NOW);
    const before = snapshot(t.db);
    expect(caught(() => removePollSlot(t.db, organiser, p.id, p.slots[0]!.id, NOW)).code).toBe('last_slot');
    expect(caught(() => removePollSlot(t.db, organiser, p.id, other.slots[0]!.id, NOW)).kind).toBe('not_found');
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('the deadline', () => {
  it('is extended, also reopening a closed poll; answers are taken again', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const late = new Date('2030-02-02T10:00:00Z');
    expect(caught(() => answerPoll(t.db, invited, p.id, INV, [{ slotId: p.slots[0]!.id, answer: 'yes' }], late)).code).toBe('poll_closed');
    const reopened = setPollDeadline(t.db, organiser, p.id, '2030-02-04T18:00', late);
    expect(reopened.closesAt).toBe('2030-02-04T17:00:00.000Z');
    expect(reopened.open).toBe(true);
    answerPoll(t.db, invited, p.id, INV, [{ slotId: p.slots[0]!.id, answer: 'yes' }], late);
  });

  it('closes now: answers are refused from then on; poll.updated carries both closing times', () => {
    const raised = recordEvents('poll.updated');
    const p = createPoll(t.db, organiser, input(), NOW);
    const closed = closePoll(t.db, organiser, p.id, LATER);
    expect(closed.open).toBe(false);
    expect(closed.closesAt).toBe(LATER.toISOString());
    expect(raised[0]!.payload.closesAt).toEqual({ from: new Date('2030-02-01T11:00:00Z'), to: LATER });
    expect(caught(() => closePoll(t.db, organiser, p.id, LATER)).code).toBe('poll_closed');
  });

  it('refuses a closing time in the past (400 in_the_past) or not in the calendar, and changes nothing', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const before = snapshot(t.db);
    const past = caught(() => setPollDeadline(t.db, organiser, p.id, '2030-01-10T10:59', NOW));
    expect(past.kind).toBe('invalid');
    expect(past.details).toEqual([expect.objectContaining({ field: 'closes', code: 'in_the_past' })]);
    expect(caught(() => setPollDeadline(t.db, organiser, p.id, '2030-02-31T10:00', NOW)).details[0]).toMatchObject({
      field: 'closes',
      code: 'invalid_date',
    });
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('who may edit', () => {
  const edits = (id: number, slotId: number) => ({
    add: (a: Actor | null) => addPollSlots(t.db, a, id, ['2030-03-01T10:00'], NOW),
    remove: (a: Actor | null) => removePollSlot(t.db, a, id, slotId, NOW),
    deadline: (a: Actor | null) => setPollDeadline(t.db, a, id, '2030-03-01T10:00', NOW),
    close: (a: Actor | null) => closePoll(t.db, a, id, NOW),
  });

  it.each([
    ['anonymous', () => null, 'unauthenticated'],
    ['a participant', () => participant, 'not_found'],
    ['an unrelated coordinator', () => unrelated, 'not_found'],
    ['an invited coordinator', () => invited, 'forbidden'],
    ['the organiser', () => organiser, 'allowed'],
    ['an admin', () => admin, 'allowed'],
  ])('%s: %s', (_, who, expected) => {
    for (const edit of Object.keys(edits(0, 0)) as (keyof ReturnType<typeof edits>)[]) {
      const p = createPoll(t.db, organiser, input(), NOW);
      const before = snapshot(t.db);
      expect([edit, outcome(() => edits(p.id, p.slots[0]!.id)[edit](who()))]).toEqual([edit, expected]);
      if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
    }
  });

  it('a decided poll no longer changes (409 poll_finalised); canEdit is false', () => {
    const { p, s1, s2 } = answered();
    finalisePoll(t.db, organiser, p.id, s1, {}, NOW);
    const before = snapshot(t.db);
    const e = edits(p.id, s2);
    for (const edit of [e.add, e.remove, e.deadline, e.close]) expect(caught(() => edit(organiser)).code).toBe('poll_finalised');
    expect(snapshot(t.db)).toBe(before);
    expect(getPoll(t.db, organiser, p.id, NOW).canEdit).toBe(false);
  });

  it('canEdit only for the organising side', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    expect(getPoll(t.db, organiser, p.id, NOW).canEdit).toBe(true);
    expect(getPoll(t.db, admin, p.id, NOW).canEdit).toBe(true);
    expect(getPoll(t.db, invited, p.id, NOW).canEdit).toBe(false);
  });
});

describe('per-person answers', () => {
  it('every invitee reads who answered what for each cluster', () => {
    const { p, s1 } = answered();
    for (const reader of [organiser, invited, invited2]) {
      const slot = getPoll(t.db, reader, p.id, NOW).slots.find((s) => s.id === s1)!;
      expect(slot.answers.map((a) => [a.cluster.slug, a.answer, a.by]).sort()).toEqual([
        [INV2, 'maybe', 'Ivar Invited'],
        [INV, 'yes', 'Ines Invited'],
      ]);
    }
    // Those outside the poll read nothing of it, names included.
    expect(outcome(() => getPoll(t.db, unrelated, p.id, NOW))).toBe('not_found');
    expect(outcome(() => getPoll(t.db, participant, p.id, NOW))).toBe('not_found');
  });
});

describe('the comment thread', () => {
  it('invitees and the organiser write and read it, signed with their cluster, also after the poll is decided', () => {
    const raised = recordEvents('poll.commented');
    const { p, s1 } = answered();
    commentOnPoll(t.db, invited, p.id, '  Tisdag passar <b>bäst</b> för oss.  ', NOW);
    finalisePoll(t.db, organiser, p.id, s1, {}, NOW);
    const after = commentOnPoll(t.db, organiser, p.id, 'Tack, då blir det tisdag.', LATER);
    expect(after.comments.map((c) => [c.author, c.cluster, c.body])).toEqual([
      ['Ines Invited', 'FRODA', 'Tisdag passar <b>bäst</b> för oss.'],
      ['Olga Organiser', 'Agro Örebro', 'Tack, då blir det tisdag.'],
    ]);
    expect(getPoll(t.db, invited2, p.id, NOW).comments).toHaveLength(2);
    expect(raised.map((r) => [r.payload.pollId, r.payload.commentId, r.payload.title])).toEqual([
      [p.id, after.comments[0]!.id, p.title],
      [p.id, after.comments[1]!.id, p.title],
    ]);
  });

  it.each([
    ['anonymous', () => null, 'unauthenticated'],
    ['a participant', () => participant, 'not_found'],
    ['an unrelated coordinator', () => unrelated, 'not_found'],
    ['an admin', () => admin, 'allowed'],
  ])('%s: %s', (_, who, expected) => {
    const p = createPoll(t.db, organiser, input(), NOW);
    const before = snapshot(t.db);
    expect(outcome(() => commentOnPoll(t.db, who(), p.id, 'Hej', NOW))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
  });

  it('refuses an empty comment and one over LIMITS.comment (400) and stores nothing', () => {
    const p = createPoll(t.db, organiser, input(), NOW);
    expect(caught(() => commentOnPoll(t.db, invited, p.id, '   ', NOW)).details[0]).toMatchObject({ field: 'body', code: 'required' });
    expect(caught(() => commentOnPoll(t.db, invited, p.id, 'x'.repeat(5001), NOW)).details[0]).toMatchObject({
      field: 'body',
      code: 'too_long',
      params: { max: 5000 },
    });
    expect(t.db.select().from(pollComments).all()).toHaveLength(0);
  });
});
