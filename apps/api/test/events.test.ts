import { LIMITS } from '@samverka/contracts';
import { eventAudit, eventOrganisers, events, eventThemes, series } from '@samverka/db';
import { asc } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const LEAD = 'agro-orebro';
const COHOST = 'froda';
const INVITED = 'agro-vast';
const DECLINED = 'vreta-kluster';
const UNRELATED = 'grona-navet';

type Who = 'admin' | 'lead' | 'cohost' | 'invited' | 'declined' | 'unrelated' | 'participant' | 'anonymous';

interface EventJson {
  id: number;
  title: string;
  status: string;
  revision: number;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  organisers: { slug: string; role: string; status: string }[];
  canEdit: boolean;
  canInvite: boolean;
  [k: string]: unknown;
}

let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};
const userNames: Partial<Record<Who, string>> = {};

async function loginAll(app: TestApp) {
  const made: [Who, 'admin' | 'coordinator' | 'participant', string[]?][] = [
    ['admin', 'admin'],
    ['lead', 'coordinator', [LEAD]],
    ['cohost', 'coordinator', [COHOST]],
    ['invited', 'coordinator', [INVITED]],
    ['declined', 'coordinator', [DECLINED]],
    ['unrelated', 'coordinator', [UNRELATED]],
    ['participant', 'participant'],
  ];
  for (const [who, role, clusters] of made) {
    const { token } = await app.login(role, { clusters });
    tokens[who] = token;
    userNames[who] = (await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).json().name;
  }
}

beforeAll(async () => {
  t = await makeTestApp();
  await loginAll(t);
});
afterAll(() => t.close());

const headers = (who: Who = 'anonymous') => (who === 'anonymous' ? {} : bearer(tokens[who]!));
const call = (method: InjectOptions['method'], url: string, who: Who = 'anonymous', payload?: unknown) =>
  t.inject({ method, url, headers: headers(who), ...(payload !== undefined ? { payload: payload as object } : {}) });

/** Every row the event routes write, to prove a refused request changed nothing. */
function snapshot() {
  return JSON.stringify([
    t.db.select().from(events).orderBy(asc(events.id)).all(),
    t.db.select().from(eventOrganisers).all(),
    t.db.select().from(eventThemes).all(),
    t.db.select().from(eventAudit).orderBy(asc(eventAudit.id)).all(),
    t.db.select().from(series).all(),
  ]);
}

const body = (over: Record<string, unknown> = {}) => ({
  leadCluster: LEAD,
  title: 'Markdagen',
  kind: 'workshop',
  themes: ['krisberedskap'],
  start: '2027-05-14T09:00',
  end: '2027-05-14T16:00',
  venueName: 'Lantbruksskolan',
  ...over,
});

async function create(over: Record<string, unknown> = {}, who: Who = 'lead'): Promise<EventJson> {
  const res = await call('POST', '/api/events', who, body(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().event;
}

/** A draft led by LEAD with COHOST accepted, INVITED invited, DECLINED declined. */
async function eventWithOrganisers(over: Record<string, unknown> = {}): Promise<number> {
  const { id } = await create(over);
  for (const c of [COHOST, INVITED, DECLINED])
    expect((await call('POST', `/api/events/${id}/organisers`, 'lead', { cluster: c })).statusCode).toBe(200);
  expect((await call('POST', `/api/events/${id}/organisers/${COHOST}/answer`, 'cohost', { accept: true })).statusCode).toBe(200);
  expect((await call('POST', `/api/events/${id}/organisers/${DECLINED}/answer`, 'declined', { accept: false })).statusCode).toBe(200);
  return id;
}

async function publish(id: number, who: Who = 'lead') {
  const res = await call('POST', `/api/events/${id}/publish`, who);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as EventJson;
}

describe('POST /api/events', () => {
  it('creates a draft (201) with UTC instants from the wall-clock time, revision 0', async () => {
    const res = await call(
      'POST',
      '/api/events',
      'lead',
      body({ description: '# Program\n<script>alert(1)</script>', county: 'orebro-lan', onlineUrl: 'https://meet.example.se/x' }),
    );
    expect(res.statusCode).toBe(201);
    const { event, clashes } = res.json();
    expect(event).toMatchObject({
      status: 'draft',
      revision: 0,
      start: '2027-05-14T09:00',
      end: '2027-05-14T16:00',
      startsAt: '2027-05-14T07:00:00.000Z',
      endsAt: '2027-05-14T14:00:00.000Z',
      timeZone: 'Europe/Stockholm',
      county: { slug: 'orebro-lan' },
      lead: { slug: LEAD },
      canEdit: true,
      canInvite: true,
    });
    expect(event.descriptionHtml).toBe('<h2>Program</h2>\n');
    expect(clashes).toEqual([]);
  });

  it('winter times are +01:00', async () => {
    const event = await create({ start: '2027-01-14T09:00', end: '2027-01-14T10:00' });
    expect([event.startsAt, event.endsAt]).toEqual(['2027-01-14T08:00:00.000Z', '2027-01-14T09:00:00.000Z']);
  });

  it('creates all-day events from dates', async () => {
    const event = await create({ allDay: true, start: undefined, end: undefined, startDate: '2027-06-06', endDate: '2027-06-07' });
    expect(event).toMatchObject({
      allDay: true,
      startDate: '2027-06-06',
      endDate: '2027-06-07',
      startsAt: '2027-06-05T22:00:00.000Z',
      endsAt: '2027-06-07T22:00:00.000Z',
    });
  });

  it.each<[Who, number]>([
    ['admin', 201],
    ['lead', 201],
    ['cohost', 403],
    ['unrelated', 403],
    ['participant', 403],
    ['anonymous', 401],
  ])('for the lead cluster: %s → %i', async (who, status) => {
    const before = snapshot();
    const res = await call('POST', '/api/events', who, body());
    if (status === 201) expect(res.statusCode).toBe(201);
    else {
      expectError(res, status);
      expect(snapshot()).toBe(before);
    }
  });

  it.each<[string, Record<string, unknown>, string, RegExp | string | null]>([
    ['end before start', { end: '2027-05-14T08:00' }, 'invalid_event', /end the end is not after the start/],
    ['end equal to start', { end: '2027-05-14T09:00' }, 'invalid_event', /end the end is not after the start/],
    ['a start in the skipped hour', { start: '2027-03-28T02:30', end: '2027-03-28T05:00' }, 'invalid_event', /skipped/],
    ['an impossible date', { start: '2027-02-30T09:00', end: '2027-02-30T10:00' }, 'invalid_event', /not a real date/],
    ['an unknown lead cluster', { leadCluster: 'no-such-cluster' }, 'unknown_cluster', '"no-such-cluster"'],
    ['an unknown theme', { themes: ['krisberedskap', 'gardening'] }, 'invalid_event', 'unknown theme "gardening"'],
    ['an unknown county', { county: 'atlantis' }, 'invalid_event', 'unknown county "atlantis"'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'invalid_event', /timeZone/],
    ['a javascript: online link', { onlineUrl: 'javascript:alert(1)' }, 'invalid_event', /onlineUrl/],
    ['a data: online link', { onlineUrl: 'data:text/html,<b>x</b>' }, 'invalid_event', /onlineUrl/],
    ['registration closing after the end', { registrationCloses: '2027-05-15T09:00' }, 'invalid_event', /registrationCloses/],
    [
      'registration closing before it opens',
      { registrationOpens: '2027-05-10T09:00', registrationCloses: '2027-05-01T09:00' },
      'invalid_event',
      /registrationCloses/,
    ],
    [
      'an all-day event ending before it starts',
      { allDay: true, startDate: '2027-06-07', endDate: '2027-06-06' },
      'invalid_event',
      /endDate/,
    ],
    ['a blank title', { title: '   ' }, 'invalid_event', /title/],
    ['an unknown field', { colour: 'green' }, 'invalid_request', null],
    ['a misspelt field', { startTime: '09:00' }, 'invalid_request', null],
    ['a number as title', { title: 5 }, 'invalid_request', null],
    ['capacity as a string', { capacity: '10' }, 'invalid_request', null],
    ['a fractional capacity', { capacity: 2.5 }, 'invalid_request', null],
    ['allDay as a string', { allDay: 'yes' }, 'invalid_request', null],
    ['themes as a string', { themes: 'krisberedskap' }, 'invalid_request', null],
    ['no themes', { themes: [] }, 'invalid_request', null],
    ['a theme twice', { themes: ['krisberedskap', 'krisberedskap'] }, 'invalid_request', null],
    ['a theme slug with capitals', { themes: ['Krisberedskap'] }, 'invalid_request', null],
    ['an unknown kind', { kind: 'party' }, 'invalid_request', null],
    ['a start with a space', { start: '2027-05-14 09:00' }, 'invalid_request', null],
    ['a start with seconds', { start: '2027-05-14T09:00:00' }, 'invalid_request', null],
    ['a start with an offset', { start: '2027-05-14T09:00+02:00' }, 'invalid_request', null],
    ['latitude out of range', { lat: 91, lng: 15 }, 'invalid_request', null],
    ['latitude as a string', { lat: '59.3', lng: 15 }, 'invalid_request', null],
    ['a title of 201 characters', { title: 'x'.repeat(201) }, 'invalid_request', null],
    ['a title of 201 emoji', { title: '🌱'.repeat(201) }, 'invalid_request', null],
    ['a null title', { title: null }, 'invalid_request', null],
    ['no lead cluster', { leadCluster: undefined }, 'invalid_request', null],
  ])('400 for %s, and nothing is written', async (_what, over, code, message) => {
    const before = snapshot();
    const err = expectError(await call('POST', '/api/events', 'lead', body(over)), 400, code);
    if (typeof message === 'string') expect(err.message).toContain(message);
    else if (message) expect(err.message).toMatch(message);
    expect(snapshot()).toBe(before);
  });

  it('takes a title of 200 emoji: lengths are code points, in the schema as in core', async () => {
    const title = '🌱'.repeat(LIMITS.title);
    const event = await create({ title });
    expect(event.title).toBe(title);
    expect((await call('GET', `/api/events/${event.id}`, 'lead')).json().title).toBe(title);
  });

  it('documents the same limits in /api/openapi.json', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json();
    const properties = doc.paths['/api/events'].post.requestBody.content['application/json'].schema.properties;
    expect(properties.title).toMatchObject({ minLength: 1, maxLength: LIMITS.title });
    expect(properties.capacity).toMatchObject({ minimum: LIMITS.capacity.min, maximum: LIMITS.capacity.max });
  });

  it('names the unknown field in the details', async () => {
    const err = expectError(await call('POST', '/api/events', 'lead', body({ colour: 'green' })), 400, 'invalid_request');
    expect(err.details).toContainEqual({
      field: 'body',
      code: 'unknown_field',
      message: 'unknown field "colour"',
      params: { property: 'colour' },
    });
  });

  it.each([
    ['not JSON', '{"title": ', 'malformed_json'],
    ['an array', '[]', 'invalid_request'],
    ['a string', '"event"', 'invalid_request'],
    ['null', 'null', 'invalid_request'],
  ])('400 for a body that is %s', async (_what, payload, code) => {
    const before = snapshot();
    expectError(
      await t.inject({ method: 'POST', url: '/api/events', headers: { ...headers('lead'), 'content-type': 'application/json' }, payload }),
      400,
      code,
    );
    expect(snapshot()).toBe(before);
  });

  it('lists clashing published events in the answer', async () => {
    const other = await create({ leadCluster: COHOST, title: 'Krockande', start: '2031-02-03T10:00', end: '2031-02-03T12:00' }, 'cohost');
    await publish(other.id, 'cohost');
    const res = await call('POST', '/api/events', 'lead', body({ start: '2031-02-03T11:00', end: '2031-02-03T13:00' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().clashes).toEqual([
      {
        id: other.id,
        title: 'Krockande',
        startsAt: '2031-02-03T09:00:00.000Z',
        endsAt: '2031-02-03T11:00:00.000Z',
        lead: expect.any(String),
      },
    ]);
  });
});

describe('who may do what, through the API', () => {
  // Drafts are not acknowledged to those who may not see them: 404 rather than 403.
  const table: [Who, { see: number; edit: number; invite: number; audit: number; editPublished: number }][] = [
    ['admin', { see: 200, edit: 200, invite: 200, audit: 200, editPublished: 200 }],
    ['lead', { see: 200, edit: 200, invite: 200, audit: 200, editPublished: 200 }],
    ['cohost', { see: 200, edit: 200, invite: 403, audit: 200, editPublished: 200 }],
    ['invited', { see: 200, edit: 403, invite: 403, audit: 403, editPublished: 403 }],
    ['declined', { see: 404, edit: 404, invite: 404, audit: 404, editPublished: 403 }],
    ['unrelated', { see: 404, edit: 404, invite: 404, audit: 404, editPublished: 403 }],
    ['participant', { see: 404, edit: 404, invite: 404, audit: 404, editPublished: 403 }],
    ['anonymous', { see: 404, edit: 401, invite: 401, audit: 401, editPublished: 401 }],
  ];

  const expectStatus = (res: Awaited<ReturnType<typeof call>>, status: number) => {
    if (status === 200) expect(res.statusCode, res.body).toBe(200);
    else expectError(res, status);
  };

  it.each(table)('%s', async (who, s) => {
    const id = await eventWithOrganisers();
    expectStatus(await call('GET', `/api/events/${id}`, who), s.see);
    expectStatus(await call('GET', `/api/events/${id}/audit`, who), s.audit);
    const before = snapshot();
    expectStatus(await call('PATCH', `/api/events/${id}`, who, { title: `Ändrad av ${who}` }), s.edit);
    expectStatus(await call('POST', `/api/events/${id}/organisers`, who, { cluster: 'gront-center' }), s.invite);
    if (s.edit !== 200) {
      expectError(await call('POST', `/api/events/${id}/publish`, who), s.edit);
      expectError(await call('POST', `/api/events/${id}/cancel`, who, { reason: 'Nej' }), s.edit);
      expectError(await call('DELETE', `/api/events/${id}`, who), s.edit);
      expect(snapshot()).toBe(before);
    }
    if (s.invite !== 200) expectError(await call('DELETE', `/api/events/${id}/organisers/${COHOST}`, who), s.invite);

    await publish(id);
    expect((await call('GET', `/api/events/${id}`, who)).statusCode).toBe(200);
    const beforePublished = snapshot();
    expectStatus(await call('PATCH', `/api/events/${id}`, who, { venueName: `Sal ${who}` }), s.editPublished);
    if (s.editPublished !== 200) {
      expectError(await call('POST', `/api/events/${id}/cancel`, who, { reason: 'Nej' }), s.editPublished);
      expect(snapshot()).toBe(beforePublished);
    }
  });

  it('each viewer is told whether they may edit and invite', async () => {
    const id = await eventWithOrganisers();
    await publish(id);
    const flags = async (who: Who) => {
      const e = (await call('GET', `/api/events/${id}`, who)).json();
      return [e.canEdit, e.canInvite];
    };
    expect(await flags('admin')).toEqual([true, true]);
    expect(await flags('lead')).toEqual([true, true]);
    expect(await flags('cohost')).toEqual([true, false]);
    expect(await flags('invited')).toEqual([false, false]);
    expect(await flags('declined')).toEqual([false, false]);
    expect(await flags('participant')).toEqual([false, false]);
    expect(await flags('anonymous')).toEqual([false, false]);
  });

  it('the answer carries every permission flag of the core view (the schema keeps them all)', async () => {
    const id = await eventWithOrganisers();
    const slugs = (refs: unknown) => (refs as { slug: string }[]).map((c) => c.slug);
    const lead = (await call('GET', `/api/events/${id}`, 'lead')).json() as EventJson;
    expect(lead).toMatchObject({
      canUpdate: true,
      canPublish: true,
      // A draft is deleted, not cancelled (issue 12).
      canCancel: false,
      canDelete: true,
      canSeeAttendees: true,
      announceAs: [],
    });
    expect(slugs(lead.canAnswerAs)).toEqual([]);
    expect(slugs(lead.inviteOptions)).toHaveLength(15);
    expect(slugs(lead.inviteOptions)).toContain(DECLINED);
    const invited = (await call('GET', `/api/events/${id}`, 'invited')).json() as EventJson;
    expect(slugs(invited.canAnswerAs)).toEqual([INVITED]);
    expect(invited).toMatchObject({ canUpdate: false, canPublish: false, canDelete: false, canSeeAttendees: false, inviteOptions: [] });
    await publish(id);
    const admin = (await call('GET', `/api/events/${id}`, 'admin')).json() as EventJson;
    expect(slugs(admin.announceAs)).toEqual([LEAD, COHOST]);
    expect(admin).toMatchObject({ canPublish: false, canCancel: true, canDelete: true });
    const listed = (await call('GET', '/api/events?limit=200', 'cohost')).json().events.find((e: EventJson) => e.id === id) as EventJson;
    expect(listed).toMatchObject({ canUpdate: true, canDelete: false, inviteOptions: [] });
    expect(slugs(listed.announceAs)).toEqual([COHOST]);
  });
});

describe('PATCH /api/events/:id', () => {
  it('raises the revision on a move, not on a title change, and audits who changed what', async () => {
    const id = await eventWithOrganisers();
    const renamed = await call('PATCH', `/api/events/${id}`, 'lead', { title: 'Markdagen 2027' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().event).toMatchObject({ title: 'Markdagen 2027', revision: 0 });
    const moved = await call('PATCH', `/api/events/${id}`, 'cohost', { start: '2027-05-14T10:00', end: '2027-05-14T17:00' });
    expect(moved.json().event).toMatchObject({ revision: 1, startsAt: '2027-05-14T08:00:00.000Z' });
    const place = await call('PATCH', `/api/events/${id}`, 'admin', { venueName: null, address: 'Storgatan 1' });
    expect(place.json().event).toMatchObject({ revision: 2, venueName: null, address: 'Storgatan 1' });
    const log = (await call('GET', `/api/events/${id}/audit`, 'lead')).json() as {
      action: string;
      user: string;
      changes: Record<string, unknown[]>;
    }[];
    expect(log.slice(-3)).toEqual([
      { at: expect.any(String), action: 'updated', user: userNames.lead, changes: { title: ['Markdagen', 'Markdagen 2027'] } },
      {
        at: expect.any(String),
        action: 'updated',
        user: userNames.cohost,
        changes: {
          startsAt: ['2027-05-14T07:00:00.000Z', '2027-05-14T08:00:00.000Z'],
          endsAt: ['2027-05-14T14:00:00.000Z', '2027-05-14T15:00:00.000Z'],
        },
      },
      {
        at: expect.any(String),
        action: 'updated',
        user: userNames.admin,
        changes: { venueName: ['Lantbruksskolan', null], address: [null, 'Storgatan 1'] },
      },
    ]);
    expect(log[0]).toMatchObject({ action: 'created', user: userNames.lead });
  });

  it('an empty patch changes nothing', async () => {
    const { id } = await create();
    const before = snapshot();
    const res = await call('PATCH', `/api/events/${id}`, 'lead', {});
    expect(res.statusCode).toBe(200);
    expect(res.json().event.revision).toBe(0);
    expect(snapshot()).toBe(before);
  });

  it('lists clashes after a move, never the moved event itself', async () => {
    const a = await create({ title: 'A', start: '2032-03-01T10:00', end: '2032-03-01T12:00' });
    await publish(a.id);
    const b = await create({ title: 'B', start: '2032-03-02T10:00', end: '2032-03-02T12:00' });
    await publish(b.id);
    const cancelled = await create({ title: 'C', start: '2032-03-03T10:00', end: '2032-03-03T12:00' });
    await publish(cancelled.id);
    expect((await call('POST', `/api/events/${cancelled.id}/cancel`, 'lead', { reason: 'Regn' })).statusCode).toBe(200);
    await create({ title: 'Draft', start: '2032-03-03T10:00', end: '2032-03-03T12:00' });
    expect((await call('PATCH', `/api/events/${b.id}`, 'lead', { title: 'B2' })).json().clashes).toEqual([]);
    const onA = await call('PATCH', `/api/events/${b.id}`, 'lead', { start: '2032-03-01T11:00', end: '2032-03-01T13:00' });
    expect(onA.json().clashes.map((c: { id: number }) => c.id)).toEqual([a.id]);
    const onC = await call('PATCH', `/api/events/${b.id}`, 'lead', { start: '2032-03-03T10:30', end: '2032-03-03T11:00' });
    expect(onC.json().clashes).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, string | null]>([
    ['end before start', { end: '2027-05-14T08:00' }, 'invalid_event', 'end the end is not after the start'],
    ['a start in the skipped hour', { start: '2027-03-28T02:30', end: '2027-03-28T04:00' }, 'invalid_event', 'skipped'],
    ['an unknown theme', { themes: ['gardening'] }, 'invalid_event', 'unknown theme "gardening"'],
    ['an unknown county', { county: 'atlantis' }, 'invalid_event', 'unknown county "atlantis"'],
    ['an unknown field', { colour: 'green' }, 'invalid_request', 'colour'],
    ['a new lead cluster', { leadCluster: COHOST }, 'invalid_request', 'leadCluster'],
    ['a null title', { title: null }, 'invalid_request', null],
    ['a number as venue', { venueName: 42 }, 'invalid_request', null],
    ['an ftp link', { onlineUrl: 'ftp://example.se' }, 'invalid_event', 'onlineUrl'],
  ])('400 for %s, and nothing changes', async (_what, patch, code, inMessage) => {
    const { id } = await create();
    const before = snapshot();
    const err = expectError(await call('PATCH', `/api/events/${id}`, 'lead', patch), 400, code);
    if (inMessage) expect(`${err.message} ${JSON.stringify(err.details)}`).toContain(inMessage);
    expect(snapshot()).toBe(before);
  });

  it('409 for a cancelled event', async () => {
    const { id } = await create();
    await publish(id);
    await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: 'Storm' });
    const before = snapshot();
    expectError(await call('PATCH', `/api/events/${id}`, 'lead', { title: 'x' }), 409, 'event_cancelled');
    expect(snapshot()).toBe(before);
  });
});

describe('publish, cancel, delete', () => {
  it('publish needs a place or an online link (422); publishing twice is 409', async () => {
    const { id } = await create({ venueName: null });
    const before = snapshot();
    expectError(await call('POST', `/api/events/${id}/publish`, 'lead'), 422, 'no_place');
    expect(snapshot()).toBe(before);
    await call('PATCH', `/api/events/${id}`, 'lead', { onlineUrl: 'https://meet.example.se/m' });
    const published = await publish(id);
    expect(published).toMatchObject({ status: 'published', revision: 2 });
    expectError(await call('POST', `/api/events/${id}/publish`, 'lead'), 409, 'not_a_draft');
  });

  it('cancel needs a reason; the reason is shown; cancelling twice is 409', async () => {
    const { id } = await create();
    await publish(id);
    const before = snapshot();
    expectError(await call('POST', `/api/events/${id}/cancel`, 'lead', {}), 400, 'invalid_request');
    expectError(await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: '' }), 400, 'invalid_request');
    expectError(await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: '   ' }), 400, 'reason_required');
    expectError(await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: 5 }), 400, 'invalid_request');
    expectError(await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: 'x'.repeat(501) }), 400, 'invalid_request');
    expectError(await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: 'Regn', notify: true }), 400, 'invalid_request');
    expect(snapshot()).toBe(before);
    const res = await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: 'För få anmälda' });
    expect(res.json()).toMatchObject({ status: 'cancelled', cancelReason: 'För få anmälda', revision: 2 });
    expect((await call('GET', `/api/events/${id}`)).json()).toMatchObject({ status: 'cancelled', cancelReason: 'För få anmälda' });
    expectError(await call('POST', `/api/events/${id}/cancel`, 'lead', { reason: 'Igen' }), 409, 'already_cancelled');
  });

  it('organisers delete drafts (204); a published event only an admin', async () => {
    const draft = await eventWithOrganisers();
    const res = await call('DELETE', `/api/events/${draft}`, 'cohost');
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectError(await call('GET', `/api/events/${draft}`, 'admin'), 404, 'unknown_event');
    const { id } = await create();
    await publish(id);
    const before = snapshot();
    expectError(await call('DELETE', `/api/events/${id}`, 'lead'), 409, 'not_a_draft');
    expect(snapshot()).toBe(before);
    expect((await call('DELETE', `/api/events/${id}`, 'admin')).statusCode).toBe(204);
    expectError(await call('DELETE', `/api/events/${id}`, 'admin'), 404, 'unknown_event');
  });
});

describe('co-hosts', () => {
  it('invite, see it in /api/me/cohost-invitations, accept, then edit', async () => {
    const { id } = await create({ title: 'Samarrangemang' });
    const invited = await call('POST', `/api/events/${id}/organisers`, 'lead', { cluster: COHOST });
    expect(invited.statusCode).toBe(200);
    expect(invited.json().organisers).toContainEqual({ slug: COHOST, name: expect.any(String), role: 'cohost', status: 'invited' });
    const inv = (await call('GET', '/api/me/cohost-invitations', 'cohost')).json() as {
      event: { id: number; title: string; status: string };
      cluster: { slug: string };
    }[];
    expect(inv.filter((i) => i.event.id === id)).toEqual([
      {
        event: { id, title: 'Samarrangemang', startsAt: '2027-05-14T07:00:00.000Z', status: 'draft', lead: expect.any(String) },
        cluster: { slug: COHOST, name: expect.any(String) },
        invitedAt: expect.any(String),
      },
    ]);
    expect(
      ((await call('GET', '/api/me/cohost-invitations', 'lead')).json() as { event: { id: number } }[]).some((i) => i.event.id === id),
    ).toBe(false);
    expectError(await call('PATCH', `/api/events/${id}`, 'cohost', { title: 'x' }), 403, 'forbidden');
    const accepted = await call('POST', `/api/events/${id}/organisers/${COHOST}/answer`, 'cohost', { accept: true });
    expect(accepted.json().organisers).toContainEqual(expect.objectContaining({ slug: COHOST, status: 'accepted' }));
    expect(
      ((await call('GET', '/api/me/cohost-invitations', 'cohost')).json() as { event: { id: number } }[]).some((i) => i.event.id === id),
    ).toBe(false);
    expect((await call('PATCH', `/api/events/${id}`, 'cohost', { title: 'Gemensam' })).statusCode).toBe(200);
  });

  it('/api/me/cohost-invitations: 401 without login, empty for a participant', async () => {
    expectError(await call('GET', '/api/me/cohost-invitations'), 401);
    expect((await call('GET', '/api/me/cohost-invitations', 'participant')).json()).toEqual([]);
  });

  it('a duplicate invitation is 409, inviting the lead is 409, an unknown cluster 400 naming it', async () => {
    const { id } = await create();
    await call('POST', `/api/events/${id}/organisers`, 'lead', { cluster: COHOST });
    const before = snapshot();
    expectError(await call('POST', `/api/events/${id}/organisers`, 'lead', { cluster: COHOST }), 409, 'already_organiser');
    expectError(await call('POST', `/api/events/${id}/organisers`, 'lead', { cluster: LEAD }), 409, 'already_organiser');
    expect(
      expectError(await call('POST', `/api/events/${id}/organisers`, 'lead', { cluster: 'no-such-cluster' }), 400, 'unknown_cluster')
        .message,
    ).toContain('"no-such-cluster"');
    for (const bad of [{}, { cluster: 'Froda' }, { cluster: 5 }, { cluster: COHOST, role: 'lead' }, { clusters: [COHOST] }]) {
      expectError(await call('POST', `/api/events/${id}/organisers`, 'lead', bad), 400, 'invalid_request');
    }
    expect(snapshot()).toBe(before);
  });

  it('answering twice is 409; a declined co-host cannot edit; the lead may invite again', async () => {
    const id = await eventWithOrganisers();
    const before = snapshot();
    expectError(await call('POST', `/api/events/${id}/organisers/${COHOST}/answer`, 'cohost', { accept: false }), 409, 'already_answered');
    expectError(
      await call('POST', `/api/events/${id}/organisers/${DECLINED}/answer`, 'declined', { accept: true }),
      409,
      'already_answered',
    );
    expect(snapshot()).toBe(before);
    await publish(id);
    expectError(await call('PATCH', `/api/events/${id}`, 'declined', { title: 'x' }), 403, 'forbidden');
    const again = await call('POST', `/api/events/${id}/organisers`, 'lead', { cluster: DECLINED });
    expect(again.json().organisers).toContainEqual(expect.objectContaining({ slug: DECLINED, status: 'invited' }));
    expect((await call('POST', `/api/events/${id}/organisers/${DECLINED}/answer`, 'declined', { accept: true })).statusCode).toBe(200);
    expect((await call('PATCH', `/api/events/${id}`, 'declined', { title: 'Med Vreta' })).json().event.title).toBe('Med Vreta');
  });

  it('only the invited cluster answers; bad answers are 400', async () => {
    const id = await eventWithOrganisers();
    const before = snapshot();
    const url = `/api/events/${id}/organisers/${INVITED}/answer`;
    expectError(await call('POST', url, 'lead', { accept: true }), 403, 'forbidden');
    expectError(await call('POST', url, 'cohost', { accept: true }), 403, 'forbidden');
    expectError(await call('POST', url, 'participant', { accept: true }), 403, 'forbidden');
    expectError(await call('POST', url, 'anonymous', { accept: true }), 401);
    expectError(await call('POST', url, 'invited', { accept: 'yes' }), 400, 'invalid_request');
    expectError(await call('POST', url, 'invited', {}), 400, 'invalid_request');
    expectError(await call('POST', url, 'invited', { accept: true, note: 'hej' }), 400, 'invalid_request');
    expectError(
      await call('POST', `/api/events/${id}/organisers/${UNRELATED}/answer`, 'unrelated', { accept: true }),
      404,
      'no_invitation',
    );
    expectError(
      await call('POST', `/api/events/${id}/organisers/no-such-cluster/answer`, 'admin', { accept: true }),
      404,
      'unknown_cluster',
    );
    expectError(await call('POST', `/api/events/${id}/organisers/Agro_Vast/answer`, 'invited', { accept: true }), 400, 'invalid_request');
    expect(snapshot()).toBe(before);
    expect((await call('POST', url, 'invited', { accept: false })).json().organisers).toContainEqual(
      expect.objectContaining({ slug: INVITED, status: 'declined' }),
    );
  });

  it('the lead removes a co-host (who then cannot edit) and withdraws invitations', async () => {
    const id = await eventWithOrganisers();
    await publish(id);
    expectError(await call('DELETE', `/api/events/${id}/organisers/${COHOST}`, 'cohost'), 403, 'forbidden');
    const res = await call('DELETE', `/api/events/${id}/organisers/${COHOST}`, 'lead');
    expect(res.statusCode).toBe(200);
    expect(res.json().organisers.map((o: { slug: string }) => o.slug)).not.toContain(COHOST);
    expectError(await call('PATCH', `/api/events/${id}`, 'cohost', { title: 'x' }), 403);
    expectError(await call('DELETE', `/api/events/${id}/organisers/${COHOST}`, 'lead'), 404, 'not_cohost');
    expectError(await call('DELETE', `/api/events/${id}/organisers/${LEAD}`, 'lead'), 404, 'not_cohost');
    expect((await call('DELETE', `/api/events/${id}/organisers/${INVITED}`, 'lead')).statusCode).toBe(200);
    expect(
      ((await call('GET', '/api/me/cohost-invitations', 'invited')).json() as { event: { id: number } }[]).some((i) => i.event.id === id),
    ).toBe(false);
  });
});

describe('ids in the path', () => {
  const routes: [InjectOptions['method'], (id: string) => string, unknown?][] = [
    ['GET', (id) => `/api/events/${id}`],
    ['PATCH', (id) => `/api/events/${id}`, { title: 'x' }],
    ['DELETE', (id) => `/api/events/${id}`],
    ['POST', (id) => `/api/events/${id}/publish`],
    ['POST', (id) => `/api/events/${id}/cancel`, { reason: 'x' }],
    ['GET', (id) => `/api/events/${id}/audit`],
    ['POST', (id) => `/api/events/${id}/organisers`, { cluster: COHOST }],
    ['POST', (id) => `/api/events/${id}/organisers/${COHOST}/answer`, { accept: true }],
    ['DELETE', (id) => `/api/events/${id}/organisers/${COHOST}`],
  ];
  const cases = routes.flatMap(([m, url, payload]) =>
    ['0', '-1', 'abc', '1.5', '1,2', '2147483649', '99999999999999999999', '%20'].map((id) => [m, url(id), payload] as const),
  );

  it.each(cases)('%s %s → 400', async (method, url, payload) => {
    const before = snapshot();
    expectError(await call(method, url, 'admin', payload), 400);
    expect(snapshot()).toBe(before);
  });

  it.each(routes.map(([m, url, payload]) => [m, url('2147483648'), payload] as const))(
    '%s %s → 404 for an id in range that does not exist',
    async (method, url, payload) => {
      expectError(await call(method, url, 'admin', payload), 404, 'unknown_event');
    },
  );
});

// ---- Listing, filtering, searching and paging: a database of its own ----

describe('GET /api/events', () => {
  let l: TestApp;
  const tk: Partial<Record<Who, string>> = {};
  const ids: Record<string, number> = {};
  const texts: Record<string, string> = {};
  const get = async (query: string, who: Who = 'anonymous') => {
    const res = await l.inject({
      method: 'GET',
      url: `/api/events${query ? `?${query}` : ''}`,
      headers: who === 'anonymous' ? {} : bearer(tk[who]!),
    });
    return res;
  };
  const list = async (query: string, who: Who = 'anonymous') => {
    const res = await get(query, who);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().events as EventJson[]).map((e) => Object.entries(ids).find(([, id]) => id === e.id)?.[0] ?? e.id);
  };

  beforeAll(async () => {
    l = await makeTestApp();
    for (const [who, role, clusters] of [
      ['admin', 'admin'],
      ['lead', 'coordinator', [LEAD]],
      ['cohost', 'coordinator', [COHOST]],
      ['invited', 'coordinator', [INVITED]],
      ['participant', 'participant'],
    ] as [Who, 'admin' | 'coordinator' | 'participant', string[]?][]) {
      tk[who] = (await l.login(role, { clusters })).token;
    }
    const mk = async (name: string, who: Who, b: Record<string, unknown>, then: 'publish' | 'draft' | 'cancel' = 'publish') => {
      const res = await l.inject({
        method: 'POST',
        url: '/api/events',
        headers: bearer(tk[who]!),
        payload: { kind: 'workshop', venueName: 'Sal', ...b },
      });
      expect(res.statusCode, res.body).toBe(201);
      ids[name] = res.json().event.id;
      texts[name] = `${b.title} ${b.description ?? ''}`;
      if (then !== 'draft')
        expect((await l.inject({ method: 'POST', url: `/api/events/${ids[name]}/publish`, headers: bearer(tk[who]!) })).statusCode).toBe(
          200,
        );
      if (then === 'cancel')
        expect(
          (
            await l.inject({
              method: 'POST',
              url: `/api/events/${ids[name]}/cancel`,
              headers: bearer(tk[who]!),
              payload: { reason: 'Inställt' },
            })
          ).statusCode,
        ).toBe(200);
    };
    await mk('E1', 'lead', {
      leadCluster: LEAD,
      title: 'Ärtodling i Närke',
      themes: ['krisberedskap'],
      county: 'orebro-lan',
      start: '2028-03-01T09:00',
      end: '2028-03-01T12:00',
    });
    await mk('E2', 'cohost', {
      leadCluster: COHOST,
      title: 'Omvärldsbevakning för lantbrukare',
      description: 'Vi läser *rapporter* om klimat',
      kind: 'webinar',
      themes: ['omvarldsbevakning'],
      county: 'dalarnas-lan',
      start: '2028-03-05T10:00',
      end: '2028-03-05T11:00',
    });
    await mk('E3', 'admin', {
      leadCluster: INVITED,
      title: 'Krisberedskap på gården',
      kind: 'conference',
      themes: ['krisberedskap', 'kapitalforsorjning'],
      county: 'vastra-gotalands-lan',
      start: '2028-04-10T09:00',
      end: '2028-04-10T17:00',
    });
    await mk(
      'E4',
      'lead',
      {
        leadCluster: LEAD,
        title: 'Kapital och skog',
        themes: ['kapitalforsorjning'],
        allDay: true,
        startDate: '2028-05-01',
        endDate: '2028-05-01',
      },
      'cancel',
    );
    await mk(
      'E5',
      'lead',
      {
        leadCluster: LEAD,
        title: 'Hemligt utkast om ärter',
        themes: ['krisberedskap'],
        start: '2028-03-02T09:00',
        end: '2028-03-02T10:00',
      },
      'draft',
    );
    await mk('E6', 'cohost', {
      leadCluster: COHOST,
      title: 'Skogsbrand – NEAR(ÖVNING) "OR" *',
      kind: 'webinar',
      themes: ['krisberedskap'],
      start: '2028-06-01T09:00',
      end: '2028-06-01T10:00',
    });
    // Froda leads E2 with Agro Örebro as accepted co-host, and E6 with Agro Väst invited but not answering.
    const froda = bearer(tk.cohost!);
    expect(
      (await l.inject({ method: 'POST', url: `/api/events/${ids.E2}/organisers`, headers: froda, payload: { cluster: LEAD } })).statusCode,
    ).toBe(200);
    expect(
      (
        await l.inject({
          method: 'POST',
          url: `/api/events/${ids.E2}/organisers/${LEAD}/answer`,
          headers: bearer(tk.lead!),
          payload: { accept: true },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await l.inject({ method: 'POST', url: `/api/events/${ids.E6}/organisers`, headers: froda, payload: { cluster: INVITED } }))
        .statusCode,
    ).toBe(200);
  });
  afterAll(() => l.close());

  it('lists published and cancelled events by start, never drafts, without rendered HTML', async () => {
    expect(await list('')).toEqual(['E1', 'E2', 'E3', 'E4', 'E6']);
    expect(await list('', 'lead')).toEqual(['E1', 'E2', 'E3', 'E4', 'E6']);
    const res = await get('');
    expect(res.json().nextCursor).toBeNull();
    expect(res.json().events[0].descriptionHtml).toBe('');
  });

  it.each<[string, string[]]>([
    ['cluster=agro-orebro', ['E1', 'E2', 'E4']],
    ['cluster=agro-vast', ['E3']],
    ['cluster=froda', ['E2', 'E6']],
    ['cluster=grona-navet', []],
    ['theme=krisberedskap', ['E1', 'E3', 'E6']],
    ['theme=kapitalforsorjning', ['E3', 'E4']],
    ['theme=nya-affarsmodeller', []],
    ['kind=webinar', ['E2', 'E6']],
    ['kind=conference', ['E3']],
    ['county=orebro-lan', ['E1']],
    ['county=vastra-gotalands-lan', ['E3']],
    ['county=skane-lan', []],
    ['status=published', ['E1', 'E2', 'E3', 'E6']],
    ['status=cancelled', ['E4']],
    ['from=2028-04-01', ['E3', 'E4', 'E6']],
    ['to=2028-04-01', ['E1', 'E2']],
    ['from=2028-03-01T11:00', ['E1', 'E2', 'E3', 'E4', 'E6']],
    ['from=2028-03-01T12:00', ['E2', 'E3', 'E4', 'E6']],
    ['from=2028-03-01T10:59:00Z', ['E1', 'E2', 'E3', 'E4', 'E6']],
    ['from=2028-03-01T11:00:00Z', ['E2', 'E3', 'E4', 'E6']],
    ['from=2028-03-01T13:00:00%2B02:00', ['E2', 'E3', 'E4', 'E6']],
    ['to=2028-03-05T10:00', ['E1']],
    ['to=2028-03-05T10:01', ['E1', 'E2']],
    ['from=2028-05-01&to=2028-05-02', ['E4']],
  ])('filters alone: %s', async (query, expected) => {
    expect(await list(query)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['cluster=agro-orebro&theme=kapitalforsorjning', ['E4']],
    ['cluster=agro-orebro&theme=krisberedskap', ['E1']],
    ['theme=krisberedskap&kind=webinar', ['E6']],
    ['from=2028-03-02&to=2028-05-01&theme=krisberedskap', ['E3']],
    ['cluster=froda&q=skog', ['E6']],
    ['cluster=agro-orebro&status=cancelled', ['E4']],
    [
      'cluster=agro-orebro&status=published&kind=webinar&county=dalarnas-lan&theme=omvarldsbevakning&from=2028-03-01&to=2028-04-01&q=omvärld',
      ['E2'],
    ],
    ['theme=krisberedskap&county=dalarnas-lan', []],
  ])('filters combined: %s', async (query, expected) => {
    expect(await list(query)).toEqual(expected);
  });

  it("/api/events/summaries: the same page as /api/events, each event with the full view's values of its fields", async () => {
    const keys = ['id', 'title', 'kind', 'status', 'allDay', 'startsAt', 'endsAt', 'timeZone', 'start', 'end', 'startDate', 'endDate'];
    const more = ['venueName', 'hasOnlineUrl', 'visibility', 'county', 'lead', 'organisers'];
    for (const [query, who] of [
      ['', 'anonymous'],
      ['limit=2', 'lead'],
      ['cluster=agro-orebro', 'admin'],
      ['status=draft', 'lead'],
    ] as const) {
      const full = await get(query, who);
      const res = await l.inject({
        method: 'GET',
        url: `/api/events/summaries${query ? `?${query}` : ''}`,
        headers: who === 'anonymous' ? {} : bearer(tk[who]!),
      });
      expect(res.statusCode, res.body).toBe(200);
      const want = full.json() as { events: Record<string, unknown>[]; nextCursor: string | null };
      const pick = (e: Record<string, unknown>) => Object.fromEntries([...keys, ...more].map((k) => [k, e[k]]));
      expect(res.json(), `${who} ${query}`).toEqual({ events: want.events.map(pick), nextCursor: want.nextCursor });
      expect(want.events.length, `${who} ${query}`).toBeGreaterThan(0);
    }
  });

  it('drafts only with status=draft, and only for those who may see them', async () => {
    expect(await list('status=draft', 'lead')).toEqual(['E5']);
    expect(await list('status=draft', 'admin')).toEqual(['E5']);
    expect(await list('status=draft', 'cohost')).toEqual([]);
    expect(await list('status=draft', 'participant')).toEqual([]);
    expect(await list('status=draft&q=ärter', 'lead')).toEqual(['E5']);
    expectError(await get('status=draft'), 401);
  });

  it.each([
    ['cluster=no-such-cluster', 'unknown_cluster', '"no-such-cluster"'],
    ['theme=gardening', 'unknown_theme', '"gardening"'],
    ['county=atlantis', 'unknown_county', '"atlantis"'],
  ])('404 naming an unknown filter: %s', async (query, code, name) => {
    expect(expectError(await get(query), 404, code).message).toContain(name);
  });

  it.each<[string, string[]]>([
    ['ärtodling', ['E1']],
    ['ÄRTODLING', ['E1']],
    ['artodling', ['E1']],
    ['ärt', ['E1']],
    ['narke', ['E1']],
    ['Närke ärt', ['E1']],
    ['omvärld', ['E2']],
    ['rapporter klimat', ['E2']],
    ['lantbrukare rapport', ['E2']],
    ['skog', ['E4', 'E6']],
    ['gården', ['E3']],
    ['potatis', []],
  ])('searches title and description: q=%s', async (q, expected) => {
    expect(await list(`q=${encodeURIComponent(q)}`)).toEqual(expected);
  });

  it.each([
    '"',
    '""',
    '"skog',
    '*',
    'skog*',
    '**',
    'skog OR potatis',
    'OR',
    'AND',
    'NOT',
    'NEAR(',
    'NEAR(skog övning)',
    'NEAR(ÖVNING)',
    'skogsbrand -övning',
    'title:skog',
    '{title description}: skog',
    '^skog',
    '(skog',
    'skog)',
    "skog'; DROP TABLE events; --",
    '%',
    '\\',
    '🌲',
    'ø',
  ])('takes what users type as words, never FTS5 syntax: q=%j', async (q) => {
    const res = await get(`q=${encodeURIComponent(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    const found = (res.json().events as EventJson[]).map((e) => Object.entries(ids).find(([, id]) => id === e.id)![0]);
    // The oracle: an event matches when every typed word is one of its words, the last one
    // at least as the start of one (case and diacritics folded).
    const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const typed = (q.match(/[\p{L}\p{N}]+/gu) ?? []).map(fold);
    const expected = ['E1', 'E2', 'E3', 'E4', 'E6'].filter((name) => {
      const words: string[] = fold(texts[name]!).match(/[\p{L}\p{N}]+/gu) ?? [];
      return typed.length > 0 && typed.every((w, i) => (i === typed.length - 1 ? words.some((x) => x.startsWith(w)) : words.includes(w)));
    });
    expect(found).toEqual(expected);
    expect(await list('')).toEqual(['E1', 'E2', 'E3', 'E4', 'E6']);
  });

  it('an empty q is no filter', async () => {
    expect(await list('q=')).toEqual(['E1', 'E2', 'E3', 'E4', 'E6']);
    expect(await list('q=%20%20')).toEqual(['E1', 'E2', 'E3', 'E4', 'E6']);
  });

  it.each([
    ['from=2028-02-30', 400],
    ['from=tomorrow', 400],
    ['to=2028-01-01T25:00', 400],
    ['to=2028-1-1', 400],
    ['limit=0', 400],
    ['limit=201', 400],
    ['limit=abc', 400],
    ['limit=1.5', 400],
    ['kind=party', 400],
    ['status=deleted', 400],
    ['cluster=Agro_Orebro', 400],
    ['theme=', 400],
    ['sort=title', 400],
    [`q=${'a'.repeat(201)}`, 400],
    ['cursor=not%2Bbase64', 400],
    ['cursor=%3D%3D', 400],
    ['cursor=abc', 400],
    [`cursor=${Buffer.from('1:2:3').toString('base64url')}`, 400],
    [`cursor=${Buffer.from('99999999999999999999:1').toString('base64url')}`, 400],
    [`cursor=${Buffer.from('1:99999999999999999999').toString('base64url')}`, 400],
    [`cursor=${'A'.repeat(101)}`, 400],
  ])('%s → %i', async (query, status) => {
    expectError(await get(query), status);
  });

  describe('cursor pagination', () => {
    const same: number[] = [];
    beforeAll(async () => {
      // Seven events at the very same start, between two others.
      const mk = async (title: string, start: string) => {
        const res = await l.inject({
          method: 'POST',
          url: '/api/events',
          headers: bearer(tk.lead!),
          payload: {
            leadCluster: LEAD,
            title,
            kind: 'workshop',
            themes: ['metoder-och-arbetssatt'],
            venueName: 'Sal',
            start,
            end: start.replace('T10', 'T11'),
          },
        });
        const id = res.json().event.id as number;
        await l.inject({ method: 'POST', url: `/api/events/${id}/publish`, headers: bearer(tk.lead!) });
        return id;
      };
      same.push(await mk('Före', '2029-01-01T10:00'));
      for (let i = 0; i < 7; i++) same.push(await mk(`Samtidigt ${i}`, '2029-01-02T10:00'));
      same.push(await mk('Efter', '2029-01-03T10:00'));
    });

    it.each([1, 2, 3, 4, 7, 8, 9, 10, 200])('limit=%i returns every event exactly once, in (start, id) order', async (limit) => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`theme=metoder-och-arbetssatt&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json() as { events: EventJson[]; nextCursor: string | null };
        expect(page.events.length).toBeLessThanOrEqual(limit);
        seen.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(seen).toEqual(same);
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBe(Math.ceil(same.length / limit));
    });

    it('a cursor works with other filters and past the end gives an empty page', async () => {
      const first = (await get('theme=metoder-och-arbetssatt&limit=8')).json();
      expect(first.nextCursor).toEqual(expect.any(String));
      const last = (await get(`theme=metoder-och-arbetssatt&limit=8&cursor=${first.nextCursor}`)).json();
      expect(last.events.map((e: EventJson) => e.id)).toEqual([same[8]]);
      expect(last.nextCursor).toBeNull();
      const beyond = Buffer.from(`${Date.parse('2100-01-01')}:1`).toString('base64url');
      expect((await get(`cursor=${beyond}`)).json()).toEqual({ events: [], nextCursor: null });
    });
  });
});

describe('unlisted and internal events: who finds them where (issue 12)', () => {
  type Seen = { page: number; listed: boolean; personal: boolean };
  // The lead is LEAD's coordinator, the co-host FRODA's (accepted), "unrelated" a coordinator of
  // another cluster; personal feeds hold the events of one's own clusters.
  const table: [Who, { unlisted: Seen; internal: Seen }][] = [
    ['anonymous', { unlisted: { page: 200, listed: false, personal: false }, internal: { page: 404, listed: false, personal: false } }],
    ['participant', { unlisted: { page: 200, listed: false, personal: false }, internal: { page: 404, listed: false, personal: false } }],
    ['unrelated', { unlisted: { page: 200, listed: false, personal: false }, internal: { page: 200, listed: true, personal: false } }],
    ['cohost', { unlisted: { page: 200, listed: true, personal: true }, internal: { page: 200, listed: true, personal: true } }],
    ['lead', { unlisted: { page: 200, listed: true, personal: true }, internal: { page: 200, listed: true, personal: true } }],
    ['admin', { unlisted: { page: 200, listed: true, personal: false }, internal: { page: 200, listed: true, personal: false } }],
  ];
  const ids: Record<'public' | 'unlisted' | 'internal', number> = { public: 0, unlisted: 0, internal: 0 };
  const title = (v: string) => `Synlighet ${v} ${Date.now()}`;
  const titles: Record<string, string> = {};

  beforeAll(async () => {
    for (const v of ['public', 'unlisted', 'internal'] as const) {
      titles[v] = title(v);
      ids[v] = await eventWithOrganisers({ title: titles[v], visibility: v, themes: ['nya-affarsmodeller'], county: 'orebro-lan' });
      await publish(ids[v]);
    }
  });

  /** Every public feed a visitor (or a calendar app) can read: the whole network, the lead's and co-host's cluster, the theme, the county, Atom. */
  const PUBLIC_FEEDS = [
    '/feeds/all.ics',
    '/feeds/all.ics?lang=en',
    '/feeds/all.atom',
    `/feeds/all.atom?cluster=${LEAD}`,
    `/feeds/clusters/${LEAD}.ics`,
    `/feeds/clusters/${COHOST}.ics`,
    '/feeds/themes/nya-affarsmodeller.ics',
    '/feeds/counties/orebro-lan.ics',
  ];

  it.each(table)('%s', async (who, expected) => {
    const listUrls = [
      '/api/events?limit=200',
      `/api/events?limit=200&cluster=${LEAD}`,
      `/api/events?limit=200&q=${encodeURIComponent('Synlighet')}`,
      '/api/events/brief?limit=500',
      '/api/events/summaries?limit=200',
    ];
    const feed = who === 'anonymous' ? null : (await call('GET', '/api/me/feed', who)).json().url.replace(/^https?:\/\/[^/]+/, '');
    for (const v of ['unlisted', 'internal'] as const) {
      const id = ids[v];
      const s = expected[v];
      const page = await call('GET', `/api/events/${id}`, who);
      if (s.page === 200) expect(page.statusCode, `${who} ${v}`).toBe(200);
      else expectError(page, s.page, 'unknown_event');
      for (const url of listUrls) {
        const res = await call('GET', url, who);
        expect(res.statusCode, `${who} ${url}`).toBe(200);
        expect(res.body.includes(titles[v]!), `${who} ${v} in ${url}`).toBe(s.listed);
        // The public event is in every list, for everyone: the lists answer, they do not just hide.
        expect(res.body.includes(titles.public!), `${who} public in ${url}`).toBe(true);
      }
      // The start page shows only the next five events of the whole file's: it must not leak, whatever it shows.
      const start = await call('GET', '/api/start', who);
      expect(start.statusCode).toBe(200);
      if (!s.listed) expect(start.body.includes(titles[v]!), `${who} ${v} on the start page`).toBe(false);
      for (const url of PUBLIC_FEEDS) {
        const res = await call('GET', url, who);
        expect(res.statusCode, url).toBe(200);
        expect(res.body.includes(titles[v]!), `${v} in ${url}`).toBe(false);
        expect(res.body.includes(titles.public!), `public in ${url}`).toBe(true);
      }
      // Its own calendar file is reachable by link like its page: an unlisted one, never an internal one.
      const single = await call('GET', `/events/${id}.ics`, who);
      expect(single.statusCode, `${v} .ics`).toBe(v === 'unlisted' ? 200 : 404);
      if (feed) {
        const personal = await call('GET', feed, who);
        expect(personal.statusCode).toBe(200);
        expect(personal.body.includes(titles[v]!), `${who} personal feed ${v}`).toBe(s.personal);
      }
    }
  });

  it('an internal event takes no registration from those who may not see it: 404, nothing written', async () => {
    const before = snapshot();
    const payload = { name: 'Utomstående', email: 'ute@example.se', organisation: 'Gården', consent: true };
    expectError(await call('POST', `/api/events/${ids.internal}/registrations`, 'anonymous', payload), 404, 'unknown_event');
    expectError(await call('POST', `/api/events/${ids.internal}/registrations`, 'participant', payload), 404, 'unknown_event');
    expectError(await call('GET', `/api/events/${ids.internal}/registration-summary`, 'anonymous'), 404, 'unknown_event');
    expect(snapshot()).toBe(before);
    const ok = await call('POST', `/api/events/${ids.internal}/registrations`, 'unrelated', { ...payload, email: 'samordnare@example.se' });
    expect(ok.statusCode, ok.body).toBe(201);
    const unlisted = await call('POST', `/api/events/${ids.unlisted}/registrations`, 'anonymous', { ...payload, email: 'lank@example.se' });
    expect(unlisted.statusCode, unlisted.body).toBe(201);
  });

  it('the embed listing, the knowledge bank and announcements carry public events only', async () => {
    const embed = await call('GET', '/api/embed/events?limit=20');
    expect(embed.statusCode).toBe(200);
    expect(embed.body.includes(titles.unlisted!) || embed.body.includes(titles.internal!)).toBe(false);
    for (const v of ['unlisted', 'internal'] as const) {
      const before = snapshot();
      const res = await call('POST', `/api/events/${ids[v]}/announcements`, 'lead', { cluster: LEAD });
      expectError(res, 409, 'not_public');
      expect(snapshot()).toBe(before);
      const view = (await call('GET', `/api/events/${ids[v]}`, 'lead')).json() as EventJson;
      expect(view.announceAs).toEqual([]);
    }
  });
});
