import { clusters, coordinators, eventOrganisers, events, eventThemes, themes, type Db } from '@samverka/db';
import { and, eq } from 'drizzle-orm';
import { execFileSync } from 'node:child_process';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '@samverka/contracts';
import { loadActor, type Actor } from '../src/access.ts';
import {
  answerCohostInvitation,
  cancelEvent,
  createEvent,
  deleteEvent,
  inviteCohost,
  publishEvent,
  updateEvent,
} from '../src/events/event-service.ts';
import type { EventInput } from '../src/events/event-input.ts';
import {
  CANCELLED_KEEP_MS,
  FeedService,
  PUBLISHED_KEEP_MS,
  stampCalendar,
  type BuiltFeed,
  type FeedScope,
} from '../src/feeds/feed-service.ts';
import { buildVevent } from '../src/feeds/ics.ts';
import { personalFeed, regeneratePersonalFeed, revokePersonalFeed } from '../src/feeds/personal-feed.ts';
import { readBoth } from '../../../tests/support/ics-readers.ts';
import { LONE_SURROGATE } from '../../../tests/support/text.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught } from './helpers.ts';

// The real buildVevent, counted: the caches are checked by how often a VEVENT is rendered.
vi.mock('../src/feeds/ics.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../src/feeds/ics.ts')>();
  return { ...mod, buildVevent: vi.fn(mod.buildVevent) };
});
const rendered = vi.mocked(buildVevent);

const ALL: FeedScope = { type: 'all' };
/** A fixed "now" before every event below; events are in 2027. */
const NOW = Date.parse('2027-01-01T00:00:00Z');

let t: TestDb;
let db: Db;
let admin: Actor;
let orebro: Actor;
let sormland: Actor;
let feeds: FeedService;

const actor = (id: number) => loadActor(db, id)!;

function input(o: Partial<EventInput> = {}): EventInput {
  return {
    leadCluster: 'agro-orebro',
    title: 'Workshop',
    kind: 'workshop',
    themes: ['krisberedskap'],
    start: '2027-02-10T09:00',
    end: '2027-02-10T12:00',
    venueName: 'Ladan',
    ...o,
  };
}

function published(o: Partial<EventInput> = {}, by = orebro) {
  const { event } = createEvent(db, by, input(o));
  return publishEvent(db, by, event.id);
}

/** The UIDs of the events (newEventUid: a UUID @samverka) in a feed, leaving out any other kind of entry. */
function uids(feed: BuiltFeed): string[] {
  return readBoth(feed.body.toString('utf8'))
    .events.map((e) => e.uid)
    .filter((uid) => /^[0-9a-f-]{36}@samverka$/.test(uid));
}

beforeAll(() => {
  t = freshDb();
  db = t.db;
  admin = actor(insertUser(db, { isAdmin: true }));
  orebro = actor(insertUser(db, { coordinatorOf: ['agro-orebro'] }));
  sormland = actor(insertUser(db, { coordinatorOf: ['agro-sormland'] }));
});
afterAll(() => t.dispose());
beforeEach(() => {
  feeds = new FeedService(db, 'https://samverka.test');
  db.delete(events).run();
  rendered.mockClear();
});

describe('feed_state.version (drizzle/0004 triggers)', () => {
  const version = () => new FeedService(db, 'x').currentVersion();
  /** A draft with two themes and an invited co-host, so every kind of row exists to be changed. */
  const setup = () => {
    const { event } = createEvent(db, orebro, input({ themes: ['krisberedskap', 'regler-och-villkor'] }));
    inviteCohost(db, orebro, event.id, 'agro-sormland');
    return event.id;
  };
  const orebroId = () => clusterId(db, 'agro-orebro');
  it.each<[string, (id: number) => void]>([
    ['an event is inserted', () => void createEvent(db, orebro, input())],
    ['an event is updated', (id) => void db.update(events).set({ title: 'Ny' }).where(eq(events.id, id)).run()],
    ['an event is deleted', (id) => void db.delete(events).where(eq(events.id, id)).run()],
    ['an event theme is added', (id) => void db.insert(eventThemes).values({ eventId: id, themeId: 3 }).run()],
    [
      'an event theme is removed',
      (id) =>
        void db
          .delete(eventThemes)
          .where(and(eq(eventThemes.eventId, id), eq(eventThemes.themeId, 2)))
          .run(),
    ],
    ['an organiser is added', (id) => void inviteCohost(db, orebro, id, 'agro-vast')],
    ['an organiser is updated', (id) => void answerCohostInvitation(db, sormland, id, 'agro-sormland', true)],
    [
      'an organiser is removed',
      (id) =>
        void db
          .delete(eventOrganisers)
          .where(and(eq(eventOrganisers.eventId, id), eq(eventOrganisers.role, 'cohost')))
          .run(),
    ],
    ['a cluster is updated', () => void db.update(clusters).set({ town: 'Örebro' }).where(eq(clusters.id, orebroId())).run()],
    [
      'a theme is updated',
      () =>
        void db.update(themes).set({ nameEn: 'Crisis preparedness and self-sufficiency' }).where(eq(themes.slug, 'krisberedskap')).run(),
    ],
    [
      'a coordinator is added',
      () => void db.insert(coordinators).values({ userId: sormland.userId, clusterId: orebroId(), grantedAt: new Date() }).run(),
    ],
    [
      'a coordinator is removed',
      () =>
        void db
          .delete(coordinators)
          .where(and(eq(coordinators.userId, sormland.userId), eq(coordinators.clusterId, orebroId())))
          .run(),
    ],
  ])('rises when %s', (_what, change) => {
    const id = setup();
    const before = version();
    expect(version().version).toBe(before.version);
    change(id);
    const after = version();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.changedAt.getTime()).toBeGreaterThanOrEqual(before.changedAt.getTime());
  });

  it('does not move on reads', () => {
    setup();
    const before = version().version;
    feeds.ics(ALL, 'sv', NOW);
    feeds.atom(ALL, 'sv', NOW);
    expect(version().version).toBe(before);
  });
});

describe('FeedService caching', () => {
  it('returns the very same feed while nothing changed, without rendering anything again', () => {
    published({ title: 'A' });
    published({ title: 'B', start: '2027-03-01T10:00', end: '2027-03-01T11:00' });
    const first = feeds.ics(ALL, 'sv', NOW);
    expect(rendered).toHaveBeenCalledTimes(2);
    const again = feeds.ics(ALL, 'sv', NOW + 60_000);
    expect(again).toBe(first);
    expect(again.body).toBe(first.body);
    expect(rendered).toHaveBeenCalledTimes(2);
    expect(feeds.ics(ALL, 'en', NOW)).not.toBe(first);
  });

  it('an unrelated change (a new draft) rebuilds from cached VEVENTs: same bytes, same hash and Last-Modified', () => {
    published({ title: 'A' });
    const first = feeds.ics(ALL, 'sv', NOW);
    rendered.mockClear();
    createEvent(db, orebro, input({ title: 'Utkast' }));
    const second = feeds.ics(ALL, 'sv', NOW);
    expect(second.version).toBeGreaterThan(first.version);
    expect(second).not.toBe(first);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.hash).toBe(first.hash);
    expect(second.lastModified).toEqual(first.lastModified);
    expect(rendered).not.toHaveBeenCalled();
    expect(second.body.toString()).not.toContain('Utkast');
  });

  it('after a restart (a new FeedService on the same file) the stored VEVENTs are reused: only a changed event is rendered', () => {
    const a = published({ title: 'A' });
    const b = published({ title: 'B', start: '2027-03-01T10:00', end: '2027-03-01T11:00' });
    const first = feeds.ics(ALL, 'sv', NOW);
    expect(rendered).toHaveBeenCalledTimes(2);
    rendered.mockClear();
    const restarted = new FeedService(db, 'https://samverka.test');
    const cold = restarted.ics(ALL, 'sv', NOW);
    expect(rendered).not.toHaveBeenCalled();
    expect(cold.body.equals(first.body)).toBe(true);
    updateEvent(db, orebro, b.id, { title: 'B ändrad' });
    const again = new FeedService(db, 'https://samverka.test').ics(ALL, 'sv', NOW + 1000);
    expect(rendered).toHaveBeenCalledTimes(1);
    expect(rendered.mock.calls[0]![0].id).toBe(b.id);
    const read = readBoth(again.body.toString());
    expect(read.events.find((e) => e.uid === b.uid)?.summary).toBe('B ändrad');
    expect(read.events.find((e) => e.uid === a.uid)?.summary).toBe('A');
    // DTSTAMP is the build time, not the time the stored text was rendered.
    expect(again.body.toString()).toContain('DTSTAMP:20270101T000001Z');
    // Another site address renders its own texts (the URLs in them differ).
    rendered.mockClear();
    new FeedService(db, 'https://other.test').ics(ALL, 'sv', NOW);
    expect(rendered).toHaveBeenCalledTimes(2);
  });

  it('a change to one event re-renders that VEVENT only; the others are the cached strings', () => {
    const a = published({ title: 'A' });
    const b = published({ title: 'B', start: '2027-03-01T10:00', end: '2027-03-01T11:00' });
    const c = published({ title: 'C', start: '2027-04-01T10:00', end: '2027-04-01T11:00' });
    const first = feeds.ics(ALL, 'sv', NOW);
    const rowsOf = () => db.select().from(events).all();
    const ctxA = rendered.mock.calls.find((call) => call[0].id === a.id)![1];
    const cachedA = feeds.vevent(rowsOf().find((r) => r.id === a.id)!, ctxA, 'sv');
    // The feed carries the cached text with DTSTAMP = the build time (RFC 5545 §3.8.7.2).
    expect(first.body.toString()).toContain(stampCalendar(cachedA, new Date(NOW)));
    rendered.mockClear();
    updateEvent(db, orebro, b.id, { start: '2027-03-01T11:00', end: '2027-03-01T12:00' });
    const second = feeds.ics(ALL, 'sv', NOW);
    expect(rendered).toHaveBeenCalledTimes(1);
    expect(rendered.mock.calls[0]![0].id).toBe(b.id);
    expect(rendered.mock.calls[0]![0].revision).toBe(2);
    // The unchanged events' text is the identical cached string.
    expect(feeds.vevent(rowsOf().find((r) => r.id === a.id)!, ctxA, 'sv')).toBe(cachedA);
    expect(second.body.toString()).toContain(stampCalendar(cachedA, new Date(NOW)));
    expect(rendered).toHaveBeenCalledTimes(1);
    expect(second.hash).not.toBe(first.hash);
    expect(second.lastModified.getTime()).toBeGreaterThan(first.lastModified.getTime());
    const read = readBoth(second.body.toString());
    expect(read.events.find((e) => e.uid === b.uid)).toMatchObject({ sequence: 2, start: '2027-03-01T10:00:00Z' });
    expect(read.events.find((e) => e.uid === c.uid)).toMatchObject({ sequence: 1 });
  });

  it('Last-Modified is in whole seconds, never later than now (RFC 9110 §8.8.2.1), and later for new content once time allows', () => {
    const e = published({ title: 'A' });
    let last = feeds.ics(ALL, 'sv', Date.now());
    // Several changes within about a second: the ETag moves each time, the date may not pass now.
    for (const title of ['A1', 'A2', 'A3', 'A4']) {
      updateEvent(db, orebro, e.id, { title });
      const now = Date.now();
      const next = feeds.ics(ALL, 'sv', now);
      expect(next.hash).not.toBe(last.hash);
      expect(next.lastModified.getTime() % 1000).toBe(0);
      expect(next.lastModified.getTime()).toBeLessThanOrEqual(now);
      expect(next.lastModified.getTime()).toBeGreaterThanOrEqual(last.lastModified.getTime());
      last = next;
    }
    updateEvent(db, orebro, e.id, { title: 'B' });
    const later = feeds.ics(ALL, 'sv', Date.now() + 5000);
    expect(later.lastModified.getTime()).toBeGreaterThan(last.lastModified.getTime());
  });

  it('a renamed theme and a renamed cluster reach the cached VEVENTs', () => {
    published({ title: 'A', contactEmail: 'kontakt@agro.se' });
    const before = feeds.ics(ALL, 'sv', NOW).body.toString();
    expect(before).toContain('CATEGORIES:Krisberedskap och självförsörjning');
    const orig = db.select().from(themes).where(eq(themes.slug, 'krisberedskap')).get()!;
    const origCluster = db.select().from(clusters).where(eq(clusters.slug, 'agro-orebro')).get()!;
    try {
      db.update(themes).set({ nameSv: 'Beredskap' }).where(eq(themes.id, orig.id)).run();
      db.update(clusters).set({ name: 'Agro Örebro län' }).where(eq(clusters.id, origCluster.id)).run();
      const after = readBoth(feeds.ics(ALL, 'sv', NOW).body.toString()).events[0]!;
      expect(after.categories).toEqual(['Beredskap']);
      expect(after.organizer).toEqual({ email: 'kontakt@agro.se', name: 'Agro Örebro län' });
    } finally {
      db.update(themes).set({ nameSv: orig.nameSv }).where(eq(themes.id, orig.id)).run();
      db.update(clusters).set({ name: origCluster.name }).where(eq(clusters.id, origCluster.id)).run();
    }
  });

  it('gzip and brotli bodies decode to the body, and are made once', () => {
    published({ title: 'Komprimerad åäö', description: 'text '.repeat(500) });
    const feed = feeds.ics(ALL, 'sv', NOW);
    const gz = feeds.encoded(feed, 'gzip');
    const br = feeds.encoded(feed, 'br');
    expect(gunzipSync(gz).equals(feed.body)).toBe(true);
    expect(brotliDecompressSync(br).equals(feed.body)).toBe(true);
    expect(gz.length).toBeLessThan(feed.body.length);
    expect(feeds.encoded(feed, 'gzip')).toBe(gz);
    expect(feeds.encoded(feed, 'br')).toBe(br);
  });
});

describe('what a feed holds over time', () => {
  it('a published event stays a year after its end; the cached feed drops it when that time passes, without any write', () => {
    const e = published({ start: '2027-02-10T09:00', end: '2027-02-10T12:00' });
    const end = Date.parse('2027-02-10T11:00:00Z');
    const early = feeds.ics(ALL, 'sv', end + PUBLISHED_KEEP_MS - 1000);
    expect(uids(early)).toEqual([e.uid]);
    expect(early.horizon).toBe(end + PUBLISHED_KEEP_MS);
    const late = feeds.ics(ALL, 'sv', end + PUBLISHED_KEEP_MS + 1000);
    expect(late).not.toBe(early);
    expect(uids(late)).toEqual([]);
    expect(late.hash).not.toBe(early.hash);
  });

  it('a cancelled event stays 30 days after its end with STATUS:CANCELLED and the prefix, then leaves', () => {
    const e = published({ title: 'Fältvandring', start: '2027-02-10T09:00', end: '2027-02-10T12:00' });
    cancelEvent(db, orebro, e.id, 'Sjukdom');
    const end = Date.parse('2027-02-10T11:00:00Z');
    const inside = readBoth(feeds.ics(ALL, 'sv', end + CANCELLED_KEEP_MS - 1000).body.toString()).events;
    expect(inside).toHaveLength(1);
    expect(inside[0]).toMatchObject({ uid: e.uid, status: 'CANCELLED', summary: 'INSTÄLLT: Fältvandring', sequence: 2 });
    expect(inside[0]!.description).toMatch(/^INSTÄLLT: Sjukdom\n\n/);
    expect(readBoth(feeds.ics(ALL, 'en', end + 1000).body.toString()).events[0]).toMatchObject({ summary: 'CANCELLED: Fältvandring' });
    expect(uids(feeds.ics(ALL, 'sv', end + CANCELLED_KEEP_MS + 1000))).toEqual([]);
  });

  it('drafts are never in any feed, nor in the single-event feed', () => {
    const { event } = createEvent(db, orebro, input({ title: 'Utkast' }));
    expect(uids(feeds.ics(ALL, 'sv', NOW))).toEqual([]);
    expect(uids(feeds.ics({ type: 'all', cluster: 'agro-orebro' }, 'sv', NOW))).toEqual([]);
    expect(caught(() => feeds.ics({ type: 'event', id: event.id }, 'sv', NOW)).kind).toBe('not_found');
    expect(feeds.atom(ALL, 'sv', NOW).body.toString()).not.toContain('Utkast');
  });

  it('a title of 200 emoji reaches the calendar and the Atom feed whole: no fold or cut splits one', () => {
    const title = '🌱'.repeat(LIMITS.title);
    const e = published({ title, description: `x${'🌱'.repeat(3000)}` });
    for (const body of [
      feeds.ics(ALL, 'sv', NOW).body,
      feeds.ics({ type: 'event', id: e.id }, 'en', NOW).body,
      feeds.atom(ALL, 'sv', NOW).body,
    ]) {
      const text = body.toString('utf8');
      expect(text).not.toMatch(LONE_SURROGATE);
      // A lone surrogate turned into bytes is U+FFFD.
      expect(text).not.toContain('\uFFFD');
    }
    const [read] = readBoth(feeds.ics({ type: 'event', id: e.id }, 'sv', NOW).body.toString('utf8')).events;
    expect(read!.summary).toBe(title);
  });

  it('the single-event feed: published and cancelled events; 404 once deleted', () => {
    const e = published({ title: 'Ensam' });
    const one = feeds.ics({ type: 'event', id: e.id }, 'sv', NOW);
    expect(uids(one)).toEqual([e.uid]);
    cancelEvent(db, orebro, e.id, 'Regn');
    expect(readBoth(feeds.ics({ type: 'event', id: e.id }, 'sv', NOW).body.toString()).events[0]!.status).toBe('CANCELLED');
    deleteEvent(db, admin, e.id);
    expect(caught(() => feeds.ics({ type: 'event', id: e.id }, 'sv', NOW)).kind).toBe('not_found');
  });

  it('unknown cluster, theme and county are not_found', () => {
    for (const scope of [{ cluster: 'nope' }, { theme: 'nope' }, { county: 'nope' }]) {
      expect(caught(() => feeds.ics({ type: 'all', ...scope }, 'sv', NOW)).kind).toBe('not_found');
    }
  });

  it('names filtered feeds after what they filter', () => {
    published();
    expect(
      readBoth(feeds.ics({ type: 'all', cluster: 'agro-orebro', theme: 'krisberedskap' }, 'sv', NOW).body.toString()).props['X-WR-CALNAME'],
    ).toBe('Samverka – Agro Örebro · Krisberedskap och självförsörjning');
    expect(readBoth(feeds.ics({ type: 'all', county: 'orebro-lan' }, 'en', NOW).body.toString()).props['X-WR-CALNAME']).toBe(
      'Samverka – Örebro län',
    );
    expect(readBoth(feeds.ics(ALL, 'en', NOW).body.toString()).props['X-WR-CALNAME']).toBe('Samverka – green cluster events');
  });
});

describe('personal feeds', () => {
  it('hold the events of the clusters the person coordinates, co-hosted ones once accepted', () => {
    const own = published({ title: 'Eget' });
    const other = published({ title: 'Annat', leadCluster: 'agro-sormland' }, sormland);
    const cohosted = published({ title: 'Samarrangerat', leadCluster: 'agro-sormland' }, sormland);
    inviteCohost(db, sormland, cohosted.id, 'agro-orebro');
    const { token } = personalFeed(db, orebro);
    const scope: FeedScope = { type: 'personal', token };
    expect(uids(feeds.ics(scope, 'sv', NOW))).toEqual([own.uid]);
    answerCohostInvitation(db, orebro, cohosted.id, 'agro-orebro', true);
    expect(uids(feeds.ics(scope, 'sv', NOW)).sort()).toEqual([own.uid, cohosted.uid].sort());
    expect(uids(feeds.ics(scope, 'sv', NOW))).not.toContain(other.uid);
    expect(readBoth(feeds.ics(scope, 'sv', NOW).body.toString()).props['X-WR-CALNAME']).toBe('Samverka – min kalender');
  });

  it('a person without clusters gets an empty calendar', () => {
    published();
    const participant = actor(insertUser(db));
    expect(uids(feeds.ics({ type: 'personal', token: personalFeed(db, participant).token }, 'sv', NOW))).toEqual([]);
  });

  it('a replaced or revoked token stops at once, even with the feed cached', () => {
    published();
    const first = personalFeed(db, orebro).token;
    expect(personalFeed(db, orebro).token).toBe(first);
    const cached = feeds.ics({ type: 'personal', token: first }, 'sv', NOW);
    expect(feeds.ics({ type: 'personal', token: first }, 'sv', NOW)).toBe(cached);
    const second = regeneratePersonalFeed(db, orebro).token;
    expect(second).not.toBe(first);
    // Issue 15: a token that was replaced or revoked is gone (410), not unknown (404).
    expect(caught(() => feeds.ics({ type: 'personal', token: first }, 'sv', NOW)).kind).toBe('gone');
    expect(uids(feeds.ics({ type: 'personal', token: second }, 'sv', NOW))).toHaveLength(1);
    revokePersonalFeed(db, orebro);
    expect(caught(() => feeds.ics({ type: 'personal', token: second }, 'sv', NOW)).kind).toBe('gone');
    expect(caught(() => feeds.atom({ type: 'personal', token: second }, 'sv', NOW)).kind).toBe('gone');
    expect(caught(() => feeds.ics({ type: 'personal', token: 'n'.repeat(43) }, 'sv', NOW)).kind).toBe('not_found');
  });
});

describe('Atom', () => {
  const parse = (xml: Buffer) =>
    JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `import sys, json, xml.etree.ElementTree as E
A = '{http://www.w3.org/2005/Atom}'
root = E.parse(sys.stdin).getroot()
print(json.dumps({'title': root.find(A + 'title').text, 'entries': [{'id': e.find(A + 'id').text, 'title': e.find(A + 'title').text, 'summary': e.find(A + 'summary').text, 'categories': [c.get('term') for c in e.findall(A + 'category')]} for e in root.findall(A + 'entry')]}))`,
        ],
        { input: xml },
      ).toString(),
    ) as { title: string; entries: { id: string; title: string; summary: string; categories: string[] }[] };

  it('lists upcoming published events, in order, with escaped text; not past, cancelled or draft ones', () => {
    const title = `Möte <b>&amp;</b> "citat" 'apostrof' & 🌱`;
    const later = published({ title: 'Senare', start: '2027-05-01T10:00', end: '2027-05-01T11:00' });
    const soon = published({ title, start: '2027-02-01T10:00', end: '2027-02-01T11:00', county: 'orebro-lan' });
    published({ title: 'Förbi', start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    const cancelled = published({ title: 'Inställd', start: '2027-03-01T10:00', end: '2027-03-01T11:00' });
    cancelEvent(db, orebro, cancelled.id, 'Nej');
    createEvent(db, orebro, input({ title: 'Utkast' }));
    const feed = feeds.atom(ALL, 'sv', NOW);
    expect(feed.contentType).toBe('application/atom+xml; charset=utf-8');
    const doc = parse(feed.body);
    expect(doc.title).toBe('Samverka – gröna klustrens evenemang');
    expect(doc.entries.map((e) => e.title)).toEqual([title, 'Senare']);
    expect(doc.entries[0]).toMatchObject({
      id: `https://samverka.test/evenemang/${soon.id}`,
      categories: ['Krisberedskap och självförsörjning'],
    });
    expect(doc.entries[0]!.summary).toContain('Ladan, Örebro län');
    expect(doc.entries[1]!.id).toBe(`https://samverka.test/evenemang/${later.id}`);
    // An event leaves when it starts: the cached feed is rebuilt at that instant without any write.
    expect(feed.horizon).toBe(Date.parse('2027-02-01T09:00:00Z'));
    expect(parse(feeds.atom(ALL, 'sv', Date.parse('2027-02-01T09:00:01Z')).body).entries.map((e) => e.title)).toEqual(['Senare']);
  });

  it('stays well-formed XML whatever characters a title holds', () => {
    published({ title: 'Konstiga tecken \uFFFE\uFFFF \u{1F331} ]]> <![CDATA[ x' });
    const doc = parse(feeds.atom(ALL, 'en', NOW).body);
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]!.title).toContain(']]> <![CDATA[ x');
  });
});
