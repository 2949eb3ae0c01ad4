import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput } from '../../../tests/support/fixtures.ts';
import { bearer, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let agro: string;
let froda: string;
beforeAll(async () => {
  t = await makeTestApp();
  agro = (await t.login('coordinator', { clusters: ['agro-orebro'] })).token;
  froda = (await t.login('coordinator', { clusters: ['froda'] })).token;
});
afterAll(() => t.close());

/** A date so many days from today in Stockholm, "YYYY-MM-DD". */
function day(offset: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offset * 86_400_000),
  );
}

async function send(method: 'GET' | 'POST', url: string, token?: string, payload?: object) {
  return t.inject({ method, url, headers: token ? bearer(token) : {}, payload });
}

describe('GET /api/start', () => {
  it('gives visitors the next events and deadlines and no queue; a coordinator also what waits for them', async () => {
    const created = await send(
      'POST',
      '/api/events',
      froda,
      eventInput({ leadCluster: 'froda', title: 'Fältdag', start: `${day(5)}T09:00`, end: `${day(5)}T12:00` }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { event: { id: number } }).event.id;
    expect((await send('POST', `/api/events/${id}/publish`, froda)).statusCode).toBe(200);
    expect((await send('POST', `/api/events/${id}/organisers`, froda, { cluster: 'agro-orebro' })).statusCode).toBe(200);
    const item = {
      title: 'Utlysning',
      summary: 'Pengar.',
      source: 'Vinnova',
      themes: ['kapitalforsorjning'],
      cluster: 'froda',
      deadline: day(7),
    };
    expect((await send('POST', '/api/horizon', froda, item)).statusCode).toBe(201);

    const anonymous = await send('GET', '/api/start');
    expect(anonymous.statusCode).toBe(200);
    const body = anonymous.json() as {
      upcoming: { title: string }[];
      closingSoon: { title: string; comments: unknown[] }[];
      latestNewsletter: unknown;
      waiting: unknown;
    };
    expect(body.upcoming.map((e) => e.title)).toEqual(['Fältdag']);
    expect(body.closingSoon.map((i) => i.title)).toEqual(['Utlysning']);
    expect(body.latestNewsletter).toBeNull();
    expect(body.waiting).toBeNull();

    const mine = (await send('GET', '/api/start', agro)).json() as {
      waiting: { invitations: { event: { id: number } }[]; polls: unknown[]; proposals: unknown[] };
    };
    expect(mine.waiting.invitations.map((i) => i.event.id)).toEqual([id]);
    expect(mine.waiting.polls).toEqual([]);
    expect(mine.waiting.proposals).toEqual([]);
    expect(((await send('GET', '/api/start', froda)).json() as { waiting: { invitations: unknown[] } }).waiting.invitations).toEqual([]);
  });
});
