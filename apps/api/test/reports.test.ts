import { clusters } from '@samverka/db';
import { eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const ORG = 'agro-orebro';
const COHOST = 'froda';

type Who = 'admin' | 'organiser' | 'cohost' | 'participant' | 'anonymous';

let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};
const Y = new Date().getFullYear() + 2;
const RANGE = `from=${Y}-03-01&to=${Y}-05-01`;

const call = (method: InjectOptions['method'], url: string, who: Who = 'anonymous', payload?: unknown) =>
  t.inject({
    method,
    url,
    headers: who === 'anonymous' ? {} : bearer(tokens[who]!),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

async function event(fields: Record<string, unknown>, publish = true): Promise<number> {
  const res = await call('POST', '/api/events', 'organiser', {
    leadCluster: ORG,
    kind: 'workshop',
    themes: ['krisberedskap'],
    venueName: 'Gården',
    ...fields,
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().event.id as number;
  if (publish) expect((await call('POST', `/api/events/${id}/publish`, 'organiser')).statusCode).toBe(200);
  return id;
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const [who, role, cl] of [
    ['admin', 'admin'],
    ['organiser', 'coordinator', [ORG]],
    ['cohost', 'coordinator', [COHOST]],
    ['participant', 'participant'],
  ] as const) {
    tokens[who] = (await t.login(role, { clusters: cl ? [...cl] : undefined })).token;
  }
  // A co-hosted workshop in March with two registrations (one checked in), an all-day
  // conference on 1 March, a webinar in April, a draft (not counted), and one in May (outside).
  const a = await event({
    title: 'A',
    themes: ['krisberedskap', 'kapitalforsorjning'],
    start: `${Y}-03-10T09:00`,
    end: `${Y}-03-10T12:00`,
    capacity: 10,
  });
  expect((await call('POST', `/api/events/${a}/organisers`, 'organiser', { cluster: COHOST })).statusCode).toBe(200);
  expect((await call('POST', `/api/events/${a}/organisers/${COHOST}/answer`, 'cohost', { accept: true })).statusCode).toBe(200);
  const ids: number[] = [];
  for (const [i, cluster] of [COHOST, null].entries()) {
    const r = await t.inject({
      method: 'POST',
      url: `/api/events/${a}/registrations`,
      payload: {
        name: `Deltagare ${i}`,
        email: `d${i}@example.se`,
        organisation: 'Gården AB',
        consent: true,
        cluster,
        county: 'dalarnas-lan',
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    ids.push(r.json().registration.id as number);
  }
  const checkIn = await call('POST', `/api/events/${a}/registrations/${ids[0]}/check-in`, 'organiser', { checkedIn: true });
  expect(checkIn.statusCode, checkIn.body).toBe(200);
  await event({
    title: 'C',
    kind: 'conference',
    themes: ['omvarldsbevakning'],
    allDay: true,
    startDate: `${Y}-03-01`,
    endDate: `${Y}-03-01`,
  });
  await event({
    title: 'B',
    kind: 'webinar',
    start: `${Y}-04-15T13:00`,
    end: `${Y}-04-15T14:00`,
    venueName: null,
    onlineUrl: 'https://meet.example.se/b',
  });
  await event({ title: 'Draft', start: `${Y}-03-20T09:00`, end: `${Y}-03-20T10:00` }, false);
  await event({ title: 'May', start: `${Y}-05-01T00:30`, end: `${Y}-05-01T01:30` });
});
afterAll(() => t.close());

interface ReportJson {
  events: {
    total: number;
    cancelled: number;
    coHosted: number;
    byKind: { key: string; count: number }[];
    byCluster: { key: string; count: number }[];
  };
  registrations: {
    confirmed: number;
    checkedIn: number;
    byCluster: { key: string; count: number; checkedIn: number }[];
    byCounty: { key: string; count: number; checkedIn: number }[];
  };
  months: { month: string; events: number; participants: number }[];
  [k: string]: unknown;
}

describe('GET /api/reports', () => {
  it('the figures over [from, to), in Swedish days', async () => {
    const res = await call('GET', `/api/reports?${RANGE}`, 'admin');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as ReportJson;
    expect(r.from).toBe(`${Y}-03-01`);
    expect(r.to).toBe(`${Y}-05-01`);
    expect([r.events.total, r.events.cancelled, r.events.coHosted]).toEqual([3, 0, 1]);
    expect(r.events.byKind.map((c) => [c.key, c.count])).toEqual([
      ['conference', 1],
      ['webinar', 1],
      ['workshop', 1],
    ]);
    expect(r.events.byCluster.map((c) => [c.key, c.count])).toEqual([
      [ORG, 3],
      [COHOST, 1],
    ]);
    expect([r.registrations.confirmed, r.registrations.checkedIn]).toEqual([2, 1]);
    expect(r.registrations.byCounty).toEqual([{ key: 'dalarnas-lan', label: 'Dalarnas län', count: 2, checkedIn: 1 }]);
    expect(r.months).toEqual([
      { month: `${Y}-03`, events: 2, participants: 2 },
      { month: `${Y}-04`, events: 1, participants: 0 },
    ]);
  });

  it.each<[Who, number]>([
    ['admin', 200],
    ['organiser', 200],
    ['cohost', 200],
    ['participant', 403],
    ['anonymous', 401],
  ])('%s → %i on every report route', async (who, status) => {
    for (const path of ['/api/reports', '/api/reports/csv', '/api/reports/chart.svg', '/api/reports/page']) {
      const res = await call('GET', `${path}?${RANGE}`, who);
      if (status === 200) expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
      else expectError(res, status);
    }
  });

  it.each<[string, string, string]>([
    ['no query', '', 'invalid_request'],
    ['no to', `from=${Y}-03-01`, 'invalid_request'],
    ['a date with a time', `from=${Y}-03-01T00:00&to=${Y}-04-01`, 'invalid_request'],
    ['a Swedish-style date', `from=1/3/${Y}&to=${Y}-04-01`, 'invalid_request'],
    ['an unknown parameter', `${RANGE}&cluster=${ORG}`, 'invalid_request'],
    ['an unknown language', `${RANGE}&lang=de`, 'invalid_request'],
    ['to before from', `from=${Y}-04-01&to=${Y}-03-01`, 'invalid_range'],
    ['to equal to from', `from=${Y}-04-01&to=${Y}-04-01`, 'invalid_range'],
    ['a date that does not exist', `from=${Y}-02-30&to=${Y}-04-01`, 'invalid_range'],
    ['more than ten years', `from=2020-01-01&to=2031-01-02`, 'invalid_range'],
  ])('400 for %s on every route', async (_what, query, code) => {
    for (const path of ['/api/reports', '/api/reports/csv', '/api/reports/chart.svg', '/api/reports/page']) {
      expectError(await call('GET', `${path}?${query}`, 'admin'), 400, code);
    }
  });
});

describe('GET /api/reports/csv', () => {
  it('a CSV download: BOM, CRLF, header, the figures; formula-like names neutralised', async () => {
    t.db.update(clusters).set({ name: '=HYPERLINK("https://evil.example","x")' }).where(eq(clusters.slug, COHOST)).run();
    try {
      const res = await call('GET', `/api/reports/csv?${RANGE}`, 'organiser');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="samverka-rapport-${Y}-03-01-${Y}-05-01.csv"`);
      expect(res.body.startsWith('\uFEFFsection,key,label,count,checked_in\r\n')).toBe(true);
      const lines = res.body.slice(1).split('\r\n');
      expect(lines).toContain('summary,events,Evenemang,3,');
      expect(lines).toContain('summary,registrations,Anmälda (bekräftade),2,1');
      expect(lines).toContain(`month,${Y}-03,${Y}-03,2,2`);
      expect(lines).toContain(`events_by_cluster,froda,"'=HYPERLINK(""https://evil.example"",""x"")",1,`);
      expect(lines).toContain(`registrations_by_cluster,froda,"'=HYPERLINK(""https://evil.example"",""x"")",1,1`);
    } finally {
      t.db.update(clusters).set({ name: 'FRODA' }).where(eq(clusters.slug, COHOST)).run();
    }
  });
});

describe('GET /api/reports/chart.svg', () => {
  it('an SVG chart, Swedish by default and English on request', async () => {
    const sv = await call('GET', `/api/reports/chart.svg?${RANGE}`, 'admin');
    expect(sv.statusCode).toBe(200);
    expect(sv.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(sv.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/);
    expect(sv.body).toContain('<title id="chart-title">Evenemang och deltagare per månad</title>');
    expect(sv.body).toContain(`${Y}-03: 2/2, ${Y}-04: 1/0`);
    expect(sv.body.match(/<g>/g)).toHaveLength(2);
    const en = await call('GET', `/api/reports/chart.svg?${RANGE}&lang=en`, 'admin');
    expect(en.body).toContain('<title id="chart-title">Events and participants per month</title>');
  });
});

describe('GET /api/reports/page', () => {
  it('the report and its chart in one answer, the same as the two routes give separately', async () => {
    for (const lang of ['sv', 'en']) {
      const page = await call('GET', `/api/reports/page?${RANGE}&lang=${lang}`, 'admin');
      expect(page.statusCode, page.body).toBe(200);
      const report = await call('GET', `/api/reports?${RANGE}`, 'admin');
      const chart = await call('GET', `/api/reports/chart.svg?${RANGE}&lang=${lang}`, 'admin');
      expect(page.json()).toEqual({ report: report.json(), chart: chart.body });
    }
  });
});
