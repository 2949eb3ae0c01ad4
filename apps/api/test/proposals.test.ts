import { eventOrganisers, events, proposalComments, proposalResponses, proposals, proposalThemes } from '@samverka/db';
import { asc } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const OWN = 'agro-orebro';
const A = 'froda';
const B = 'agro-vast';
type Who = 'admin' | 'own' | 'a' | 'b' | 'participant' | 'anonymous';

let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};
const names: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  t = await makeTestApp();
  for (const [who, role, clusters] of [
    ['admin', 'admin'],
    ['own', 'coordinator', [OWN]],
    ['a', 'coordinator', [A]],
    ['b', 'coordinator', [B]],
    ['participant', 'participant'],
  ] as [Who, 'admin' | 'coordinator' | 'participant', string[]?][]) {
    tokens[who] = (await t.login(role, { clusters })).token;
    names[who] = (await t.inject({ method: 'GET', url: '/api/me', headers: bearer(tokens[who]!) })).json().name;
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

function snapshot() {
  return JSON.stringify([
    t.db.select().from(proposals).orderBy(asc(proposals.id)).all(),
    t.db.select().from(proposalThemes).all(),
    t.db.select().from(proposalComments).orderBy(asc(proposalComments.id)).all(),
    t.db.select().from(proposalResponses).all(),
    t.db.select().from(events).orderBy(asc(events.id)).all(),
    t.db.select().from(eventOrganisers).all(),
  ]);
}

const body = (over: Record<string, unknown> = {}) => ({
  cluster: OWN,
  title: 'Workshop om kapitalförsörjning',
  abstract: 'Hur finansierar **gröna** företag sin tillväxt?',
  themes: ['kapitalforsorjning'],
  format: 'Halvdag, fysiskt',
  audience: 'Företagare och rådgivare',
  preferredFrom: '2027-09-01',
  preferredTo: '2027-10-31',
  ...over,
});

interface ProposalJson {
  id: number;
  status: string;
  eventId: number | null;
  interested: { slug: string }[];
  cohostOffers: { slug: string }[];
  comments: { author: string; body: string }[];
  canDecide: boolean;
  respondAs: { slug: string }[];
  [k: string]: unknown;
}

async function propose(over: Record<string, unknown> = {}, who: Who = 'own'): Promise<ProposalJson> {
  const res = await call('POST', '/api/proposals', who, body(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const respond = (id: number, who: Who, cluster: string, kind: 'interest' | 'cohost', on = true) =>
  call('POST', `/api/proposals/${id}/responses`, who, { cluster, kind, on });

describe('the whole proposal flow', () => {
  it('propose, discuss, mark interest, offer to co-host, accept: a draft event with the offering clusters invited', async () => {
    const p = await propose();
    expect(p).toMatchObject({ status: 'open', eventId: null, cluster: { slug: OWN }, canDecide: true, respondAs: [] });
    expect(p.abstractHtml).toBe('<p>Hur finansierar <strong>gröna</strong> företag sin tillväxt?</p>\n');

    const commented = await call('POST', `/api/proposals/${p.id}/comments`, 'a', { body: 'Vi vill gärna vara med!' });
    expect(commented.statusCode).toBe(201);
    expect(commented.json().comments).toEqual([
      {
        id: expect.any(Number),
        author: names.a,
        cluster: expect.any(String),
        body: 'Vi vill gärna vara med!',
        createdAt: expect.any(String),
      },
    ]);

    expect((await respond(p.id, 'a', A, 'interest')).statusCode).toBe(200);
    expect((await respond(p.id, 'a', A, 'cohost')).statusCode).toBe(200);
    const offered = await respond(p.id, 'b', B, 'cohost');
    expect(offered.json().cohostOffers.map((c: { slug: string }) => c.slug)).toEqual([A, B]);
    expect(offered.json().respondAs.map((c: { slug: string }) => c.slug)).toEqual([B]);

    const seen = (await call('GET', `/api/proposals/${p.id}`, 'participant')).json();
    expect(seen).toMatchObject({ canDecide: false, interested: [{ slug: A }] });

    const accepted = await call('POST', `/api/proposals/${p.id}/accept`, 'own', {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    const { proposal, eventId } = accepted.json();
    expect(proposal).toMatchObject({ status: 'accepted', eventId, canDecide: false });

    const ev = (await call('GET', `/api/events/${eventId}`, 'own')).json();
    expect(ev).toMatchObject({
      status: 'draft',
      kind: 'workshop',
      title: 'Workshop om kapitalförsörjning',
      lead: { slug: OWN },
      start: '2027-09-01T10:00',
      end: '2027-09-01T15:00',
      startsAt: '2027-09-01T08:00:00.000Z',
      themes: ['kapitalforsorjning'],
    });
    expect(ev.organisers.map((o: { slug: string; role: string; status: string }) => `${o.slug} ${o.role} ${o.status}`).sort()).toEqual(
      [`${OWN} lead accepted`, `${B} cohost invited`, `${A} cohost invited`].sort(),
    );
    // Drafts stay hidden from the public, but the invited clusters see them and their invitation.
    expectError(await call('GET', `/api/events/${eventId}`), 404);
    expect((await call('GET', `/api/events/${eventId}`, 'b')).statusCode).toBe(200);
    const invitations = (await call('GET', '/api/me/cohost-invitations', 'a')).json() as { event: { id: number } }[];
    expect(invitations.map((i) => i.event.id)).toContain(eventId);

    expect((await call('POST', `/api/events/${eventId}/organisers/${A}/answer`, 'a', { accept: true })).statusCode).toBe(200);
    expect((await call('PATCH', `/api/events/${eventId}`, 'a', { venueName: 'Frödas lada' })).json().event.venueName).toBe('Frödas lada');
  });

  it('a decided proposal refuses further responses and decisions with 409; discussion may go on', async () => {
    const accepted = await propose();
    await respond(accepted.id, 'a', A, 'interest');
    await call('POST', `/api/proposals/${accepted.id}/accept`, 'own', {});
    const declined = await propose({ title: 'Avböjd' });
    expect((await call('POST', `/api/proposals/${declined.id}/decline`, 'own', { reason: 'Ingen lokal' })).json()).toMatchObject({
      status: 'declined',
      declineReason: 'Ingen lokal',
    });
    for (const p of [accepted, declined]) {
      const before = snapshot();
      expectError(await respond(p.id, 'b', B, 'cohost'), 409, 'proposal_closed');
      expectError(await respond(p.id, 'a', A, 'interest', false), 409, 'proposal_closed');
      expectError(await call('POST', `/api/proposals/${p.id}/accept`, 'own', {}), 409, 'proposal_closed');
      expectError(await call('POST', `/api/proposals/${p.id}/accept`, 'admin', {}), 409, 'proposal_closed');
      expectError(await call('POST', `/api/proposals/${p.id}/decline`, 'own', { reason: 'Igen' }), 409, 'proposal_closed');
      expect(snapshot()).toBe(before);
      expect((await call('POST', `/api/proposals/${p.id}/comments`, 'b', { body: 'Synd' })).statusCode).toBe(201);
    }
  });
});

describe('POST /api/proposals', () => {
  it.each<[Who, number]>([
    ['own', 201],
    ['admin', 201],
    ['a', 403],
    ['participant', 403],
    ['anonymous', 401],
  ])('for cluster %s → %i', async (who, status) => {
    const before = snapshot();
    const res = await call('POST', '/api/proposals', who, body());
    if (status === 201) expect(res.statusCode).toBe(201);
    else {
      expectError(res, status);
      expect(snapshot()).toBe(before);
    }
  });

  it.each<[string, Record<string, unknown>, string, string | null]>([
    ['an unknown cluster', { cluster: 'no-such-cluster' }, 'invalid_proposal', 'unknown cluster "no-such-cluster"'],
    ['an unknown theme', { themes: ['gardening'] }, 'invalid_proposal', 'unknown theme "gardening"'],
    ['a period ending before it starts', { preferredFrom: '2027-10-01', preferredTo: '2027-09-01' }, 'invalid_proposal', 'preferredTo'],
    ['an impossible date', { preferredTo: '2027-02-30' }, 'invalid_proposal', 'preferredTo'],
    ['a blank title', { title: '   ' }, 'invalid_proposal', 'title'],
    ['a blank abstract', { abstract: '  ' }, 'invalid_proposal', 'abstract'],
    ['a date with a time', { preferredFrom: '2027-09-01T10:00' }, 'invalid_request', null],
    ['a date in another form', { preferredFrom: '1/9/2027' }, 'invalid_request', null],
    ['no themes', { themes: [] }, 'invalid_request', null],
    ['themes as a string', { themes: 'kapitalforsorjning' }, 'invalid_request', null],
    ['an empty title', { title: '' }, 'invalid_request', null],
    ['a title of 201 characters', { title: 'x'.repeat(201) }, 'invalid_request', null],
    ['a number as abstract', { abstract: 42 }, 'invalid_request', null],
    ['no audience', { audience: undefined }, 'invalid_request', null],
    ['an unknown field', { budget: 1000 }, 'invalid_request', 'budget'],
    ['a status', { status: 'accepted' }, 'invalid_request', 'status'],
  ])('400 for %s, writing nothing', async (_what, over, code, inMessage) => {
    const before = snapshot();
    const err = expectError(await call('POST', '/api/proposals', 'own', body(over)), 400, code);
    if (inMessage) expect(`${err.message} ${JSON.stringify(err.details ?? [])}`).toContain(inMessage);
    expect(snapshot()).toBe(before);
  });
});

describe('GET /api/proposals', () => {
  it('is for logged-in users; filters by status and cluster, open ones first', async () => {
    const mine = await propose({ title: 'Filter ett' });
    const theirs = await propose({ cluster: A, title: 'Filter två' }, 'a');
    const list = async (q: string, who: Who = 'participant') => {
      const res = await call('GET', `/api/proposals${q}`, who);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { proposals: ProposalJson[] }).proposals.map((p) => p.id);
    };
    const all = await list('');
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(all.indexOf(theirs.id)).toBeLessThan(all.indexOf(mine.id));
    const open = await list('?status=open');
    expect(open).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const fromA = await list(`?cluster=${A}`);
    expect(fromA).toContain(theirs.id);
    expect(fromA).not.toContain(mine.id);
    expect(await list(`?cluster=${A}&status=declined`)).toEqual([]);
    // The board view has no rendered HTML and no comments.
    const row = ((await call('GET', '/api/proposals', 'own')).json() as { proposals: ProposalJson[] }).proposals.find(
      (p) => p.id === mine.id,
    )!;
    expect(row).toMatchObject({ abstractHtml: '', comments: [] });
    expectError(await call('GET', '/api/proposals'), 401);
  });

  it('limit gives the first of the board in its order', async () => {
    await propose({ title: 'Gräns ett' });
    await propose({ title: 'Gräns två' });
    const ids = async (q: string) => {
      const res = await call('GET', `/api/proposals${q}`, 'participant');
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { proposals: ProposalJson[] }).proposals.map((p) => p.id);
    };
    const all = await ids('');
    expect(all.length).toBeGreaterThan(2);
    expect(await ids('?limit=2')).toEqual(all.slice(0, 2));
  });

  it('page and limit give that page of the board; matching counts what the filter matched', async () => {
    for (const n of [1, 2, 3]) await propose({ cluster: A, title: `Sida ${n}` }, 'a');
    const board = async (q: string) => {
      const res = await call('GET', `/api/proposals${q}`, 'participant');
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json() as { matching: number; proposals: ProposalJson[] };
      return { matching: r.matching, ids: r.proposals.map((p) => p.id) };
    };
    const fromA = await board(`?cluster=${A}`);
    expect(fromA.matching).toBe(fromA.ids.length);
    expect(fromA.matching).toBeGreaterThanOrEqual(3);
    expect(await board(`?cluster=${A}&limit=2&page=2`)).toEqual({ matching: fromA.matching, ids: fromA.ids.slice(2, 4) });
    expect(await board(`?cluster=${A}&limit=2&page=10000`)).toEqual({ matching: fromA.matching, ids: [] });
    expect((await board('')).matching).toBeGreaterThan(fromA.matching);
    expectError(await call('GET', '/api/proposals?page=0', 'participant'), 400, 'invalid_request');
    expectError(await call('GET', '/api/proposals?page=10001', 'participant'), 400, 'invalid_request');
  });

  it.each([
    ['?cluster=no-such-cluster', 404, 'unknown_cluster'],
    ['?status=maybe', 400, 'invalid_request'],
    ['?cluster=Agro_Orebro', 400, 'invalid_request'],
    ['?sort=new', 400, 'invalid_request'],
    ['?limit=0', 400, 'invalid_request'],
    ['?limit=201', 400, 'invalid_request'],
  ])('%s → %i', async (q, status, code) => {
    const err = expectError(await call('GET', `/api/proposals${q}`, 'participant'), status, code);
    if (status === 404) expect(err.message).toContain('"no-such-cluster"');
  });
});

describe('GET /api/proposals/:id', () => {
  it('401 without login, 404 unknown, 400 for ids out of range', async () => {
    const p = await propose();
    expectError(await call('GET', `/api/proposals/${p.id}`), 401);
    expect((await call('GET', `/api/proposals/${p.id}`, 'participant')).statusCode).toBe(200);
    expectError(await call('GET', '/api/proposals/2147483648', 'participant'), 404, 'unknown_proposal');
    for (const id of ['0', '-1', 'abc', '1.5', '2147483649', '99999999999999999999'])
      expectError(await call('GET', `/api/proposals/${id}`, 'participant'), 400, 'invalid_request');
  });
});

describe('comments', () => {
  it.each<[string, Who, unknown, number, string | undefined]>([
    ['a participant', 'participant', { body: 'Hej' }, 403, 'forbidden'],
    ['anonymous', 'anonymous', { body: 'Hej' }, 401, undefined],
    ['an empty body', 'a', { body: '' }, 400, 'invalid_request'],
    ['a blank body', 'a', { body: '   \n ' }, 400, 'empty_comment'],
    ['a body too long', 'a', { body: 'x'.repeat(5001) }, 400, 'invalid_request'],
    ['no body', 'a', {}, 400, 'invalid_request'],
    ['a number', 'a', { body: 5 }, 400, 'invalid_request'],
    ['an unknown field', 'a', { body: 'Hej', cluster: A }, 400, 'invalid_request'],
  ])('refuses a comment from %s', async (_what, who, payload, status, code) => {
    const p = await propose();
    const before = snapshot();
    expectError(await call('POST', `/api/proposals/${p.id}/comments`, who, payload), status, code);
    expect(snapshot()).toBe(before);
  });

  it('404 on an unknown proposal', async () => {
    expectError(await call('POST', '/api/proposals/2147483648/comments', 'a', { body: 'Hej' }), 404, 'unknown_proposal');
  });
});

describe('responses', () => {
  it('takes an offer back with on: false; repeating a response is harmless', async () => {
    const p = await propose();
    await respond(p.id, 'a', A, 'cohost');
    expect((await respond(p.id, 'a', A, 'cohost')).json().cohostOffers).toHaveLength(1);
    expect((await respond(p.id, 'a', A, 'cohost', false)).json().cohostOffers).toEqual([]);
  });

  it.each<[string, Who, unknown, number, string | undefined]>([
    ['the proposing cluster', 'own', { cluster: OWN, kind: 'cohost', on: true }, 422, 'own_proposal'],
    ['a cluster the actor does not coordinate', 'a', { cluster: B, kind: 'cohost', on: true }, 403, 'forbidden'],
    ['a participant', 'participant', { cluster: A, kind: 'interest', on: true }, 403, 'forbidden'],
    ['anonymous', 'anonymous', { cluster: A, kind: 'interest', on: true }, 401, undefined],
    ['an unknown cluster', 'a', { cluster: 'no-such-cluster', kind: 'interest', on: true }, 400, 'unknown_cluster'],
    ['an unknown kind', 'a', { cluster: A, kind: 'sponsor', on: true }, 400, 'invalid_request'],
    ['on as a string', 'a', { cluster: A, kind: 'interest', on: 'true' }, 400, 'invalid_request'],
    ['no on', 'a', { cluster: A, kind: 'interest' }, 400, 'invalid_request'],
    ['an unknown field', 'a', { cluster: A, kind: 'interest', on: true, note: 'x' }, 400, 'invalid_request'],
  ])('refuses %s', async (_what, who, payload, status, code) => {
    const p = await propose();
    const before = snapshot();
    const err = expectError(await call('POST', `/api/proposals/${p.id}/responses`, who, payload), status, code);
    if (code === 'unknown_cluster') expect(err.message).toContain('"no-such-cluster"');
    expect(snapshot()).toBe(before);
  });
});

describe('accept and decline', () => {
  it.each<[Who, number]>([
    ['own', 200],
    ['admin', 200],
    ['a', 403],
    ['participant', 403],
    ['anonymous', 401],
  ])('accept and decline by %s → %i', async (who, status) => {
    const p1 = await propose();
    const p2 = await propose({ title: 'Andra' });
    await respond(p1.id, 'a', A, 'cohost');
    const before = snapshot();
    const accepted = await call('POST', `/api/proposals/${p1.id}/accept`, who, {});
    const declined = await call('POST', `/api/proposals/${p2.id}/decline`, who, { reason: 'Nej tack' });
    if (status === 200) {
      expect([accepted.statusCode, declined.statusCode]).toEqual([200, 200]);
    } else {
      expectError(accepted, status);
      expectError(declined, status);
      expect(snapshot()).toBe(before);
    }
  });

  it('accepts with a chosen time and kind', async () => {
    const p = await propose();
    const res = await call('POST', `/api/proposals/${p.id}/accept`, 'own', {
      start: '2027-12-02T13:00',
      end: '2027-12-02T16:00',
      kind: 'webinar',
    });
    expect(res.statusCode).toBe(200);
    const ev = (await call('GET', `/api/events/${res.json().eventId}`, 'own')).json();
    expect(ev).toMatchObject({ kind: 'webinar', startsAt: '2027-12-02T12:00:00.000Z', endsAt: '2027-12-02T15:00:00.000Z' });
  });

  it.each<[string, unknown, string]>([
    ['a start in the skipped hour', { start: '2027-03-28T02:30', end: '2027-03-28T05:00' }, 'invalid_event'],
    ['an end before the start', { start: '2027-09-02T15:00', end: '2027-09-02T09:00' }, 'invalid_event'],
    ['a start in another form', { start: '2027-09-02 10:00' }, 'invalid_request'],
    ['an unknown kind', { kind: 'party' }, 'invalid_request'],
    ['an unknown field', { leadCluster: A }, 'invalid_request'],
    ['an array body', [], 'invalid_request'],
  ])('400 for an acceptance with %s; the proposal stays open', async (_what, payload, code) => {
    const p = await propose();
    await respond(p.id, 'a', A, 'cohost');
    const before = snapshot();
    expectError(await call('POST', `/api/proposals/${p.id}/accept`, 'own', payload), 400, code);
    expect(snapshot()).toBe(before);
    expect((await call('GET', `/api/proposals/${p.id}`, 'own')).json()).toMatchObject({ status: 'open', eventId: null });
  });

  it.each<[string, unknown, string]>([
    ['no reason', {}, 'invalid_request'],
    ['an empty reason', { reason: '' }, 'invalid_request'],
    ['a blank reason', { reason: '   ' }, 'reason_required'],
    ['a reason too long', { reason: 'x'.repeat(501) }, 'invalid_request'],
    ['a number', { reason: 3 }, 'invalid_request'],
  ])('400 for a decline with %s', async (_what, payload, code) => {
    const p = await propose();
    const before = snapshot();
    expectError(await call('POST', `/api/proposals/${p.id}/decline`, 'own', payload), 400, code);
    expect(snapshot()).toBe(before);
  });

  it('404 for an unknown proposal, 400 for an id out of range', async () => {
    expectError(await call('POST', '/api/proposals/2147483648/accept', 'admin', {}), 404, 'unknown_proposal');
    expectError(await call('POST', '/api/proposals/2147483648/decline', 'admin', { reason: 'x' }), 404, 'unknown_proposal');
    expectError(await call('POST', '/api/proposals/0/accept', 'admin', {}), 400, 'invalid_request');
    expectError(
      await call('POST', '/api/proposals/abc/responses', 'a', { cluster: A, kind: 'interest', on: true }),
      400,
      'invalid_request',
    );
  });
});
