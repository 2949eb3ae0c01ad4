import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../../../tests/support/fixtures.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await makeTestApp();
  token = (await t.login('coordinator', { clusters: ['agro-orebro'] })).token;
});
afterAll(() => t.close());

/** A date so many days from today in Stockholm, "YYYY-MM-DD". */
function day(offset: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offset * 86_400_000),
  );
}

const post = (url: string, payload: unknown) => t.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });

describe('past dates through the API', () => {
  it('POST /api/polls: a past time and a past closing time are 400 invalid_poll, each field saying "is in the past"', async () => {
    const err = expectError(
      await post('/api/polls', {
        organiserCluster: 'agro-orebro',
        title: 'Planeringsmöte',
        durationMinutes: 60,
        invitedClusters: ['froda'],
        slots: [`${day(30)}T10:00`, `${day(-1)}T10:00`],
        closes: `${day(-2)}T10:00`,
      }),
      400,
      'invalid_poll',
    );
    expect(err.details).toEqual([
      { field: 'slots/1', code: 'in_the_past', message: 'is in the past' },
      { field: 'closes', code: 'in_the_past', message: 'is in the past' },
    ]);
  });

  it('POST /api/proposals: a period from yesterday is 400 invalid_proposal on preferredFrom; from today is taken', async () => {
    const proposal = {
      cluster: 'agro-orebro',
      title: 'Workshop om vatten',
      abstract: 'Hur gårdar sparar vatten.',
      themes: ['krisberedskap'],
      format: 'Halvdag',
      audience: 'Lantbrukare',
      preferredTo: day(60),
    };
    const err = expectError(await post('/api/proposals', { ...proposal, preferredFrom: day(-1) }), 400, 'invalid_proposal');
    expect(err.details).toEqual([{ field: 'preferredFrom', code: 'in_the_past', message: 'is in the past' }]);
    expect((await post('/api/proposals', { ...proposal, preferredFrom: day(0) })).statusCode).toBe(201);
  });

  it('POST /api/horizon: a deadline yesterday is 400 invalid_item on deadline; today is taken', async () => {
    const item = {
      title: 'Utlysning',
      summary: 'Pengar att söka.',
      source: 'Vinnova',
      themes: ['kapitalforsorjning'],
      cluster: 'agro-orebro',
    };
    const err = expectError(await post('/api/horizon', { ...item, deadline: day(-1) }), 400, 'invalid_item');
    expect(err.details).toEqual([{ field: 'deadline', code: 'in_the_past', message: 'is in the past' }]);
    expect((await post('/api/horizon', { ...item, deadline: day(0) })).statusCode).toBe(201);
  });

  it('POST /api/events/:id/publish: an event that is over is 422 in_the_past until evenIfPast=true', async () => {
    const created = await post('/api/events', eventInput({ start: `${day(-3)}T09:00`, end: `${day(-3)}T12:00` }));
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { event: { id: number } }).event.id;
    const err = expectError(await post(`/api/events/${id}/publish`, undefined), 422, 'in_the_past');
    expect(err.details).toEqual([{ field: 'end', code: 'in_the_past', message: 'is in the past' }]);
    expectError(await post(`/api/events/${id}/publish?evenIfPast=maybe`, undefined), 400, 'invalid_request');
    const res = await post(`/api/events/${id}/publish?evenIfPast=true`, undefined);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, status: 'published' });
  });
});
