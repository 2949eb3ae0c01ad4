import { eventOrganisers, events, proposalComments, proposalResponses, proposals, proposalThemes, type Db } from '@samverka/db';
import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import { answerCohostInvitation, eventAuditLog, getEvent, pendingCohostInvitations, updateEvent } from '../src/events/event-service.ts';
import {
  acceptProposal,
  commentOnProposal,
  createProposal,
  declineProposal,
  getProposal,
  listProposals,
  proposalBoard,
  respondToProposal,
  type ProposalInput,
} from '../src/proposals/proposal-service.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents } from './helpers.ts';

function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(proposals).orderBy(asc(proposals.id)).all(),
    db.select().from(proposalThemes).all(),
    db.select().from(proposalComments).orderBy(asc(proposalComments.id)).all(),
    db.select().from(proposalResponses).all(),
    db.select().from(events).all(),
    db.select().from(eventOrganisers).all(),
  ]);
}

const OWN = 'agro-orebro';
const A = 'froda';
const B = 'agro-vast';

let t: TestDb;
let own: Actor;
let a: Actor;
let b: Actor;
let admin: Actor;
let participant: Actor;

beforeEach(() => {
  t = freshDb();
  const load = (o: Parameters<typeof insertUser>[1]) => loadActor(t.db, insertUser(t.db, o))!;
  own = load({ name: 'Olga Own', coordinatorOf: [OWN] });
  a = load({ name: 'Anna A', coordinatorOf: [A] });
  b = load({ name: 'Bertil B', coordinatorOf: [B] });
  admin = load({ name: 'Ada Admin', isAdmin: true });
  participant = load({ name: 'Per Participant' });
});
afterEach(() => t.dispose());

const proposal = (over: Partial<ProposalInput> = {}): ProposalInput => ({
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

describe('createProposal', () => {
  it('a coordinator proposes for their cluster; the view renders the abstract', () => {
    const now = new Date('2027-03-01T09:00:00Z');
    const p = createProposal(t.db, own, proposal(), now);
    expect(p).toMatchObject({
      title: 'Workshop om kapitalförsörjning',
      cluster: { slug: OWN },
      status: 'open',
      eventId: null,
      declineReason: null,
      themes: ['kapitalforsorjning'],
      interested: [],
      cohostOffers: [],
      comments: [],
      canDecide: true,
      respondAs: [],
      createdAt: now.toISOString(),
    });
    expect(p.abstractHtml).toBe('<p>Hur finansierar <strong>gröna</strong> företag sin tillväxt?</p>\n');
  });

  it.each<[string, () => Actor | null, string]>([
    ['the cluster coordinator', () => own, 'allowed'],
    ['an admin', () => admin, 'allowed'],
    ['a coordinator of another cluster', () => a, 'forbidden'],
    ['a participant', () => participant, 'forbidden'],
    ['anonymous', () => null, 'unauthenticated'],
  ])('%s → %s', (_who, actor, expected) => {
    const before = snapshot(t.db);
    expect(outcome(() => createProposal(t.db, actor(), proposal()))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
  });

  it.each<[string, Partial<ProposalInput>, string, string, string]>([
    ['unknown cluster', { cluster: 'no-such-cluster' }, 'cluster', 'unknown_choice', 'unknown cluster "no-such-cluster"'],
    ['unknown theme', { themes: ['kapitalforsorjning', 'gardening'] }, 'themes', 'unknown_choice', 'unknown theme "gardening"'],
    ['no theme', { themes: [] }, 'themes', 'required', 'choose at least one theme'],
    ['blank title', { title: '   ' }, 'title', 'required', 'a title is required'],
    ['blank abstract', { abstract: ' \n ' }, 'abstract', 'required', 'an abstract is required'],
    ['blank format', { format: ' ' }, 'format', 'required', expect.any(String) as unknown as string],
    ['blank audience', { audience: '' }, 'audience', 'required', 'say who it is for'],
    [
      'period ending before it starts',
      { preferredFrom: '2027-10-01', preferredTo: '2027-09-01' },
      'preferredTo',
      'end_before_start',
      'the period ends before it starts',
    ],
    ['impossible date', { preferredFrom: '2027-02-30' }, 'preferredFrom', 'invalid_date', 'expected YYYY-MM-DD'],
  ])('refuses %s naming the field, writing nothing', (_what, over, field, code, message) => {
    const before = snapshot(t.db);
    const err = caught(() => createProposal(t.db, admin, proposal(over)));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_proposal']);
    expect(err.details).toContainEqual(expect.objectContaining({ field, code, message }));
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('comments', () => {
  it('coordinators of any cluster comment; participants and anonymous may not; empty comments are refused', () => {
    const id = createProposal(t.db, own, proposal()).id;
    commentOnProposal(t.db, a, id, '  Vi är intresserade!  ', new Date('2027-03-02T10:00:00Z'));
    const view = commentOnProposal(t.db, own, id, 'Tack!');
    expect(view.comments).toEqual([
      {
        id: expect.any(Number),
        author: 'Anna A',
        cluster: expect.stringMatching(/fr[oö]da/i),
        body: 'Vi är intresserade!',
        createdAt: '2027-03-02T10:00:00.000Z',
      },
      { id: expect.any(Number), author: 'Olga Own', cluster: expect.any(String), body: 'Tack!', createdAt: expect.any(String) },
    ]);
    const before = snapshot(t.db);
    expect(outcome(() => commentOnProposal(t.db, participant, id, 'Hej'))).toBe('forbidden');
    expect(outcome(() => commentOnProposal(t.db, null, id, 'Hej'))).toBe('unauthenticated');
    expect(caught(() => commentOnProposal(t.db, a, id, '   ')).code).toBe('empty_comment');
    expect(caught(() => commentOnProposal(t.db, a, id, 'x'.repeat(5001))).code).toBe('comment_too_long');
    expect(caught(() => commentOnProposal(t.db, a, 999, 'Hej')).code).toBe('unknown_proposal');
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('interest and co-host offers', () => {
  it('other clusters mark interest and offer to co-host, and may take it back', () => {
    const id = createProposal(t.db, own, proposal()).id;
    respondToProposal(t.db, a, id, A, 'interest', true);
    respondToProposal(t.db, a, id, A, 'cohost', true);
    respondToProposal(t.db, b, id, B, 'cohost', true);
    // Saying the same twice is harmless.
    const view = respondToProposal(t.db, b, id, B, 'cohost', true);
    expect(view.interested.map((c) => c.slug)).toEqual([A]);
    expect(view.cohostOffers.map((c) => c.slug)).toEqual([A, B]);
    const back = respondToProposal(t.db, a, id, A, 'cohost', false);
    expect(back.cohostOffers.map((c) => c.slug)).toEqual([B]);
    expect(back.interested.map((c) => c.slug)).toEqual([A]);
    expect(getProposal(t.db, a, id).respondAs.map((c) => c.slug)).toEqual([A]);
  });

  it('refuses the proposing cluster (422), clusters the actor does not coordinate (403) and unknown clusters (400)', () => {
    const id = createProposal(t.db, own, proposal()).id;
    const before = snapshot(t.db);
    expect(caught(() => respondToProposal(t.db, own, id, OWN, 'cohost', true))).toMatchObject({ kind: 'rule', code: 'own_proposal' });
    expect(caught(() => respondToProposal(t.db, admin, id, OWN, 'interest', true))).toMatchObject({ kind: 'rule', code: 'own_proposal' });
    expect(caught(() => respondToProposal(t.db, a, id, B, 'cohost', true)).kind).toBe('forbidden');
    expect(caught(() => respondToProposal(t.db, participant, id, A, 'cohost', true)).kind).toBe('forbidden');
    expect(caught(() => respondToProposal(t.db, null, id, A, 'cohost', true)).kind).toBe('unauthenticated');
    const unknown = caught(() => respondToProposal(t.db, a, id, 'no-such-cluster', 'cohost', true));
    expect([unknown.kind, unknown.message]).toEqual(['invalid', 'There is no cluster "no-such-cluster"']);
    expect(caught(() => respondToProposal(t.db, a, 999, A, 'cohost', true)).kind).toBe('not_found');
    expect(snapshot(t.db)).toBe(before);
    // An admin may respond on behalf of any other cluster.
    expect(respondToProposal(t.db, admin, id, B, 'interest', true).interested.map((c) => c.slug)).toEqual([B]);
  });
});

describe('accepting and declining', () => {
  it('accepting makes a draft event led by the proposing cluster, with the offering clusters invited as co-hosts', () => {
    const id = createProposal(t.db, own, proposal()).id;
    respondToProposal(t.db, a, id, A, 'cohost', true);
    respondToProposal(t.db, b, id, B, 'cohost', true);
    respondToProposal(t.db, b, id, B, 'interest', true);
    const now = new Date('2027-04-01T08:00:00Z');
    const { proposal: p, eventId } = acceptProposal(t.db, own, id, {}, now);
    expect(p).toMatchObject({ status: 'accepted', eventId, canDecide: false });
    const ev = getEvent(t.db, own, eventId);
    expect(ev).toMatchObject({
      title: 'Workshop om kapitalförsörjning',
      status: 'draft',
      kind: 'workshop',
      themes: ['kapitalforsorjning'],
      lead: { slug: OWN },
      // The default is the first preferred day, 10:00–15:00 Stockholm time.
      start: '2027-09-01T10:00',
      end: '2027-09-01T15:00',
      startsAt: '2027-09-01T08:00:00.000Z',
    });
    expect(ev.description).toContain('Hur finansierar **gröna** företag');
    expect(ev.description).toContain('Halvdag, fysiskt');
    expect(ev.description).toContain('Företagare och rådgivare');
    expect(ev.organisers.map((o) => `${o.slug} ${o.role} ${o.status}`).sort()).toEqual([
      `${OWN} lead accepted`,
      `${B} cohost invited`,
      `${A} cohost invited`,
    ]);
    expect(pendingCohostInvitations(t.db, a).map((i) => i.event.id)).toEqual([eventId]);
    expect(eventAuditLog(t.db, own, eventId)).toEqual([
      { at: now.toISOString(), action: 'created', user: 'Olga Own', changes: expect.any(Object) },
    ]);
    // The invited co-host answers as with any invitation, and then manages the event.
    answerCohostInvitation(t.db, a, eventId, A, true);
    expect(updateEvent(t.db, a, eventId, { venueName: 'Frödas lada' }).event.venueName).toBe('Frödas lada');
  });

  it('accepts with a chosen time and kind, and refuses a nonexistent local time writing nothing', () => {
    const id = createProposal(t.db, own, proposal()).id;
    const before = snapshot(t.db);
    const err = caught(() => acceptProposal(t.db, own, id, { start: '2027-03-28T02:30', end: '2027-03-28T05:00' }));
    expect(err.details).toContainEqual({ field: 'start', code: 'nonexistent_local_time', message: expect.stringMatching(/skipped/) });
    expect(caught(() => acceptProposal(t.db, own, id, { start: '2027-09-02T15:00', end: '2027-09-02T09:00' })).details[0]!.field).toBe(
      'end',
    );
    expect(snapshot(t.db)).toBe(before);
    const { eventId } = acceptProposal(t.db, admin, id, { start: '2027-12-02T13:00', end: '2027-12-02T16:00', kind: 'webinar' });
    expect(getEvent(t.db, admin, eventId)).toMatchObject({
      kind: 'webinar',
      startsAt: '2027-12-02T12:00:00.000Z',
      organisers: [{ slug: OWN, role: 'lead' }],
    });
  });

  it.each<[string, () => Actor | null, string]>([
    ['the proposing coordinator', () => own, 'allowed'],
    ['an admin', () => admin, 'allowed'],
    ['an offering cluster', () => a, 'forbidden'],
    ['a participant', () => participant, 'forbidden'],
    ['anonymous', () => null, 'unauthenticated'],
  ])('accept and decline by %s → %s', (_who, actor, expected) => {
    const id1 = createProposal(t.db, own, proposal()).id;
    const id2 = createProposal(t.db, own, proposal({ title: 'Andra' })).id;
    respondToProposal(t.db, a, id1, A, 'cohost', true);
    const before = snapshot(t.db);
    expect(outcome(() => acceptProposal(t.db, actor(), id1))).toBe(expected);
    expect(outcome(() => declineProposal(t.db, actor(), id2, 'Passar inte'))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
  });

  it('declining needs a reason and records it', () => {
    const id = createProposal(t.db, own, proposal()).id;
    const before = snapshot(t.db);
    expect(caught(() => declineProposal(t.db, own, id, '  ')).code).toBe('reason_required');
    expect(snapshot(t.db)).toBe(before);
    const p = declineProposal(t.db, own, id, '  Ingen lokal i höst ');
    expect(p).toMatchObject({ status: 'declined', declineReason: 'Ingen lokal i höst', eventId: null, canDecide: false });
  });

  it.each(['accepted', 'declined'])('a %s proposal refuses further responses and decisions with 409', (how) => {
    const id = createProposal(t.db, own, proposal()).id;
    respondToProposal(t.db, a, id, A, 'interest', true);
    if (how === 'accepted') acceptProposal(t.db, own, id);
    else declineProposal(t.db, own, id, 'Nej');
    const before = snapshot(t.db);
    for (const fn of [
      () => respondToProposal(t.db, b, id, B, 'cohost', true),
      () => respondToProposal(t.db, a, id, A, 'interest', false),
      () => acceptProposal(t.db, own, id),
      () => declineProposal(t.db, admin, id, 'Igen'),
    ]) {
      expect(caught(fn)).toMatchObject({ kind: 'conflict', code: 'proposal_closed' });
    }
    expect(snapshot(t.db)).toBe(before);
    // Discussion may go on.
    expect(commentOnProposal(t.db, b, id, 'Synd!').comments).toHaveLength(1);
  });
});

describe('the board', () => {
  it('is for logged-in users: open proposals first, newest first; filters by status and cluster', () => {
    const p1 = createProposal(t.db, own, proposal({ title: 'Ett' }), new Date('2027-01-01')).id;
    const p2 = createProposal(t.db, a, proposal({ cluster: A, title: 'Två' }), new Date('2027-01-02')).id;
    const p3 = createProposal(t.db, own, proposal({ title: 'Tre' }), new Date('2027-01-03')).id;
    declineProposal(t.db, own, p3, 'Nej');
    expect(listProposals(t.db, participant).map((p) => p.id)).toEqual([p2, p1, p3]);
    expect(listProposals(t.db, participant, { status: 'declined' }).map((p) => p.id)).toEqual([p3]);
    expect(listProposals(t.db, b, { cluster: OWN }).map((p) => p.id)).toEqual([p1, p3]);
    expect(listProposals(t.db, b, { cluster: OWN, status: 'open' }).map((p) => p.id)).toEqual([p1]);
    expect(caught(() => listProposals(t.db, b, { cluster: 'no-such-cluster' })).message).toContain('"no-such-cluster"');
    expect(caught(() => listProposals(t.db, null)).kind).toBe('unauthenticated');
    expect(caught(() => getProposal(t.db, null, p1)).kind).toBe('unauthenticated');
    expect(getProposal(t.db, participant, p1)).toMatchObject({ id: p1, canDecide: false, respondAs: [] });
  });
});

// ---- Domain events raised by proposals ----

describe('domain events of proposals', () => {
  const at = new Date('2027-03-02T09:00:00Z');
  const cid = (slug: string) => clusterId(t.db, slug);

  it('proposal.created: once, for the proposing cluster; not when refused', () => {
    const log = recordEvents('proposal.created');
    expect(outcome(() => createProposal(t.db, participant, proposal(), at))).toBe('forbidden');
    expect(outcome(() => createProposal(t.db, a, proposal(), at))).toBe('forbidden');
    expect(outcome(() => createProposal(t.db, own, proposal({ title: ' ' }), at))).toBe('invalid');
    expect(log).toEqual([]);
    const p = createProposal(t.db, own, proposal(), at);
    expect(log).toEqual([
      {
        name: 'proposal.created',
        payload: { actorId: own.userId, clusterIds: [cid(OWN)], now: at, proposalId: p.id, proposingClusterId: cid(OWN) },
      },
    ]);
  });

  it('proposal.commented: with the comment, the commenter’s cluster and every responding cluster; not when refused', () => {
    const p = createProposal(t.db, own, proposal());
    respondToProposal(t.db, b, p.id, B, 'cohost', true);
    const log = recordEvents('proposal.commented');
    expect(outcome(() => commentOnProposal(t.db, a, p.id, '  ', at))).toBe('invalid');
    expect(outcome(() => commentOnProposal(t.db, participant, p.id, 'Hej', at))).toBe('forbidden');
    expect(outcome(() => commentOnProposal(t.db, a, 9999, 'Hej', at))).toBe('not_found');
    expect(log).toEqual([]);
    const view = commentOnProposal(t.db, a, p.id, 'Vi är med!', at);
    expect(log).toEqual([
      {
        name: 'proposal.commented',
        payload: {
          actorId: a.userId,
          clusterIds: [cid(OWN), cid(B)],
          now: at,
          proposalId: p.id,
          proposingClusterId: cid(OWN),
          commentId: view.comments[0]!.id,
          commenterClusterId: cid(A),
        },
      },
    ]);
  });

  it('proposal.interestShown and proposal.cohostOffered: when a response changes, also taken back; not repeated or refused', () => {
    const p = createProposal(t.db, own, proposal());
    const log = recordEvents('proposal.interestShown', 'proposal.cohostOffered');
    expect(outcome(() => respondToProposal(t.db, own, p.id, OWN, 'interest', true, at))).toBe('rule');
    expect(outcome(() => respondToProposal(t.db, a, p.id, B, 'interest', true, at))).toBe('forbidden');
    expect(outcome(() => respondToProposal(t.db, a, p.id, 'no-such-cluster', 'interest', true, at))).toBe('invalid');
    respondToProposal(t.db, a, p.id, A, 'interest', false, at);
    expect(log).toEqual([]);
    respondToProposal(t.db, a, p.id, A, 'interest', true, at);
    respondToProposal(t.db, a, p.id, A, 'interest', true, at);
    respondToProposal(t.db, b, p.id, B, 'cohost', true, at);
    respondToProposal(t.db, a, p.id, A, 'interest', false, at);
    const response = (actor: Actor, slug: string, on: boolean) => ({
      actorId: actor.userId,
      clusterIds: [cid(OWN), cid(slug)],
      now: at,
      proposalId: p.id,
      proposingClusterId: cid(OWN),
      clusterId: cid(slug),
      on,
    });
    expect(log).toEqual([
      { name: 'proposal.interestShown', payload: response(a, A, true) },
      { name: 'proposal.cohostOffered', payload: response(b, B, true) },
      { name: 'proposal.interestShown', payload: response(a, A, false) },
    ]);
    declineProposal(t.db, own, p.id, 'Inte i år');
    log.length = 0;
    expect(outcome(() => respondToProposal(t.db, a, p.id, A, 'interest', true, at))).toBe('conflict');
    expect(log).toEqual([]);
  });

  it('proposal.accepted: after event.created and cohost.invited for each offer; not by another cluster or twice', () => {
    const p = createProposal(t.db, own, proposal());
    respondToProposal(t.db, a, p.id, A, 'interest', true);
    respondToProposal(t.db, b, p.id, B, 'cohost', true);
    const log = recordEvents('event.created', 'cohost.invited', 'proposal.accepted');
    expect(outcome(() => acceptProposal(t.db, a, p.id, {}, at))).toBe('forbidden');
    expect(log).toEqual([]);
    const { eventId } = acceptProposal(t.db, own, p.id, {}, at);
    expect(outcome(() => acceptProposal(t.db, own, p.id, {}, at))).toBe('conflict');
    expect(log).toEqual([
      {
        name: 'event.created',
        payload: {
          actorId: own.userId,
          clusterIds: [cid(OWN)],
          now: at,
          eventId,
          leadClusterId: cid(OWN),
          status: 'draft',
          seriesId: null,
        },
      },
      {
        name: 'cohost.invited',
        payload: {
          actorId: own.userId,
          clusterIds: [cid(OWN), cid(B)],
          now: at,
          eventId,
          clusterId: cid(B),
          leadClusterId: cid(OWN),
          via: 'proposal',
        },
      },
      {
        name: 'proposal.accepted',
        payload: {
          actorId: own.userId,
          clusterIds: [cid(OWN), cid(A), cid(B)],
          now: at,
          proposalId: p.id,
          proposingClusterId: cid(OWN),
          eventId,
          cohostClusterIds: [cid(B)],
        },
      },
    ]);
  });

  it('proposal.declined: with the reason; not without one, by another cluster or twice', () => {
    const p = createProposal(t.db, own, proposal());
    respondToProposal(t.db, a, p.id, A, 'interest', true);
    const log = recordEvents('proposal.declined');
    expect(outcome(() => declineProposal(t.db, own, p.id, ' ', at))).toBe('invalid');
    expect(outcome(() => declineProposal(t.db, a, p.id, 'Nej', at))).toBe('forbidden');
    expect(log).toEqual([]);
    declineProposal(t.db, admin, p.id, 'Finns redan', at);
    expect(outcome(() => declineProposal(t.db, own, p.id, 'Igen', at))).toBe('conflict');
    expect(log).toEqual([
      {
        name: 'proposal.declined',
        payload: {
          actorId: admin.userId,
          clusterIds: [cid(OWN), cid(A)],
          now: at,
          proposalId: p.id,
          proposingClusterId: cid(OWN),
          reason: 'Finns redan',
        },
      },
    ]);
  });

  it('pages the board: page and limit give that page of the board order, matching counts every page', () => {
    const made = [1, 2, 3, 4, 5].map((d) => createProposal(t.db, own, proposal({ title: `Sida ${d}` }), new Date(`2027-02-0${d}`)).id);
    declineProposal(t.db, own, made[4]!, 'Nej');
    const all = listProposals(t.db, participant).map((p) => p.id);
    const board = (q: Parameters<typeof proposalBoard>[2]) => {
      const r = proposalBoard(t.db, participant, q);
      return { matching: r.matching, ids: r.proposals.map((p) => p.id) };
    };
    expect(board({})).toEqual({ matching: all.length, ids: all });
    expect(board({ limit: 2 })).toEqual({ matching: all.length, ids: all.slice(0, 2) });
    expect(board({ limit: 2, page: 2 })).toEqual({ matching: all.length, ids: all.slice(2, 4) });
    // Past the end: no proposals, the count as on every page.
    expect(board({ limit: 2, page: 1000 })).toEqual({ matching: all.length, ids: [] });
    // The filter narrows both the page and the count; its pages follow the same order.
    const ownOpen = listProposals(t.db, participant, { cluster: OWN, status: 'open' }).map((p) => p.id);
    expect(ownOpen.slice(0, 4)).toEqual([made[3], made[2], made[1], made[0]]);
    expect(board({ cluster: OWN, status: 'open', limit: 3, page: 2 })).toEqual({ matching: ownOpen.length, ids: ownOpen.slice(3, 6) });
    expect(board({ status: 'declined', limit: 50 }).ids).toContain(made[4]);
    expect(caught(() => proposalBoard(t.db, null, { limit: 2 })).kind).toBe('unauthenticated');
    expect(caught(() => proposalBoard(t.db, participant, { cluster: 'no-such-cluster' })).code).toBe('unknown_cluster');
  });
});
