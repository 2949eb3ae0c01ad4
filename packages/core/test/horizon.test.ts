import { horizonComments, horizonItems, horizonItemThemes, horizonRelevance, type Db } from '@samverka/db';
import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readWithIcalJs } from '../../../tests/support/ics-readers.ts';
import { loadActor, type Actor } from '../src/access.ts';
import { FeedService } from '../src/feeds/feed-service.ts';
import {
  commentOnHorizonItem,
  createHorizonItem,
  deadlineItems,
  deleteHorizonItem,
  getHorizonItem,
  listHorizonItems,
  markHorizonRelevant,
  updateHorizonItem,
  type HorizonInput,
} from '../src/horizon/horizon-service.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome, recordEvents } from './helpers.ts';

function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(horizonItems).orderBy(asc(horizonItems.id)).all(),
    db.select().from(horizonItemThemes).all(),
    db.select().from(horizonComments).all(),
    db.select().from(horizonRelevance).all(),
  ]);
}

const OWN = 'agro-orebro';
const OTHER = 'gront-center';
const NOW = new Date('2030-01-10T10:00:00Z');
const TODAY = '2030-01-10';

let t: TestDb;
let admin: Actor;
let own: Actor;
let ownColleague: Actor;
let other: Actor;
let participant: Actor;

beforeEach(() => {
  t = freshDb();
  const load = (o: Parameters<typeof insertUser>[1]) => loadActor(t.db, insertUser(t.db, o))!;
  admin = load({ isAdmin: true, name: 'Ada Admin' });
  own = load({ coordinatorOf: [OWN], name: 'Olga Own' });
  ownColleague = load({ coordinatorOf: [OWN], name: 'Otto Own' });
  other = load({ coordinatorOf: [OTHER], name: 'Urban Other' });
  participant = load({ name: 'Per Participant' });
});
afterEach(() => t.dispose());

const item = (over: Partial<HorizonInput> = {}): HorizonInput => ({
  title: 'Utlysning: innovationsstöd för beredskap',
  url: 'https://jordbruksverket.se/utlysning?id=1',
  summary: 'Stöd till projekt som stärker livsmedelsberedskapen.',
  source: 'Jordbruksverket',
  themes: ['krisberedskap', 'kapitalforsorjning'],
  deadline: '2030-03-01',
  cluster: OWN,
  ...over,
});

describe('posting items', () => {
  it('a coordinator posts for their cluster: title, url, summary, source, themes and deadline are kept', () => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    expect(v).toMatchObject({
      title: 'Utlysning: innovationsstöd för beredskap',
      url: 'https://jordbruksverket.se/utlysning?id=1',
      summary: 'Stöd till projekt som stärker livsmedelsberedskapen.',
      source: 'Jordbruksverket',
      deadline: '2030-03-01',
      cluster: { slug: OWN, name: 'Agro Örebro' },
      relevantFor: [],
      comments: [],
      canEdit: true,
      createdAt: NOW.toISOString(),
    });
    expect([...v.themes].sort()).toEqual(['kapitalforsorjning', 'krisberedskap']);
    expect(v.uid).toMatch(/^deadline-[0-9a-f-]{36}@samverka$/);
  });

  it('an admin posts for the secretariat (no cluster); a plain http link and no deadline are fine', () => {
    const v = createHorizonItem(t.db, admin, item({ cluster: undefined, url: 'http://example.se/rapport', deadline: null }), NOW);
    expect(v.cluster).toBeNull();
    expect(v.url).toBe('http://example.se/rapport');
    expect(v.deadline).toBeNull();
  });

  it.each([
    ['admin', 'allowed', () => admin, OWN],
    ['coordinator for their cluster', 'allowed', () => own, OWN],
    ['coordinator for another cluster', 'forbidden', () => other, OWN],
    ['coordinator without a cluster', 'invalid', () => own, null],
    ['participant', 'forbidden', () => participant, OWN],
    ['anonymous', 'unauthenticated', () => null, OWN],
  ])('posting: %s → %s', (_who, expected, actor, cluster) => {
    const before = snapshot(t.db);
    expect(outcome(() => createHorizonItem(t.db, actor(), item({ cluster }), NOW))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
  });

  it.each<[string, Partial<HorizonInput>, string]>([
    ['an empty title', { title: ' ' }, 'title'],
    ['an empty summary', { summary: '\n' }, 'summary'],
    ['a summary over 2000 characters', { summary: 'x'.repeat(2001) }, 'summary'],
    ['an empty source', { source: '' }, 'source'],
    ['a javascript: link', { url: 'javascript:alert(document.cookie)' }, 'url'],
    ['a data: link', { url: 'data:text/html,<script>alert(1)</script>' }, 'url'],
    ['an ftp link', { url: 'ftp://example.se/file' }, 'url'],
    ['a link that is not a URL', { url: 'jordbruksverket.se' }, 'url'],
    ['a deadline that is not a date', { deadline: '1 mars 2030' }, 'deadline'],
    ['a deadline on 30 February', { deadline: '2030-02-30' }, 'deadline'],
    ['no themes', { themes: [] }, 'themes'],
    ['an unknown theme', { themes: ['krisberedskap', 'no-such-theme'] }, 'themes'],
    ['an unknown cluster', { cluster: 'no-such-cluster' }, 'cluster'],
  ])('refuses %s (400 naming the field) on create and update, storing nothing', (_what, over, field) => {
    const existing = createHorizonItem(t.db, own, item(), NOW);
    const before = snapshot(t.db);
    for (const attempt of [
      () => createHorizonItem(t.db, admin, item(over), NOW),
      () => updateHorizonItem(t.db, own, existing.id, item(over), NOW),
    ]) {
      const err = caught(attempt);
      expect(err.kind).toBe('invalid');
      expect(err.details.map((d) => d.field)).toContain(field);
    }
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('changing and deleting items', () => {
  it.each([
    ['admin', 'allowed', () => admin],
    ['the poster', 'allowed', () => own],
    ['another coordinator of the posting cluster', 'allowed', () => ownColleague],
    ['a coordinator of another cluster', 'forbidden', () => other],
    ['participant', 'forbidden', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('updating: %s → %s', (_who, expected, actor) => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    const before = snapshot(t.db);
    const later = new Date(NOW.getTime() + 60_000);
    expect(
      outcome(() =>
        updateHorizonItem(t.db, actor(), v.id, item({ title: 'Ny titel', deadline: '2030-04-01', themes: ['omvarldsbevakning'] }), later),
      ),
    ).toBe(expected);
    if (expected === 'allowed') {
      const after = getHorizonItem(t.db, null, v.id);
      expect([after.title, after.deadline, after.themes, after.updatedAt]).toEqual([
        'Ny titel',
        '2030-04-01',
        ['omvarldsbevakning'],
        later.toISOString(),
      ]);
      expect(t.db.select().from(horizonItems).get()!.revision).toBe(1);
      // The posting cluster stays.
      expect(after.cluster?.slug).toBe(OWN);
    } else {
      expect(snapshot(t.db)).toBe(before);
    }
  });

  it.each([
    ['admin', 'allowed', () => admin],
    ['the poster', 'allowed', () => own],
    ['another coordinator of the posting cluster', 'allowed', () => ownColleague],
    ['a coordinator of another cluster', 'forbidden', () => other],
    ['participant', 'forbidden', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('deleting: %s → %s', (_who, expected, actor) => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    commentOnHorizonItem(t.db, other, v.id, 'Intressant!', NOW);
    markHorizonRelevant(t.db, other, v.id, OTHER, true, NOW);
    const before = snapshot(t.db);
    expect(outcome(() => deleteHorizonItem(t.db, actor(), v.id))).toBe(expected);
    if (expected === 'allowed') {
      expect(caught(() => getHorizonItem(t.db, null, v.id)).code).toBe('unknown_item');
      expect(t.db.select().from(horizonComments).all()).toEqual([]);
      expect(t.db.select().from(horizonRelevance).all()).toEqual([]);
    } else {
      expect(snapshot(t.db)).toBe(before);
    }
  });

  it('an item of the secretariat is changed only by admins (and the admin who posted it)', () => {
    const v = createHorizonItem(t.db, admin, item({ cluster: null }), NOW);
    expect(outcome(() => updateHorizonItem(t.db, own, v.id, item({ cluster: undefined }), NOW))).toBe('forbidden');
    expect(outcome(() => deleteHorizonItem(t.db, own, v.id))).toBe('forbidden');
    expect(getHorizonItem(t.db, own, v.id).canEdit).toBe(false);
    expect(getHorizonItem(t.db, admin, v.id).canEdit).toBe(true);
  });

  it('unknown items are 404', () => {
    expect(caught(() => getHorizonItem(t.db, null, 42)).kind).toBe('not_found');
    expect(caught(() => updateHorizonItem(t.db, admin, 42, item(), NOW)).kind).toBe('not_found');
    expect(caught(() => deleteHorizonItem(t.db, admin, 42)).kind).toBe('not_found');
    expect(caught(() => commentOnHorizonItem(t.db, admin, 42, 'x', NOW)).kind).toBe('not_found');
    expect(caught(() => markHorizonRelevant(t.db, admin, 42, OWN, true, NOW)).kind).toBe('not_found');
  });
});

describe('comments and "relevant for us"', () => {
  it.each([
    ['admin', 'allowed', () => admin],
    ['coordinator of the posting cluster', 'allowed', () => own],
    ['coordinator of another cluster', 'allowed', () => other],
    ['participant', 'forbidden', () => participant],
    ['anonymous', 'unauthenticated', () => null],
  ])('commenting: %s → %s', (_who, expected, actor) => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    const before = snapshot(t.db);
    expect(outcome(() => commentOnHorizonItem(t.db, actor(), v.id, 'Vi söker!', NOW))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
  });

  it('comments show their author and cluster, oldest first, trimmed; empty or over-long ones are 400', () => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    commentOnHorizonItem(t.db, other, v.id, '  Vi är intresserade.  ', NOW);
    const after = commentOnHorizonItem(t.db, admin, v.id, 'Sekretariatet hjälper till.', new Date(NOW.getTime() + 1000));
    expect(after.comments.map((c) => [c.author, c.cluster, c.body])).toEqual([
      ['Urban Other', 'Grönt Center', 'Vi är intresserade.'],
      ['Ada Admin', null, 'Sekretariatet hjälper till.'],
    ]);
    const before = snapshot(t.db);
    expect(caught(() => commentOnHorizonItem(t.db, other, v.id, '   ', NOW)).kind).toBe('invalid');
    expect(caught(() => commentOnHorizonItem(t.db, other, v.id, 'x'.repeat(5001), NOW)).kind).toBe('invalid');
    expect(snapshot(t.db)).toBe(before);
    // The board shows no comments; the item does.
    expect(listHorizonItems(t.db, null, { today: TODAY })[0]!.comments).toEqual([]);
  });

  it('a coordinator marks the item relevant for their cluster once, and can take it back', () => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    markHorizonRelevant(t.db, other, v.id, OTHER, true, NOW);
    markHorizonRelevant(t.db, other, v.id, OTHER, true, NOW);
    const marked = markHorizonRelevant(t.db, own, v.id, OWN, true, NOW);
    expect(marked.relevantFor.map((c) => c.slug).sort()).toEqual([OTHER, OWN].sort());
    expect(t.db.select().from(horizonRelevance).all()).toHaveLength(2);
    expect(listHorizonItems(t.db, null, { today: TODAY })[0]!.relevantFor).toHaveLength(2);
    const unmarked = markHorizonRelevant(t.db, other, v.id, OTHER, false, NOW);
    expect(unmarked.relevantFor.map((c) => c.slug)).toEqual([OWN]);
  });

  it.each([
    ['admin for any cluster', 'allowed', () => admin, OTHER],
    ['coordinator for their cluster', 'allowed', () => other, OTHER],
    ['coordinator for another cluster', 'forbidden', () => other, OWN],
    ['coordinator for an unknown cluster', 'invalid', () => other, 'no-such-cluster'],
    ['participant', 'forbidden', () => participant, OWN],
    ['anonymous', 'unauthenticated', () => null, OWN],
  ])('marking relevant: %s → %s', (_who, expected, actor, cluster) => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    const before = snapshot(t.db);
    expect(outcome(() => markHorizonRelevant(t.db, actor(), v.id, cluster, true, NOW))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot(t.db)).toBe(before);
    else expect(t.db.select().from(horizonRelevance).get()!.clusterId).toBe(clusterId(t.db, cluster));
  });
});

describe('the board', () => {
  function board() {
    const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
    const ids = {
      noDeadlineOld: createHorizonItem(
        t.db,
        own,
        item({ title: 'Rapport utan datum (äldre)', deadline: null, themes: ['omvarldsbevakning'] }),
        at(1),
      ).id,
      late: createHorizonItem(t.db, own, item({ title: 'Sent', deadline: '2030-06-01', themes: ['kapitalforsorjning'] }), at(2)).id,
      today: createHorizonItem(t.db, own, item({ title: 'Idag', deadline: TODAY, themes: ['krisberedskap'] }), at(3)).id,
      // Posted while its deadline was still ahead: a deadline in the past is refused.
      past: createHorizonItem(
        t.db,
        own,
        item({ title: 'Passerad', deadline: '2030-01-09', themes: ['krisberedskap'] }),
        new Date('2030-01-02T10:00:00Z'),
      ).id,
      soon: createHorizonItem(
        t.db,
        other,
        item({ title: 'Snart', deadline: '2030-01-20', themes: ['krisberedskap', 'kapitalforsorjning'], cluster: OTHER }),
        at(5),
      ).id,
      noDeadlineNew: createHorizonItem(
        t.db,
        admin,
        item({ title: 'Rapport utan datum (nyare)', deadline: null, themes: ['krisberedskap'], cluster: null }),
        at(6),
      ).id,
    };
    return ids;
  }

  it('is public and lists upcoming deadlines first, soonest first, then the rest, newest undated first', () => {
    const ids = board();
    const list = listHorizonItems(t.db, null, { today: TODAY });
    expect(list.map((i) => i.id).slice(0, 3)).toEqual([ids.today, ids.soon, ids.late]);
    const rest = list.map((i) => i.id).slice(3);
    expect(rest).toHaveLength(3);
    expect(rest.indexOf(ids.noDeadlineNew)).toBeLessThan(rest.indexOf(ids.noDeadlineOld));
    expect(rest).toContain(ids.past);
    expect(list.every((i) => i.canEdit === false)).toBe(true);
    expect(listHorizonItems(t.db, own, { today: TODAY }).find((i) => i.id === ids.late)!.canEdit).toBe(true);
  });

  it('filters by theme, and by deadline from today within N days (none-dated and passed ones left out)', () => {
    const ids = board();
    expect(listHorizonItems(t.db, null, { today: TODAY, theme: 'kapitalforsorjning' }).map((i) => i.id)).toEqual([ids.soon, ids.late]);
    expect(listHorizonItems(t.db, null, { today: TODAY, closingWithinDays: 10 }).map((i) => i.id)).toEqual([ids.today, ids.soon]);
    expect(listHorizonItems(t.db, null, { today: TODAY, closingWithinDays: 9 }).map((i) => i.id)).toEqual([ids.today]);
    expect(listHorizonItems(t.db, null, { today: TODAY, closingWithinDays: 0 }).map((i) => i.id)).toEqual([ids.today]);
    expect(listHorizonItems(t.db, null, { today: TODAY, closingWithinDays: 365 }).map((i) => i.id)).toEqual([
      ids.today,
      ids.soon,
      ids.late,
    ]);
    expect(listHorizonItems(t.db, null, { today: TODAY, theme: 'krisberedskap', closingWithinDays: 30 }).map((i) => i.id)).toEqual([
      ids.today,
      ids.soon,
    ]);
    expect(caught(() => listHorizonItems(t.db, null, { theme: 'no-such-theme' })).kind).toBe('not_found');
  });

  it('deadlineItems gives the dated items from a day on, by theme and by posting cluster, with theme names', () => {
    const ids = board();
    expect(deadlineItems(t.db, { fromDate: TODAY }).map((d) => d.id)).toEqual([ids.today, ids.soon, ids.late]);
    const themeId = t.db
      .select()
      .from(horizonItemThemes)
      .all()
      .find((r) => r.itemId === ids.late)!.themeId;
    expect(deadlineItems(t.db, { fromDate: TODAY, themeId }).map((d) => d.id)).toEqual([ids.soon, ids.late]);
    expect(deadlineItems(t.db, { fromDate: TODAY, clusterId: clusterId(t.db, OTHER) }).map((d) => d.id)).toEqual([ids.soon]);
    expect(
      deadlineItems(t.db, { fromDate: TODAY })
        .find((d) => d.id === ids.soon)!
        .themeNames.map((n) => n.sv)
        .sort(),
    ).toEqual(['Kapitalförsörjning', 'Krisberedskap och självförsörjning']);
  });
});

describe('deadlines in the calendar feeds', () => {
  it('a dated item is an all-day VEVENT (DATE values) marked "Sista dag:" / "Deadline:", in the network, theme and cluster feeds', () => {
    const v = createHorizonItem(t.db, own, item({ deadline: '2030-03-01', themes: ['krisberedskap'] }), NOW);
    createHorizonItem(t.db, own, item({ title: 'Utan datum', deadline: null }), NOW);
    const feeds = new FeedService(t.db, 'https://samverka.example');
    const now = NOW.getTime();
    const all = readWithIcalJs(feeds.ics({ type: 'all' }, 'sv', now).body.toString('utf8'));
    const entries = all.events.filter((e) => e.uid === v.uid);
    expect(entries).toHaveLength(1);
    expect(all.events.filter((e) => e.summary.includes('Utan datum'))).toEqual([]);
    const e = entries[0]!;
    expect(e.allDay).toBe(true);
    expect(e.start).toBe('2030-03-01');
    expect(e.end).toBe('2030-03-02');
    expect(e.summary).toBe(`Sista dag: ${v.title}`);
    expect(e.url).toBe(v.url);
    expect(e.categories).toEqual(['Krisberedskap och självförsörjning']);
    const en = readWithIcalJs(feeds.ics({ type: 'all' }, 'en', now).body.toString('utf8')).events.find((x) => x.uid === v.uid)!;
    expect(en.summary).toBe(`Deadline: ${v.title}`);
    expect(en.categories).toEqual(['Crisis preparedness and self-sufficiency']);

    const uids = (scope: Parameters<FeedService['ics']>[0]) =>
      readWithIcalJs(feeds.ics(scope, 'sv', now).body.toString('utf8')).events.map((x) => x.uid);
    expect(uids({ type: 'all', theme: 'krisberedskap' })).toContain(v.uid);
    expect(uids({ type: 'all', theme: 'kapitalforsorjning' })).not.toContain(v.uid);
    expect(uids({ type: 'all', cluster: OWN })).toContain(v.uid);
    expect(uids({ type: 'all', cluster: OTHER })).not.toContain(v.uid);
    // Filters the deadlines have nothing to do with leave them out.
    expect(uids({ type: 'all', kind: 'workshop' })).not.toContain(v.uid);

    const atom = feeds.atom({ type: 'all' }, 'sv', now).body.toString('utf8');
    expect(atom).toContain(`<title>Sista dag 2030-03-01: ${v.title}</title>`);
    expect(atom).toContain(`<link rel="alternate" type="text/html" href="${v.url!.replace(/&/g, '&amp;')}"/>`);
  });

  it('a passed deadline stays 30 days in the ICS feed and then leaves it; the Atom feed shows only open ones', () => {
    // Posted while the deadline was still ahead (a deadline in the past is refused).
    const v = createHorizonItem(t.db, own, item({ deadline: '2030-01-05' }), new Date('2030-01-02T10:00:00Z'));
    const feeds = new FeedService(t.db, 'https://samverka.example');
    const uidsAt = (iso: string) =>
      readWithIcalJs(feeds.ics({ type: 'all' }, 'sv', Date.parse(iso)).body.toString('utf8')).events.map((x) => x.uid);
    expect(uidsAt('2030-01-10T10:00:00Z')).toContain(v.uid);
    expect(uidsAt('2030-02-20T10:00:00Z')).not.toContain(v.uid);
    expect(feeds.atom({ type: 'all' }, 'sv', NOW.getTime()).body.toString('utf8')).not.toContain('Sista dag 2030-01-05');
  });
});

// ---- Domain events raised by horizon scanning ----

describe('domain events of horizon scanning', () => {
  const cid = (slug: string) => clusterId(t.db, slug);

  it('horizon.itemCreated: the posting cluster (none for the secretariat) and the deadline; not when refused', () => {
    const log = recordEvents('horizon.itemCreated');
    expect(outcome(() => createHorizonItem(t.db, participant, item(), NOW))).toBe('forbidden');
    expect(outcome(() => createHorizonItem(t.db, other, item(), NOW))).toBe('forbidden');
    expect(outcome(() => createHorizonItem(t.db, own, item({ summary: ' ' }), NOW))).toBe('invalid');
    expect(log).toEqual([]);
    const mine = createHorizonItem(t.db, own, item(), NOW);
    const secretariat = createHorizonItem(t.db, admin, item({ cluster: null, deadline: null }), NOW);
    expect(log).toEqual([
      {
        name: 'horizon.itemCreated',
        payload: { actorId: own.userId, clusterIds: [cid(OWN)], now: NOW, itemId: mine.id, clusterId: cid(OWN), deadline: '2030-03-01' },
      },
      {
        name: 'horizon.itemCreated',
        payload: { actorId: admin.userId, clusterIds: [], now: NOW, itemId: secretariat.id, clusterId: null, deadline: null },
      },
    ]);
  });

  it('horizon.markedRelevant: when a mark changes, also taken back, with who posted the item; not repeated or refused', () => {
    const v = createHorizonItem(t.db, own, item(), NOW);
    const log = recordEvents('horizon.markedRelevant');
    expect(outcome(() => markHorizonRelevant(t.db, other, v.id, OWN, true, NOW))).toBe('forbidden');
    expect(outcome(() => markHorizonRelevant(t.db, other, v.id, 'no-such-cluster', true, NOW))).toBe('invalid');
    expect(outcome(() => markHorizonRelevant(t.db, participant, v.id, OTHER, true, NOW))).toBe('forbidden');
    markHorizonRelevant(t.db, other, v.id, OTHER, false, NOW);
    expect(log).toEqual([]);
    markHorizonRelevant(t.db, other, v.id, OTHER, true, NOW);
    markHorizonRelevant(t.db, other, v.id, OTHER, true, NOW);
    markHorizonRelevant(t.db, other, v.id, OTHER, false, NOW);
    const mark = (on: boolean) => ({
      name: 'horizon.markedRelevant',
      payload: {
        actorId: other.userId,
        clusterIds: [cid(OTHER), cid(OWN)],
        now: NOW,
        itemId: v.id,
        clusterId: cid(OTHER),
        on,
        postingClusterId: cid(OWN),
        postedBy: own.userId,
      },
    });
    expect(log).toEqual([mark(true), mark(false)]);
  });
});
