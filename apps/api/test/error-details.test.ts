import { ERROR_DETAIL_CODES, type ErrorDetail, type ErrorDetailCode } from '@samverka/core';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../../tests/support/multipart.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let admin: string;
let adminEmail: string;
let pollId: number;
let slotId: number;
let eventId: number;
/** A published event with two confirmed seats, for capacity below them. */
let fullId: number;

/** Two years ahead, so times stay in the future whenever the suite runs. */
const Y = new Date().getFullYear() + 2;

const event = (over: Record<string, unknown> = {}) => ({
  leadCluster: 'agro-orebro',
  title: 'Markdagen',
  kind: 'workshop',
  themes: ['krisberedskap'],
  start: `${Y}-05-14T09:00`,
  end: `${Y}-05-14T16:00`,
  venueName: 'Lantbruksskolan',
  ...over,
});
const poll = (over: Record<string, unknown> = {}) => ({
  organiserCluster: 'agro-orebro',
  title: 'Nätverksmöte',
  durationMinutes: 60,
  invitedClusters: ['froda'],
  slots: [`${Y}-02-05T10:00`],
  closes: `${Y}-01-20T12:00`,
  ...over,
});
const series = (over: Record<string, unknown> = {}) => ({
  leadCluster: 'agro-orebro',
  title: 'Nätverksträff',
  kind: 'network_meeting',
  themes: ['krisberedskap'],
  rrule: 'FREQ=MONTHLY;BYDAY=+2TU;COUNT=3',
  firstDate: `${Y}-01-01`,
  startTime: '10:00',
  endTime: '12:00',
  ...over,
});

beforeAll(async () => {
  t = await makeTestApp();
  ({ token: admin, email: adminEmail } = await t.login('admin'));
  const res = await t.inject({ method: 'POST', url: '/api/polls', headers: bearer(admin), payload: poll() });
  expect(res.statusCode, res.body).toBe(201);
  pollId = res.json().id;
  slotId = res.json().slots[0].id;
  const created = await t.inject({ method: 'POST', url: '/api/events', headers: bearer(admin), payload: event() });
  expect(created.statusCode, created.body).toBe(201);
  eventId = created.json().event.id;
  const full = await t.inject({ method: 'POST', url: '/api/events', headers: bearer(admin), payload: event({ capacity: 5 }) });
  fullId = full.json().event.id;
  expect((await t.inject({ method: 'POST', url: `/api/events/${fullId}/publish`, headers: bearer(admin) })).statusCode).toBe(200);
  for (const n of [1, 2]) {
    const payload = { name: `Deltagare ${n}`, email: `d${n}@example.se`, organisation: 'Gården AB', consent: true };
    const reg = await t.inject({ method: 'POST', url: `/api/events/${fullId}/registrations`, payload });
    expect(reg.statusCode, reg.body).toBe(201);
  }
});
afterAll(() => t.close());

type Case = {
  request: () => InjectOptions;
  status: number;
  field: string;
  params?: ErrorDetail['params'];
};
const as =
  (method: InjectOptions['method'], url: string, payload: unknown, who: 'admin' | 'anonymous' = 'admin') =>
  () => ({
    method,
    url,
    payload: payload as object,
    headers: who === 'admin' ? bearer(admin) : {},
  });

/** An upload of a file to the event's materials (multipart/form-data, as the organisers' form sends it). */
const upload = (name: string, bytes: Buffer) => () => {
  const body = multipart({}, { name, bytes });
  return {
    method: 'POST' as const,
    url: `/api/events/${eventId}/materials/files`,
    payload: body.payload,
    headers: { ...bearer(admin), ...body.headers },
  };
};

/** One request per code that produces it, with the status and the field the detail names. */
const CASES: Record<ErrorDetailCode, Case[]> = {
  file_type_not_accepted: [
    { request: upload('slides.pdf', Buffer.from('\x7fELF\x02\x01\x01\0not a pdf at all', 'binary')), status: 415, field: 'file' },
  ],
  file_too_large: [
    { request: upload('big.txt', Buffer.alloc(21 * 1024 * 1024, 'a')), status: 413, field: 'file', params: { max: 20 * 1024 * 1024 } },
  ],
  required: [
    { request: as('POST', '/api/events', { ...event(), title: undefined }), status: 400, field: 'body', params: { property: 'title' } },
    { request: as('POST', '/api/events', event({ title: '' })), status: 400, field: 'body/title' },
    { request: as('POST', '/api/events', event({ title: '   ' })), status: 400, field: 'title' },
  ],
  too_long: [
    { request: as('POST', '/api/events', event({ title: 'x'.repeat(201) })), status: 400, field: 'body/title', params: { max: 200 } },
  ],
  too_short: [
    { request: as('PUT', '/api/me/password', { password: 'short' }), status: 400, field: 'password', params: { min: 10 } },
    {
      request: as('POST', '/api/auth/login-link/redeem', { token: 'abc' }, 'anonymous'),
      status: 400,
      field: 'body/token',
      params: { min: 20 },
    },
  ],
  too_many: [
    {
      request: as('POST', '/api/events', event({ themes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })),
      status: 400,
      field: 'body/themes',
      params: { max: 6 },
    },
    { request: as('POST', '/api/series', series({ rrule: 'FREQ=DAILY;COUNT=61' })), status: 400, field: 'rrule', params: { max: 60 } },
  ],
  invalid_email: [
    {
      request: as('POST', '/api/subscriptions', { email: 'not-an-address', clusters: ['froda'], themes: [] }),
      status: 400,
      field: 'email',
    },
    { request: as('POST', '/api/admin/users', { email: 'not-an-address', name: 'X' }), status: 400, field: 'body/email' },
  ],
  invalid_url: [{ request: as('POST', '/api/events', event({ onlineUrl: 'ftp://example.se' })), status: 400, field: 'onlineUrl' }],
  invalid_format: [
    { request: as('POST', '/api/events', event({ language: 'swe' })), status: 400, field: 'body/language' },
    {
      request: as('POST', '/api/series', series({ rrule: 'every second tuesday' })),
      status: 400,
      field: 'rrule',
      params: { format: 'RRULE' },
    },
  ],
  invalid_date: [{ request: as('POST', '/api/events', event({ start: `${Y}-02-30T10:00` })), status: 400, field: 'start' }],
  invalid_time_zone: [{ request: as('POST', '/api/events', event({ timeZone: 'Mars/Olympus_Mons' })), status: 400, field: 'timeZone' }],
  nonexistent_local_time: [
    // The last Sunday of March 2030: Swedish clocks go from 02:00 to 03:00.
    { request: as('POST', '/api/events', event({ start: '2030-03-31T02:30', end: '2030-03-31T05:00' })), status: 400, field: 'start' },
  ],
  out_of_range: [
    { request: as('POST', '/api/events', event({ lat: 91, lng: 15 })), status: 400, field: 'body/lat', params: { min: -90, max: 90 } },
    { request: as('POST', '/api/events', event({ capacity: 0 })), status: 400, field: 'body/capacity', params: { min: 1, max: 100_000 } },
  ],
  not_an_integer: [{ request: as('POST', '/api/events', event({ capacity: 2.5 })), status: 400, field: 'body/capacity' }],
  wrong_type: [
    { request: as('POST', '/api/events', event({ title: 5 })), status: 400, field: 'body/title', params: { expected: 'string' } },
  ],
  end_before_start: [
    { request: as('POST', '/api/events', event({ end: `${Y}-05-14T08:00` })), status: 400, field: 'end' },
    {
      request: as('POST', '/api/events', event({ registrationOpens: `${Y}-05-01T08:00`, registrationCloses: `${Y}-04-01T08:00` })),
      status: 400,
      field: 'registrationCloses',
    },
  ],
  below_confirmed: [
    { request: () => as('PATCH', `/api/events/${fullId}`, { capacity: 1 })(), status: 409, field: 'capacity', params: { min: 2 } },
  ],
  in_the_past: [{ request: as('POST', '/api/polls', poll({ slots: ['2020-02-05T10:00'] })), status: 400, field: 'slots/0' }],
  after_event_end: [
    { request: as('POST', '/api/events', event({ registrationCloses: `${Y}-05-15T08:00` })), status: 400, field: 'registrationCloses' },
  ],
  duration_too_long: [
    { request: as('POST', '/api/events', event({ end: `${Y}-06-30T16:00` })), status: 400, field: 'end', params: { max: 31 } },
  ],
  unknown_choice: [
    { request: as('POST', '/api/events', event({ themes: ['gardening'] })), status: 400, field: 'themes' },
    { request: as('POST', '/api/events', event({ kind: 'party' })), status: 400, field: 'body/kind' },
    { request: as('POST', '/api/events', event({ county: 'atlantis' })), status: 400, field: 'county' },
  ],
  unknown_field: [
    { request: as('POST', '/api/events', event({ colour: 'green' })), status: 400, field: 'body', params: { property: 'colour' } },
  ],
  duplicate: [
    { request: () => as('POST', '/api/admin/users', { email: adminEmail, name: 'Twice' })(), status: 409, field: 'email' },
    { request: as('POST', '/api/events', event({ themes: ['krisberedskap', 'krisberedskap'] })), status: 400, field: 'body/themes' },
  ],
  not_invited: [
    {
      request: () => as('POST', `/api/polls/${pollId}/answers`, { cluster: 'gront-center', answers: [{ slotId, answer: 'yes' }] })(),
      status: 400,
      field: 'cluster',
    },
  ],
  unsupported: [
    { request: as('POST', '/api/series', series({ rrule: 'FREQ=YEARLY;BYYEARDAY=100;COUNT=3' })), status: 400, field: 'rrule' },
  ],
  unbounded: [{ request: as('POST', '/api/series', series({ rrule: 'FREQ=WEEKLY;BYDAY=TU' })), status: 400, field: 'rrule' }],
  no_occurrences: [{ request: as('POST', '/api/series', series({ rrule: 'FREQ=WEEKLY;UNTIL=20200101' })), status: 400, field: 'rrule' }],
  several_per_day: [{ request: as('POST', '/api/series', series({ rrule: 'FREQ=HOURLY;COUNT=3' })), status: 400, field: 'rrule' }],
};

describe('every error detail code', () => {
  it('is listed, with its meaning, in the OpenAPI document of the error body', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const body = doc.paths['/api/events'].post.responses['400'].content['application/json'].schema;
    const code = body.properties.error.properties.details.items.properties.code;
    expect(code.type).toBe('string');
    expect(code.enum).toEqual([...ERROR_DETAIL_CODES]);
    for (const c of ERROR_DETAIL_CODES) expect(code.description).toContain(`\`${c}\`: `);
  });

  it('has a request producing it', () => {
    expect(Object.keys(CASES).sort()).toEqual([...ERROR_DETAIL_CODES].sort());
  });

  const rows = Object.entries(CASES).flatMap(([code, cases]) => cases.map((c, i) => [code, i, c] as const));
  it.each(rows)('%s (%i): the status, the field and the code', async (code, _i, c) => {
    const err = expectError(await t.inject(c.request()), c.status);
    const detail = err.details?.find((d) => d.field === c.field);
    expect(detail, JSON.stringify(err.details)).toBeDefined();
    expect(detail!.code).toBe(code);
    if (c.params) expect(detail!.params).toEqual(c.params);
  });
});

/** A value of another JSON type than the schema's, so validation fails on that property. */
function wrongType(schema: Record<string, unknown>): unknown {
  const type = schema.type ?? (schema.anyOf as Record<string, unknown>[] | undefined)?.[0]?.type;
  if (type === 'string') return 12345;
  if (type === 'array' || type === 'object') return 'text';
  return 'text';
}

/** Values that break the schema's limits: too long, not matching, out of range, fractional. */
function brokenValues(schema: Record<string, unknown>): unknown[] {
  const branches = (schema.anyOf as Record<string, unknown>[] | undefined) ?? [schema];
  const out: unknown[] = [wrongType(schema), null, {}];
  for (const s of branches) {
    if (typeof s.maxLength === 'number') out.push('x'.repeat(s.maxLength + 1));
    if (typeof s.minLength === 'number' && s.minLength > 0) out.push('');
    if (s.pattern || s.format) out.push('✗ not valid');
    if (typeof s.maximum === 'number') out.push(s.maximum + 1);
    if (typeof s.minimum === 'number') out.push(s.minimum - 1);
    if (s.type === 'integer') out.push(1.5);
    if (s.type === 'array')
      out.push(
        [],
        Array.from({ length: 100 }, (_, i) => `x${i}`),
        [12345],
      );
    if (s.const !== undefined || s.enum) out.push('no-such-choice');
  }
  return out;
}

describe('no detail anywhere lacks a code', () => {
  interface Operation {
    requestBody?: { content?: { 'application/json'?: { schema?: Record<string, unknown> } } };
    parameters?: { in: string; name: string }[];
  }
  const fill = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => (/(^id|Id)$/.test(name) ? '1' : name === 'token' ? 'x'.repeat(30) : 'froda'));

  it('every route with a body or a query string answers malformed input with coded details only', async () => {
    const app = await makeTestApp();
    try {
      const { token } = await app.login('admin');
      const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
        paths: Record<string, Record<string, Operation>>;
      };
      const seen = new Set<string>();
      let routes = 0;
      let details = 0;
      const send = async (method: string, url: string, payload?: unknown) => {
        const res = await app.inject({
          method: method.toUpperCase() as InjectOptions['method'],
          url,
          headers: bearer(token),
          ...(payload !== undefined
            ? { payload: JSON.stringify(payload), headers: { ...bearer(token), 'content-type': 'application/json' } }
            : {}),
        });
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)?.slice(0, 200)}: ${res.body}`).toBeLessThan(500);
        // Feeds answer errors as plain text for calendar apps: no details to check there.
        if (res.statusCode < 400 || !String(res.headers['content-type']).startsWith('application/json')) return;
        const body = res.json() as { error: { details?: ErrorDetail[] } };
        for (const d of body.error.details ?? []) {
          expect(ERROR_DETAIL_CODES, `${method} ${url}: ${JSON.stringify(d)}`).toContain(d.code);
          seen.add(d.code);
          details++;
        }
      };
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const url = fill(path);
          const schema = op.requestBody?.content?.['application/json']?.schema;
          if (schema) {
            routes++;
            const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
            await send(method, url, []);
            await send(method, url, {});
            await send(method, url, { zzUnknown: 1 });
            for (const [name, prop] of Object.entries(properties))
              for (const v of brokenValues(prop)) await send(method, url, { [name]: v });
          }
          const query = (op.parameters ?? []).filter((p) => p.in === 'query');
          if (query.length) {
            routes++;
            await send(method, `${url}?zzUnknown=1`);
            for (const p of query)
              for (const v of ['', '✗ not valid', 'x'.repeat(2000), '-1', '1.5'])
                await send(method, `${url}?${p.name}=${encodeURIComponent(v)}`);
          }
        }
      }
      expect(routes).toBeGreaterThan(40);
      expect(details).toBeGreaterThan(500);
      // The batch reaches the schema's codes, not only one or two of them.
      for (const code of [
        'required',
        'too_long',
        'too_many',
        'wrong_type',
        'unknown_field',
        'invalid_format',
        'out_of_range',
        'not_an_integer',
        'unknown_choice',
      ])
        expect(seen, code).toContain(code);
    } finally {
      await app.close();
    }
  });
});
