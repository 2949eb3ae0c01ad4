import { horizonComments, horizonItems, horizonItemThemes, horizonRelevance } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWithIcalJs } from '../../../tests/support/ics-readers.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const OWN = 'agro-orebro';
const OTHER = 'gront-center';

type Who = 'admin' | 'own' | 'colleague' | 'other' | 'participant' | 'anonymous';

let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};

beforeAll(async () => {
  t = await makeTestApp({ PUBLIC_URL: 'https://samverka.test' });
  const made: [Who, 'admin' | 'coordinator' | 'participant', string[]?][] = [
    ['admin', 'admin'],
    ['own', 'coordinator', [OWN]],
    ['colleague', 'coordinator', [OWN]],
    ['other', 'coordinator', [OTHER]],
    ['participant', 'participant'],
  ];
  for (const [who, role, clusters] of made) tokens[who] = (await t.login(role, { clusters })).token;
});
afterAll(() => t.close());

const call = (method: InjectOptions['method'], url: string, who: Who = 'anonymous', payload?: unknown) =>
  t.inject({
    method,
    url,
    headers: who === 'anonymous' ? {} : bearer(tokens[who]!),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** The UTC date `days` from today, as the board and the feeds count days. */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const snapshot = () =>
  JSON.stringify([
    t.db.select().from(horizonItems).orderBy(asc(horizonItems.id)).all(),
    t.db.select().from(horizonItemThemes).all(),
    t.db.select().from(horizonComments).all(),
    t.db.select().from(horizonRelevance).all(),
  ]);

interface ItemJson {
  id: number;
  uid: string;
  title: string;
  url: string | null;
  deadline: string | null;
  themes: string[];
  cluster: { slug: string } | null;
  relevantFor: { slug: string }[];
  comments: { author: string | null; cluster: string | null; body: string }[];
  canEdit: boolean;
}

let k = 0;
const body = (over: Record<string, unknown> = {}) => ({
  title: `Utlysning ${++k}: stöd till beredskapsprojekt`,
  url: 'https://www.vinnova.se/utlysning?id=7&lang=sv',
  summary: 'Projekt som stärker livsmedelsberedskapen kan söka stöd.',
  source: 'Vinnova',
  themes: ['krisberedskap'],
  deadline: day(20),
  cluster: OWN,
  ...over,
});

async function post(who: Who = 'own', over: Record<string, unknown> = {}): Promise<ItemJson> {
  const res = await call('POST', '/api/horizon', who, body(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as ItemJson;
}

describe('POST /api/horizon', () => {
  it.each<[string, Who, Record<string, unknown>, number, string?]>([
    ['admin for the secretariat', 'admin', { cluster: undefined }, 201],
    ['admin for a cluster', 'admin', {}, 201],
    ['coordinator for their cluster', 'own', {}, 201],
    ['coordinator for another cluster', 'other', {}, 403, 'forbidden'],
    ['coordinator without a cluster', 'own', { cluster: null }, 400, 'cluster_required'],
    ['participant', 'participant', {}, 403, 'forbidden'],
    ['anonymous', 'anonymous', {}, 401, 'login_required'],
  ])('%s → %i', async (_what, who, over, status, code) => {
    const before = snapshot();
    const payload = body(over);
    if ('cluster' in over && over.cluster === undefined) delete (payload as Record<string, unknown>).cluster;
    const res = await call('POST', '/api/horizon', who, payload);
    if (status === 201) {
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        title: payload.title,
        source: 'Vinnova',
        deadline: payload.deadline,
        themes: ['krisberedskap'],
        canEdit: true,
      });
    } else {
      expectError(res, status, code);
      expect(snapshot()).toBe(before);
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a javascript: link', { url: 'javascript:alert(1)' }, 'invalid_item'],
    ['a data: link', { url: 'data:text/html;base64,PHNjcmlwdD4=' }, 'invalid_item'],
    ['a file: link', { url: 'file:///etc/passwd' }, 'invalid_item'],
    ['a link without scheme', { url: 'www.vinnova.se' }, 'invalid_item'],
    ['a deadline that does not exist', { deadline: '2031-02-29' }, 'invalid_item'],
    ['a deadline with a time', { deadline: '2031-02-01T12:00' }, 'invalid_request'],
    ['no themes', { themes: [] }, 'invalid_request'],
    ['an unknown theme', { themes: ['no-such-theme'] }, 'invalid_item'],
    [
      'seven themes',
      {
        themes: [
          'krisberedskap',
          'regler-och-villkor',
          'kapitalforsorjning',
          'nya-affarsmodeller',
          'metoder-och-arbetssatt',
          'omvarldsbevakning',
          'x',
        ],
      },
      'invalid_request',
    ],
    ['an empty title', { title: '' }, 'invalid_request'],
    ['a blank summary', { summary: '  ' }, 'invalid_item'],
    ['an unknown cluster', { cluster: 'no-such-cluster' }, 'invalid_item'],
    ['an unknown field', { pinned: true }, 'invalid_request'],
  ])('400 for %s; nothing stored', async (_what, over, code) => {
    const before = snapshot();
    const err = expectError(await call('POST', '/api/horizon', 'admin', body(over)), 400, code);
    expect(err.details?.length ?? 0).toBeGreaterThan(0);
    expect(snapshot()).toBe(before);
  });
});

describe('reading, changing, deleting', () => {
  it('an item is public; canEdit tells who may change it', async () => {
    const v = await post();
    for (const [who, canEdit] of [
      ['anonymous', false],
      ['participant', false],
      ['other', false],
      ['own', true],
      ['colleague', true],
      ['admin', true],
    ] as const) {
      const res = await call('GET', `/api/horizon/${v.id}`, who);
      expect(res.statusCode).toBe(200);
      expect((res.json() as ItemJson).canEdit, who).toBe(canEdit);
      expect(res.json().canDelete, who).toBe(canEdit);
    }
    expectError(await call('GET', '/api/horizon/999999'), 404, 'unknown_item');
    expectError(await call('GET', '/api/horizon/x'), 400);
  });

  it.each<[Who, number]>([
    ['admin', 200],
    ['own', 200],
    ['colleague', 200],
    ['other', 403],
    ['participant', 403],
    ['anonymous', 401],
  ])('PUT by %s → %i', async (who, status) => {
    const v = await post();
    const before = snapshot();
    const res = await call('PUT', `/api/horizon/${v.id}`, who, body({ title: 'Ändrad titel', deadline: day(40) }));
    if (status === 200) expect((res.json() as ItemJson).title).toBe('Ändrad titel');
    else {
      expectError(res, status);
      expect(snapshot()).toBe(before);
    }
  });

  it('PUT with bad input is 400 and changes nothing', async () => {
    const v = await post();
    const before = snapshot();
    expectError(await call('PUT', `/api/horizon/${v.id}`, 'own', body({ url: 'javascript:alert(1)' })), 400, 'invalid_item');
    expectError(await call('PUT', `/api/horizon/${v.id}`, 'own', body({ deadline: 'snart' })), 400, 'invalid_request');
    expect(snapshot()).toBe(before);
  });

  it.each<[Who, number]>([
    ['other', 403],
    ['participant', 403],
    ['anonymous', 401],
    ['colleague', 204],
  ])('DELETE by %s → %i', async (who, status) => {
    const v = await post();
    const before = snapshot();
    const res = await call('DELETE', `/api/horizon/${v.id}`, who);
    if (status === 204) {
      expect(res.statusCode).toBe(204);
      expectError(await call('GET', `/api/horizon/${v.id}`), 404);
    } else {
      expectError(res, status);
      expect(snapshot()).toBe(before);
    }
  });
});

describe('comments and relevance', () => {
  it('coordinators and admins comment (201); others are refused; bad bodies are 400', async () => {
    const v = await post();
    let res = await call('POST', `/api/horizon/${v.id}/comments`, 'other', { body: 'Vi är med!' });
    expect(res.statusCode, res.body).toBe(201);
    res = await call('POST', `/api/horizon/${v.id}/comments`, 'admin', { body: 'Bra fångst.' });
    expect((res.json() as ItemJson).comments.map((c) => [c.cluster, c.body])).toEqual([
      ['Grönt Center', 'Vi är med!'],
      [null, 'Bra fångst.'],
    ]);
    const before = snapshot();
    expectError(await call('POST', `/api/horizon/${v.id}/comments`, 'participant', { body: 'Hej' }), 403);
    expectError(await call('POST', `/api/horizon/${v.id}/comments`, 'anonymous', { body: 'Hej' }), 401);
    expectError(await call('POST', `/api/horizon/${v.id}/comments`, 'own', { body: '' }), 400, 'invalid_request');
    expectError(await call('POST', `/api/horizon/${v.id}/comments`, 'own', { body: '   ' }), 400, 'invalid_comment');
    expectError(await call('POST', `/api/horizon/${v.id}/comments`, 'own', { text: 'Hej' }), 400, 'invalid_request');
    expectError(await call('POST', '/api/horizon/999999/comments', 'own', { body: 'Hej' }), 404);
    expect(snapshot()).toBe(before);
  });

  it('"relevant for us" per cluster, on and off; only for one’s own cluster', async () => {
    const v = await post();
    let res = await call('POST', `/api/horizon/${v.id}/relevance`, 'other', { cluster: OTHER, on: true });
    expect(res.statusCode, res.body).toBe(200);
    res = await call('POST', `/api/horizon/${v.id}/relevance`, 'own', { cluster: OWN, on: true });
    expect((res.json() as ItemJson).relevantFor.map((c) => c.slug).sort()).toEqual([OTHER, OWN].sort());
    res = await call('POST', `/api/horizon/${v.id}/relevance`, 'other', { cluster: OTHER, on: false });
    expect((res.json() as ItemJson).relevantFor.map((c) => c.slug)).toEqual([OWN]);
    const before = snapshot();
    expectError(await call('POST', `/api/horizon/${v.id}/relevance`, 'other', { cluster: OWN, on: true }), 403);
    expectError(await call('POST', `/api/horizon/${v.id}/relevance`, 'participant', { cluster: OWN, on: true }), 403);
    expectError(await call('POST', `/api/horizon/${v.id}/relevance`, 'anonymous', { cluster: OWN, on: true }), 401);
    expectError(await call('POST', `/api/horizon/${v.id}/relevance`, 'own', { cluster: OWN, on: 'yes' }), 400, 'invalid_request');
    expectError(
      await call('POST', `/api/horizon/${v.id}/relevance`, 'own', { cluster: 'no-such-cluster', on: true }),
      400,
      'unknown_cluster',
    );
    expect(snapshot()).toBe(before);
  });
});

describe('the board', () => {
  it('lists soonest deadline first; filters by theme and closingWithinDays; 404 for an unknown theme', async () => {
    const later = await post('own', { title: 'Board: later', deadline: day(200), themes: ['nya-affarsmodeller'] });
    const soon = await post('own', { title: 'Board: soon', deadline: day(3), themes: ['nya-affarsmodeller', 'regler-och-villkor'] });
    const undated = await post('own', { title: 'Board: undated', deadline: null, themes: ['nya-affarsmodeller'] });
    // A deadline that has passed since the item was posted (posting one in the past is refused).
    const passed = await post('own', { title: 'Board: passed', deadline: day(3), themes: ['nya-affarsmodeller'] });
    t.db
      .update(horizonItems)
      .set({ deadline: day(-3) })
      .where(eq(horizonItems.id, passed.id))
      .run();
    const res = await call('GET', '/api/horizon?theme=nya-affarsmodeller');
    expect(res.statusCode).toBe(200);
    const ids = (res.json() as ItemJson[]).map((i) => i.id);
    expect(ids.slice(0, 2)).toEqual([soon.id, later.id]);
    expect([...ids.slice(2)].sort()).toEqual([undated.id, passed.id].sort());
    const within = ((await call('GET', '/api/horizon?theme=nya-affarsmodeller&closingWithinDays=10')).json() as ItemJson[]).map(
      (i) => i.id,
    );
    expect(within).toEqual([soon.id]);
    const all = (await call('GET', '/api/horizon?closingWithinDays=3650')).json() as ItemJson[];
    const deadlines = all.map((i) => i.deadline!);
    expect(deadlines).toEqual([...deadlines].sort());
    expect(deadlines.every((d) => d >= day(0))).toBe(true);
    expectError(await call('GET', '/api/horizon?theme=no-such-theme'), 404, 'unknown_theme');
    expectError(await call('GET', '/api/horizon?closingWithinDays=-1'), 400);
    expectError(await call('GET', '/api/horizon?closingWithinDays=soon'), 400);
    expectError(await call('GET', '/api/horizon?sort=asc'), 400);
  });
});

describe('deadlines in the feeds', () => {
  let item: ItemJson;
  const deadline = day(30);
  beforeAll(async () => {
    item = await post('own', { title: 'Feed: Innovationsstöd & beredskap', deadline, themes: ['regler-och-villkor'] });
  });

  const vevent = async (url: string) => {
    const res = await t.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    return readWithIcalJs(res.body).events.find((e) => e.uid === item.uid);
  };

  it('/feeds/all.ics holds it as an all-day DATE entry "Sista dag: …", read back with ical.js', async () => {
    const res = await t.inject({ method: 'GET', url: '/feeds/all.ics' });
    const raw = res.body.replace(/\r\n[ \t]/g, '');
    expect(raw).toContain(`DTSTART;VALUE=DATE:${deadline.replace(/-/g, '')}`);
    const e = await vevent('/feeds/all.ics');
    expect(e).toBeDefined();
    expect(e!.allDay).toBe(true);
    expect(e!.start).toBe(deadline);
    expect(e!.end).toBe(new Date(Date.parse(`${deadline}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
    expect(e!.summary).toBe(`Sista dag: ${item.title}`);
    expect(e!.url).toBe(item.url);
    expect(e!.categories).toEqual(['Regler och villkor']);
    expect((await vevent('/feeds/all.ics?lang=en'))!.summary).toBe(`Deadline: ${item.title}`);
  });

  it('appears in the feeds of its theme and of the posting cluster, not in others', async () => {
    expect(await vevent('/feeds/themes/regler-och-villkor.ics')).toBeDefined();
    expect(await vevent(`/feeds/clusters/${OWN}.ics`)).toBeDefined();
    expect(await vevent('/feeds/themes/kapitalforsorjning.ics')).toBeUndefined();
    expect(await vevent(`/feeds/clusters/${OTHER}.ics`)).toBeUndefined();
  });

  it('/feeds/all.atom has an entry for it', async () => {
    const res = await t.inject({ method: 'GET', url: '/feeds/all.atom' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<title>Sista dag ${deadline}: Feed: Innovationsstöd &amp; beredskap</title>`);
    expect(res.body).toContain(`<id>https://samverka.test/omvarld/${item.id}</id>`);
  });

  it('a changed deadline moves the entry; a deleted item leaves the feed', async () => {
    const moved = day(45);
    expect(
      (await call('PUT', `/api/horizon/${item.id}`, 'own', body({ title: item.title, deadline: moved, themes: ['regler-och-villkor'] })))
        .statusCode,
    ).toBe(200);
    expect((await vevent('/feeds/all.ics'))!.start).toBe(moved);
    expect((await call('DELETE', `/api/horizon/${item.id}`, 'own')).statusCode).toBe(204);
    expect(await vevent('/feeds/all.ics')).toBeUndefined();
  });
});
