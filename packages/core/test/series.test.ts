import { eventAudit, eventOrganisers, events, eventThemes, series, type Db } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import {
  answerCohostInvitation,
  createEvent,
  eventAuditLog,
  getEvent,
  inviteCohost,
  publishEvent,
  cancelEvent,
  updateEvent,
} from '../src/events/event-service.ts';
import {
  createSeries,
  getSeries,
  MAX_OCCURRENCES,
  occurrenceDates,
  updateSeriesFrom,
  type SeriesInput,
} from '../src/events/series-service.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents } from './helpers.ts';

function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(series).orderBy(asc(series.id)).all(),
    db.select().from(events).orderBy(asc(events.id)).all(),
    db.select().from(eventOrganisers).all(),
    db.select().from(eventThemes).all(),
    db.select().from(eventAudit).orderBy(asc(eventAudit.id)).all(),
  ]);
}

describe('occurrenceDates', () => {
  it('gives the second Tuesday of each month', () => {
    expect(occurrenceDates('FREQ=MONTHLY;BYDAY=+2TU;COUNT=6', '2027-01-01')).toEqual([
      '2027-01-12',
      '2027-02-09',
      '2027-03-09',
      '2027-04-13',
      '2027-05-11',
      '2027-06-08',
    ]);
  });

  it('accepts a leading RRULE: and lower case', () => {
    expect(occurrenceDates('RRULE:freq=weekly;count=3;byday=mo', '2027-03-17')).toEqual(['2027-03-22', '2027-03-29', '2027-04-05']);
  });

  it('ends at UNTIL, inclusive', () => {
    expect(occurrenceDates('FREQ=WEEKLY;BYDAY=TH;UNTIL=20270128T235959Z', '2027-01-01')).toEqual([
      '2027-01-07',
      '2027-01-14',
      '2027-01-21',
      '2027-01-28',
    ]);
    expect(occurrenceDates('FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20270315', '2027-01-01')).toEqual(['2027-01-15', '2027-02-15', '2027-03-15']);
  });

  it('includes the first date when it matches, and walks over the change to summer time by date', () => {
    expect(occurrenceDates('FREQ=WEEKLY;COUNT=3', '2027-03-21')).toEqual(['2027-03-21', '2027-03-28', '2027-04-04']);
  });

  it(`allows exactly ${MAX_OCCURRENCES} occurrences and no more`, () => {
    expect(occurrenceDates(`FREQ=DAILY;COUNT=${MAX_OCCURRENCES}`, '2027-01-01')).toHaveLength(MAX_OCCURRENCES);
    const err = caught(() => occurrenceDates(`FREQ=DAILY;COUNT=${MAX_OCCURRENCES + 1}`, '2027-01-01'));
    expect([err.code, err.details[0]!.field]).toEqual(['too_many_occurrences', 'rrule']);
    expect(caught(() => occurrenceDates('FREQ=DAILY;UNTIL=20991231', '2027-01-01')).code).toBe('too_many_occurrences');
  });

  it.each(['FREQ=WEEKLY', 'FREQ=MONTHLY;BYDAY=+2TU', 'FREQ=DAILY;INTERVAL=2'])(
    'refuses %s: a rule without COUNT or UNTIL never ends',
    (rule) => {
      expect(caught(() => occurrenceDates(rule, '2027-01-01')).code).toBe('unbounded_rrule');
    },
  );

  it.each(['', 'weekly', 'COUNT=3', 'FREQ=WEEKLY;COUNT=3\nRRULE:FREQ=DAILY', 'FREQ=WEEKLY;COUNT=3;X-NAME=<b>'])(
    'refuses %j as not an RRULE',
    (rule) => {
      expect(caught(() => occurrenceDates(rule, '2027-01-01')).code).toMatch(/invalid_rrule|unbounded_rrule/);
    },
  );

  it.each(['FREQ=FORTNIGHTLY;COUNT=3', 'FREQ=WEEKLY;COUNT=3;BYDAY=XX'])(
    'refuses the unreadable %s without naming rrule internals',
    (rule) => {
      const err = caught(() => occurrenceDates(rule, '2027-01-01'));
      expect(err.code).toBe('invalid_rrule');
      expect(err.message).not.toMatch(/undefined|properties|reading/);
    },
  );

  it.each([
    'FREQ=MONTHLY;BYDAY=+2TU;COUNT=4;DTSTART=20200101T000000Z',
    'FREQ=WEEKLY;COUNT=2;TZID=America/New_York',
    'FREQ=WEEKLY;COUNT=2;TZID=UTC',
  ])('refuses %s: only RFC 5545 rule parts, firstDate is where it starts', (rule) => {
    expect(caught(() => occurrenceDates(rule, '2027-01-01')).code).toBe('invalid_rrule');
  });

  it.each(['FREQ=HOURLY;COUNT=3', 'FREQ=MINUTELY;COUNT=2', 'FREQ=DAILY;BYHOUR=9,13;COUNT=4'])(
    'refuses %s: two meetings on one day',
    (rule) => {
      expect(caught(() => occurrenceDates(rule, '2027-01-01')).code).toBe('rrule_same_day');
    },
  );

  it('refuses a rule that gives no dates and an impossible first date', () => {
    expect(caught(() => occurrenceDates('FREQ=WEEKLY;COUNT=0', '2027-01-01')).code).toBe('empty_rrule');
    expect(caught(() => occurrenceDates('FREQ=WEEKLY;UNTIL=20261231', '2027-01-01')).code).toBe('empty_rrule');
    expect(caught(() => occurrenceDates('FREQ=WEEKLY;COUNT=3', '2027-02-30')).details[0]!.field).toBe('firstDate');
  });
});

// ---- Series in the database ----

const LEAD = 'agro-orebro';
let t: TestDb;
let lead: Actor;
let cohost: Actor;
let other: Actor;
let admin: Actor;
let participant: Actor;

beforeEach(() => {
  t = freshDb();
  const load = (o: Parameters<typeof insertUser>[1]) => loadActor(t.db, insertUser(t.db, o))!;
  lead = load({ name: 'Lena Lead', coordinatorOf: [LEAD] });
  cohost = load({ name: 'Cilla Cohost', coordinatorOf: ['froda'] });
  other = load({ name: 'Olle Other', coordinatorOf: ['agro-vast'] });
  admin = load({ name: 'Ada Admin', isAdmin: true });
  participant = load({ name: 'Per' });
});
afterEach(() => t.dispose());

const seriesInput = (over: Partial<SeriesInput> = {}): SeriesInput => ({
  leadCluster: LEAD,
  title: 'Nätverksträff',
  kind: 'network_meeting',
  themes: ['metoder-och-arbetssatt'],
  venueName: 'Grönt hus',
  rrule: 'FREQ=MONTHLY;BYDAY=+2TU;COUNT=6',
  firstDate: '2027-01-01',
  startTime: '10:00',
  endTime: '12:00',
  ...over,
});

function rows(ids: number[]) {
  return ids.map((id) => getEvent(t.db, admin, id));
}

describe('occurrenceDates refuses rules that could never match, before expanding them', () => {
  // rrule would search day by day up to the year 9999 for these (seconds of CPU per request).
  for (const rule of [
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=2',
    'FREQ=WEEKLY;BYMONTH=4,6;BYMONTHDAY=31;COUNT=2',
    'FREQ=DAILY;BYSETPOS=2;COUNT=2',
    'FREQ=DAILY;BYYEARDAY=366;COUNT=2',
    'FREQ=DAILY;BYMONTHDAY=32;COUNT=2',
  ]) {
    it(`refuses ${rule} at once`, () => {
      const started = process.hrtime.bigint();
      const err = caught(() => occurrenceDates(rule, '2027-01-01'));
      expect(err.kind).toBe('invalid');
      expect(err.details[0]?.field).toBe('rrule');
      // Not a timing assertion of speed, a guard that no year-9999 search ran: that takes seconds.
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
    });
  }
  it('still accepts a rare but possible day (29 February)', () => {
    expect(occurrenceDates('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=2', '2027-01-01')).toEqual(['2028-02-29', '2032-02-29']);
  });
});

describe('createSeries', () => {
  it('creates one draft per occurrence, at 10:00 local through winter and summer', () => {
    const res = createSeries(t.db, lead, seriesInput());
    expect(res.eventIds).toHaveLength(6);
    expect(res.clashes).toEqual([]);
    const evs = rows(res.eventIds);
    expect(evs.map((e) => e.start)).toEqual([
      '2027-01-12T10:00',
      '2027-02-09T10:00',
      '2027-03-09T10:00',
      '2027-04-13T10:00',
      '2027-05-11T10:00',
      '2027-06-08T10:00',
    ]);
    expect(evs.map((e) => e.startsAt)).toEqual([
      '2027-01-12T09:00:00.000Z',
      '2027-02-09T09:00:00.000Z',
      '2027-03-09T09:00:00.000Z',
      '2027-04-13T08:00:00.000Z',
      '2027-05-11T08:00:00.000Z',
      '2027-06-08T08:00:00.000Z',
    ]);
    expect(evs.map((e) => e.endsAt.slice(11))).toEqual([
      '11:00:00.000Z',
      '11:00:00.000Z',
      '11:00:00.000Z',
      '10:00:00.000Z',
      '10:00:00.000Z',
      '10:00:00.000Z',
    ]);
    for (const e of evs)
      expect(e).toMatchObject({
        seriesId: res.seriesId,
        status: 'draft',
        title: 'Nätverksträff',
        lead: { slug: LEAD },
        themes: ['metoder-och-arbetssatt'],
        revision: 0,
      });
    expect(new Set(evs.map((e) => e.uid)).size).toBe(6);
    expect(getSeries(t.db, lead, res.seriesId)).toMatchObject({
      id: res.seriesId,
      title: 'Nätverksträff',
      rrule: 'FREQ=MONTHLY;BYDAY=+2TU;COUNT=6',
      timeZone: 'Europe/Stockholm',
    });
  });

  it('keeps 10:00 local across the autumn change too', () => {
    const res = createSeries(t.db, lead, seriesInput({ rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3', firstDate: '2027-10-20' }));
    expect(rows(res.eventIds).map((e) => [e.start, e.startsAt])).toEqual([
      ['2027-10-26T10:00', '2027-10-26T08:00:00.000Z'],
      ['2027-11-02T10:00', '2027-11-02T09:00:00.000Z'],
      ['2027-11-09T10:00', '2027-11-09T09:00:00.000Z'],
    ]);
  });

  it('published at once with a meeting already over: 422 in_the_past and nothing written, unless evenIfPast', () => {
    const now = new Date('2027-03-01T12:00:00Z');
    const count = () => t.db.select().from(events).all().length + t.db.select().from(series).all().length;
    const before = count();
    const err = caught(() => createSeries(t.db, lead, seriesInput({ publish: true, firstDate: '2027-01-01' }), now));
    expect([err.kind, err.code, err.details]).toEqual([
      'rule',
      'in_the_past',
      [expect.objectContaining({ field: 'firstDate', code: 'in_the_past' })],
    ]);
    expect(count()).toBe(before);
    // As drafts the same series is taken (past dates are warned about when publishing), and so it is when meant.
    expect(createSeries(t.db, lead, seriesInput({ firstDate: '2027-01-01' }), now).eventIds).toHaveLength(6);
    const meant = createSeries(t.db, lead, seriesInput({ publish: true, evenIfPast: true, firstDate: '2027-01-01' }), now);
    expect(rows(meant.eventIds).map((e) => e.status)).toEqual(Array(6).fill('published'));
  });

  it('publishes every occurrence when asked', () => {
    const res = createSeries(t.db, lead, seriesInput({ publish: true, rrule: 'FREQ=WEEKLY;COUNT=2' }));
    expect(rows(res.eventIds).map((e) => e.status)).toEqual(['published', 'published']);
    expect(getSeries(t.db, null, res.seriesId).occurrences).toHaveLength(2);
  });

  it('refuses the whole series when one occurrence falls in the skipped hour, writing nothing', () => {
    const before = snapshot(t.db);
    const err = caught(() =>
      createSeries(
        t.db,
        lead,
        seriesInput({ rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', firstDate: '2027-03-21', startTime: '02:30', endTime: '04:00' }),
      ),
    );
    expect(err.kind).toBe('invalid');
    expect(err.details).toContainEqual({ field: 'start', code: 'nonexistent_local_time', message: expect.stringMatching(/skipped/) });
    expect(snapshot(t.db)).toBe(before);
  });

  it.each<[string, Partial<SeriesInput>, string]>([
    ['end before start', { startTime: '12:00', endTime: '10:00' }, 'invalid_event'],
    ['bad time', { startTime: '9:00' }, 'invalid_time'],
    ['time 24:00', { endTime: '24:00' }, 'invalid_time'],
    ['unknown theme', { themes: ['gardening'] }, 'invalid_event'],
    ['unknown county', { county: 'atlantis' }, 'invalid_event'],
    ['unknown zone', { timeZone: 'Mars/Base' }, 'invalid_time_zone'],
    ['unknown cluster', { leadCluster: 'no-such-cluster' }, 'unknown_cluster'],
    ['unbounded rule', { rrule: 'FREQ=WEEKLY' }, 'unbounded_rrule'],
    ['too many', { rrule: 'FREQ=DAILY;COUNT=61' }, 'too_many_occurrences'],
  ])('refuses %s and writes nothing', (_what, over, code) => {
    const before = snapshot(t.db);
    expect(caught(() => createSeries(t.db, lead, seriesInput(over))).code).toBe(code);
    expect(snapshot(t.db)).toBe(before);
  });

  it('only a coordinator of the lead cluster or an admin creates a series', () => {
    const before = snapshot(t.db);
    expect(caught(() => createSeries(t.db, other, seriesInput())).kind).toBe('forbidden');
    expect(caught(() => createSeries(t.db, participant, seriesInput())).kind).toBe('forbidden');
    expect(caught(() => createSeries(t.db, null, seriesInput())).kind).toBe('unauthenticated');
    expect(snapshot(t.db)).toBe(before);
    expect(createSeries(t.db, admin, seriesInput()).eventIds).toHaveLength(6);
  });

  it('reports clashes with other published events, never with its own meetings', () => {
    const clash = createEvent(t.db, other, {
      leadCluster: 'agro-vast',
      title: 'Krock',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2027-02-09T11:00',
      end: '2027-02-09T13:00',
      venueName: 'X',
    }).event.id;
    publishEvent(t.db, other, clash);
    const res = createSeries(t.db, lead, seriesInput({ publish: true }));
    expect(res.clashes.map((c) => c.id)).toEqual([clash]);
    const again = createSeries(
      t.db,
      lead,
      seriesInput({ publish: true, rrule: 'FREQ=MONTHLY;BYDAY=+2TU;COUNT=1', firstDate: '2027-03-01' }),
    );
    expect(again.clashes.map((c) => c.id)).toEqual([res.eventIds[2]]);
  });
});

describe('getSeries', () => {
  it('shows drafts only to those who may see them, and 404 when nothing is visible', () => {
    const res = createSeries(t.db, lead, seriesInput({ rrule: 'FREQ=WEEKLY;COUNT=3' }));
    expect(getSeries(t.db, lead, res.seriesId).occurrences).toHaveLength(3);
    expect(getSeries(t.db, admin, res.seriesId).occurrences).toHaveLength(3);
    for (const a of [null, participant, other]) expect(caught(() => getSeries(t.db, a, res.seriesId)).code).toBe('unknown_series');
    publishEvent(t.db, lead, res.eventIds[1]!);
    expect(getSeries(t.db, null, res.seriesId).occurrences.map((o) => [o.id, o.status])).toEqual([[res.eventIds[1], 'published']]);
    expect(caught(() => getSeries(t.db, admin, 999)).kind).toBe('not_found');
  });
});

describe('editing a series', () => {
  it('editing one occurrence changes only that one', () => {
    const res = createSeries(t.db, lead, seriesInput());
    updateEvent(t.db, lead, res.eventIds[2]!, { start: '2027-03-09T13:00', end: '2027-03-09T15:00', venueName: 'Ladan' });
    const evs = rows(res.eventIds);
    expect(evs.map((e) => e.start.slice(11))).toEqual(['10:00', '10:00', '13:00', '10:00', '10:00', '10:00']);
    expect(evs.map((e) => e.venueName)).toEqual(['Grönt hus', 'Grönt hus', 'Ladan', 'Grönt hus', 'Grönt hus', 'Grönt hus']);
    expect(evs.map((e) => e.revision)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('this and following: new times on each own date, earlier ones untouched, across summer time', () => {
    const res = createSeries(t.db, lead, seriesInput());
    const from = res.eventIds[2]!; // 9 March, winter; the later ones are in summer time
    const out = updateSeriesFrom(t.db, lead, res.seriesId, from, { startTime: '13:00', endTime: '15:30', venueName: 'Ladan' });
    expect(out.eventIds).toEqual(res.eventIds.slice(2));
    const evs = rows(res.eventIds);
    expect(evs.map((e) => e.start)).toEqual([
      '2027-01-12T10:00',
      '2027-02-09T10:00',
      '2027-03-09T13:00',
      '2027-04-13T13:00',
      '2027-05-11T13:00',
      '2027-06-08T13:00',
    ]);
    expect(evs.map((e) => e.end.slice(11))).toEqual(['12:00', '12:00', '15:30', '15:30', '15:30', '15:30']);
    expect(evs.slice(2).map((e) => e.startsAt)).toEqual([
      '2027-03-09T12:00:00.000Z',
      '2027-04-13T11:00:00.000Z',
      '2027-05-11T11:00:00.000Z',
      '2027-06-08T11:00:00.000Z',
    ]);
    expect(evs.map((e) => e.venueName)).toEqual(['Grönt hus', 'Grönt hus', 'Ladan', 'Ladan', 'Ladan', 'Ladan']);
    expect(evs.map((e) => e.revision)).toEqual([0, 0, 1, 1, 1, 1]);
    const log = eventAuditLog(t.db, lead, from);
    expect(log.at(-1)).toMatchObject({ action: 'series_updated', user: 'Lena Lead' });
    expect(Object.keys(log.at(-1)!.changes).sort()).toEqual(['endsAt', 'startsAt', 'venueName']);
  });

  it('a title change for this and following keeps the revisions', () => {
    const res = createSeries(t.db, lead, seriesInput({ rrule: 'FREQ=WEEKLY;COUNT=3' }));
    updateSeriesFrom(t.db, lead, res.seriesId, res.eventIds[1]!, { title: 'Ny träff' });
    expect(rows(res.eventIds).map((e) => [e.title, e.revision])).toEqual([
      ['Nätverksträff', 0],
      ['Ny träff', 0],
      ['Ny träff', 0],
    ]);
  });

  it('skips cancelled occurrences and those the actor may not manage', () => {
    const res = createSeries(t.db, lead, seriesInput({ rrule: 'FREQ=WEEKLY;COUNT=4', publish: true }));
    cancelEvent(t.db, lead, res.eventIds[2]!, 'Helgdag');
    // Froda co-hosts only the second meeting.
    inviteCohost(t.db, lead, res.eventIds[1]!, 'froda');
    answerCohostInvitation(t.db, cohost, res.eventIds[1]!, 'froda', true);
    expect(updateSeriesFrom(t.db, lead, res.seriesId, res.eventIds[0]!, { venueName: 'Ny sal' }).eventIds).toEqual([
      res.eventIds[0],
      res.eventIds[1],
      res.eventIds[3],
    ]);
    expect(getEvent(t.db, admin, res.eventIds[2]!).venueName).toBe('Grönt hus');
    expect(updateSeriesFrom(t.db, cohost, res.seriesId, res.eventIds[1]!, { venueName: 'Frodas sal' }).eventIds).toEqual([res.eventIds[1]]);
    expect(rows(res.eventIds).map((e) => e.venueName)).toEqual(['Ny sal', 'Frodas sal', 'Grönt hus', 'Ny sal']);
  });

  it('refuses bad edits as a whole: nothing changes', () => {
    const res = createSeries(t.db, lead, seriesInput());
    const before = snapshot(t.db);
    expect(caught(() => updateSeriesFrom(t.db, lead, res.seriesId, res.eventIds[1]!, { startTime: '13:00' })).details).toContainEqual({
      field: 'end',
      code: 'end_before_start',
      message: 'the end is not after the start',
    });
    expect(caught(() => updateSeriesFrom(t.db, lead, res.seriesId, res.eventIds[1]!, { startTime: '25:00' })).code).toBe('invalid_time');
    expect(caught(() => updateSeriesFrom(t.db, lead, res.seriesId, res.eventIds[1]!, { themes: ['gardening'] })).message).toContain(
      '"gardening"',
    );
    expect(caught(() => updateSeriesFrom(t.db, other, res.seriesId, res.eventIds[1]!, { title: 'x' })).kind).toBe('forbidden');
    expect(caught(() => updateSeriesFrom(t.db, null, res.seriesId, res.eventIds[1]!, { title: 'x' })).kind).toBe('unauthenticated');
    expect(caught(() => updateSeriesFrom(t.db, lead, res.seriesId + 1, res.eventIds[1]!, { title: 'x' })).code).toBe('not_in_series');
    expect(caught(() => updateSeriesFrom(t.db, lead, res.seriesId, 9999, { title: 'x' })).code).toBe('unknown_event');
    const single = createEvent(t.db, lead, {
      leadCluster: LEAD,
      title: 'Ensam',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2027-01-01T10:00',
      end: '2027-01-01T11:00',
    }).event.id;
    const afterSingle = snapshot(t.db);
    expect(caught(() => updateSeriesFrom(t.db, lead, res.seriesId, single, { title: 'x' })).code).toBe('not_in_series');
    expect(snapshot(t.db)).toBe(afterSingle);
    expect(afterSingle).not.toBe(before);
    expect(
      t.db
        .select()
        .from(events)
        .where(eq(events.seriesId, res.seriesId))
        .all()
        .map((e) => e.title),
    ).toEqual(Array(6).fill('Nätverksträff'));
  });
});

// ---- Domain events raised by series ----

describe('domain events of series', () => {
  const at = new Date('2027-01-02T09:00:00Z');

  it('event.created once per occurrence, with the series and its status; nothing when the series is refused', () => {
    const log = recordEvents('event.created');
    expect(outcome(() => createSeries(t.db, other, seriesInput(), at))).toBe('forbidden');
    expect(outcome(() => createSeries(t.db, lead, seriesInput({ rrule: 'FREQ=WEEKLY' }), at))).toBe('invalid');
    expect(log).toEqual([]);
    // Starting after `at`: a series published at once must not have meetings already over.
    const res = createSeries(t.db, lead, seriesInput({ publish: true, rrule: 'FREQ=WEEKLY;COUNT=2', firstDate: '2027-01-05' }), at);
    const leadId = clusterId(t.db, LEAD);
    expect(log).toEqual(
      res.eventIds.map((eventId) => ({
        name: 'event.created',
        payload: {
          actorId: lead.userId,
          clusterIds: [leadId],
          now: at,
          eventId,
          leadClusterId: leadId,
          status: 'published',
          seriesId: res.seriesId,
        },
      })),
    );
  });

  it('this and following: event.updated (series_updated) for each changed occurrence, event.moved for the published ones', () => {
    const res = createSeries(t.db, lead, seriesInput({ rrule: 'FREQ=WEEKLY;COUNT=3' }), at);
    publishEvent(t.db, lead, res.eventIds[2]!, at);
    const log = recordEvents('event.updated', 'event.moved');
    expect(outcome(() => updateSeriesFrom(t.db, other, res.seriesId, res.eventIds[1]!, { venueName: 'Ladan' }, at))).toBe('forbidden');
    expect(outcome(() => updateSeriesFrom(t.db, lead, res.seriesId, res.eventIds[1]!, { startTime: '25:00' }, at))).toBe('invalid');
    expect(log).toEqual([]);
    updateSeriesFrom(t.db, lead, res.seriesId, res.eventIds[1]!, { venueName: 'Ladan' }, at);
    expect(log.map((e) => [e.name, e.payload.eventId])).toEqual([
      ['event.updated', res.eventIds[1]],
      ['event.updated', res.eventIds[2]],
      ['event.moved', res.eventIds[2]],
    ]);
    for (const e of log) {
      if (e.name === 'event.updated') {
        expect(e.payload).toMatchObject({ actorId: lead.userId, action: 'series_updated', changes: { venueName: ['Grönt hus', 'Ladan'] } });
      } else expect(e.payload.fields).toEqual(['venueName']);
    }
  });
});
