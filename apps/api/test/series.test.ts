import { eventAudit, eventOrganisers, events, eventThemes, series } from '@samverka/db';
import { asc } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const LEAD = 'agro-orebro';
type Who = 'admin' | 'lead' | 'other' | 'participant' | 'anonymous';

let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  t = await makeTestApp();
  tokens.admin = (await t.login('admin')).token;
  tokens.lead = (await t.login('coordinator', { clusters: [LEAD] })).token;
  tokens.other = (await t.login('coordinator', { clusters: ['agro-vast'] })).token;
  tokens.participant = (await t.login('participant')).token;
});
afterAll(() => t.close());

const call = (method: InjectOptions['method'], url: string, who: Who = 'anonymous', payload?: unknown) =>
  t.inject({
    method,
    url,
    headers: who === 'anonymous' ? {} : bearer(tokens[who]!),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

function snapshot() {
  return JSON.stringify([
    t.db.select().from(series).orderBy(asc(series.id)).all(),
    t.db.select().from(events).orderBy(asc(events.id)).all(),
    t.db.select().from(eventOrganisers).all(),
    t.db.select().from(eventThemes).all(),
    t.db.select().from(eventAudit).orderBy(asc(eventAudit.id)).all(),
  ]);
}

const body = (over: Record<string, unknown> = {}) => ({
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

async function createSeries(over: Record<string, unknown> = {}, who: Who = 'lead') {
  const res = await call('POST', '/api/series', who, body(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { seriesId: number; eventIds: number[]; clashes: { id: number }[] };
}

async function eventsOf(ids: number[]) {
  const out = [];
  for (const id of ids) out.push((await call('GET', `/api/events/${id}`, 'admin')).json());
  return out as {
    id: number;
    start: string;
    end: string;
    startsAt: string;
    endsAt: string;
    venueName: string;
    revision: number;
    title: string;
    status: string;
    seriesId: number;
  }[];
}

describe('POST /api/series', () => {
  it('creates one draft per occurrence, at 10:00 local in winter (09:00Z) and summer (08:00Z)', async () => {
    const res = await createSeries();
    expect(res.eventIds).toHaveLength(6);
    expect(res.clashes).toEqual([]);
    const evs = await eventsOf(res.eventIds);
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
    for (const e of evs) expect(e).toMatchObject({ seriesId: res.seriesId, status: 'draft', end: `${e.start.slice(0, 10)}T12:00` });
  });

  it('publishes the occurrences when asked, and reports clashes with other events only', async () => {
    const other = await call('POST', '/api/events', 'other', {
      leadCluster: 'agro-vast',
      title: 'Krock',
      kind: 'workshop',
      themes: ['krisberedskap'],
      venueName: 'X',
      start: '2030-02-12T11:00',
      end: '2030-02-12T13:00',
    });
    await call('POST', `/api/events/${other.json().event.id}/publish`, 'other');
    const res = await createSeries({ publish: true, rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=4', firstDate: '2030-02-01' });
    expect(res.clashes.map((c) => c.id)).toEqual([other.json().event.id]);
    expect((await eventsOf(res.eventIds)).map((e) => e.status)).toEqual(['published', 'published', 'published', 'published']);
  });

  it('published at once with meetings already over: 422 in_the_past, nothing written; evenIfPast publishes them', async () => {
    const before = snapshot();
    const past = { publish: true, rrule: 'FREQ=WEEKLY;COUNT=2', firstDate: '2020-03-03' };
    const err = expectError(await call('POST', '/api/series', 'lead', body(past)), 422, 'in_the_past');
    expect(err.details).toEqual([expect.objectContaining({ field: 'firstDate', code: 'in_the_past' })]);
    expect(snapshot()).toBe(before);
    const meant = await createSeries({ ...past, evenIfPast: true });
    expect((await eventsOf(meant.eventIds)).map((e) => e.status)).toEqual(['published', 'published']);
  });

  it.each<[Who, number]>([
    ['admin', 201],
    ['lead', 201],
    ['other', 403],
    ['participant', 403],
    ['anonymous', 401],
  ])('%s → %i', async (who, status) => {
    const before = snapshot();
    const res = await call('POST', '/api/series', who, body({ rrule: 'FREQ=WEEKLY;COUNT=2' }));
    if (status === 201) expect(res.statusCode).toBe(201);
    else {
      expectError(res, status);
      expect(snapshot()).toBe(before);
    }
  });

  it.each<[string, Record<string, unknown>, string, string | null]>([
    ['a rule without COUNT or UNTIL', { rrule: 'FREQ=WEEKLY;BYDAY=TU' }, 'unbounded_rrule', null],
    ['more than 60 occurrences', { rrule: 'FREQ=DAILY;COUNT=61' }, 'too_many_occurrences', null],
    ['a sub-daily rule', { rrule: 'FREQ=HOURLY;COUNT=3' }, 'rrule_same_day', null],
    ['a DTSTART inside the rule', { rrule: 'FREQ=WEEKLY;COUNT=3;DTSTART=20200101T000000Z' }, 'invalid_rrule', 'DTSTART'],
    ['an unknown frequency', { rrule: 'FREQ=SOMETIMES;COUNT=3' }, 'invalid_rrule', null],
    ['text that is not a rule', { rrule: 'every second tuesday' }, 'invalid_rrule', null],
    ['a rule without dates', { rrule: 'FREQ=WEEKLY;UNTIL=20200101' }, 'empty_rrule', null],
    [
      'an occurrence in the skipped hour',
      { rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', firstDate: '2027-03-21', startTime: '02:30', endTime: '04:00' },
      'invalid_event',
      'skipped',
    ],
    ['an end before the start', { startTime: '12:00', endTime: '10:00' }, 'invalid_event', 'end the end is not after the start'],
    ['an unknown theme', { themes: ['gardening'] }, 'invalid_event', 'unknown theme "gardening"'],
    ['an unknown county', { county: 'atlantis' }, 'invalid_event', 'unknown county "atlantis"'],
    ['an unknown lead cluster', { leadCluster: 'no-such-cluster' }, 'unknown_cluster', '"no-such-cluster"'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'invalid_time_zone', 'Mars/Olympus_Mons'],
    ['an impossible first date', { firstDate: '2027-02-30' }, 'invalid_date', null],
    ['a time without a leading zero', { startTime: '9:00' }, 'invalid_request', null],
    ['a time of 24:00', { endTime: '24:00' }, 'invalid_request', null],
    ['a first date with a time', { firstDate: '2027-01-01T10:00' }, 'invalid_request', null],
    ['a start field (series take times of day)', { start: '2027-01-12T10:00' }, 'invalid_request', 'start'],
    ['an unknown field', { every: 'tuesday' }, 'invalid_request', 'every'],
    ['publish as a string', { publish: 'yes' }, 'invalid_request', null],
    ['a rule as a number', { rrule: 5 }, 'invalid_request', null],
    ['a rule too short', { rrule: 'FREQ' }, 'invalid_request', null],
    ['a rule too long', { rrule: `FREQ=WEEKLY;COUNT=3;BYDAY=${'MO,'.repeat(100)}TU` }, 'invalid_request', null],
    ['no rule', { rrule: undefined }, 'invalid_request', null],
  ])('400 for %s, writing nothing', async (_what, over, code, inMessage) => {
    const before = snapshot();
    const err = expectError(await call('POST', '/api/series', 'lead', body(over)), 400, code);
    if (inMessage) expect(`${err.message} ${JSON.stringify(err.details ?? [])}`).toContain(inMessage);
    expect(snapshot()).toBe(before);
  });
});

describe('GET /api/series/:id', () => {
  it('shows the rule and occurrences; drafts only to those who may see them', async () => {
    const res = await createSeries({ rrule: 'FREQ=WEEKLY;COUNT=3', firstDate: '2031-01-01' });
    const lead = await call('GET', `/api/series/${res.seriesId}`, 'lead');
    expect(lead.statusCode).toBe(200);
    expect(lead.json()).toEqual({
      id: res.seriesId,
      title: 'Nätverksträff',
      rrule: 'FREQ=WEEKLY;COUNT=3',
      timeZone: 'Europe/Stockholm',
      occurrences: res.eventIds.map((id, i) => ({
        id,
        startsAt: `2031-01-${String(1 + 7 * i).padStart(2, '0')}T09:00:00.000Z`,
        status: 'draft',
      })),
    });
    for (const who of ['anonymous', 'participant', 'other'] as const)
      expectError(await call('GET', `/api/series/${res.seriesId}`, who), 404, 'unknown_series');
    await call('POST', `/api/events/${res.eventIds[0]}/publish`, 'lead');
    expect((await call('GET', `/api/series/${res.seriesId}`)).json().occurrences.map((o: { id: number }) => o.id)).toEqual([
      res.eventIds[0],
    ]);
  });

  it.each(['0', '-1', 'abc', '1.5', '2147483649', '99999999999999999999'])('400 for the id %s', async (id) => {
    expectError(await call('GET', `/api/series/${id}`), 400, 'invalid_request');
  });

  it('404 for an id that does not exist', async () => {
    expectError(await call('GET', '/api/series/2147483648', 'admin'), 404, 'unknown_series');
  });
});

describe('editing occurrences', () => {
  it('PATCH on one occurrence changes that one only', async () => {
    const res = await createSeries();
    const patched = await call('PATCH', `/api/events/${res.eventIds[2]}`, 'lead', { start: '2027-03-09T13:00', end: '2027-03-09T15:00' });
    expect(patched.statusCode).toBe(200);
    const evs = await eventsOf(res.eventIds);
    expect(evs.map((e) => e.start.slice(11))).toEqual(['10:00', '10:00', '13:00', '10:00', '10:00', '10:00']);
    expect(evs.map((e) => e.revision)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('PATCH /api/series/:id/from/:eventId changes this and the following, on their own dates, across summer time', async () => {
    const res = await createSeries();
    const out = await call('PATCH', `/api/series/${res.seriesId}/from/${res.eventIds[2]}`, 'lead', {
      startTime: '13:00',
      endTime: '15:30',
      venueName: 'Ladan',
    });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toEqual({ eventIds: res.eventIds.slice(2) });
    const evs = await eventsOf(res.eventIds);
    expect(evs.map((e) => [e.start, e.end.slice(11), e.venueName])).toEqual([
      ['2027-01-12T10:00', '12:00', 'Grönt hus'],
      ['2027-02-09T10:00', '12:00', 'Grönt hus'],
      ['2027-03-09T13:00', '15:30', 'Ladan'],
      ['2027-04-13T13:00', '15:30', 'Ladan'],
      ['2027-05-11T13:00', '15:30', 'Ladan'],
      ['2027-06-08T13:00', '15:30', 'Ladan'],
    ]);
    expect(evs.slice(2).map((e) => e.startsAt)).toEqual([
      '2027-03-09T12:00:00.000Z',
      '2027-04-13T11:00:00.000Z',
      '2027-05-11T11:00:00.000Z',
      '2027-06-08T11:00:00.000Z',
    ]);
    expect(evs.map((e) => e.revision)).toEqual([0, 0, 1, 1, 1, 1]);
    const audit = (await call('GET', `/api/events/${res.eventIds[4]}/audit`, 'lead')).json();
    expect(audit.at(-1)).toMatchObject({ action: 'series_updated', changes: { venueName: ['Grönt hus', 'Ladan'] } });
  });

  it('a title change for this and following keeps the revision', async () => {
    const res = await createSeries({ rrule: 'FREQ=WEEKLY;COUNT=3' });
    await call('PATCH', `/api/series/${res.seriesId}/from/${res.eventIds[1]}`, 'lead', { title: 'Ny träff' });
    expect((await eventsOf(res.eventIds)).map((e) => [e.title, e.revision])).toEqual([
      ['Nätverksträff', 0],
      ['Ny träff', 0],
      ['Ny träff', 0],
    ]);
  });

  it.each<[string, Who, Record<string, unknown>, number, string | undefined]>([
    ['an end before the start', 'lead', { startTime: '13:00' }, 400, 'invalid_event'],
    ['an unknown theme', 'lead', { themes: ['gardening'] }, 400, 'invalid_event'],
    ['a bad time', 'lead', { startTime: '25:00' }, 400, 'invalid_request'],
    ['a time as a number', 'lead', { startTime: 1300 }, 400, 'invalid_request'],
    ['an rrule (the rule is not edited here)', 'lead', { rrule: 'FREQ=WEEKLY;COUNT=2' }, 400, 'invalid_request'],
    ['a wall-clock start', 'lead', { start: '2027-04-13T13:00' }, 400, 'invalid_request'],
    ['an unknown field', 'lead', { colour: 'green' }, 400, 'invalid_request'],
    ['another cluster', 'other', { title: 'x' }, 403, 'forbidden'],
    ['a participant', 'participant', { title: 'x' }, 403, 'forbidden'],
    ['anonymous', 'anonymous', { title: 'x' }, 401, undefined],
  ])('refuses %s and changes nothing', async (_what, who, patch, status, code) => {
    const res = await createSeries({ rrule: 'FREQ=WEEKLY;COUNT=3' });
    const before = snapshot();
    expectError(await call('PATCH', `/api/series/${res.seriesId}/from/${res.eventIds[1]}`, who, patch), status, code);
    expect(snapshot()).toBe(before);
  });

  it('404 for an event outside the series, 400 for ids out of range', async () => {
    const a = await createSeries({ rrule: 'FREQ=WEEKLY;COUNT=2' });
    const b = await createSeries({ rrule: 'FREQ=WEEKLY;COUNT=2' });
    const before = snapshot();
    expectError(await call('PATCH', `/api/series/${a.seriesId}/from/${b.eventIds[0]}`, 'lead', { title: 'x' }), 404, 'not_in_series');
    expectError(await call('PATCH', `/api/series/${a.seriesId}/from/2147483648`, 'lead', { title: 'x' }), 404, 'unknown_event');
    for (const [s, e] of [
      ['0', '1'],
      [String(a.seriesId), '0'],
      ['abc', '1'],
      [String(a.seriesId), '2147483649'],
      [String(a.seriesId), '-5'],
    ]) {
      expectError(await call('PATCH', `/api/series/${s}/from/${e}`, 'lead', { title: 'x' }), 400, 'invalid_request');
    }
    expect(snapshot()).toBe(before);
  });
});
