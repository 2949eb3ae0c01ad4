import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, horizonItems, polls, proposals } from '@samverka/db';
import type { Actor } from '../src/access.ts';
import { createEvent, getEvent, publishEvent } from '../src/events/event-service.ts';
import { createHorizonItem, updateHorizonItem, type HorizonInput } from '../src/horizon/horizon-service.ts';
import { IN_THE_PAST, IN_THE_PAST_MESSAGE, todayIn } from '../src/past-dates.ts';
import { createPoll, type PollInput } from '../src/polls/poll-service.ts';
import { acceptProposal, createProposal, type ProposalInput } from '../src/proposals/proposal-service.ts';
import { eventInput, freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught } from './helpers.ts';

// 10 January 2030, 10:00 in Stockholm (CET): "today" is 2030-01-10 there.
const NOW = new Date('2030-01-10T09:00:00Z');

let t: TestDb;
let coordinator: Actor;
beforeEach(() => {
  t = freshDb();
  coordinator = insertActor(t.db, { coordinatorOf: ['agro-orebro'] });
});
afterEach(() => t.dispose());

const count = (table: typeof polls | typeof proposals | typeof horizonItems) => t.db.select().from(table).all().length;

describe('today in Sweden', () => {
  it('is the Stockholm date, which runs ahead of UTC around midnight', () => {
    expect(todayIn(new Date('2030-01-10T22:59:00Z'))).toBe('2030-01-10');
    expect(todayIn(new Date('2030-01-10T23:00:00Z'))).toBe('2030-01-11');
    expect(todayIn(new Date('2030-07-10T22:00:00Z'))).toBe('2030-07-11');
  });
});

describe('polls', () => {
  const poll = (over: Partial<PollInput> = {}): PollInput => ({
    organiserCluster: 'agro-orebro',
    title: 'Planeringsmöte',
    durationMinutes: 60,
    invitedClusters: ['froda'],
    slots: ['2030-02-05T10:00', '2030-02-06T10:00'],
    closes: '2030-01-20T12:00',
    ...over,
  });

  it.each<[string, Partial<PollInput>, string[]]>([
    ['a time an hour ago', { slots: ['2030-02-05T10:00', '2030-01-10T09:00'] }, ['slots/1']],
    ['a time exactly now', { slots: ['2030-01-10T10:00'] }, ['slots/0']],
    ['a closing time a minute ago', { closes: '2030-01-10T09:59' }, ['closes']],
    ['everything in the past', { slots: ['2029-12-01T10:00'], closes: '2029-11-30T10:00' }, ['slots/0', 'closes']],
  ])('refuses %s: each past field says so, and nothing is stored', (_what, over, fields) => {
    const err = caught(() => createPoll(t.db, coordinator, poll(over), NOW));
    expect(err.kind).toBe('invalid');
    expect(err.details).toEqual(fields.map((field) => ({ field, code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE })));
    expect(count(polls)).toBe(0);
  });

  it('takes a poll whose times and closing time are all ahead', () => {
    expect(createPoll(t.db, coordinator, poll({ closes: '2030-01-10T10:01' }), NOW).slots).toHaveLength(2);
  });
});

describe('proposals', () => {
  const proposal = (over: Partial<ProposalInput> = {}): ProposalInput => ({
    cluster: 'agro-orebro',
    title: 'Workshop om vatten',
    abstract: 'Hur gårdar sparar vatten.',
    themes: ['krisberedskap'],
    format: 'Halvdag på plats',
    audience: 'Lantbrukare',
    preferredFrom: '2030-03-01',
    preferredTo: '2030-04-30',
    ...over,
  });

  it('refuses a period that starts before today, and stores nothing', () => {
    const err = caught(() => createProposal(t.db, coordinator, proposal({ preferredFrom: '2030-01-09' }), NOW));
    expect(err.code).toBe('invalid_proposal');
    expect(err.details).toEqual([{ field: 'preferredFrom', code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE }]);
    expect(count(proposals)).toBe(0);
  });

  it('takes a period from today, by the Swedish date even when UTC is still on yesterday', () => {
    expect(createProposal(t.db, coordinator, proposal({ preferredFrom: '2030-01-10' }), NOW).preferredFrom).toBe('2030-01-10');
    const justAfterMidnight = new Date('2030-01-10T23:30:00Z');
    expect(createProposal(t.db, coordinator, proposal({ preferredFrom: '2030-01-11' }), justAfterMidnight).id).toBeGreaterThan(0);
    expect(caught(() => createProposal(t.db, coordinator, proposal({ preferredFrom: '2030-01-10' }), justAfterMidnight)).details).toEqual([
      { field: 'preferredFrom', code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE },
    ]);
  });
});

describe('horizon deadlines', () => {
  const item = (over: Partial<HorizonInput> = {}): HorizonInput => ({
    title: 'Utlysning',
    summary: 'Pengar att söka.',
    source: 'Jordbruksverket',
    themes: ['kapitalforsorjning'],
    deadline: '2030-02-01',
    cluster: 'agro-orebro',
    ...over,
  });

  it('refuses a deadline before today and takes today', () => {
    const err = caught(() => createHorizonItem(t.db, coordinator, item({ deadline: '2030-01-09' }), NOW));
    expect(err.code).toBe('invalid_item');
    expect(err.details).toEqual([{ field: 'deadline', code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE }]);
    expect(count(horizonItems)).toBe(0);
    expect(createHorizonItem(t.db, coordinator, item({ deadline: '2030-01-10' }), NOW).deadline).toBe('2030-01-10');
  });

  it('lets an item whose deadline has passed be corrected, but not moved to another past day', () => {
    const v = createHorizonItem(t.db, coordinator, item({ deadline: '2030-01-12' }), NOW);
    const later = new Date('2030-01-20T09:00:00Z');
    expect(updateHorizonItem(t.db, coordinator, v.id, item({ title: 'Utlysning (rättad)', deadline: '2030-01-12' }), later).title).toBe(
      'Utlysning (rättad)',
    );
    const err = caught(() => updateHorizonItem(t.db, coordinator, v.id, item({ deadline: '2030-01-15' }), later));
    expect(err.details).toEqual([{ field: 'deadline', code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE }]);
    expect(t.db.select().from(horizonItems).where(eq(horizonItems.id, v.id)).get()!.deadline).toBe('2030-01-12');
  });
});

describe('publishing an event that is over', () => {
  it('is refused with in_the_past (422) unless the organiser says "publish anyway"', () => {
    const id = createEvent(t.db, coordinator, eventInput({ start: '2030-01-09T09:00', end: '2030-01-09T12:00' }), NOW).event.id;
    const err = caught(() => publishEvent(t.db, coordinator, id, NOW));
    expect(err).toMatchObject({ kind: 'rule', code: IN_THE_PAST });
    expect(err.details).toEqual([{ field: 'end', code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE }]);
    expect(getEvent(t.db, coordinator, id).status).toBe('draft');
    expect(publishEvent(t.db, coordinator, id, NOW, { evenIfPast: true }).status).toBe('published');
  });

  it('names the last day of an all-day event, and lets an event that is still going on be published', () => {
    const allDay = createEvent(
      t.db,
      coordinator,
      eventInput({ allDay: true, start: undefined, end: undefined, startDate: '2030-01-08', endDate: '2030-01-09' }),
      NOW,
    ).event.id;
    expect(caught(() => publishEvent(t.db, coordinator, allDay, NOW)).details).toEqual([
      { field: 'endDate', code: IN_THE_PAST, message: IN_THE_PAST_MESSAGE },
    ]);
    const ongoing = createEvent(t.db, coordinator, eventInput({ start: '2030-01-10T08:00', end: '2030-01-10T16:00' }), NOW).event.id;
    expect(publishEvent(t.db, coordinator, ongoing, NOW).status).toBe('published');
    expect(t.db.select().from(events).where(eq(events.id, ongoing)).get()!.status).toBe('published');
  });
});

describe('accepting a proposal writes its labels in the proposal’s language', () => {
  it.each<['sv' | 'en', string, string]>([
    ['sv', '**Format:** Halvdag på plats', '**Målgrupp:** Lantbrukare'],
    ['en', '**Format:** Halvdag på plats', '**Target audience:** Lantbrukare'],
  ])('%s: the description and the event’s language', (language, format, audience) => {
    const author = insertActor(t.db, { coordinatorOf: ['agro-orebro'], language });
    const p = createProposal(
      t.db,
      author,
      {
        cluster: 'agro-orebro',
        title: 'Workshop om vatten',
        abstract: 'Hur gårdar sparar vatten.',
        themes: ['krisberedskap'],
        format: 'Halvdag på plats',
        audience: 'Lantbrukare',
        preferredFrom: '2030-03-01',
        preferredTo: '2030-04-30',
      },
      NOW,
    );
    const { eventId } = acceptProposal(t.db, coordinator, p.id, {}, NOW);
    const e = getEvent(t.db, coordinator, eventId);
    expect(e.description).toBe(`Hur gårdar sparar vatten.\n\n${format}\n\n${audience}`);
    expect(e.language).toBe(language);
    if (language === 'sv') expect(e.description).not.toMatch(/Target audience/);
  });
});
