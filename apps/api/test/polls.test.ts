import { answerPoll, loadActor } from '@samverka/core';
import { eventOrganisers, events, outbox, pollAnswers, polls, pollSlots } from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { muteNotifications } from '../../../packages/core/src/reactions.ts';
import { readWithIcalJs } from '../../../tests/support/ics-readers.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const ORG = 'agro-orebro';
const INV = 'froda';
const INV2 = 'agro-vast';
const OTHER = 'gront-center';

type Who = 'admin' | 'organiser' | 'invited' | 'invited2' | 'unrelated' | 'participant' | 'anonymous';

let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};
const userIds: Partial<Record<Who, number>> = {};
const emails: Partial<Record<Who, string>> = {};

beforeAll(async () => {
  t = await makeTestApp();
  const made: [Who, 'admin' | 'coordinator' | 'participant', string[]?][] = [
    ['admin', 'admin'],
    ['organiser', 'coordinator', [ORG]],
    ['invited', 'coordinator', [INV]],
    ['invited2', 'coordinator', [INV2]],
    ['unrelated', 'coordinator', [OTHER]],
    ['participant', 'participant'],
  ];
  for (const [who, role, clusters] of made) {
    const { token, userId, email } = await t.login(role, { clusters });
    tokens[who] = token;
    userIds[who] = userId;
    emails[who] = email;
  }
});
afterAll(() => t.close());

const call = (method: InjectOptions['method'], url: string, who: Who = 'anonymous', payload?: unknown) =>
  t.inject({
    method,
    url,
    headers: who === 'anonymous' ? {} : bearer(tokens[who]!),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** Two years ahead, so the slots stay in the future whenever the suite runs. */
const Y = new Date().getFullYear() + 2;

/** The wall-clock time in Stockholm `ms` from now, as the API takes it ("YYYY-MM-DDTHH:mm"). */
function stockholm(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Stockholm',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(Date.now() + ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const body = (over: Record<string, unknown> = {}) => ({
  organiserCluster: ORG,
  title: 'Nätverksmöte om beredskap',
  description: 'Vi hittar en tid.',
  durationMinutes: 120,
  invitedClusters: [INV, INV2],
  slots: [`${Y}-02-05T10:00`, `${Y}-06-05T10:00`, `${Y}-02-06T13:00`],
  closes: `${Y}-01-20T12:00`,
  venueName: 'Lantbruksskolan',
  ...over,
});

interface PollJson {
  id: number;
  open: boolean;
  closesAt: string;
  finalSlotId: number | null;
  eventId: number | null;
  slots: {
    id: number;
    start: string;
    startsAt: string;
    endsAt: string;
    score: { yes: number; maybe: number; no: number };
    answers: { cluster: { slug: string }; answer: string }[];
    clashes: { id: number; title: string }[];
  }[];
  canAnswerFor: { slug: string }[];
  canFinalise: boolean;
  [k: string]: unknown;
}

async function makePoll(over: Record<string, unknown> = {}, who: Who = 'organiser'): Promise<PollJson> {
  const res = await call('POST', '/api/polls', who, body(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as PollJson;
}

const counts = () =>
  JSON.stringify([
    t.db.select().from(polls).orderBy(asc(polls.id)).all(),
    t.db.select().from(pollSlots).all(),
    t.db.select().from(pollAnswers).all(),
    t.db.select().from(events).all().length,
    t.db.select().from(outbox).all().length,
  ]);

describe('POST /api/polls', () => {
  it('201 with the poll: Stockholm wall-clock slots, sorted, with their instants', async () => {
    const p = await makePoll();
    expect(p.slots.map((s) => s.start)).toEqual([`${Y}-02-05T10:00`, `${Y}-02-06T13:00`, `${Y}-06-05T10:00`]);
    expect(p.slots[0]!.startsAt).toBe(`${Y}-02-05T09:00:00.000Z`);
    expect(p.slots[0]!.endsAt).toBe(`${Y}-02-05T11:00:00.000Z`);
    expect(p.slots[2]!.startsAt).toBe(`${Y}-06-05T08:00:00.000Z`);
    expect(p.closesAt).toBe(`${Y}-01-20T11:00:00.000Z`);
    expect(p).toMatchObject({
      open: true,
      finalSlotId: null,
      eventId: null,
      canFinalise: true,
      organiser: { slug: ORG },
      timeZone: 'Europe/Stockholm',
    });
  });

  it.each<[Who, number]>([
    ['admin', 201],
    ['organiser', 201],
    ['invited', 403],
    ['unrelated', 403],
    ['participant', 403],
    ['anonymous', 401],
  ])('%s → %i; a refusal creates nothing', async (who, status) => {
    const before = counts();
    const res = await call('POST', '/api/polls', who, body());
    if (status === 201) expect(res.statusCode, res.body).toBe(201);
    else {
      expectError(res, status, status === 401 ? 'login_required' : 'forbidden');
      expect(counts()).toBe(before);
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing title', { title: undefined }, 'invalid_request'],
    ['an unknown field', { colour: 'green' }, 'invalid_request'],
    ['a slot that is not wall-clock time', { slots: [`${Y}-02-05 10:00`] }, 'invalid_request'],
    ['a slot with an offset', { slots: [`${Y}-02-05T10:00+01:00`] }, 'invalid_request'],
    ['no slots', { slots: [] }, 'invalid_request'],
    ['a too short meeting', { durationMinutes: 5 }, 'invalid_request'],
    ['a duration given as text', { durationMinutes: '90' }, 'invalid_request'],
    ['no invited cluster', { invitedClusters: [] }, 'invalid_request'],
    ['an invited cluster twice', { invitedClusters: [INV, INV] }, 'invalid_request'],
    ['an unknown invited cluster', { invitedClusters: ['no-such-cluster'] }, 'invalid_poll'],
    ['a slot in the past', { slots: [stockholm(-3_600_000)] }, 'invalid_poll'],
    ['a closing time in the past', { closes: stockholm(-60_000) }, 'invalid_poll'],
    ['a slot on 31 April', { slots: [`${Y}-04-31T10:00`] }, 'invalid_poll'],
    ['a javascript: meeting link', { onlineUrl: 'javascript:alert(1)' }, 'invalid_poll'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'invalid_time_zone'],
    ['an unknown organising cluster', { organiserCluster: 'no-such-cluster' }, 'unknown_cluster'],
  ])('400 for %s, in the error shape, creating nothing', async (_what, over, code) => {
    const before = counts();
    const payload = body(over);
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete (payload as Record<string, unknown>)[k];
    const err = expectError(await call('POST', '/api/polls', 'admin', payload), 400, code);
    expect(err.details?.length ?? 0).toBeGreaterThan(0);
    expect(counts()).toBe(before);
  });

  it('400 for a body that is not JSON, and 415 for a form post', async () => {
    expectError(
      await t.inject({
        method: 'POST',
        url: '/api/polls',
        headers: { ...bearer(tokens.organiser!), 'content-type': 'application/json' },
        payload: '{"title":',
      }),
      400,
      'malformed_json',
    );
    const form = await t.inject({
      method: 'POST',
      url: '/api/polls',
      headers: { ...bearer(tokens.organiser!), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'title=x',
    });
    expect(form.statusCode).toBe(415);
  });
});

describe('GET /api/polls and /api/polls/:id', () => {
  let p: PollJson;
  beforeAll(async () => {
    p = await makePoll({ title: 'Synlighet' });
  });

  it.each<[Who, number]>([
    ['admin', 200],
    ['organiser', 200],
    ['invited', 200],
    ['invited2', 200],
    ['unrelated', 404],
    ['participant', 404],
    ['anonymous', 401],
  ])('%s reading it → %i', async (who, status) => {
    const res = await call('GET', `/api/polls/${p.id}`, who);
    if (status === 200) expect((res.json() as PollJson).id).toBe(p.id);
    else expectError(res, status);
  });

  it('the list holds it for those involved and not for others', async () => {
    for (const who of ['admin', 'organiser', 'invited', 'invited2'] as const) {
      const res = await call('GET', '/api/polls', who);
      expect(res.statusCode).toBe(200);
      expect((res.json() as PollJson[]).map((x) => x.id)).toContain(p.id);
    }
    for (const who of ['unrelated', 'participant'] as const) expect((await call('GET', '/api/polls', who)).json()).toEqual([]);
    expectError(await call('GET', '/api/polls', 'anonymous'), 401);
  });

  it('an unknown poll is 404 like a hidden one; a bad id is 400', async () => {
    const hidden = expectError(await call('GET', `/api/polls/${p.id}`, 'unrelated'), 404, 'unknown_poll');
    const unknown = expectError(await call('GET', '/api/polls/999999', 'unrelated'), 404, 'unknown_poll');
    expect(hidden.message.replace(/\d+/, 'N')).toBe(unknown.message.replace(/\d+/, 'N'));
    expectError(await call('GET', '/api/polls/abc', 'admin'), 400);
    expectError(await call('GET', '/api/polls/0', 'admin'), 400);
  });

  it('each slot lists the published events it clashes with', async () => {
    const created = await call('POST', '/api/events', 'unrelated', {
      leadCluster: OTHER,
      title: 'Skogsdagen',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: `${Y}-02-06T12:00`,
      end: `${Y}-02-06T16:00`,
      venueName: 'Ås',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().event.id as number;
    expect((await call('POST', `/api/events/${id}/publish`, 'unrelated')).statusCode).toBe(200);
    const v = (await call('GET', `/api/polls/${p.id}`, 'invited')).json() as PollJson;
    expect(v.slots.map((s) => s.clashes.map((c) => c.title))).toEqual([[], ['Skogsdagen'], []]);
  });
});

describe('POST /api/polls/:id/answers', () => {
  it('answers per slot, changeable; the scores follow', async () => {
    const p = await makePoll();
    const [s1, s2, s3] = p.slots.map((s) => s.id);
    let res = await call('POST', `/api/polls/${p.id}/answers`, 'invited', {
      cluster: INV,
      answers: [
        { slotId: s1, answer: 'yes' },
        { slotId: s2, answer: 'maybe' },
        { slotId: s3, answer: 'no' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    res = await call('POST', `/api/polls/${p.id}/answers`, 'invited', { cluster: INV, answers: [{ slotId: s1, answer: 'no' }] });
    const v = res.json() as PollJson;
    expect(v.slots.map((s) => s.score)).toEqual([
      { yes: 0, maybe: 0, no: 1 },
      { yes: 0, maybe: 1, no: 0 },
      { yes: 0, maybe: 0, no: 1 },
    ]);
    expect(v.canAnswerFor.map((c) => c.slug)).toEqual([INV]);
  });

  it.each<[string, Who, string, number]>([
    ['admin for an invited cluster', 'admin', INV2, 200],
    ['the organiser for the organising cluster', 'organiser', ORG, 200],
    ['an invited coordinator for their cluster', 'invited', INV, 200],
    ['an invited coordinator for another invited cluster', 'invited', INV2, 403],
    ['the organiser for an invited cluster', 'organiser', INV, 403],
    ['an invited coordinator for a cluster not invited', 'invited', OTHER, 400],
    ['an unrelated coordinator', 'unrelated', OTHER, 404],
    ['a participant', 'participant', INV, 404],
    ['anonymous', 'anonymous', INV, 401],
  ])('%s → %i', async (_what, who, cluster, status) => {
    const p = await makePoll();
    const before = counts();
    const res = await call('POST', `/api/polls/${p.id}/answers`, who, { cluster, answers: [{ slotId: p.slots[0]!.id, answer: 'yes' }] });
    if (status === 200) expect(res.statusCode, res.body).toBe(200);
    else {
      expectError(res, status);
      expect(counts()).toBe(before);
    }
  });

  it.each<[string, unknown]>([
    ['an unknown answer', { cluster: INV, answers: [{ slotId: 1, answer: 'perhaps' }] }],
    ['no answers', { cluster: INV, answers: [] }],
    ['a slot id 0', { cluster: INV, answers: [{ slotId: 0, answer: 'yes' }] }],
    ['an extra field', { cluster: INV, answers: [{ slotId: 1, answer: 'yes', note: 'x' }] }],
    ['no cluster', { answers: [{ slotId: 1, answer: 'yes' }] }],
  ])('400 for %s', async (_what, payload) => {
    const p = await makePoll();
    const before = counts();
    expectError(await call('POST', `/api/polls/${p.id}/answers`, 'invited', payload), 400, 'invalid_request');
    expect(counts()).toBe(before);
  });

  it('400 unknown_slot for a slot of another poll', async () => {
    const p = await makePoll();
    const q = await makePoll();
    expectError(
      await call('POST', `/api/polls/${p.id}/answers`, 'invited', { cluster: INV, answers: [{ slotId: q.slots[0]!.id, answer: 'yes' }] }),
      400,
      'unknown_slot',
    );
  });

  it('after closesAt answers are refused with 409 poll_closed (core with a later clock, and the API once the time has passed)', async () => {
    // Closes in two minutes.
    const p = await makePoll({ closes: stockholm(2 * 60_000) });
    const s1 = p.slots[0]!.id;
    expect(
      (await call('POST', `/api/polls/${p.id}/answers`, 'invited', { cluster: INV, answers: [{ slotId: s1, answer: 'yes' }] })).statusCode,
    ).toBe(200);
    const actor = loadActor(t.db, userIds.invited!);
    const after = new Date(Date.parse(p.closesAt) + 1);
    expect(() => answerPoll(t.db, actor, p.id, INV, [{ slotId: s1, answer: 'no' }], after)).toThrow(
      expect.objectContaining({ kind: 'conflict', code: 'poll_closed' }),
    );
    // Let the closing time pass (without waiting two minutes): move it into the past.
    t.db
      .update(polls)
      .set({ closesAt: new Date(Date.now() - 1000) })
      .where(eq(polls.id, p.id))
      .run();
    const before = counts();
    expectError(
      await call('POST', `/api/polls/${p.id}/answers`, 'invited', { cluster: INV, answers: [{ slotId: s1, answer: 'no' }] }),
      409,
      'poll_closed',
    );
    expectError(
      await call('POST', `/api/polls/${p.id}/answers`, 'admin', { cluster: INV2, answers: [{ slotId: s1, answer: 'no' }] }),
      409,
      'poll_closed',
    );
    expect(counts()).toBe(before);
    const v = (await call('GET', `/api/polls/${p.id}`, 'invited')).json() as PollJson;
    expect(v.open).toBe(false);
    expect(v.canAnswerFor).toEqual([]);
    expect(v.slots[0]!.score).toEqual({ yes: 1, maybe: 0, no: 0 });
  });
});

describe('POST /api/polls/:id/finalise', () => {
  async function answered(over: Record<string, unknown> = {}) {
    const p = await makePoll(over);
    const [s1, s2] = p.slots.map((s) => s.id) as [number, number];
    for (const [who, cluster, answers] of [
      [
        'invited',
        INV,
        [
          { slotId: s1, answer: 'yes' },
          { slotId: s2, answer: 'no' },
        ],
      ],
      ['invited2', INV2, [{ slotId: s1, answer: 'maybe' }]],
      ['organiser', ORG, [{ slotId: s1, answer: 'yes' }]],
    ] as const) {
      expect((await call('POST', `/api/polls/${p.id}/answers`, who, { cluster, answers })).statusCode).toBe(200);
    }
    return { p, s1, s2 };
  }

  it('creates the draft network meeting (internal, no registrations) with the yes/maybe clusters invited, and mails everyone who answered an .ics of it', async () => {
    // The poll's own decision mail; notifications of the decision are tested in core's notifications.test.ts.
    onTestFinished(muteNotifications());
    const { p, s1 } = await answered();
    const mailsBefore = t.db.select().from(outbox).all().length;
    const res = await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: s1, themes: ['krisberedskap'] });
    expect(res.statusCode, res.body).toBe(200);
    const { poll, eventId } = res.json() as { poll: PollJson; eventId: number };
    expect(poll).toMatchObject({ finalSlotId: s1, eventId, open: false, canFinalise: false });
    // Issue 12: a draft its organiser publishes when ready; nobody else sees it.
    expect((await call('GET', `/api/events/${eventId}`, 'anonymous')).statusCode).toBe(404);
    const ev = await call('GET', `/api/events/${eventId}`, 'organiser');
    expect(ev.statusCode, ev.body).toBe(200);
    expect(ev.json()).toMatchObject({
      kind: 'network_meeting',
      status: 'draft',
      visibility: 'internal',
      registrationEnabled: false,
      themes: ['krisberedskap'],
      title: p.title,
      start: `${Y}-02-05T10:00`,
      end: `${Y}-02-05T12:00`,
    });
    const orgs = t.db.select().from(eventOrganisers).where(eq(eventOrganisers.eventId, eventId)).all();
    expect(orgs.filter((o) => o.role === 'cohost').map((o) => o.status)).toEqual(['invited', 'invited']);
    const invitations = (await call('GET', '/api/me/cohost-invitations', 'invited')).json() as { event: { id: number } }[];
    expect(invitations.map((i) => i.event.id)).toContain(eventId);

    const mails = t.db.select().from(outbox).all().slice(mailsBefore);
    expect(mails.map((m) => m.toAddress).sort()).toEqual([emails.invited, emails.invited2, emails.organiser].sort());
    const uid = t.db.select().from(events).where(eq(events.id, eventId)).get()!.uid;
    for (const m of mails) {
      const cal = readWithIcalJs(m.attachments![0]!.content);
      expect(cal.events.map((e) => [e.uid, e.start])).toEqual([[uid, `${Y}-02-05T09:00:00Z`]]);
    }
  });

  it.each<[Who, number]>([
    ['admin', 200],
    ['organiser', 200],
    ['invited', 403],
    ['unrelated', 404],
    ['participant', 404],
    ['anonymous', 401],
  ])('%s deciding → %i; a refusal creates nothing', async (who, status) => {
    const { p, s1 } = await answered();
    const before = counts();
    const res = await call('POST', `/api/polls/${p.id}/finalise`, who, { slotId: s1 });
    if (status === 200) expect(res.statusCode, res.body).toBe(200);
    else {
      expectError(res, status);
      expect(counts()).toBe(before);
    }
  });

  it('400 for an unknown slot, an unknown theme or a bad body; nothing is created', async () => {
    const { p, s1 } = await answered();
    const before = counts();
    expectError(await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: 2 ** 30 }), 400, 'unknown_slot');
    expectError(
      await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: s1, themes: ['no-such-theme'] }),
      400,
      'invalid_event',
    );
    expectError(await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: 'first' }), 400, 'invalid_request');
    expectError(await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: s1, themes: [] }), 400, 'invalid_request');
    expectError(await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', {}), 400, 'invalid_request');
    expect(counts()).toBe(before);
  });

  it('once decided: finalising again and answering are 409, and change nothing', async () => {
    const { p, s1, s2 } = await answered();
    expect((await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: s1 })).statusCode).toBe(200);
    const before = counts();
    expectError(await call('POST', `/api/polls/${p.id}/finalise`, 'admin', { slotId: s2 }), 409, 'poll_finalised');
    expectError(
      await call('POST', `/api/polls/${p.id}/answers`, 'invited', { cluster: INV, answers: [{ slotId: s1, answer: 'no' }] }),
      409,
      'poll_finalised',
    );
    expect(counts()).toBe(before);
  });

  it('without a place or link the event is a draft, visible to the organisers only', async () => {
    const { p, s1 } = await answered({ venueName: null });
    const { eventId } = (await call('POST', `/api/polls/${p.id}/finalise`, 'organiser', { slotId: s1 })).json() as { eventId: number };
    expect((await call('GET', `/api/events/${eventId}`, 'organiser')).json().status).toBe('draft');
    expectError(await call('GET', `/api/events/${eventId}`, 'anonymous'), 404);
  });
});
