import {
  announcementDeliveries,
  announcementShares,
  newsletters,
  outbox,
  subscriberClusters,
  subscribers,
  subscriberThemes,
  type Db,
  type OutboxMail,
} from '@samverka/db';
import { asc, eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '@samverka/contracts';
import { LONE_SURROGATE } from '../../../tests/support/text.ts';
import { loadActor, type Actor } from '../src/access.ts';
import { answerCohostInvitation, cancelEvent, createEvent, inviteCohost, publishEvent } from '../src/events/event-service.ts';
import type { EventInput } from '../src/events/event-input.ts';
import { createHorizonItem } from '../src/horizon/horizon-service.ts';
import { setPublicUrl } from '../src/links.ts';
import { passOnAnnouncement, sendAnnouncement, sharedAnnouncements, shareAnnouncement } from '../src/mailings/announcement-service.ts';
import {
  createNewsletter,
  getNewsletter,
  listNewsletters,
  previewNewsletter,
  sendNewsletter,
  updateNewsletter,
  type NewsletterInput,
} from '../src/mailings/newsletter-service.ts';
import {
  confirmSubscription,
  getSubscription,
  matchingSubscribers,
  subscribe,
  subscriptionLinks,
  unsubscribe,
  unsubscribeHeaders,
  updateSubscription,
} from '../src/mailings/subscription-service.ts';
import { clusterId, eventInput, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents } from './helpers.ts';

/** Every row subscribing, inviting and newsletters touch, to prove a refused write changed nothing. */
function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(subscribers).orderBy(asc(subscribers.id)).all(),
    db.select().from(subscriberClusters).all(),
    db.select().from(subscriberThemes).all(),
    db.select().from(announcementDeliveries).all(),
    db.select().from(announcementShares).all(),
    db.select().from(newsletters).orderBy(asc(newsletters.id)).all(),
    db.select().from(outbox).orderBy(asc(outbox.id)).all(),
  ]);
}

const BASE = 'https://samverka.example';
const ORG = 'agro-orebro';
const COHOST = 'froda';
const OTHER = 'gront-center';
const THIRD = 'agro-vast';
const NOW = new Date('2030-01-10T10:00:00Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let t: TestDb;
let admin: Actor;
let organiser: Actor;
let cohost: Actor;
let other: Actor;
let third: Actor;
let participant: Actor;

beforeEach(() => {
  setPublicUrl(BASE);
  t = freshDb();
  const load = (o: Parameters<typeof insertUser>[1]) => loadActor(t.db, insertUser(t.db, o))!;
  admin = load({ isAdmin: true });
  organiser = load({ coordinatorOf: [ORG] });
  cohost = load({ coordinatorOf: [COHOST] });
  other = load({ coordinatorOf: [OTHER] });
  third = load({ coordinatorOf: [THIRD] });
  participant = load({});
});
afterEach(() => t.dispose());

const mails = (db: Db): OutboxMail[] => db.select().from(outbox).orderBy(asc(outbox.id)).all();
const mailsTo = (db: Db, to: string) => mails(db).filter((m) => m.toAddress === to);
const tokenOf = (email: string) => t.db.select().from(subscribers).where(eq(subscribers.email, email)).get()!.token;

/** A confirmed subscriber following the given clusters and themes; returns the manage token. */
function confirmed(email: string, clusters: string[], themes: string[] = [], language: 'sv' | 'en' = 'sv'): string {
  subscribe(t.db, { email, clusters, themes, language }, NOW);
  const token = tokenOf(email);
  confirmSubscription(t.db, token, NOW);
  return token;
}

describe('subscriptions (double opt-in)', () => {
  it('subscribing one address again and again mails it once per 15 minutes per kind; the answer never differs', () => {
    const answers = [
      subscribe(t.db, { email: 'eva@example.se', clusters: [ORG], themes: [] }, NOW),
      subscribe(t.db, { email: 'eva@example.se', clusters: [ORG], themes: [] }, later(5)),
      subscribe(t.db, { email: 'eva@example.se', clusters: [ORG], themes: [] }, later(14)),
    ];
    expect(mailsTo(t.db, 'eva@example.se')).toHaveLength(1);
    answers.push(subscribe(t.db, { email: 'eva@example.se', clusters: [ORG], themes: [] }, later(15)));
    expect(mailsTo(t.db, 'eva@example.se')).toHaveLength(2);
    // Confirmed, the manage-link mail has its own window.
    const token = tokenOf('eva@example.se');
    confirmSubscription(t.db, token, later(16));
    answers.push(subscribe(t.db, { email: 'eva@example.se', clusters: [ORG], themes: [] }, later(17)));
    answers.push(subscribe(t.db, { email: 'eva@example.se', clusters: [ORG], themes: [] }, later(18)));
    expect(mailsTo(t.db, 'eva@example.se').map((m) => m.text.includes(subscriptionLinks.manage(token)))).toEqual([false, false, true]);
    expect(answers).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('a new address gets one confirmation mail with the link and nothing else; it is not confirmed yet', () => {
    subscribe(t.db, { email: ' Anna@Example.SE ', clusters: [ORG], themes: ['krisberedskap'] }, NOW);
    const row = t.db.select().from(subscribers).get()!;
    expect(row.email).toBe('anna@example.se');
    expect(row.confirmedAt).toBeNull();
    expect(row.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sent = mails(t.db);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.toAddress).toBe('anna@example.se');
    expect(sent[0]!.subject).toBe('Bekräfta din prenumeration på Samverka');
    expect(sent[0]!.text).toContain(subscriptionLinks.confirm(row.token));
    expect(subscriptionLinks.confirm(row.token)).toBe(`${BASE}/prenumeration/bekrafta?token=${row.token}`);
    expect(getSubscription(t.db, row.token)).toEqual({
      email: 'anna@example.se',
      language: 'sv',
      confirmed: false,
      clusters: [ORG],
      themes: ['krisberedskap'],
    });
    // Not among the recipients of anything until confirmed.
    expect(matchingSubscribers(t.db, [], [])).toEqual([]);
  });

  it('an English subscriber is asked in English', () => {
    subscribe(t.db, { email: 'eve@example.org', clusters: [ORG], themes: [], language: 'en' }, NOW);
    expect(mails(t.db)[0]!.subject).toBe('Confirm your Samverka subscription');
  });

  it('confirming makes it count; confirming again changes nothing', () => {
    subscribe(t.db, { email: 'anna@example.se', clusters: [ORG], themes: [] }, NOW);
    const token = tokenOf('anna@example.se');
    expect(confirmSubscription(t.db, token, later(5)).confirmed).toBe(true);
    const first = t.db.select().from(subscribers).get()!.confirmedAt;
    expect(first?.toISOString()).toBe(later(5).toISOString());
    confirmSubscription(t.db, token, later(10));
    expect(t.db.select().from(subscribers).get()!.confirmedAt?.toISOString()).toBe(first!.toISOString());
    expect(matchingSubscribers(t.db, [], []).map((s) => s.email)).toEqual(['anna@example.se']);
  });

  it('an unconfirmed address subscribing again gets a new confirmation with the same token and its new choices', () => {
    subscribe(t.db, { email: 'anna@example.se', clusters: [ORG], themes: [] }, NOW);
    // After the 15 minutes within which a repeated confirmation is not sent again (issue 10).
    subscribe(t.db, { email: 'ANNA@example.se', clusters: [OTHER], themes: ['kapitalforsorjning'], language: 'en' }, later(15));
    expect(t.db.select().from(subscribers).all()).toHaveLength(1);
    const token = tokenOf('anna@example.se');
    expect(getSubscription(t.db, token)).toMatchObject({
      language: 'en',
      confirmed: false,
      clusters: [OTHER],
      themes: ['kapitalforsorjning'],
    });
    const sent = mails(t.db);
    expect(sent).toHaveLength(2);
    for (const m of sent) expect(m.text).toContain(subscriptionLinks.confirm(token));
  });

  it('a confirmed address subscribing again gets its manage link (with unsubscribe headers), and its choices stay', () => {
    const token = confirmed('anna@example.se', [ORG], ['krisberedskap']);
    const before = JSON.stringify([
      t.db.select().from(subscribers).all(),
      t.db.select().from(subscriberClusters).all(),
      t.db.select().from(subscriberThemes).all(),
    ]);
    // The same call, the same (void) answer as for a new address.
    expect(subscribe(t.db, { email: 'anna@example.se', clusters: [OTHER], themes: [] }, later(1))).toBeUndefined();
    expect(
      JSON.stringify([
        t.db.select().from(subscribers).all(),
        t.db.select().from(subscriberClusters).all(),
        t.db.select().from(subscriberThemes).all(),
      ]),
    ).toBe(before);
    const last = mails(t.db).at(-1)!;
    expect(last.subject).toBe('Din prenumeration på Samverka');
    expect(last.text).toContain(subscriptionLinks.manage(token));
    expect(last.text).not.toContain('bekrafta');
    expect(last.headers).toEqual(unsubscribeHeaders(token));
  });

  it.each<[string, { email: string; clusters: string[]; themes: string[] }, string]>([
    ['a malformed address', { email: 'not-an-address', clusters: [ORG], themes: [] }, 'email'],
    ['an address with a line break', { email: 'a@example.se\r\nBcc: x@example.se', clusters: [ORG], themes: [] }, 'email'],
    ['nothing to follow', { email: 'a@example.se', clusters: [], themes: [] }, 'clusters'],
    ['an unknown cluster', { email: 'a@example.se', clusters: ['no-such-cluster'], themes: [] }, 'clusters'],
    ['an unknown theme', { email: 'a@example.se', clusters: [], themes: ['no-such-theme'] }, 'themes'],
  ])('refuses %s (400) and stores and mails nothing', (_what, body, field) => {
    const before = snapshot(t.db);
    const err = caught(() => subscribe(t.db, body, NOW));
    expect(err.kind).toBe('invalid');
    expect(err.details.map((d) => d.field)).toContain(field);
    expect(snapshot(t.db)).toBe(before);
  });

  it('updating changes what one follows and the language; bad choices are 400 and change nothing', () => {
    const token = confirmed('anna@example.se', [ORG], ['krisberedskap']);
    const v = updateSubscription(t.db, token, { clusters: [OTHER, THIRD], themes: [], language: 'en' }, later(1));
    expect({ ...v, clusters: [...v.clusters].sort() }).toEqual({
      email: 'anna@example.se',
      language: 'en',
      confirmed: true,
      clusters: [THIRD, OTHER].sort(),
      themes: [],
    });
    expect(getSubscription(t.db, token)).toEqual(v);
    const before = snapshot(t.db);
    expect(caught(() => updateSubscription(t.db, token, { clusters: [], themes: [] })).kind).toBe('invalid');
    expect(caught(() => updateSubscription(t.db, token, { clusters: ['no-such-cluster'], themes: [] })).kind).toBe('invalid');
    expect(snapshot(t.db)).toBe(before);
    expect(caught(() => updateSubscription(t.db, 'x'.repeat(43), { clusters: [ORG], themes: [] })).kind).toBe('not_found');
  });

  it('unsubscribing deletes the subscriber, what they followed and their delivery records; the link then answers 404', () => {
    const token = confirmed('anna@example.se', [ORG], ['krisberedskap']);
    const e = publishedEvent();
    sendAnnouncement(t.db, organiser, e, ORG, NOW);
    expect(t.db.select().from(announcementDeliveries).all()).toHaveLength(1);
    unsubscribe(t.db, token);
    expect(t.db.select().from(subscribers).all()).toEqual([]);
    expect(t.db.select().from(subscriberClusters).all()).toEqual([]);
    expect(t.db.select().from(subscriberThemes).all()).toEqual([]);
    expect(t.db.select().from(announcementDeliveries).all()).toEqual([]);
    expect(caught(() => getSubscription(t.db, token)).code).toBe('unknown_subscription');
    expect(caught(() => unsubscribe(t.db, token)).kind).toBe('not_found');
    expect(caught(() => confirmSubscription(t.db, token)).kind).toBe('not_found');
  });

  it('the unsubscribe headers name the https one-click endpoint (RFC 2369, RFC 8058)', () => {
    expect(unsubscribeHeaders('abc_DEF-123')).toEqual({
      'List-Unsubscribe': `<${BASE}/api/subscriptions/abc_DEF-123/one-click>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

// ---- Invitations ----

function publishedEvent(over: Partial<EventInput> = {}): number {
  const e = createEvent(
    t.db,
    organiser,
    eventInput({ leadCluster: ORG, start: '2030-02-10T09:00', end: '2030-02-10T12:00', ...over }),
    NOW,
  ).event;
  // Some are over on purpose (a newsletter leaves them out): publish those too.
  publishEvent(t.db, organiser, e.id, NOW, { evenIfPast: true });
  return e.id;
}

/** Invitation mails for the event in the outbox, by address. */
function invitationsByAddress(db: Db): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of db.select().from(outbox).where(like(outbox.subject, 'Inbjudan:%')).all())
    counts.set(m.toAddress, (counts.get(m.toAddress) ?? 0) + 1);
  for (const m of db.select().from(outbox).where(like(outbox.subject, 'Invitation:%')).all())
    counts.set(m.toAddress, (counts.get(m.toAddress) ?? 0) + 1);
  return counts;
}

describe('invitations', () => {
  let eventId: number;
  let tokens: Record<string, string>;
  beforeEach(() => {
    eventId = publishedEvent();
    inviteCohost(t.db, organiser, eventId, COHOST, NOW);
    answerCohostInvitation(t.db, cohost, eventId, COHOST, true, NOW);
    tokens = {
      followsOrg: confirmed('org@example.se', [ORG]),
      followsTheme: confirmed('theme@example.se', [], ['krisberedskap']),
      followsAll: confirmed('all@example.se', [ORG, OTHER, COHOST], ['krisberedskap']),
      followsOther: confirmed('other@example.se', [OTHER]),
      followsCohost: confirmed('cohost@example.se', [COHOST], [], 'en'),
      followsElse: confirmed('else@example.se', [THIRD], ['kapitalforsorjning']),
    };
    subscribe(t.db, { email: 'unconfirmed@example.se', clusters: [ORG, OTHER, COHOST], themes: ['krisberedskap'] }, NOW);
    t.db.delete(outbox).run();
  });

  it("goes to the confirmed subscribers who follow the sending cluster or any of the event's themes, each with their own unsubscribe headers", () => {
    expect(sendAnnouncement(t.db, organiser, eventId, ORG, later(1))).toEqual({ recipients: 3 });
    const sent = mails(t.db);
    expect(sent.map((m) => m.toAddress).sort()).toEqual(['all@example.se', 'org@example.se', 'theme@example.se']);
    for (const m of sent) {
      const token = tokenOf(m.toAddress);
      expect(m.subject).toBe('Inbjudan: Vattenförsörjning på gården');
      expect(m.text).toContain(`${BASE}/evenemang/${eventId}`);
      expect(m.text).toContain(subscriptionLinks.manage(token));
      expect(m.headers).toEqual({
        'List-Unsubscribe': `<${BASE}/api/subscriptions/${token}/one-click>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
    }
    expect(mailsTo(t.db, 'unconfirmed@example.se')).toEqual([]);
  });

  it('quotes the first 1500 code points of the description, never cutting an emoji in half', () => {
    // An odd first character puts every emoji across the 1500th UTF-16 unit.
    const long = publishedEvent({ description: `x${'🌱'.repeat(2000)}` });
    t.db.delete(outbox).run();
    sendAnnouncement(t.db, organiser, long, ORG, later(1));
    const { text } = mailsTo(t.db, 'org@example.se')[0]!;
    expect(text).not.toMatch(LONE_SURROGATE);
    expect(text).toContain(`x${'🌱'.repeat(LIMITS.announcementExcerpt - 1)}\n`);
    expect(text).not.toContain('🌱'.repeat(LIMITS.announcementExcerpt));
  });

  it('a co-host sends to its own followers; nobody who already had it gets it again', () => {
    sendAnnouncement(t.db, organiser, eventId, ORG, later(1));
    expect(sendAnnouncement(t.db, cohost, eventId, COHOST, later(2))).toEqual({ recipients: 1 });
    const english = mailsTo(t.db, 'cohost@example.se');
    expect(english.map((m) => m.subject)).toEqual(['Invitation: Vattenförsörjning på gården']);
    // Sending again reaches nobody.
    expect(sendAnnouncement(t.db, organiser, eventId, ORG, later(3))).toEqual({ recipients: 0 });
    expect(sendAnnouncement(t.db, admin, eventId, COHOST, later(3))).toEqual({ recipients: 0 });
    for (const [, n] of invitationsByAddress(t.db)) expect(n).toBe(1);
  });

  it.each([
    ['admin for the lead cluster', 'allowed', () => admin, ORG],
    ['admin for a cluster that does not organise', 'rule', () => admin, OTHER],
    ['organiser coordinator', 'allowed', () => organiser, ORG],
    ['accepted co-host coordinator', 'allowed', () => cohost, COHOST],
    ['co-host coordinator for the lead cluster', 'forbidden', () => cohost, ORG],
    ['unrelated coordinator for their own cluster', 'rule', () => other, OTHER],
    ['unrelated coordinator for the lead cluster', 'forbidden', () => other, ORG],
    ['participant', 'forbidden', () => participant, ORG],
    ['anonymous', 'unauthenticated', () => null, ORG],
  ])('sending: %s → %s; a refusal mails and records nothing', (_who, expected, actor, cluster) => {
    const before = snapshot(t.db);
    expect(outcome(() => sendAnnouncement(t.db, actor(), eventId, cluster, later(1)))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
    else expect(mails(t.db).length).toBeGreaterThan(0);
  });

  it('a co-host that has not accepted does not organise yet (422)', () => {
    inviteCohost(t.db, organiser, eventId, THIRD, NOW);
    const err = caught(() => sendAnnouncement(t.db, third, eventId, THIRD, later(1)));
    expect([err.kind, err.code]).toEqual(['rule', 'not_organiser']);
  });

  it('only published events: a draft or cancelled event is 409, an unknown one 404, an unknown cluster 400', () => {
    const draft = createEvent(
      t.db,
      organiser,
      {
        leadCluster: ORG,
        title: 'Utkast',
        kind: 'workshop',
        themes: ['krisberedskap'],
        start: '2030-02-11T09:00',
        end: '2030-02-11T12:00',
        venueName: 'X',
      },
      NOW,
    ).event.id;
    const cancelled = publishedEvent({ title: 'Inställt', start: '2030-02-12T09:00', end: '2030-02-12T10:00' });
    cancelEvent(t.db, organiser, cancelled, 'Sjukdom', NOW);
    const before = snapshot(t.db);
    expect(caught(() => sendAnnouncement(t.db, organiser, draft, ORG, NOW)).code).toBe('not_published');
    expect(caught(() => sendAnnouncement(t.db, organiser, cancelled, ORG, NOW)).code).toBe('not_published');
    expect(caught(() => shareAnnouncement(t.db, organiser, draft, ORG, [OTHER], NOW)).code).toBe('not_published');
    expect(caught(() => sendAnnouncement(t.db, organiser, 9999, ORG, NOW)).kind).toBe('not_found');
    expect(caught(() => sendAnnouncement(t.db, organiser, eventId, 'no-such-cluster', NOW)).kind).toBe('invalid');
    expect(snapshot(t.db)).toBe(before);
  });

  it('another cluster’s draft is 404 to those who may not see it, as when reading it; its organisers get 409', () => {
    const draft = createEvent(
      t.db,
      organiser,
      {
        leadCluster: ORG,
        title: 'Hemligt utkast',
        kind: 'workshop',
        themes: ['krisberedskap'],
        start: '2030-02-11T09:00',
        end: '2030-02-11T12:00',
        venueName: 'X',
      },
      NOW,
    ).event.id;
    const before = snapshot(t.db);
    for (const attempt of [
      () => sendAnnouncement(t.db, other, draft, OTHER, NOW),
      () => sendAnnouncement(t.db, participant, draft, ORG, NOW),
      () => shareAnnouncement(t.db, other, draft, OTHER, [THIRD], NOW),
      () => passOnAnnouncement(t.db, other, draft, OTHER, NOW),
    ]) {
      const err = caught(attempt);
      expect([err.kind, err.code]).toEqual(['not_found', 'unknown_event']);
    }
    expect(caught(() => sendAnnouncement(t.db, organiser, draft, ORG, NOW)).code).toBe('not_published');
    expect(caught(() => sendAnnouncement(t.db, admin, draft, ORG, NOW)).code).toBe('not_published');
    expect(snapshot(t.db)).toBe(before);
  });

  it('share, then pass on: the other cluster’s followers get it once; those who had it do not get it again', () => {
    sendAnnouncement(t.db, organiser, eventId, ORG, later(1));
    expect(shareAnnouncement(t.db, organiser, eventId, ORG, [OTHER, THIRD], later(2))).toEqual({ shared: [OTHER, THIRD] });
    const mine = sharedAnnouncements(t.db, other);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      event: { id: eventId, title: 'Vattenförsörjning på gården' },
      cluster: { slug: OTHER },
      sharedBy: 'Agro Örebro',
      passedOnAt: null,
    });
    expect(sharedAnnouncements(t.db, third).map((s) => s.cluster.slug)).toEqual([THIRD]);
    expect(sharedAnnouncements(t.db, cohost)).toEqual([]);
    expect(sharedAnnouncements(t.db, participant)).toEqual([]);

    // other@ follows Grönt Center only; all@ follows it too but already had the invitation.
    expect(passOnAnnouncement(t.db, other, eventId, OTHER, later(3))).toEqual({ recipients: 1 });
    expect(mailsTo(t.db, 'other@example.se')).toHaveLength(1);
    expect(passOnAnnouncement(t.db, other, eventId, OTHER, later(4))).toEqual({ recipients: 0 });
    // Agro Väst's follower gets it through that cluster.
    expect(passOnAnnouncement(t.db, third, eventId, THIRD, later(5))).toEqual({ recipients: 1 });
    expect(sharedAnnouncements(t.db, other)).toEqual([]);
    const via = t.db.select().from(announcementDeliveries).all();
    expect(via).toHaveLength(5);
    expect(new Set(via.map((d) => d.subscriberId)).size).toBe(5);
    const counts = invitationsByAddress(t.db);
    expect([...counts.keys()].sort()).toEqual([
      'all@example.se',
      'else@example.se',
      'org@example.se',
      'other@example.se',
      'theme@example.se',
    ]);
    for (const [, n] of counts) expect(n).toBe(1);
    expect(counts.has('unconfirmed@example.se')).toBe(false);
  });

  it('sharing: only the organising clusters share; unknown clusters are 400; sharing twice records one share', () => {
    const before = snapshot(t.db);
    expect(outcome(() => shareAnnouncement(t.db, other, eventId, ORG, [OTHER], NOW))).toBe('forbidden');
    expect(outcome(() => shareAnnouncement(t.db, other, eventId, OTHER, [THIRD], NOW))).toBe('rule');
    expect(outcome(() => shareAnnouncement(t.db, participant, eventId, ORG, [OTHER], NOW))).toBe('forbidden');
    expect(outcome(() => shareAnnouncement(t.db, null, eventId, ORG, [OTHER], NOW))).toBe('unauthenticated');
    expect(outcome(() => shareAnnouncement(t.db, organiser, eventId, ORG, [OTHER, 'no-such-cluster'], NOW))).toBe('invalid');
    expect(snapshot(t.db)).toBe(before);
    shareAnnouncement(t.db, cohost, eventId, COHOST, [OTHER, COHOST], NOW);
    shareAnnouncement(t.db, admin, eventId, ORG, [OTHER], NOW);
    // The sharing cluster is not shared with itself, and a second share of the same cluster is ignored.
    expect(
      t.db
        .select()
        .from(announcementShares)
        .all()
        .map((s) => s.clusterId),
    ).toHaveLength(1);
  });

  it.each([
    ['coordinator of the cluster it was shared with', 'allowed', () => other, OTHER],
    ['admin for that cluster', 'allowed', () => admin, OTHER],
    ['coordinator of another cluster', 'forbidden', () => third, OTHER],
    ['organiser coordinator for that cluster', 'forbidden', () => organiser, OTHER],
    ['coordinator of a cluster it was not shared with', 'not_found', () => cohost, COHOST],
    ['participant', 'forbidden', () => participant, OTHER],
    ['anonymous', 'unauthenticated', () => null, OTHER],
  ])('passing on: %s → %s', (_who, expected, actor, cluster) => {
    shareAnnouncement(t.db, organiser, eventId, ORG, [OTHER], NOW);
    const before = snapshot(t.db);
    expect(outcome(() => passOnAnnouncement(t.db, actor(), eventId, cluster, later(1)))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
    else expect(mailsTo(t.db, 'other@example.se')).toHaveLength(1);
  });

  it('announcement.sent: the sending cluster and how many were mailed, also none; not when refused', () => {
    const cid = (slug: string) => clusterId(t.db, slug);
    const log = recordEvents('announcement.sent');
    expect(outcome(() => sendAnnouncement(t.db, other, eventId, ORG, later(1)))).toBe('forbidden');
    expect(outcome(() => sendAnnouncement(t.db, other, eventId, OTHER, later(1)))).toBe('rule');
    expect(outcome(() => sendAnnouncement(t.db, participant, eventId, ORG, later(1)))).toBe('forbidden');
    expect(log).toEqual([]);
    sendAnnouncement(t.db, organiser, eventId, ORG, later(1));
    sendAnnouncement(t.db, admin, eventId, ORG, later(2));
    const sent = (actor: Actor, now: Date, recipients: number) => ({
      name: 'announcement.sent',
      payload: { actorId: actor.userId, clusterIds: [cid(ORG)], now, eventId, clusterId: cid(ORG), recipients },
    });
    expect(log).toEqual([sent(organiser, later(1), 3), sent(admin, later(2), 0)]);
  });

  it('announcement.shared: the clusters newly shared with; nothing for a repeated share or a refused one', () => {
    const cid = (slug: string) => clusterId(t.db, slug);
    const log = recordEvents('announcement.shared');
    expect(outcome(() => shareAnnouncement(t.db, other, eventId, OTHER, [THIRD], NOW))).toBe('rule');
    expect(outcome(() => shareAnnouncement(t.db, organiser, eventId, ORG, [OTHER, 'no-such-cluster'], NOW))).toBe('invalid');
    expect(log).toEqual([]);
    shareAnnouncement(t.db, organiser, eventId, ORG, [OTHER, ORG, THIRD], later(1));
    shareAnnouncement(t.db, cohost, eventId, COHOST, [THIRD, COHOST], later(2));
    expect(log).toEqual([
      {
        name: 'announcement.shared',
        payload: {
          actorId: organiser.userId,
          clusterIds: [cid(ORG), cid(OTHER), cid(THIRD)],
          now: later(1),
          eventId,
          fromClusterId: cid(ORG),
          toClusterIds: [cid(OTHER), cid(THIRD)],
        },
      },
    ]);
  });

  it('announcement.passedOn: the passing cluster, who shared it and how many were mailed; not when refused', () => {
    const cid = (slug: string) => clusterId(t.db, slug);
    shareAnnouncement(t.db, organiser, eventId, ORG, [OTHER], NOW);
    const log = recordEvents('announcement.passedOn');
    expect(outcome(() => passOnAnnouncement(t.db, cohost, eventId, COHOST, later(1)))).toBe('not_found');
    expect(outcome(() => passOnAnnouncement(t.db, third, eventId, OTHER, later(1)))).toBe('forbidden');
    expect(log).toEqual([]);
    passOnAnnouncement(t.db, other, eventId, OTHER, later(1));
    expect(log).toEqual([
      {
        name: 'announcement.passedOn',
        payload: {
          actorId: other.userId,
          clusterIds: [cid(OTHER), cid(ORG)],
          now: later(1),
          eventId,
          clusterId: cid(OTHER),
          sharedByClusterId: cid(ORG),
          recipients: 2,
        },
      },
    ]);
  });

  it('an unsubscribed address gets no invitation afterwards', () => {
    unsubscribe(t.db, tokens.followsTheme!);
    expect(sendAnnouncement(t.db, organiser, eventId, ORG, later(1))).toEqual({ recipients: 2 });
    expect(mailsTo(t.db, 'theme@example.se')).toEqual([]);
  });
});

// ---- Newsletters ----

const letter = (over: Partial<NewsletterInput> = {}): NewsletterInput => ({
  subject: 'Nytt från Agro Örebro',
  body: 'Hej! Här är **nyheterna** från klustret.\n\n- en\n- två',
  themes: [],
  clusters: [],
  cluster: ORG,
  ...over,
});

describe('newsletters', () => {
  it.each([
    ['admin for the secretariat', 'allowed', () => admin, null],
    ['admin for a cluster', 'allowed', () => admin, ORG],
    ['coordinator for their cluster', 'allowed', () => organiser, ORG],
    ['coordinator for another cluster', 'forbidden', () => other, ORG],
    ['coordinator for the secretariat', 'invalid', () => organiser, null],
    ['participant', 'forbidden', () => participant, ORG],
    ['anonymous', 'unauthenticated', () => null, ORG],
  ])('creating a draft: %s → %s', (_who, expected, actor, cluster) => {
    const before = snapshot(t.db);
    expect(outcome(() => createNewsletter(t.db, actor(), letter({ cluster }), NOW))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
  });

  it('a draft records who it is from, its filters, and is a draft', () => {
    const n = createNewsletter(t.db, organiser, letter({ themes: ['krisberedskap', 'krisberedskap'], clusters: [OTHER] }), NOW);
    expect(n).toMatchObject({
      subject: 'Nytt från Agro Örebro',
      from: { slug: ORG, name: 'Agro Örebro' },
      themes: ['krisberedskap'],
      clusters: [OTHER],
      status: 'draft',
      sentAt: null,
      recipients: null,
      canEdit: true,
    });
    expect(createNewsletter(t.db, admin, letter({ cluster: undefined }), NOW).from).toBeNull();
  });

  it.each<[string, Partial<NewsletterInput>, string]>([
    ['an empty subject', { subject: '   ' }, 'subject'],
    ['an empty body', { body: ' \n ' }, 'body'],
    ['a body over 50,000 characters', { body: 'x'.repeat(50_001) }, 'body'],
    ['an unknown theme', { themes: ['no-such-theme'] }, 'themes'],
    ['an unknown cluster filter', { clusters: ['no-such-cluster'] }, 'clusters'],
    ['an unknown sending cluster', { cluster: 'no-such-cluster' }, 'cluster'],
  ])('refuses %s (400) on create and on update, changing nothing', (_what, over, field) => {
    const n = createNewsletter(t.db, organiser, letter(), NOW);
    const before = snapshot(t.db);
    for (const attempt of [
      () => createNewsletter(t.db, organiser, letter(over), NOW),
      () => updateNewsletter(t.db, organiser, n.id, letter(over)),
    ]) {
      const err = caught(attempt);
      expect(err.kind).toBe('invalid');
      expect(err.details.map((d) => d.field)).toContain(field);
    }
    expect(snapshot(t.db)).toBe(before);
  });

  it.each([
    ['admin', 'allowed', () => admin],
    ['coordinator of its cluster', 'allowed', () => organiser],
    ['coordinator of another cluster', 'forbidden', () => other],
    ['participant', 'forbidden', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('updating a cluster draft: %s → %s', (_who, expected, actor) => {
    const n = createNewsletter(t.db, organiser, letter(), NOW);
    const before = snapshot(t.db);
    expect(outcome(() => updateNewsletter(t.db, actor(), n.id, letter({ subject: 'Ny rubrik' })))).toBe(expected);
    if (expected === 'allowed') expect(t.db.select().from(newsletters).get()!.subject).toBe('Ny rubrik');
    else expect(snapshot(t.db)).toBe(before);
  });

  it('a coordinator may not move their draft to a cluster they do not coordinate, nor make it the secretariat’s', () => {
    const n = createNewsletter(t.db, organiser, letter(), NOW);
    const before = snapshot(t.db);
    expect(outcome(() => updateNewsletter(t.db, organiser, n.id, letter({ cluster: OTHER })))).toBe('forbidden');
    expect(outcome(() => updateNewsletter(t.db, organiser, n.id, letter({ cluster: null })))).toBe('invalid');
    expect(snapshot(t.db)).toBe(before);
    // Leaving the sender out keeps it.
    expect(updateNewsletter(t.db, organiser, n.id, letter({ cluster: undefined, subject: 'Behåll' })).from?.slug).toBe(ORG);
  });

  it('the secretariat’s newsletter is the admins’ alone', () => {
    const n = createNewsletter(t.db, admin, letter({ cluster: null }), NOW);
    expect(outcome(() => updateNewsletter(t.db, organiser, n.id, letter({ cluster: undefined })))).toBe('forbidden');
    expect(outcome(() => previewNewsletter(t.db, organiser, n.id, NOW))).toBe('forbidden');
    expect(outcome(() => sendNewsletter(t.db, organiser, n.id, NOW))).toBe('forbidden');
    expect(outcome(() => getNewsletter(t.db, organiser, n.id))).toBe('not_found');
  });

  it('drafts are seen by their cluster and admins only; sent issues by everyone, in the archive', () => {
    const n = createNewsletter(t.db, organiser, letter(), NOW);
    for (const [actor, expected] of [
      [admin, 'allowed'],
      [organiser, 'allowed'],
      [other, 'not_found'],
      [participant, 'not_found'],
      [null, 'not_found'],
    ] as const) {
      expect(outcome(() => getNewsletter(t.db, actor, n.id))).toBe(expected);
    }
    expect(listNewsletters(t.db, null)).toEqual([]);
    expect(listNewsletters(t.db, organiser)).toEqual([]);
    expect(listNewsletters(t.db, organiser, { drafts: true }).map((x) => x.id)).toEqual([n.id]);
    expect(listNewsletters(t.db, admin, { drafts: true }).map((x) => x.id)).toEqual([n.id]);
    expect(listNewsletters(t.db, other, { drafts: true })).toEqual([]);
    expect(listNewsletters(t.db, null, { drafts: true })).toEqual([]);

    sendNewsletter(t.db, organiser, n.id, later(1));
    for (const actor of [admin, organiser, other, participant, null]) {
      const v = getNewsletter(t.db, actor, n.id);
      expect(v.status).toBe('sent');
      expect(v.html).toContain('<strong>nyheterna</strong>');
      expect(v.canEdit).toBe(false);
    }
    expect(listNewsletters(t.db, null).map((x) => [x.id, x.status])).toEqual([[n.id, 'sent']]);
    expect(caught(() => getNewsletter(t.db, null, 999)).kind).toBe('not_found');
  });

  describe('preview and sending', () => {
    beforeEach(() => {
      // Events: within 60 days and matching, a draft, one too far ahead, one past, one of another theme and cluster.
      publishedEvent({ title: 'Inom 60 dagar', start: '2030-02-10T09:00', end: '2030-02-10T12:00' });
      publishedEvent({ title: 'Dag 59', start: '2030-03-10T09:00', end: '2030-03-10T12:00' });
      createEvent(
        t.db,
        organiser,
        {
          leadCluster: ORG,
          title: 'Utkastet',
          kind: 'workshop',
          themes: ['krisberedskap'],
          start: '2030-02-11T09:00',
          end: '2030-02-11T12:00',
          venueName: 'X',
        },
        NOW,
      );
      publishedEvent({ title: 'För långt fram', start: '2030-03-12T09:00', end: '2030-03-12T12:00' });
      publishedEvent({ title: 'Redan varit', start: '2030-01-09T09:00', end: '2030-01-09T12:00' });
      const elsewhere = createEvent(
        t.db,
        other,
        {
          leadCluster: OTHER,
          title: 'Kapital i norr',
          kind: 'webinar',
          themes: ['kapitalforsorjning'],
          start: '2030-02-15T09:00',
          end: '2030-02-15T10:00',
          onlineUrl: 'https://meet.example.se/x',
        },
        NOW,
      ).event.id;
      publishEvent(t.db, other, elsewhere, NOW);
      // Deadlines: open and of the theme, past, of another theme.
      createHorizonItem(
        t.db,
        organiser,
        {
          title: 'Utlysning beredskap',
          summary: 'Pengar att söka.',
          source: 'Jordbruksverket',
          themes: ['krisberedskap'],
          deadline: '2030-03-01',
          cluster: ORG,
          url: 'https://jordbruksverket.se/utlysning',
        },
        NOW,
      );
      createHorizonItem(
        t.db,
        organiser,
        {
          title: 'Stängd utlysning',
          summary: 'För sent.',
          source: 'Vinnova',
          themes: ['krisberedskap'],
          deadline: '2030-01-05',
          cluster: ORG,
        },
        // Posted while the deadline was still ahead: a deadline in the past is refused.
        new Date('2030-01-02T10:00:00Z'),
      );
      createHorizonItem(
        t.db,
        other,
        {
          title: 'Kapitalutlysning',
          summary: 'Lån.',
          source: 'Almi',
          themes: ['kapitalforsorjning'],
          deadline: '2030-02-20',
          cluster: OTHER,
        },
        NOW,
      );
      createHorizonItem(
        t.db,
        other,
        { title: 'Utan datum', summary: 'Läsvärt.', source: 'SLU', themes: ['krisberedskap'], cluster: OTHER },
        NOW,
      );
      confirmed('org@example.se', [ORG]);
      confirmed('theme@example.se', [], ['krisberedskap'], 'en');
      confirmed('other@example.se', [OTHER]);
      subscribe(t.db, { email: 'unconfirmed@example.se', clusters: [ORG], themes: ['krisberedskap'] }, NOW);
      t.db.delete(outbox).run();
    });

    it('assembles the text, then the upcoming published events of the theme within 60 days and its open deadlines', () => {
      const n = createNewsletter(t.db, organiser, letter({ themes: ['krisberedskap'] }), NOW);
      const p = previewNewsletter(t.db, organiser, n.id, NOW);
      expect(p.events.map((e) => e.title)).toEqual(['Inom 60 dagar', 'Dag 59']);
      expect(p.events[0]!.url).toMatch(new RegExp(`^${BASE}/evenemang/\\d+$`));
      expect(p.deadlines.map((d) => [d.title, d.deadline, d.url])).toEqual([
        ['Utlysning beredskap', '2030-03-01', 'https://jordbruksverket.se/utlysning'],
      ]);
      expect(p.recipients).toBe(1);
      expect(p.html).toContain('<strong>nyheterna</strong>');
      expect(p.html).toContain('Kommande evenemang');
      expect(p.html).toContain('Sista dagar att hålla koll på');
      expect(p.text).toContain('Kommande evenemang:');
      expect(p.text).toContain('• Utlysning beredskap – 2030-03-01');
      expect(p.text).not.toContain('**');
      expect(p.subject).toBe('Nytt från Agro Örebro');
    });

    it('without filters it lists everything upcoming and goes to every confirmed subscriber', () => {
      const n = createNewsletter(t.db, admin, letter({ cluster: null }), NOW);
      const p = previewNewsletter(t.db, admin, n.id, NOW);
      expect(p.events.map((e) => e.title)).toEqual(['Inom 60 dagar', 'Kapital i norr', 'Dag 59']);
      expect(p.deadlines.map((d) => d.title)).toEqual(['Kapitalutlysning', 'Utlysning beredskap']);
      expect(p.recipients).toBe(3);
    });

    it('filtered by cluster: that cluster’s events and the deadlines it posted', () => {
      const n = createNewsletter(t.db, other, letter({ cluster: OTHER, clusters: [OTHER] }), NOW);
      const p = previewNewsletter(t.db, other, n.id, NOW);
      expect(p.events.map((e) => e.title)).toEqual(['Kapital i norr']);
      expect(p.deadlines.map((d) => d.title)).toEqual(['Kapitalutlysning']);
      expect(p.recipients).toBe(1);
      // Theme and cluster filters add up, for deadlines as for events.
      const both = createNewsletter(t.db, admin, letter({ cluster: null, themes: ['kapitalforsorjning'], clusters: [ORG] }), NOW);
      const q = previewNewsletter(t.db, admin, both.id, NOW);
      expect(q.events.map((e) => e.title)).toEqual(['Inom 60 dagar', 'Kapital i norr', 'Dag 59']);
      expect(q.deadlines.map((d) => d.title)).toEqual(['Kapitalutlysning', 'Utlysning beredskap']);
    });

    it('escapes the subject and titles in the HTML', () => {
      publishedEvent({ title: '<img src=x onerror=alert(1)>', start: '2030-02-20T09:00', end: '2030-02-20T10:00' });
      const n = createNewsletter(t.db, organiser, letter({ subject: '<script>alert(1)</script>', themes: ['krisberedskap'] }), NOW);
      const p = previewNewsletter(t.db, organiser, n.id, NOW);
      expect(p.html).not.toContain('<script>');
      expect(p.html).not.toContain('<img src=x');
      expect(p.html).toContain('&lt;script&gt;');
    });

    it.each([
      ['admin', 'allowed', () => admin],
      ['coordinator of its cluster', 'allowed', () => organiser],
      ['coordinator of another cluster', 'forbidden', () => other],
      ['participant', 'forbidden', () => participant],
      ['anonymous', 'unauthenticated', () => null],
    ])('preview: %s → %s', (_who, expected, actor) => {
      const n = createNewsletter(t.db, organiser, letter(), NOW);
      expect(outcome(() => previewNewsletter(t.db, actor(), n.id, NOW))).toBe(expected);
    });

    it('sends once through the outbox: one mail per confirmed matching subscriber, each with its own link and headers', () => {
      const n = createNewsletter(t.db, organiser, letter({ themes: ['krisberedskap'], clusters: [ORG] }), NOW);
      expect(sendNewsletter(t.db, organiser, n.id, later(1))).toEqual({ recipients: 2 });
      const sent = mails(t.db);
      expect(sent.map((m) => m.toAddress).sort()).toEqual(['org@example.se', 'theme@example.se']);
      for (const m of sent) {
        const token = tokenOf(m.toAddress);
        expect(m.subject).toBe('Nytt från Agro Örebro');
        expect(m.text).toContain(subscriptionLinks.manage(token));
        expect(m.html).toContain(`href="${subscriptionLinks.manage(token)}"`);
        expect(m.headers).toEqual(unsubscribeHeaders(token));
        // Nobody else's link is in the mail.
        for (const other of sent.filter((x) => x !== m)) expect(m.text).not.toContain(tokenOf(other.toAddress));
      }
      expect(mailsTo(t.db, 'theme@example.se')[0]!.text).toContain('Unsubscribe or change your subscription');
      expect(mailsTo(t.db, 'org@example.se')[0]!.text).toContain('Avsluta eller ändra prenumerationen');
      const stored = t.db.select().from(newsletters).get()!;
      expect(stored.status).toBe('sent');
      expect(stored.recipients).toBe(2);
      expect(stored.sentAt?.toISOString()).toBe(later(1).toISOString());
      expect(stored.sentHtml).toContain('Inom 60 dagar');
    });

    it('a second send is 409 and mails nobody; a sent issue cannot be changed', () => {
      const n = createNewsletter(t.db, organiser, letter(), NOW);
      sendNewsletter(t.db, organiser, n.id, later(1));
      const before = snapshot(t.db);
      const err = caught(() => sendNewsletter(t.db, admin, n.id, later(2)));
      expect([err.kind, err.code]).toEqual(['conflict', 'already_sent']);
      expect(caught(() => updateNewsletter(t.db, organiser, n.id, letter({ subject: 'Ändrad' }))).code).toBe('already_sent');
      expect(snapshot(t.db)).toBe(before);
    });

    it.each([
      ['admin', 'allowed', () => admin],
      ['coordinator of its cluster', 'allowed', () => organiser],
      ['coordinator of another cluster', 'forbidden', () => other],
      ['participant', 'forbidden', () => participant],
      ['anonymous', 'unauthenticated', () => null],
    ])('sending a cluster’s newsletter: %s → %s', (_who, expected, actor) => {
      const n = createNewsletter(t.db, organiser, letter(), NOW);
      const before = snapshot(t.db);
      expect(outcome(() => sendNewsletter(t.db, actor(), n.id, later(1)))).toBe(expected);
      if (expected === 'allowed') expect(mails(t.db)).toHaveLength(3);
      else expect(snapshot(t.db)).toBe(before);
    });

    it('an unknown newsletter is 404 for every action', () => {
      expect(caught(() => updateNewsletter(t.db, admin, 999, letter())).kind).toBe('not_found');
      expect(caught(() => previewNewsletter(t.db, admin, 999, NOW)).kind).toBe('not_found');
      expect(caught(() => sendNewsletter(t.db, admin, 999, NOW)).kind).toBe('not_found');
    });
  });
});
