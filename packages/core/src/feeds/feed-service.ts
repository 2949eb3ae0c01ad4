import { and, asc, eq, gt, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import {
  clusters,
  counties,
  coordinators,
  events,
  eventVevents,
  feedState,
  feedTokens,
  insertPlaceholders,
  keptSql,
  keptStatement,
  registrations,
  revokedFeedTokens,
  rowReader,
  themes,
  users,
  type Db,
  type RowReader,
  type Event,
  type EventKind,
} from '@samverka/db';
import { BoundedCache } from '../bounded-cache.ts';
import { DomainError } from '../errors.ts';
import { escapeHtml } from '../escape.ts';
import { hashToken } from '../tokens.ts';
import { filterConditions, filterIds } from '../events/event-service.ts';
import {
  assembleCalendar,
  buildDeadlineVevent,
  buildVevent,
  calendarHeader,
  itipCalendar,
  type FeedLang,
  type IcsEventContext,
  type ItipParts,
} from './ics.ts';
import { DEFAULT_ZONE } from '../time.ts';
import { platformSender } from '../platform-sender.ts';
import { seesInternalEvents } from '../events/event-access.ts';
import { deadlineItems } from '../horizon/horizon-service.ts';
import { textsFor } from '../texts/index.ts';

export type FeedScope =
  | { type: 'all'; cluster?: string; theme?: string; county?: string; kind?: EventKind }
  | { type: 'personal'; token: string }
  | { type: 'event'; id: number };

export interface BuiltFeed {
  body: Buffer;
  contentType: string;
  hash: string;
  lastModified: Date;
  /** lastModified as an HTTP date, made once. */
  lastModifiedHttp: string;
  /** feed_state.version the feed was built at. */
  version: number;
  /** The instant at which the feed changes by the passing of time alone (an event drops out). */
  horizon: number;
  gzip?: Buffer;
  brotli?: Buffer;
}

/** How long ended events stay in calendar feeds: published a year, cancelled 30 days (so subscribers see the cancellation). */
export const PUBLISHED_KEEP_MS = 365 * 86_400_000;
export const CANCELLED_KEEP_MS = 30 * 86_400_000;
const FEED_CACHE_SIZE = 300;
/**
 * Bytes of built feeds kept (bodies and their compressed copies): the whole-network feed of a
 * year's events is about 1 MB, so this keeps dozens of feeds while bounding the process's memory.
 */
const FEED_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * Part of every stored VEVENT's key (event_vevents): raise it when ics.ts changes what a VEVENT
 * holds, so texts stored by an older build are rendered again.
 */
const VEVENT_FORMAT = 2;
/** Code points XML 1.0 does not allow in a document (§2.2 Char), escaped or not: U+FFFE, U+FFFF, lone surrogates. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * What a feed reads of every event it covers: its VEVENT's cache key, its timing, and what
 * icsContexts needs. Descriptions and the rest are read only for events rendered again.
 */
const feedRows = rowReader(events, [
  'id',
  'leadClusterId',
  'status',
  'allDay',
  'endsAt',
  'timeZone',
  'onlineUrl',
  'onlineUrlPublic',
  'contactEmail',
  'countyId',
  'revision',
  'updatedAt',
]);
type FeedRow = ReturnType<typeof feedRows.read>;
const wholeRows = rowReader(events);
type VeventContext = Parameters<typeof buildVevent>[1];
/** What icsContexts reads of an event. */
type ContextRow = Pick<Event, 'id' | 'leadClusterId' | 'contactEmail' | 'countyId'>;

interface ScopeQuery {
  /** The scope's filters and who may find its events (see scopeVisibility). */
  where: SQL[];
  /** Events whose meeting link this feed's reader may have: a personal feed's owner's. */
  linkFor: Set<number>;
  name: string;
  /** Which horizon-scanning deadlines the feed shows; null: none (personal, single event, county or kind filters). */
  deadlines: { themeId?: number; clusterId?: number } | null;
}

/**
 * Builds calendar (ICS) and Atom feeds, and keeps them: a feed is rebuilt only when
 * feed_state.version has moved (any change to what feeds show) or time has moved an event out of
 * it. A rebuild reuses the VEVENT text of every event whose revision did not change, so one edited
 * event costs one ical-generator run, not a thousand.
 */
export class FeedService {
  private readonly vevents = new Map<string, { key: string; text: string }>();
  /** Languages whose stored VEVENT texts were read into `vevents`. */
  private readonly storedLoaded = new Set<FeedLang>();
  /** VEVENT texts rendered and not yet written to event_vevents. */
  private unstored: { eventId: number; lang: FeedLang; key: string; text: string }[] = [];
  private readonly feeds = new BoundedCache<BuiltFeed>(FEED_CACHE_SIZE, FEED_CACHE_BYTES);
  /** The cache key of each kept feed, so that a compressed copy made later is counted against it. */
  private readonly feedKeys = new WeakMap<BuiltFeed, string>();
  private readonly versionStmt: { get(): [number, number] | undefined };

  constructor(
    private readonly db: Db,
    private readonly publicUrl: string,
  ) {
    // Read on every feed request and every visitor's list request: a plain better-sqlite3
    // statement returning an array costs a microsecond; drizzle's mapping costs several.
    this.versionStmt = keptSql<[number, number]>(db, 'select version, changed_at from feed_state where id = 1', true);
  }

  currentVersion(): { version: number; changedAt: Date } {
    const row = this.versionStmt.get();
    return row ? { version: row[0], changedAt: new Date(row[1]) } : { version: 0, changedAt: new Date(0) };
  }

  /** Only the version number (the hot path of cached answers). */
  version(): number {
    const row = this.versionStmt.get();
    return row ? row[0] : 0;
  }

  eventUrl(id: number): string {
    return `${this.publicUrl}/evenemang/${id}`;
  }

  ics(scope: FeedScope, lang: FeedLang, now = Date.now()): BuiltFeed {
    const userId = this.assertLiveToken(scope);
    const key = `ics:${lang}:${scopeKey(scope)}${userId !== null ? `:${this.registrationFingerprint(userId)}` : ''}`;
    return this.cached(key, now, () => this.buildIcs(scope, lang, now));
  }

  /**
   * Registrations change a personal feed without touching feed_state (bumping it would throw away
   * every feed on each registration), so a personal feed's cache key carries this instead.
   */
  private registrationFingerprint(userId: number): string {
    const row = this.db
      .select({ n: sql<number>`count(*)`, last: sql<number>`coalesce(max(${registrations.updatedAt}), 0)` })
      .from(registrations)
      .innerJoin(users, eq(users.email, registrations.email))
      .where(eq(users.id, userId))
      .get();
    return `${row?.n ?? 0}-${row?.last ?? 0}`;
  }

  atom(scope: FeedScope, lang: FeedLang, now = Date.now()): BuiltFeed {
    this.assertLiveToken(scope);
    return this.cached(`atom:${lang}:${scopeKey(scope)}`, now, () => this.buildAtom(scope, lang, now));
  }

  /** Checked on every request, before any cached copy is used: a revoked link stops at once. */
  private assertLiveToken(scope: FeedScope): number | null {
    if (scope.type !== 'personal') return null;
    return this.personalFeedUser(scope.token);
  }

  /**
   * The user of a live personal feed token. A token that was replaced or revoked is `gone`
   * (410: a calendar app may stop polling it for good); one never issued is `not_found` (404).
   */
  private personalFeedUser(token: string): number {
    const row = this.db.select({ userId: feedTokens.userId }).from(feedTokens).where(eq(feedTokens.token, token)).get();
    if (row) return row.userId;
    const revoked = this.db
      .select({ at: revokedFeedTokens.revokedAt })
      .from(revokedFeedTokens)
      .where(eq(revokedFeedTokens.tokenHash, hashToken(token)))
      .get();
    if (revoked)
      throw new DomainError(
        'gone',
        'revoked_feed',
        'This personal feed address has been revoked. Get the new address on your account page.',
      );
    throw new DomainError('not_found', 'unknown_feed', 'There is no such personal feed');
  }

  /** Compressed bodies are made on first request for them and kept with the feed. */
  encoded(feed: BuiltFeed, encoding: 'gzip' | 'br'): Buffer {
    if (encoding === 'gzip') {
      if (!feed.gzip) {
        feed.gzip = gzipSync(feed.body, { level: 6 });
        this.chargeFeed(feed, feed.gzip.length);
      }
      return feed.gzip;
    }
    if (!feed.brotli) {
      feed.brotli = brotliCompressSync(feed.body, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: feed.body.length,
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        },
      });
      this.chargeFeed(feed, feed.brotli.length);
    }
    return feed.brotli;
  }

  private chargeFeed(feed: BuiltFeed, bytes: number): void {
    const key = this.feedKeys.get(feed);
    if (key !== undefined) this.feeds.charge(key, feed, bytes);
  }

  /**
   * A built feed is kept until feed_state moves or its horizon passes. `stamp` (ICS) puts the
   * build time into the body; the hash (ETag) is taken before that, so a rebuild that shows the
   * same events keeps the body it had, with its DTSTAMPs, its ETag and its Last-Modified.
   */
  private cached(
    key: string,
    now: number,
    build: () => { body: string; contentType: string; horizon: number; stamp?: (body: string, at: Date) => string },
  ): BuiltFeed {
    const version = this.version();
    const old = this.feeds.get(key);
    if (old && old.version === version && now < old.horizon) return old;
    const { changedAt } = this.currentVersion();
    const built = build();
    const hash = createHash('sha256').update(built.body, 'utf8').digest('base64url').slice(0, 27);
    let lastModified: Date;
    let body: Buffer;
    if (old && old.hash === hash) {
      lastModified = old.lastModified;
      body = old.body;
    } else {
      body = Buffer.from(built.stamp ? built.stamp(built.body, new Date(now)) : built.body, 'utf8');
      // HTTP dates have whole seconds: make each new content's date later than the last one, but
      // never later than now (RFC 9110 §8.8.2.1); within one second the ETag tells versions apart.
      const candidate = Math.floor(Math.min(Math.max(changedAt.getTime(), old ? old.lastModified.getTime() + 1000 : 0), now) / 1000) * 1000;
      lastModified = new Date(candidate);
    }
    const feed: BuiltFeed = {
      body,
      contentType: built.contentType,
      hash,
      lastModified,
      lastModifiedHttp: lastModified.toUTCString(),
      version,
      horizon: built.horizon,
      ...(old && old.body === body ? { gzip: old.gzip, brotli: old.brotli } : {}),
    };
    this.feeds.set(key, feed, feed.body.length + (feed.gzip?.length ?? 0) + (feed.brotli?.length ?? 0));
    this.feedKeys.set(feed, key);
    return feed;
  }

  /** Which events a scope covers, and the feed's name; unknown clusters, themes, counties and tokens are 404. */
  private scopeQuery(scope: FeedScope, lang: FeedLang): ScopeQuery {
    const db = this.db;
    const none = new Set<number>();
    if (scope.type === 'event')
      // Reachable by its address like its page: an unlisted event too, never an internal one.
      return {
        where: [eq(events.id, scope.id), ne(events.visibility, 'internal')],
        linkFor: none,
        name: textsFor(lang).feeds.singleEvent,
        deadlines: null,
      };
    if (scope.type === 'personal') {
      const userId = this.personalFeedUser(scope.token);
      return {
        where: [personalCondition(db, userId)],
        linkFor: personalLinkEvents(db, userId),
        name: textsFor(lang).feeds.personal,
        deadlines: null,
      };
    }
    const ids = filterIds(db, scope);
    // Public feeds carry public events only: unlisted and internal ones are in no public list.
    const where = [...filterConditions(ids, { kind: scope.kind }), eq(events.visibility, 'public')];
    const names: string[] = [];
    if (ids.clusterId !== undefined)
      names.push(db.select({ name: clusters.name }).from(clusters).where(eq(clusters.id, ids.clusterId)).get()!.name);
    if (ids.themeId !== undefined) {
      const t = db.select().from(themes).where(eq(themes.id, ids.themeId)).get()!;
      names.push(lang === 'sv' ? t.nameSv : t.nameEn);
    }
    if (ids.countyId !== undefined)
      names.push(db.select({ name: counties.name }).from(counties).where(eq(counties.id, ids.countyId)).get()!.name);
    const deadlines = ids.countyId === undefined && !scope.kind ? { themeId: ids.themeId, clusterId: ids.clusterId } : null;
    return {
      where,
      linkFor: none,
      name: names.length ? textsFor(lang).feeds.filtered(names) : textsFor(lang).feeds.allEvents,
      deadlines,
    };
  }

  /**
   * Events of a feed in its order (start, then id), each read by `reader`: the query is built by
   * drizzle and run as a kept plain statement (one per distinct text), rows mapped by rowReader.
   */
  private selectEvents<R>(reader: RowReader<R>, where: SQL[], visibility: SQL, limit = -1): R[] {
    const { sql: text, params } = this.db
      .select(reader.fields)
      .from(events)
      .where(and(visibility, ...where))
      .orderBy(asc(events.startsAt), asc(events.id))
      .limit(limit)
      .toSQL();
    return keptSql<unknown[]>(this.db, text, true)
      .all(...params)
      .map((row) => reader.read(row));
  }

  /** Whole rows of the events `ids` (any order). */
  private eventsById(ids: number[]): Map<number, Event> {
    const rows = keptSql<unknown[]>(
      this.db,
      `select ${wholeRows.columns} from "events" where "events"."id" in (select value from json_each(?))`,
      true,
    )
      .all(JSON.stringify(ids))
      .map((row) => wholeRows.read(row));
    return new Map(rows.map((e) => [e.id, e]));
  }

  private buildIcs(scope: FeedScope, lang: FeedLang, now: number) {
    const q = this.scopeQuery(scope, lang);
    const visibility =
      scope.type === 'event'
        ? inArray(events.status, ['published', 'cancelled'])
        : or(
            and(eq(events.status, 'published'), gt(events.endsAt, new Date(now - PUBLISHED_KEEP_MS))),
            and(eq(events.status, 'cancelled'), gt(events.endsAt, new Date(now - CANCELLED_KEEP_MS))),
          )!;
    const rows = this.selectEvents(feedRows, q.where, visibility);
    if (scope.type === 'event' && rows.length === 0)
      throw new DomainError('not_found', 'unknown_event', `There is no published event ${scope.id}`);
    const ctx = this.contexts(rows, lang);
    const zones = new Set<string>();
    let horizon = Number.POSITIVE_INFINITY;
    // Each event's kept VEVENT text where it is current; the whole rows (descriptions and all)
    // are read only for the events whose text must be rendered.
    const toRender: { index: number; id: number; ctx: VeventContext }[] = [];
    const vevents = rows.map((e, index) => {
      if (!e.allDay) zones.add(e.timeZone);
      if (scope.type !== 'event')
        horizon = Math.min(horizon, e.endsAt.getTime() + (e.status === 'cancelled' ? CANCELLED_KEEP_MS : PUBLISHED_KEEP_MS));
      const c = { ...ctx.get(e.id)!, showOnlineUrl: e.onlineUrlPublic || q.linkFor.has(e.id) };
      const kept = this.keptVevent(e, c, lang);
      if (kept === undefined) toRender.push({ index, id: e.id, ctx: c });
      return kept ?? '';
    });
    if (toRender.length > 0) {
      const whole = this.eventsById(toRender.map((r) => r.id));
      for (const r of toRender) {
        const e = whole.get(r.id);
        // Deleted between the two reads: the feed shows it as the first read found it, unrendered, never.
        vevents[r.index] = e ? this.vevent(e, r.ctx, lang) : '';
      }
    }
    if (q.deadlines) {
      // Deadlines stay 30 days after the day, like cancelled events.
      const fromDate = new Date(now - CANCELLED_KEEP_MS).toISOString().slice(0, 10);
      for (const d of deadlineItems(this.db, { ...q.deadlines, fromDate })) {
        horizon = Math.min(horizon, Date.parse(`${d.deadline}T00:00:00Z`) + CANCELLED_KEEP_MS + 86_400_000);
        vevents.push(
          this.cachedText(`d${d.id}:${lang}`, `${d.revision}|${d.updatedAt.getTime()}`, () =>
            buildDeadlineVevent(
              { ...d, deadline: d.deadline!, themeNames: d.themeNames.map((n) => n[lang]) },
              `${this.publicUrl}/omvarld/${d.id}`,
              lang,
            ),
          ),
        );
      }
    }
    this.storeVevents();
    const header = calendarHeader({ name: q.name, timeZone: DEFAULT_ZONE, ttlSeconds: 3600 });
    return { body: assembleCalendar(header, zones, vevents), contentType: 'text/calendar; charset=utf-8', horizon, stamp: stampCalendar };
  }

  /**
   * The VEVENT text of one event, from the cache when neither the event nor what it shows of
   * others changed. The cache outlives a restart: texts are kept in event_vevents (read once per
   * language, written after each build by storeVevents), so a cold build renders only stale ones.
   */
  vevent(e: Event, ctx: VeventContext, lang: FeedLang): string {
    const slot = this.veventSlot(e, ctx, lang);
    if (!slot.stored) return this.cachedText(slot.cacheKey, slot.key, () => buildVevent(e, ctx, lang));
    this.loadStoredVevents(lang);
    return this.cachedText(slot.cacheKey, slot.key, () => {
      const text = buildVevent(e, ctx, lang);
      this.unstored.push({ eventId: e.id, lang, key: slot.key, text });
      return text;
    });
  }

  /** The VEVENT text kept for `e` while it is current; undefined when it must be rendered (vevent). */
  private keptVevent(e: FeedRow, ctx: VeventContext, lang: FeedLang): string | undefined {
    const slot = this.veventSlot(e, ctx, lang);
    if (slot.stored) this.loadStoredVevents(lang);
    const hit = this.vevents.get(slot.cacheKey);
    return hit && hit.key === slot.key ? hit.text : undefined;
  }

  /**
   * Where an event's VEVENT text is kept, and `key`: what it depends on. A participant-only
   * meeting link shown to one reader (an organiser's personal feed) makes a text of its own, kept
   * in memory only; what everyone may read is stored (`stored`).
   */
  private veventSlot(e: FeedRow, ctx: VeventContext, lang: FeedLang): { cacheKey: string; key: string; stored: boolean } {
    const key = `${VEVENT_FORMAT}|${this.publicUrl}|${e.revision}|${e.updatedAt.getTime()}|${ctx.leadName}|${ctx.organizerEmail}|${ctx.countyName}|${ctx.themeNames.join(',')}`;
    const shown = !!e.onlineUrl && (ctx.showOnlineUrl ?? e.onlineUrlPublic);
    const stored = shown === (!!e.onlineUrl && e.onlineUrlPublic);
    return { cacheKey: stored ? `${e.id}:${lang}` : `${e.id}:${lang}:link`, key, stored };
  }

  /** The stored VEVENT texts of one language into the memory cache, once per process. */
  private loadStoredVevents(lang: FeedLang): void {
    if (this.storedLoaded.has(lang)) return;
    this.storedLoaded.add(lang);
    const rows = keptSql<[number, string, string]>(this.db, 'select event_id, key, text from event_vevents where lang = ?', true).all(lang);
    for (const [eventId, key, text] of rows) {
      const cacheKey = `${eventId}:${lang}`;
      if (!this.vevents.has(cacheKey)) this.vevents.set(cacheKey, { key, text });
    }
  }

  /** Writes the VEVENT texts rendered since the last call to event_vevents, in one transaction. */
  private storeVevents(): void {
    if (this.unstored.length === 0) return;
    const rows = this.unstored;
    this.unstored = [];
    const upsert = keptStatement(this.db, 'feeds.storeVevent', (d) =>
      d
        .insert(eventVevents)
        .values(insertPlaceholders(['eventId', 'lang', 'key', 'text']))
        .onConflictDoUpdate({
          target: [eventVevents.eventId, eventVevents.lang],
          set: { key: sql`excluded.key`, text: sql`excluded.text` },
        })
        .prepare(),
    );
    // An event deleted while its feed was being built has no row to hang its text on.
    const exists = keptStatement(this.db, 'feeds.eventExists', (d) =>
      d
        .select({ id: events.id })
        .from(events)
        .where(eq(events.id, sql.placeholder('id')))
        .prepare(),
    );
    this.db.transaction(() => {
      for (const r of rows) if (exists.get({ id: r.eventId })) upsert.run(r);
    });
  }

  /** A VEVENT's text kept under `cacheKey` while its `key` (what it depends on) stays the same. */
  private cachedText(cacheKey: string, key: string, build: () => string): string {
    const hit = this.vevents.get(cacheKey);
    if (hit && hit.key === key) return hit.text;
    const text = build();
    this.vevents.set(cacheKey, { key, text });
    return text;
  }

  private contexts(rows: ContextRow[], lang: FeedLang) {
    return icsContexts(this.db, rows, lang, (id) => this.eventUrl(id));
  }

  private buildAtom(scope: FeedScope, lang: FeedLang, now: number) {
    const q = this.scopeQuery(scope, lang);
    const rows = this.selectEvents(wholeRows, q.where, and(eq(events.status, 'published'), gt(events.startsAt, new Date(now)))!, 200);
    const ctx = this.contexts(rows, lang);
    const t = textsFor(lang);
    const fmt = new Intl.DateTimeFormat(t.locale, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'Europe/Stockholm',
    });
    const fmtDay = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeZone: 'UTC' });
    let updated = rows.reduce((max, r) => Math.max(max, r.updatedAt.getTime()), 0);
    // Each filtered variant is its own feed (RFC 4287 §4.2.7.2 self, §4.2.6 a permanent id).
    const selfUrl = atomSelfUrl(this.publicUrl, scope, lang);
    const entries = rows.map((e) => {
      const c = ctx.get(e.id)!;
      const when = e.allDay
        ? `${fmtDay.format(new Date(`${e.startDate}T00:00:00Z`))}${e.endDate !== e.startDate ? ` – ${fmtDay.format(new Date(`${e.endDate}T00:00:00Z`))}` : ''}`
        : fmt.format(e.startsAt);
      const link = e.onlineUrl && (e.onlineUrlPublic || q.linkFor.has(e.id));
      const where =
        [e.venueName, e.address, c.countyName].filter(Boolean).join(', ') || (link ? t.online : e.onlineUrl ? t.linkForParticipants : '');
      return `<entry><id>${escapeHtml(c.eventUrl)}</id><title>${escapeHtml(e.title)}</title><updated>${e.updatedAt.toISOString()}</updated><published>${e.createdAt.toISOString()}</published><link rel="alternate" type="text/html" href="${escapeHtml(c.eventUrl)}"/><author><name>${escapeHtml(c.leadName)}</name></author>${c.themeNames.map((n) => `<category term="${escapeHtml(n)}"/>`).join('')}<summary>${escapeHtml([when, where].filter(Boolean).join(' · '))}</summary></entry>`;
    });
    if (q.deadlines) {
      const today = new Date(now).toISOString().slice(0, 10);
      for (const d of deadlineItems(this.db, { ...q.deadlines, fromDate: today }).slice(0, 100)) {
        // The feed's updated is the latest of all its entries' (§4.2.15), deadlines included.
        updated = Math.max(updated, d.updatedAt.getTime());
        const url = `${this.publicUrl}/omvarld/${d.id}`;
        entries.push(
          `<entry><id>${escapeHtml(url)}</id><title>${escapeHtml(t.feeds.deadlineEntry(d.deadline!, d.title))}</title><updated>${d.updatedAt.toISOString()}</updated><link rel="alternate" type="text/html" href="${escapeHtml(d.url ?? url)}"/><author><name>${escapeHtml(d.source)}</name></author><summary>${escapeHtml(d.summary)}</summary></entry>`,
        );
      }
    }
    const body = `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}"><id>${escapeHtml(selfUrl)}</id><title>${escapeHtml(q.name)}</title><updated>${new Date(updated || now).toISOString()}</updated><link rel="self" href="${escapeHtml(selfUrl)}"/><link rel="alternate" type="text/html" href="${escapeHtml(`${this.publicUrl}/kalender`)}"/>${entries.join('\n')}</feed>\n`;
    // An upcoming event leaves the feed when it starts.
    const horizon = rows.length ? Math.min(...rows.map((r) => r.startsAt.getTime())) : now + 3_600_000;
    return { body: body.replace(NOT_XML_CHAR, ''), contentType: 'application/atom+xml; charset=utf-8', horizon };
  }
}

/**
 * DTSTAMP per RFC 5545 §3.8.7.2: in an iCalendar object with a METHOD (every feed and mailed
 * file of ours has one, PUBLISH included) it is the date and time the instance of the object
 * was created, not the last change of the event (LAST-MODIFIED says that). VEVENT texts are
 * built, and cached, with the event's last change; this writes `at` (UTC, to the second) over
 * every DTSTAMP line of the assembled calendar, which is when that instance was made.
 */
export function stampCalendar(calendar: string, at: Date): string {
  const stamp = `DTSTAMP:${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
  return calendar.replace(/^DTSTAMP:[0-9TZ]+(?=\r?$)/gm, stamp);
}

/**
 * A calendar holding one event, as attached to mails (METHOD:CANCEL when the event is cancelled),
 * with DTSTAMP = `now`, when the file is made (RFC 5545 §3.8.7.2, see stampCalendar).
 * `withLink`: the reader may have the meeting link (a confirmed participant, an organiser);
 * without it only a link the organisers made public is written.
 */
export function singleEventCalendar(db: Db, event: Event, lang: FeedLang, publicUrl: string, now = new Date(), withLink = false): string {
  return stampCalendar(cachedEventCalendar(db, event, lang, publicUrl, withLink), now);
}

function cachedEventCalendar(db: Db, event: Event, lang: FeedLang, publicUrl: string, withLink: boolean): string {
  // Every confirmation mail carries this file: during a rush of registrations it is made once.
  // feed_state.version covers the event and what it shows of its cluster, county and themes.
  const version =
    keptStatement(db, 'feeds.version', (d) => d.select({ v: feedState.version }).from(feedState).where(eq(feedState.id, 1)).prepare()).get()
      ?.v ?? 0;
  const key = `${version}|${event.revision}|${event.updatedAt.getTime()}|${event.status}|${publicUrl}`;
  const cacheKey = `${event.id}:${lang}${withLink ? ':link' : ''}`;
  // Keyed by the SQLite connection, which a transaction object shares with its database.
  const connection = (db as unknown as { session: { client: object } }).session.client;
  let cache = attachmentCaches.get(connection);
  if (!cache) {
    cache = new Map();
    attachmentCaches.set(connection, cache);
  }
  const hit = cache.get(cacheKey);
  if (hit && hit.key === key) return hit.text;
  const ctx = { ...icsContexts(db, [event], lang, (id) => `${publicUrl}/evenemang/${id}`).get(event.id)!, showOnlineUrl: withLink };
  const header = calendarHeader({ name: event.title, method: event.status === 'cancelled' ? 'CANCEL' : 'PUBLISH' });
  const text = assembleCalendar(header, event.allDay ? [] : [event.timeZone], [buildVevent(event, ctx, lang)]);
  cache.delete(cacheKey);
  cache.set(cacheKey, { key, text });
  if (cache.size > 2000) cache.delete(cache.keys().next().value!);
  return text;
}
/**
 * The iTIP message (RFC 5546 §3.2.2 REQUEST, §3.2.5 CANCEL) for one participant of an event:
 * ORGANIZER as in icsContexts (never missing), the participant as the one ATTENDEE, the event's
 * UID, the given SEQUENCE and DTSTAMP = `now`. Mail it as the mail's icalEvent. `withLink`: the
 * participant holds a seat, so the participant-only meeting link is written (else only a public one).
 */
export function eventInvitation(
  db: Db,
  event: Event,
  lang: FeedLang,
  publicUrl: string,
  itip: { method: ItipParts['method']; attendee: ItipParts['attendee']; sequence: number; now: Date; withLink?: boolean },
): string {
  const ctx = {
    ...icsContexts(db, [event], lang, (id) => `${publicUrl}/evenemang/${id}`).get(event.id)!,
    showOnlineUrl: itip.withLink ?? false,
  };
  return itipCalendar(
    event,
    ctx,
    lang,
    {
      method: itip.method,
      organizer: { name: ctx.leadName, email: ctx.organizerEmail ?? platformSender().email },
      attendee: itip.attendee,
      stamp: itip.now,
      sequence: itip.sequence,
    },
    event.title,
  );
}

/** Per database (tests open many in one process). */
const attachmentCaches = new WeakMap<object, Map<string, { key: string; text: string }>>();

/**
 * What each event's VEVENT shows of its lead cluster, county and themes, loaded for many events
 * at once. ORGANIZER is the event's contact address, else its lead cluster's, else the platform's
 * (MAIL_FROM, platform-sender.ts), with the lead cluster's name.
 */
export function icsContexts(db: Db, rows: ContextRow[], lang: FeedLang, eventUrl: (id: number) => string): Map<number, IcsEventContext> {
  const out = new Map<number, IcsEventContext>();
  if (rows.length === 0) return out;
  const clusterRows = new Map(
    keptStatement(db, 'feeds.clusters', (d) =>
      d.select({ id: clusters.id, name: clusters.name, contactEmail: clusters.contactEmail }).from(clusters).prepare(),
    )
      .all()
      .map((c) => [c.id, c]),
  );
  const countyRows = new Map(
    keptStatement(db, 'feeds.counties', (d) => d.select({ id: counties.id, name: counties.name }).from(counties).prepare())
      .all()
      .map((c) => [c.id, c.name]),
  );
  const themeNames = new Map<number, string[]>();
  // Every event's theme names in one kept statement, the ids passed as one JSON array (no limit
  // on bound parameters), in theme order.
  const themeRows = keptSql<[number, string, string]>(
    db,
    'select et.event_id, t.name_sv, t.name_en from event_themes et join themes t on t.id = et.theme_id where et.event_id in (select value from json_each(?)) order by t.id',
    true,
  ).all(JSON.stringify(rows.map((r) => r.id)));
  for (const [eventId, sv, en] of themeRows) {
    const list = themeNames.get(eventId) ?? [];
    list.push(lang === 'sv' ? sv : en);
    themeNames.set(eventId, list);
  }
  for (const e of rows) {
    const lead = clusterRows.get(e.leadClusterId);
    out.set(e.id, {
      leadName: lead?.name ?? 'Samverka',
      // Never missing (RFC 5546 §3.2.2 needs one ORGANIZER in an invitation): the platform's
      // own MAIL_FROM when neither the event nor its lead cluster has a contact address.
      organizerEmail: e.contactEmail ?? lead?.contactEmail ?? platformSender().email,
      countyName: e.countyId !== null ? (countyRows.get(e.countyId) ?? null) : null,
      themeNames: themeNames.get(e.id) ?? [],
      eventUrl: eventUrl(e.id),
    });
  }
  return out;
}

/**
 * Events of the clusters the person coordinates (lead or accepted co-host), and events they
 * registered for; an internal event only for a coordinator or admin (event-access.ts's rule).
 */
function personalCondition(db: Db, userId: number): SQL {
  const user = db.select({ email: users.email, isAdmin: users.isAdmin }).from(users).where(eq(users.id, userId)).get();
  const email = user?.email ?? '';
  const registered = sql`exists (select 1 from registrations r where r.event_id = ${events.id} and r.email = ${email} and r.status in ('confirmed', 'waitlisted'))`;
  const clusterIds = db
    .select({ id: coordinators.clusterId })
    .from(coordinators)
    .where(eq(coordinators.userId, userId))
    .all()
    .map((r) => r.id);
  const byCluster = clusterIds.length
    ? sql`exists (select 1 from event_organisers eo where eo.event_id = ${events.id} and eo.cluster_id in (${sql.join(
        clusterIds.map((id) => sql`${id}`),
        sql`, `,
      )}) and (eo.role = 'lead' or eo.status = 'accepted'))`
    : sql`0`;
  const seesInternal = seesInternalEvents({ userId, isAdmin: !!user?.isAdmin, coordinatorOf: clusterIds });
  return and(or(byCluster, registered), seesInternal ? undefined : ne(events.visibility, 'internal'))!;
}

/** The events whose meeting link a personal feed's owner may have: those their clusters run, and those they hold a confirmed seat at. */
function personalLinkEvents(db: Db, userId: number): Set<number> {
  const rows = db.all<{ id: number }>(sql`select r.event_id as id from registrations r join users u on u.email = r.email
    where u.id = ${userId} and r.status = 'confirmed'
    union select eo.event_id from event_organisers eo join coordinators c on c.cluster_id = eo.cluster_id
    where c.user_id = ${userId} and (eo.role = 'lead' or eo.status = 'accepted')`);
  return new Set(rows.map((r) => r.id));
}

/**
 * The canonical address of one Atom variant: /feeds/all.atom with its filters in a fixed order
 * and the language when it is not Swedish. It is the feed's `self` link and its `id`, so every
 * variant is told apart by readers and aggregators.
 */
export function atomSelfUrl(publicUrl: string, scope: FeedScope, lang: FeedLang): string {
  const params = new URLSearchParams();
  if (scope.type === 'all') {
    for (const key of ['cluster', 'theme', 'county', 'kind'] as const) {
      const value = scope[key];
      if (value) params.set(key, value);
    }
  }
  if (lang !== 'sv') params.set('lang', lang);
  const query = params.toString();
  return `${publicUrl}/feeds/all.atom${query ? `?${query}` : ''}`;
}

function scopeKey(scope: FeedScope): string {
  if (scope.type === 'event') return `event:${scope.id}`;
  if (scope.type === 'personal') return `personal:${scope.token}`;
  return `all:${scope.cluster ?? ''}:${scope.theme ?? ''}:${scope.county ?? ''}:${scope.kind ?? ''}`;
}
