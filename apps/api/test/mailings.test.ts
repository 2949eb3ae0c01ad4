import { matchingSubscribers } from '@samverka/core';
import {
  clusters,
  announcementDeliveries,
  announcementShares,
  newsletters,
  outbox,
  subscriberClusters,
  subscribers,
  subscriberThemes,
  themes,
} from '@samverka/db';
import { asc, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

const ORG = 'agro-orebro';
const COHOST = 'froda';
const OTHER = 'gront-center';
const THIRD = 'agro-vast';

type Who = 'admin' | 'organiser' | 'cohost' | 'other' | 'third' | 'participant' | 'anonymous';

let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};

beforeAll(async () => {
  // An https public address, as in production: the unsubscribe links must be https.
  t = await makeTestApp({ PUBLIC_URL: 'https://samverka.test' });
  const made: [Who, 'admin' | 'coordinator' | 'participant', string[]?][] = [
    ['admin', 'admin'],
    ['organiser', 'coordinator', [ORG]],
    ['cohost', 'coordinator', [COHOST]],
    ['other', 'coordinator', [OTHER]],
    ['third', 'coordinator', [THIRD]],
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

const Y = new Date().getFullYear() + 2;

function snapshot() {
  return JSON.stringify([
    t.db.select().from(subscribers).orderBy(asc(subscribers.id)).all(),
    t.db.select().from(subscriberClusters).all(),
    t.db.select().from(subscriberThemes).all(),
    t.db.select().from(announcementDeliveries).all(),
    t.db.select().from(announcementShares).all(),
    t.db.select().from(newsletters).orderBy(asc(newsletters.id)).all(),
    t.db.select().from(outbox).orderBy(asc(outbox.id)).all(),
  ]);
}

const mailsTo = (to: string) => t.db.select().from(outbox).where(eq(outbox.toAddress, to)).orderBy(asc(outbox.id)).all();
const tokenOf = (email: string) => t.db.select().from(subscribers).where(eq(subscribers.email, email)).get()?.token;

let n = 0;
const address = (name: string) => `${name}-${++n}@example.se`;

async function subscribe(email: string, clusters: string[], themes: string[] = [], language?: 'sv' | 'en') {
  const res = await call('POST', '/api/subscriptions', 'anonymous', { email, clusters, themes, ...(language ? { language } : {}) });
  expect(res.statusCode, res.body).toBe(202);
  return res;
}

/** Subscribes and confirms through the API; returns the manage token. */
async function confirmed(email: string, clusters: string[], themes: string[] = [], language?: 'sv' | 'en'): Promise<string> {
  await subscribe(email, clusters, themes, language);
  const token = tokenOf(email)!;
  const res = await call('POST', `/api/subscriptions/${token}/confirm`);
  expect(res.statusCode, res.body).toBe(200);
  return token;
}

async function publishedEvent(title: string, over: Record<string, unknown> = {}, who: Who = 'organiser', lead = ORG): Promise<number> {
  n++;
  const res = await call('POST', '/api/events', who, {
    leadCluster: lead,
    title,
    kind: 'workshop',
    themes: ['krisberedskap'],
    start: `${Y}-03-${String((n % 27) + 1).padStart(2, '0')}T09:00`,
    end: `${Y}-03-${String((n % 27) + 1).padStart(2, '0')}T12:00`,
    venueName: 'Gården',
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().event.id as number;
  expect((await call('POST', `/api/events/${id}/publish`, who)).statusCode).toBe(200);
  return id;
}

describe('subscriptions', () => {
  it('POST answers 202 and mails only a confirmation link; the subscription is unconfirmed until the link is used', async () => {
    const email = address('anna');
    const res = await subscribe(email, [ORG], ['krisberedskap']);
    expect(res.json()).toEqual({ message: expect.any(String) });
    const token = tokenOf(email)!;
    const mails = mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`https://samverka.test/prenumeration/bekrafta?token=${token}`);
    expect((await call('GET', `/api/subscriptions/${token}`)).json()).toEqual({
      email,
      language: 'sv',
      confirmed: false,
      clusters: [ORG],
      themes: ['krisberedskap'],
    });
    const ok = await call('POST', `/api/subscriptions/${token}/confirm`);
    expect(ok.json()).toMatchObject({ confirmed: true });
  });

  it('a confirmed address subscribing again gets the very same answer, and a mail with its manage link', async () => {
    const fresh = await subscribe(address('new'), [ORG]);
    const email = address('known');
    const token = await confirmed(email, [ORG]);
    const before = JSON.stringify(t.db.select().from(subscriberClusters).all());
    const again = await subscribe(email.toUpperCase(), [OTHER]);
    expect(again.statusCode).toBe(fresh.statusCode);
    expect(again.body).toBe(fresh.body);
    expect(JSON.stringify(t.db.select().from(subscriberClusters).all())).toBe(before);
    const last = mailsTo(email).at(-1)!;
    expect(last.text).toContain(`https://samverka.test/prenumeration/${token}`);
    expect(last.headers).toEqual({
      'List-Unsubscribe': `<https://samverka.test/api/subscriptions/${token}/one-click>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it.each<[string, unknown, string]>([
    ['a malformed address', { email: 'nope', clusters: [ORG], themes: [] }, 'invalid_email'],
    ['nothing followed', { email: 'a@example.se', clusters: [], themes: [] }, 'invalid_subscription'],
    ['an unknown cluster', { email: 'a@example.se', clusters: ['no-such-cluster'], themes: [] }, 'invalid_subscription'],
    ['an unknown theme', { email: 'a@example.se', clusters: [], themes: ['no-such-theme'] }, 'invalid_subscription'],
    ['an unknown field', { email: 'a@example.se', clusters: [ORG], themes: [], name: 'Anna' }, 'invalid_request'],
    ['a missing themes list', { email: 'a@example.se', clusters: [ORG] }, 'invalid_request'],
    ['an unknown language', { email: 'a@example.se', clusters: [ORG], themes: [], language: 'de' }, 'invalid_request'],
    ['a cluster twice', { email: 'a@example.se', clusters: [ORG, ORG], themes: [] }, 'invalid_request'],
  ])('400 for %s; nothing stored or mailed', async (_what, payload, code) => {
    const before = snapshot();
    expectError(await call('POST', '/api/subscriptions', 'anonymous', payload), 400, code);
    expect(snapshot()).toBe(before);
  });

  it('PUT changes what one follows; bad input is 400 and changes nothing', async () => {
    const token = await confirmed(address('put'), [ORG]);
    const res = await call('PUT', `/api/subscriptions/${token}`, 'anonymous', {
      clusters: [OTHER],
      themes: ['kapitalforsorjning'],
      language: 'en',
    });
    expect(res.json()).toMatchObject({ language: 'en', confirmed: true, clusters: [OTHER], themes: ['kapitalforsorjning'] });
    const before = snapshot();
    expectError(await call('PUT', `/api/subscriptions/${token}`, 'anonymous', { clusters: [], themes: [] }), 400, 'invalid_subscription');
    expectError(
      await call('PUT', `/api/subscriptions/${token}`, 'anonymous', { clusters: [OTHER], themes: [], email: 'x@example.se' }),
      400,
      'invalid_request',
    );
    expect(snapshot()).toBe(before);
  });

  it('unknown tokens are 404 and malformed ones 400, on every route', async () => {
    const unknown = 'A'.repeat(43);
    expectError(await call('GET', `/api/subscriptions/${unknown}`), 404, 'unknown_subscription');
    expectError(await call('POST', `/api/subscriptions/${unknown}/confirm`), 404, 'unknown_subscription');
    expectError(
      await call('PUT', `/api/subscriptions/${unknown}`, 'anonymous', { clusters: [ORG], themes: [] }),
      404,
      'unknown_subscription',
    );
    expectError(await call('DELETE', `/api/subscriptions/${unknown}`), 404, 'unknown_subscription');
    expectError(
      await t.inject({
        method: 'POST',
        url: `/api/subscriptions/${unknown}/one-click`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      }),
      404,
      'unknown_subscription',
    );
    expectError(await call('GET', '/api/subscriptions/short'), 400);
    expectError(await call('GET', `/api/subscriptions/${'A'.repeat(30)}%3Cscript%3E`), 400);
  });

  it('DELETE unsubscribes and deletes everything about the subscriber', async () => {
    const email = address('delete');
    const token = await confirmed(email, [ORG], ['krisberedskap']);
    const id = t.db.select().from(subscribers).where(eq(subscribers.email, email)).get()!.id;
    const res = await call('DELETE', `/api/subscriptions/${token}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectError(await call('GET', `/api/subscriptions/${token}`), 404);
    expect(t.db.select().from(subscriberClusters).where(eq(subscriberClusters.subscriberId, id)).all()).toEqual([]);
    expect(t.db.select().from(subscriberThemes).where(eq(subscriberThemes.subscriberId, id)).all()).toEqual([]);
    expectError(await call('DELETE', `/api/subscriptions/${token}`), 404);
  });

  it('one-click: a form-encoded List-Unsubscribe=One-Click POST (no cookie, no login) unsubscribes', async () => {
    const token = await confirmed(address('oneclick'), [ORG]);
    const res = await t.inject({
      method: 'POST',
      url: `/api/subscriptions/${token}/one-click`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ message: expect.any(String) });
    expectError(await call('GET', `/api/subscriptions/${token}`), 404);
  });

  it('a double opt-in address receives no invitation and no newsletter before it confirms', async () => {
    const email = address('pending');
    await subscribe(email, [ORG], ['krisberedskap']);
    const eventId = await publishedEvent('Före bekräftelsen');
    expect((await call('POST', `/api/events/${eventId}/announcements`, 'organiser', { cluster: ORG })).statusCode).toBe(202);
    const letter = await call('POST', '/api/newsletters', 'organiser', {
      subject: 'Före',
      body: 'Text',
      themes: [],
      clusters: [ORG],
      cluster: ORG,
    });
    expect((await call('POST', `/api/newsletters/${letter.json().id}/send`, 'organiser')).statusCode).toBe(202);
    expect(mailsTo(email).map((m) => m.subject)).toEqual(['Bekräfta din prenumeration på Samverka']);
    // Once confirmed, the next one arrives.
    await call('POST', `/api/subscriptions/${tokenOf(email)}/confirm`);
    const next = await publishedEvent('Efter bekräftelsen');
    expect(
      (await call('POST', `/api/events/${next}/announcements`, 'organiser', { cluster: ORG })).json().recipients,
    ).toBeGreaterThanOrEqual(1);
    expect(mailsTo(email).map((m) => m.subject)).toEqual(['Bekräfta din prenumeration på Samverka', 'Inbjudan: Efter bekräftelsen']);
  });
});

describe('announcements (event invitations mailed to followers)', () => {
  let eventId: number;
  let emails: Record<'org' | 'theme' | 'all' | 'other' | 'cohost' | 'third' | 'none' | 'pending', string>;

  beforeAll(async () => {
    eventId = await publishedEvent('Vattenförsörjning på gården');
    expect((await call('POST', `/api/events/${eventId}/organisers`, 'organiser', { cluster: COHOST })).statusCode).toBe(200);
    expect((await call('POST', `/api/events/${eventId}/organisers/${COHOST}/answer`, 'cohost', { accept: true })).statusCode).toBe(200);
    emails = {
      org: address('org'),
      theme: address('theme'),
      all: address('all'),
      other: address('other'),
      cohost: address('cohost'),
      third: address('third'),
      none: address('none'),
      pending: address('pending'),
    };
    await confirmed(emails.org, [ORG]);
    await confirmed(emails.theme, [], ['krisberedskap']);
    await confirmed(emails.all, [ORG, COHOST, OTHER, THIRD], ['krisberedskap']);
    await confirmed(emails.other, [OTHER]);
    await confirmed(emails.cohost, [COHOST], [], 'en');
    await confirmed(emails.third, [THIRD]);
    await confirmed(emails.none, ['grona-navet'], ['nya-affarsmodeller']);
    await subscribe(emails.pending, [ORG, COHOST, OTHER, THIRD], ['krisberedskap']);
  });

  const invitationsFor = (id: number) => {
    const title = `Vattenförsörjning på gården`;
    return t.db
      .select()
      .from(outbox)
      .all()
      .filter((m) => m.subject === `Inbjudan: ${title}` || m.subject === `Invitation: ${title}`)
      .filter((m) => m.text.includes(`/evenemang/${id}`));
  };

  it.each<[string, Who, string, number, string?]>([
    ['unrelated coordinator for the lead cluster', 'other', ORG, 403, 'forbidden'],
    ['unrelated coordinator for their own cluster', 'other', OTHER, 422, 'not_organiser'],
    ['participant', 'participant', ORG, 403, 'forbidden'],
    ['anonymous', 'anonymous', ORG, 401, 'login_required'],
    ['an unknown cluster', 'organiser', 'no-such-cluster', 400, 'unknown_cluster'],
  ])('sending refused: %s → %i, nothing mailed', async (_what, who, cluster, status, code) => {
    const before = snapshot();
    expectError(await call('POST', `/api/events/${eventId}/announcements`, who, { cluster }), status, code);
    expect(snapshot()).toBe(before);
  });

  it('400 for a bad body or id, 404 for an unknown event', async () => {
    const before = snapshot();
    expectError(await call('POST', `/api/events/${eventId}/announcements`, 'organiser', {}), 400, 'invalid_request');
    expectError(
      await call('POST', `/api/events/${eventId}/announcements`, 'organiser', { cluster: ORG, all: true }),
      400,
      'invalid_request',
    );
    expectError(await call('POST', '/api/events/abc/announcements', 'organiser', { cluster: ORG }), 400);
    expectError(await call('POST', '/api/events/999999/announcements', 'organiser', { cluster: ORG }), 404, 'unknown_event');
    expect(snapshot()).toBe(before);
  });

  /** Confirmed subscribers following the cluster or theme who have not had this event's invitation (other tests add subscribers too). */
  const undelivered = (cluster: string, theme?: string) => {
    const clusterIds = [t.db.select().from(clusters).where(eq(clusters.slug, cluster)).get()!.id];
    const themeIds = theme ? [t.db.select().from(themes).where(eq(themes.slug, theme)).get()!.id] : [];
    const had = new Set(
      t.db
        .select()
        .from(announcementDeliveries)
        .where(eq(announcementDeliveries.eventId, eventId))
        .all()
        .map((d) => d.subscriberId),
    );
    return matchingSubscribers(t.db, clusterIds, themeIds)
      .filter((s) => !had.has(s.id))
      .map((s) => s.email)
      .sort();
  };

  it('send (lead, then co-host, then again), share, pass on: every subscriber gets exactly one invitation mail, confirmed ones only', async () => {
    const first = undelivered(ORG, 'krisberedskap');
    expect(first).toEqual(expect.arrayContaining([emails.org, emails.theme, emails.all]));
    let res = await call('POST', `/api/events/${eventId}/announcements`, 'organiser', { cluster: ORG });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ recipients: first.length });
    expect(undelivered(COHOST, 'krisberedskap')).toEqual([emails.cohost]);
    res = await call('POST', `/api/events/${eventId}/announcements`, 'cohost', { cluster: COHOST });
    expect(res.json()).toEqual({ recipients: 1 });
    expect((await call('POST', `/api/events/${eventId}/announcements`, 'admin', { cluster: ORG })).json()).toEqual({ recipients: 0 });

    // Sharing: only an organising cluster shares, and only published events.
    expectError(await call('POST', `/api/events/${eventId}/announcements/share`, 'other', { fromCluster: ORG, clusters: [OTHER] }), 403);
    expectError(
      await call('POST', `/api/events/${eventId}/announcements/share`, 'organiser', { fromCluster: ORG, clusters: [] }),
      400,
      'invalid_request',
    );
    expectError(
      await call('POST', `/api/events/${eventId}/announcements/share`, 'organiser', { fromCluster: ORG, clusters: ['no-such-cluster'] }),
      400,
      'unknown_cluster',
    );
    expectError(
      await call('POST', `/api/events/${eventId}/announcements/share`, 'anonymous', { fromCluster: ORG, clusters: [OTHER] }),
      401,
    );
    expect(t.db.select().from(announcementShares).all()).toEqual([]);
    res = await call('POST', `/api/events/${eventId}/announcements/share`, 'organiser', { fromCluster: ORG, clusters: [OTHER, THIRD] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ shared: [OTHER, THIRD] });

    const shared = (await call('GET', '/api/me/shared-announcements', 'other')).json() as {
      event: { id: number };
      cluster: { slug: string };
      sharedBy: string;
      passedOnAt: string | null;
    }[];
    expect(shared).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ id: eventId }),
        cluster: expect.objectContaining({ slug: OTHER }),
        sharedBy: 'Agro Örebro',
        passedOnAt: null,
      }),
    ]);
    expect((await call('GET', '/api/me/shared-announcements', 'cohost')).json()).toEqual([]);
    expect((await call('GET', '/api/me/shared-announcements', 'participant')).json()).toEqual([]);
    expectError(await call('GET', '/api/me/shared-announcements', 'anonymous'), 401);

    // Passing on: only that cluster's coordinator (or an admin), only where shared.
    expectError(await call('POST', `/api/events/${eventId}/announcements/pass-on`, 'third', { cluster: OTHER }), 403);
    expectError(await call('POST', `/api/events/${eventId}/announcements/pass-on`, 'cohost', { cluster: COHOST }), 404, 'not_shared');
    expectError(await call('POST', `/api/events/${eventId}/announcements/pass-on`, 'participant', { cluster: OTHER }), 403);
    const viaOther = undelivered(OTHER);
    expect(viaOther).toContain(emails.other);
    expect(viaOther).not.toContain(emails.all);
    res = await call('POST', `/api/events/${eventId}/announcements/pass-on`, 'other', { cluster: OTHER });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ recipients: viaOther.length });
    expect((await call('POST', `/api/events/${eventId}/announcements/pass-on`, 'other', { cluster: OTHER })).json()).toEqual({
      recipients: 0,
    });
    const viaThird = undelivered(THIRD);
    expect(viaThird).toContain(emails.third);
    expect((await call('POST', `/api/events/${eventId}/announcements/pass-on`, 'admin', { cluster: THIRD })).json()).toEqual({
      recipients: viaThird.length,
    });
    expect((await call('GET', '/api/me/shared-announcements', 'other')).json()).toEqual([]);

    const mails = invitationsFor(eventId);
    const perAddress = new Map<string, number>();
    for (const m of mails) perAddress.set(m.toAddress, (perAddress.get(m.toAddress) ?? 0) + 1);
    for (const e of [emails.org, emails.theme, emails.all, emails.cohost, emails.other, emails.third]) expect(perAddress.get(e), e).toBe(1);
    for (const [e, count] of perAddress) expect(count, e).toBe(1);
    expect(mails).toHaveLength(t.db.select().from(announcementDeliveries).where(eq(announcementDeliveries.eventId, eventId)).all().length);
    for (const m of mails) {
      const token = tokenOf(m.toAddress)!;
      expect(m.headers).toEqual({
        'List-Unsubscribe': `<https://samverka.test/api/subscriptions/${token}/one-click>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
      expect(m.text).toContain(`https://samverka.test/prenumeration/${token}`);
    }
    expect(mails.find((m) => m.toAddress === emails.cohost)!.subject).toBe('Invitation: Vattenförsörjning på gården');
    expect(perAddress.has(emails.pending)).toBe(false);
    expect(perAddress.has(emails.none)).toBe(false);
  });

  it('a draft is 404 to outsiders and 409 to its organisers; a cancelled event is 409', async () => {
    const draft = await call('POST', '/api/events', 'organiser', {
      leadCluster: ORG,
      title: 'Utkast',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: `${Y}-04-01T09:00`,
      end: `${Y}-04-01T10:00`,
      venueName: 'X',
    });
    const draftId = draft.json().event.id as number;
    const cancelled = await publishedEvent('Inställt');
    expect((await call('POST', `/api/events/${cancelled}/cancel`, 'organiser', { reason: 'Sjukdom' })).statusCode).toBe(200);
    const before = snapshot();
    expectError(await call('POST', `/api/events/${draftId}/announcements`, 'other', { cluster: OTHER }), 404, 'unknown_event');
    expectError(
      await call('POST', `/api/events/${draftId}/announcements/share`, 'other', { fromCluster: OTHER, clusters: [THIRD] }),
      404,
      'unknown_event',
    );
    expectError(await call('POST', `/api/events/${draftId}/announcements`, 'organiser', { cluster: ORG }), 409, 'not_published');
    expectError(await call('POST', `/api/events/${cancelled}/announcements`, 'organiser', { cluster: ORG }), 409, 'not_published');
    expectError(
      await call('POST', `/api/events/${cancelled}/announcements/share`, 'organiser', { fromCluster: ORG, clusters: [OTHER] }),
      409,
      'not_published',
    );
    expect(snapshot()).toBe(before);
  });
});

describe('newsletters', () => {
  const letter = (over: Record<string, unknown> = {}) => ({
    subject: 'Nytt från Agro Örebro',
    body: 'Hej! **Nyheter** från klustret.',
    themes: [],
    clusters: [ORG],
    cluster: ORG,
    ...over,
  });

  async function draft(who: Who = 'organiser', over: Record<string, unknown> = {}) {
    const res = await call('POST', '/api/newsletters', who, letter(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number; status: string; from: { slug: string } | null; canEdit: boolean };
  }

  it.each<[string, Who, Record<string, unknown>, number, string?]>([
    ['admin for the secretariat', 'admin', { cluster: null }, 201],
    ['admin for a cluster', 'admin', {}, 201],
    ['coordinator for their cluster', 'organiser', {}, 201],
    ['coordinator for another cluster', 'other', {}, 403, 'forbidden'],
    ['coordinator without a cluster', 'organiser', { cluster: null }, 400, 'cluster_required'],
    ['participant', 'participant', {}, 403, 'forbidden'],
    ['anonymous', 'anonymous', {}, 401, 'login_required'],
  ])('creating: %s → %i', async (_what, who, over, status, code) => {
    const before = snapshot();
    const res = await call('POST', '/api/newsletters', who, letter(over));
    if (status === 201) {
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ status: 'draft', sentAt: null, recipients: null, canEdit: true });
    } else {
      expectError(res, status, code);
      expect(snapshot()).toBe(before);
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty subject', { subject: '' }, 'invalid_request'],
    ['a blank subject', { subject: '   ' }, 'invalid_newsletter'],
    ['an empty body', { body: '' }, 'invalid_request'],
    ['an unknown theme', { themes: ['no-such-theme'] }, 'invalid_newsletter'],
    ['an unknown cluster filter', { clusters: ['no-such-cluster'] }, 'invalid_newsletter'],
    ['an unknown field', { html: '<b>x</b>' }, 'invalid_request'],
    ['a subject over 150 characters', { subject: 'x'.repeat(151) }, 'invalid_request'],
  ])('400 for %s on POST and PUT; nothing changes', async (_what, over, code) => {
    const d = await draft();
    const before = snapshot();
    expectError(await call('POST', '/api/newsletters', 'organiser', letter(over)), 400, code);
    expectError(await call('PUT', `/api/newsletters/${d.id}`, 'organiser', letter(over)), 400, code);
    expect(snapshot()).toBe(before);
  });

  it('drafts: read, changed and previewed by their cluster and admins; 404/403/401 for the rest', async () => {
    const d = await draft();
    for (const who of ['admin', 'organiser'] as const) {
      expect((await call('GET', `/api/newsletters/${d.id}`, who)).statusCode).toBe(200);
      expect((await call('GET', `/api/newsletters/${d.id}/preview`, who)).statusCode).toBe(200);
      expect((await call('PUT', `/api/newsletters/${d.id}`, who, letter({ subject: `Ändrad av ${who}` }))).json().subject).toBe(
        `Ändrad av ${who}`,
      );
    }
    const before = snapshot();
    for (const who of ['other', 'participant', 'anonymous'] as const) {
      expectError(await call('GET', `/api/newsletters/${d.id}`, who), 404, 'unknown_newsletter');
      expectError(await call('PUT', `/api/newsletters/${d.id}`, who, letter()), who === 'anonymous' ? 401 : 403);
      expectError(await call('GET', `/api/newsletters/${d.id}/preview`, who), who === 'anonymous' ? 401 : 403);
      expectError(await call('POST', `/api/newsletters/${d.id}/send`, who), who === 'anonymous' ? 401 : 403);
    }
    expect(snapshot()).toBe(before);
    expect(((await call('GET', '/api/newsletters?drafts=true', 'organiser')).json() as { id: number }[]).map((x) => x.id)).toContain(d.id);
    expect(((await call('GET', '/api/newsletters?drafts=true', 'other')).json() as { id: number }[]).map((x) => x.id)).not.toContain(d.id);
    expect(((await call('GET', '/api/newsletters?drafts=true')).json() as { id: number }[]).map((x) => x.id)).not.toContain(d.id);
    expect(((await call('GET', '/api/newsletters')).json() as { id: number }[]).map((x) => x.id)).not.toContain(d.id);
    expectError(await call('GET', '/api/newsletters?drafts=maybe'), 400);
    expectError(await call('GET', '/api/newsletters/999999'), 404);
  });

  it('preview assembles the text, upcoming events and open deadlines, and counts the recipients', async () => {
    const item = await call('POST', '/api/horizon', 'organiser', {
      title: 'Utlysning för nyhetsbrevet',
      summary: 'Stöd.',
      source: 'Vinnova',
      themes: ['krisberedskap'],
      deadline: `${Y - 1}-12-31`,
      cluster: ORG,
    });
    expect(item.statusCode, item.body).toBe(201);
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const eventId = await publishedEvent('Snart i nyhetsbrevet', { start: `${soon}T09:00`, end: `${soon}T11:00` });
    const d = await draft('organiser', { themes: ['krisberedskap'], clusters: [] });
    const res = await call('GET', `/api/newsletters/${d.id}/preview`, 'organiser');
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json() as { html: string; text: string; events: { id: number }[]; deadlines: { title: string }[]; recipients: number };
    expect(p.events.map((e) => e.id)).toContain(eventId);
    expect(p.deadlines.map((x) => x.title)).toContain('Utlysning för nyhetsbrevet');
    expect(p.html).toContain('<strong>Nyheter</strong>');
    expect(p.text).toContain('Snart i nyhetsbrevet');
    const confirmedFollowers = t.db
      .select()
      .from(subscribers)
      .all()
      .filter((s) => s.confirmedAt !== null).length;
    expect(p.recipients).toBeGreaterThan(0);
    expect(p.recipients).toBeLessThanOrEqual(confirmedFollowers);
  });

  it('send: 202 with the count, one mail per confirmed follower with its own unsubscribe headers; a second send is 409; then public in the archive', async () => {
    const followers = [address('nl-a'), address('nl-b'), address('nl-c')];
    const tokensBy = new Map<string, string>();
    for (const e of followers) tokensBy.set(e, await confirmed(e, [THIRD]));
    const pending = address('nl-pending');
    await subscribe(pending, [THIRD]);
    const res0 = await call(
      'POST',
      '/api/newsletters',
      'third',
      letter({ cluster: THIRD, clusters: [THIRD], subject: 'Agro Väst informerar' }),
    );
    const id = res0.json().id as number;
    const res = await call('POST', `/api/newsletters/${id}/send`, 'third');
    expect(res.statusCode, res.body).toBe(202);
    const { recipients } = res.json() as { recipients: number };
    const sent = t.db
      .select()
      .from(outbox)
      .all()
      .filter((m) => m.subject === 'Agro Väst informerar');
    expect(sent).toHaveLength(recipients);
    expect(new Set(sent.map((m) => m.toAddress)).size).toBe(recipients);
    for (const e of followers) {
      const [m] = sent.filter((x) => x.toAddress === e);
      const token = tokensBy.get(e)!;
      expect(m!.headers).toEqual({
        'List-Unsubscribe': `<https://samverka.test/api/subscriptions/${token}/one-click>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
      expect(m!.text).toContain(`https://samverka.test/prenumeration/${token}`);
      expect(m!.html).toContain(`https://samverka.test/prenumeration/${token}`);
    }
    expect(sent.some((m) => m.toAddress === pending)).toBe(false);

    const before = snapshot();
    expectError(await call('POST', `/api/newsletters/${id}/send`, 'third'), 409, 'already_sent');
    expectError(await call('POST', `/api/newsletters/${id}/send`, 'admin'), 409, 'already_sent');
    expectError(await call('PUT', `/api/newsletters/${id}`, 'third', letter({ cluster: THIRD })), 409, 'already_sent');
    expect(snapshot()).toBe(before);

    const archived = await call('GET', `/api/newsletters/${id}`);
    expect(archived.statusCode).toBe(200);
    expect(archived.json()).toMatchObject({ status: 'sent', recipients, canEdit: false, from: { slug: THIRD } });
    expect(archived.json().html).toContain('<strong>Nyheter</strong>');
    expect(((await call('GET', '/api/newsletters')).json() as { id: number }[]).map((x) => x.id)).toContain(id);
  });

  it('the secretariat’s issue is sent by an admin only', async () => {
    const d = await draft('admin', { cluster: null, clusters: [], themes: ['nya-affarsmodeller'] });
    expect(d.from).toBeNull();
    expectError(await call('POST', `/api/newsletters/${d.id}/send`, 'organiser'), 403);
    const res = await call('POST', `/api/newsletters/${d.id}/send`, 'admin');
    expect(res.statusCode, res.body).toBe(202);
  });
});
