import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import { answerCohostInvitation, createEvent, inviteCohost, publishEvent } from '../src/events/event-service.ts';
import { createHorizonItem } from '../src/horizon/horizon-service.ts';
import { createNewsletter, sendNewsletter } from '../src/mailings/newsletter-service.ts';
import { answerPoll, createPoll, finalisePoll, getPoll } from '../src/polls/poll-service.ts';
import { createProposal, respondToProposal } from '../src/proposals/proposal-service.ts';
import { startPage } from '../src/start/start-page.ts';
import { eventInput, freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';

// 10 January 2030, 10:00 in Stockholm.
const NOW = new Date('2030-01-10T09:00:00Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let t: TestDb;
let agro: Actor; // coordinates Agro Örebro
let froda: Actor; // coordinates FRODA
beforeEach(() => {
  t = freshDb();
  agro = insertActor(t.db, { coordinatorOf: ['agro-orebro'] });
  froda = insertActor(t.db, { coordinatorOf: ['froda'] });
});
afterEach(() => t.dispose());

function published(by: Actor, lead: string, title: string, day: string, publish = true): number {
  const id = createEvent(t.db, by, eventInput({ leadCluster: lead, title, start: `${day}T09:00`, end: `${day}T12:00` }), NOW).event.id;
  if (publish) publishEvent(t.db, by, id, NOW, { evenIfPast: true });
  return id;
}

describe('the start page for everyone', () => {
  it('lists the next five published events from now, soonest first, without drafts or past events', () => {
    for (const d of [20, 14, 12, 18, 16, 22, 11]) published(agro, 'agro-orebro', `Den ${d}:e`, `2030-01-${d}`);
    published(agro, 'agro-orebro', 'Utkastet', '2030-01-11', false);
    published(agro, 'agro-orebro', 'Redan varit', '2030-01-09');
    expect(startPage(t.db, null, NOW).upcoming.map((e) => e.title)).toEqual(['Den 11:e', 'Den 12:e', 'Den 14:e', 'Den 16:e', 'Den 18:e']);
  });

  it('lists deadlines from today within 30 days, soonest first, and the latest sent newsletter', () => {
    const item = (title: string, deadline: string | null) =>
      createHorizonItem(
        t.db,
        agro,
        { title, summary: 'Något att söka.', source: 'Vinnova', themes: ['kapitalforsorjning'], deadline, cluster: 'agro-orebro' },
        new Date('2030-01-01T09:00:00Z'),
      );
    item('Om 40 dagar', '2030-02-19');
    item('Om tio dagar', '2030-01-20');
    item('Passerad', '2030-01-09');
    item('I dag', '2030-01-10');
    item('Utan datum', null);
    expect(startPage(t.db, null, NOW).closingSoon.map((i) => i.title)).toEqual(['I dag', 'Om tio dagar']);

    expect(startPage(t.db, null, NOW).latestNewsletter).toBeNull();
    const input = { body: 'Text.', themes: [], clusters: [], cluster: 'agro-orebro' };
    const first = createNewsletter(t.db, agro, { ...input, subject: 'Januari' }, NOW);
    sendNewsletter(t.db, agro, first.id, NOW);
    const second = createNewsletter(t.db, agro, { ...input, subject: 'Februari' }, later(5));
    sendNewsletter(t.db, agro, second.id, later(10));
    createNewsletter(t.db, agro, { ...input, subject: 'Utkast' }, later(20));
    expect(startPage(t.db, null, later(30)).latestNewsletter?.subject).toBe('Februari');
    expect(startPage(t.db, agro, later(30)).latestNewsletter?.subject).toBe('Februari');
  });

  it('has nothing waiting for visitors, participants, or an admin without a cluster of their own', () => {
    for (const who of [null, insertActor(t.db), insertActor(t.db, { isAdmin: true })]) expect(startPage(t.db, who, NOW).waiting).toBeNull();
    expect(startPage(t.db, agro, NOW).waiting).toEqual({ invitations: [], polls: [], proposals: [] });
  });
});

describe('what waits for a coordinator', () => {
  it('co-host invitations not yet answered', () => {
    const id = published(froda, 'froda', 'Fältdag', '2030-02-01');
    inviteCohost(t.db, froda, id, 'agro-orebro', NOW);
    expect(startPage(t.db, agro, NOW).waiting!.invitations.map((i) => [i.event.title, i.cluster.slug])).toEqual([
      ['Fältdag', 'agro-orebro'],
    ]);
    answerCohostInvitation(t.db, agro, id, 'agro-orebro', true, NOW);
    expect(startPage(t.db, agro, NOW).waiting!.invitations).toEqual([]);
  });

  it('open polls inviting the cluster until it has answered every time, not once closed or decided', () => {
    const poll = createPoll(
      t.db,
      froda,
      {
        organiserCluster: 'froda',
        title: 'Planeringsmöte',
        durationMinutes: 60,
        invitedClusters: ['agro-orebro'],
        slots: ['2030-02-05T10:00', '2030-02-06T10:00'],
        closes: '2030-01-20T12:00',
      },
      NOW,
    );
    const waitingPolls = (at = NOW) => startPage(t.db, agro, at).waiting!.polls;
    expect(waitingPolls()).toEqual([
      { id: poll.id, title: 'Planeringsmöte', closesAt: poll.closesAt, clusters: [{ slug: 'agro-orebro', name: 'Agro Örebro' }] },
    ]);
    // The organiser is not asked to answer its own poll.
    expect(startPage(t.db, froda, NOW).waiting!.polls).toEqual([]);
    const [first, second] = getPoll(t.db, agro, poll.id, NOW).slots;
    answerPoll(t.db, agro, poll.id, 'agro-orebro', [{ slotId: first!.id, answer: 'yes' }], NOW);
    expect(waitingPolls()).toHaveLength(1);
    answerPoll(t.db, agro, poll.id, 'agro-orebro', [{ slotId: second!.id, answer: 'no' }], NOW);
    expect(waitingPolls()).toEqual([]);
    // Unanswered but closed: nothing to do any more.
    const other = createPoll(
      t.db,
      froda,
      {
        organiserCluster: 'froda',
        title: 'Andra mötet',
        durationMinutes: 60,
        invitedClusters: ['agro-orebro'],
        slots: ['2030-03-05T10:00'],
        closes: '2030-01-12T12:00',
      },
      NOW,
    );
    expect(waitingPolls().map((p) => p.id)).toEqual([other.id]);
    expect(waitingPolls(new Date('2030-01-12T12:00:00Z'))).toEqual([]);
    finalisePoll(t.db, froda, other.id, getPoll(t.db, froda, other.id, NOW).slots[0]!.id, {}, NOW);
    expect(waitingPolls()).toEqual([]);
  });

  it('open proposals of the cluster with offers to co-host, not those with interest only', () => {
    const input = {
      cluster: 'agro-orebro',
      abstract: 'Om vatten.',
      themes: ['krisberedskap'],
      format: 'Halvdag',
      audience: 'Lantbrukare',
      preferredFrom: '2030-03-01',
      preferredTo: '2030-04-30',
    };
    const offered = createProposal(t.db, agro, { ...input, title: 'Med erbjudande' }, NOW);
    const interest = createProposal(t.db, agro, { ...input, title: 'Bara intresse' }, later(1));
    createProposal(t.db, agro, { ...input, title: 'Inget svar' }, later(2));
    respondToProposal(t.db, froda, offered.id, 'froda', 'cohost', true, NOW);
    respondToProposal(t.db, froda, interest.id, 'froda', 'interest', true, NOW);
    expect(startPage(t.db, agro, NOW).waiting!.proposals).toEqual([
      {
        id: offered.id,
        title: 'Med erbjudande',
        cluster: { slug: 'agro-orebro', name: 'Agro Örebro' },
        offers: [{ slug: 'froda', name: 'FRODA' }],
      },
    ]);
    // FRODA made the offer; nothing waits for FRODA.
    expect(startPage(t.db, froda, NOW).waiting!.proposals).toEqual([]);
  });
});
