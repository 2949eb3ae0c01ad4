import type { LightMyRequestResponse } from 'fastify';
import { execFileSync } from 'node:child_process';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { khalList, physicalLines, readBoth, unfold, type ReadCalendar, type ReadEvent } from '../../../tests/support/ics-readers.ts';
import { bearer, makeTestApp, type TestApp } from './helpers.ts';

// Events lie next year, so that every one of them is upcoming whenever the suite runs; the
// nights the clocks change are the last Sundays of March and October (EU rules).
const Y = new Date().getUTCFullYear() + 1;
const lastSunday = (month: number) => {
  const d = new Date(Date.UTC(Y, month, 0));
  return d.getUTCDate() - d.getUTCDay();
};
const MARCH = lastSunday(3);
const OCTOBER = lastSunday(10);
const pad = (n: number) => String(n).padStart(2, '0');

interface ApiEvent {
  id: number;
  uid: string;
  title: string;
  revision: number;
  status: string;
  updatedAt: string;
  startsAt: string;
  endsAt: string;
}

let t: TestApp;
let orebro: string;
let sormland: string;
let admin: string;
const ev: Record<string, ApiEvent> = {};

// 200 UTF-16 units, the longest title the API takes; folded over several lines.
const NASTY_TITLE = `Möte, om "regler"; C:\\väg\\tmp — Åsa & Örjan 🌱🐄 <b>fet</b> 'citat' `.padEnd(200, 'åäö');
const DESCRIPTION = `**Viktigt:** ta med *stövlar*.\n\nRad ett; med, tecken\nrad två "citat" 🚜\n\nLäs [mer här](https://example.se/info).\n\n${'Åkermark och skog, ängar; vatten. '.repeat(40)}`;

async function create(body: Record<string, unknown>, token = orebro): Promise<ApiEvent> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(token),
    payload: { leadCluster: 'agro-orebro', kind: 'workshop', themes: ['krisberedskap'], venueName: 'Ladan', ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().event as ApiEvent;
}

async function publish(body: Record<string, unknown>, token = orebro): Promise<ApiEvent> {
  const draft = await create(body, token);
  const res = await t.inject({ method: 'POST', url: `/api/events/${draft.id}/publish`, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ApiEvent;
}

async function apiEvent(id: number): Promise<ApiEvent> {
  const res = await t.inject({ method: 'GET', url: `/api/events/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ApiEvent;
}

async function get(url: string, headers: Record<string, string> = {}) {
  return t.inject({ method: 'GET', url, headers });
}

/** A calendar answer: 200, the calendar type, and both readers agreeing on it. */
async function feed(url: string): Promise<{ res: LightMyRequestResponse; cal: ReadCalendar }> {
  const res = await get(url);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
  return { res, cal: readBoth(res.body) };
}

/** Of the events this suite made, those in the feed (the feed may hold other kinds of entry). */
function ours(cal: ReadCalendar): string[] {
  const known = new Map(Object.entries(ev).map(([name, e]) => [e.uid, name]));
  return cal.events
    .map((e) => known.get(e.uid))
    .filter((n): n is string => n !== undefined)
    .sort();
}

function byUid(cal: ReadCalendar, e: ApiEvent): ReadEvent {
  const found = cal.events.find((x) => x.uid === e.uid);
  if (!found) throw new Error(`${e.title} (${e.uid}) is not in the feed`);
  return found;
}

/** Waits until the clock has reached the instant (a condition, polled; not a fixed sleep). */
async function clockPast(instant: number) {
  while (Date.now() < instant) await new Promise((r) => setTimeout(r, Math.min(50, instant - Date.now() + 1)));
}

const utc = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

/** A plain-text error answer of the feed routes (calendar apps show it as it is). */
function expectPlainError(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(res.body.trim().length).toBeGreaterThan(0);
  expect(() => JSON.parse(res.body)).toThrow();
}

beforeAll(async () => {
  t = await makeTestApp();
  orebro = (await t.login('coordinator', { clusters: ['agro-orebro'] })).token;
  sormland = (await t.login('coordinator', { clusters: ['agro-sormland'] })).token;
  admin = (await t.login('admin')).token;

  ev.winter = await publish({
    title: NASTY_TITLE,
    description: DESCRIPTION,
    themes: ['krisberedskap', 'regler-och-villkor'],
    start: `${Y}-01-14T09:00`,
    end: `${Y}-01-14T12:00`,
    venueName: 'Ladan, Gården',
    address: 'Storgatan 1',
    county: 'orebro-lan',
    lat: 59.27,
    lng: 15.21,
    contactEmail: 'kontakt@agro-orebro.se',
  });
  ev.summer = await publish({
    title: 'Webbinarium om kapital',
    kind: 'webinar',
    themes: ['kapitalforsorjning'],
    venueName: null,
    onlineUrl: 'https://meet.example.se/abc',
    // A link the organisers made public; participant-only links are tested in meeting-links.test.ts.
    onlineUrlPublic: true,
    start: `${Y}-07-14T09:00`,
    end: `${Y}-07-14T12:00`,
  });
  ev.springForward = await publish({
    title: 'Natten till sommartid',
    start: `${Y}-03-${pad(MARCH)}T01:30`,
    end: `${Y}-03-${pad(MARCH)}T03:30`,
  });
  ev.fallBack = await publish({
    title: 'Natten till vintertid',
    start: `${Y}-10-${pad(OCTOBER)}T01:00`,
    end: `${Y}-10-${pad(OCTOBER)}T04:00`,
  });
  ev.allDayOne = await publish({ title: 'Heldag', allDay: true, startDate: `${Y}-06-01`, endDate: `${Y}-06-01` });
  ev.allDayMulti = await publish({
    title: 'Mässa över nyår',
    kind: 'conference',
    allDay: true,
    startDate: `${Y}-12-30`,
    endDate: `${Y + 1}-01-01`,
  });
  ev.multiDay = await publish({ title: 'Tredagarskurs', start: `${Y}-05-10T13:00`, end: `${Y}-05-12T15:30` });
  ev.newYork = await publish({
    title: 'Study visit in New York',
    kind: 'study_visit',
    start: `${Y}-06-01T09:00`,
    end: `${Y}-06-01T10:30`,
    timeZone: 'America/New_York',
  });
  ev.sormland = await publish(
    {
      leadCluster: 'agro-sormland',
      title: 'Sörmlandskonferens',
      kind: 'conference',
      themes: ['nya-affarsmodeller'],
      county: 'sodermanlands-lan',
      start: `${Y}-04-20T10:00`,
      end: `${Y}-04-20T16:00`,
    },
    sormland,
  );
  ev.cohosted = await publish(
    {
      leadCluster: 'agro-sormland',
      title: 'Samarrangerat möte',
      themes: ['krisberedskap'],
      county: 'sodermanlands-lan',
      start: `${Y}-04-21T10:00`,
      end: `${Y}-04-21T12:00`,
    },
    sormland,
  );
  const invite = await t.inject({
    method: 'POST',
    url: `/api/events/${ev.cohosted.id}/organisers`,
    headers: bearer(sormland),
    payload: { cluster: 'agro-orebro' },
  });
  expect(invite.statusCode, invite.body).toBe(200);
  ev.cancelled = await publish({ title: 'Inställd fältvandring', start: `${Y}-08-20T10:00`, end: `${Y}-08-20T12:00` });
  const cancel = await t.inject({
    method: 'POST',
    url: `/api/events/${ev.cancelled.id}/cancel`,
    headers: bearer(orebro),
    payload: { reason: 'Sjukdom; tyvärr' },
  });
  expect(cancel.statusCode, cancel.body).toBe(200);
  ev.cancelled = cancel.json();
  ev.draft = await create({ title: 'Hemligt utkast', start: `${Y}-09-01T10:00`, end: `${Y}-09-01T11:00` });
});
afterAll(() => t.close());

describe('/feeds/all.ics read back by ical.js, python3-icalendar and khal', () => {
  let body: string;
  let cal: ReadCalendar;
  let builtWithin: [number, number];
  beforeAll(async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    ({
      res: { body },
      cal,
    } = await feed('/feeds/all.ics'));
    builtWithin = [before, Date.now()];
  });

  it('holds every published and cancelled event, never a draft', () => {
    expect(ours(cal)).toEqual([
      'allDayMulti',
      'allDayOne',
      'cancelled',
      'cohosted',
      'fallBack',
      'multiDay',
      'newYork',
      'sormland',
      'springForward',
      'summer',
      'winter',
    ]);
    expect(body).not.toContain('Hemligt utkast');
  });

  it.each([
    ['winter (CET)', 'winter', `${Y}-01-14T08:00:00Z`, `${Y}-01-14T11:00:00Z`],
    ['summer (CEST)', 'summer', `${Y}-07-14T07:00:00Z`, `${Y}-07-14T10:00:00Z`],
    ['the night clocks go forward, 01:30–03:30', 'springForward', `${Y}-03-${pad(MARCH)}T00:30:00Z`, `${Y}-03-${pad(MARCH)}T01:30:00Z`],
    [
      'the night clocks go back, 01:00–04:00 (four hours)',
      'fallBack',
      `${Y}-10-${pad(OCTOBER - 1)}T23:00:00Z`,
      `${Y}-10-${pad(OCTOBER)}T03:00:00Z`,
    ],
    ['several days', 'multiDay', `${Y}-05-10T11:00:00Z`, `${Y}-05-12T13:30:00Z`],
    ['New York (EDT)', 'newYork', `${Y}-06-01T13:00:00Z`, `${Y}-06-01T14:30:00Z`],
  ])('%s: the instants in UTC, and the ones the API stored', (_what, name, start, end) => {
    const read = byUid(cal, ev[name]!);
    expect(read).toMatchObject({ start, end, allDay: false, tzid: name === 'newYork' ? 'America/New_York' : 'Europe/Stockholm' });
    expect(read.start).toBe(utc(ev[name]!.startsAt));
    expect(read.end).toBe(utc(ev[name]!.endsAt));
  });

  it('all-day events are DATE values with an exclusive DTEND', () => {
    expect(byUid(cal, ev.allDayOne!)).toMatchObject({ start: `${Y}-06-01`, end: `${Y}-06-02`, allDay: true, tzid: null });
    expect(byUid(cal, ev.allDayMulti!)).toMatchObject({ start: `${Y}-12-30`, end: `${Y + 1}-01-02`, allDay: true, tzid: null });
    const lines = unfold(body).split('\r\n');
    expect(lines).toContain(`DTSTART;VALUE=DATE:${Y}1230`);
    expect(lines).toContain(`DTEND;VALUE=DATE:${Y + 1}0102`);
  });

  it('carries a VTIMEZONE for Europe/Stockholm and for America/New_York, and the calendar properties', () => {
    expect(cal.timezones.sort()).toEqual(['America/New_York', 'Europe/Stockholm']);
    const lines = unfold(body).split('\r\n');
    expect(lines).toContain('TZID:Europe/Stockholm');
    expect(lines).toContain('X-WR-CALNAME:Samverka – gröna klustrens evenemang');
    expect(lines).toContain('X-WR-TIMEZONE:Europe/Stockholm');
    expect(lines).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT1H');
    expect(lines).toContain('X-PUBLISHED-TTL:PT1H');
    expect(lines).toContain('METHOD:PUBLISH');
    expect(lines).toContain('VERSION:2.0');
    expect(body).not.toMatch(/^TIMEZONE-ID:/m);
    expect(body).not.toContain('Europe/Berlin');
  });

  it('ends every line in CRLF, with no line over 75 octets and no UTF-8 character split by folding', () => {
    expect(body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(body.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const { line, octets } of physicalLines(body)) {
      expect(octets, line).toBeLessThanOrEqual(75);
      expect(() => strict.decode(Buffer.from(line, 'utf8'))).not.toThrow();
    }
    // Folding happened at byte level: a physical line may end inside a grapheme but never inside a code point.
    const raw = Buffer.from(body, 'utf8');
    let from = 0;
    for (let at = raw.indexOf('\r\n'); at !== -1; at = raw.indexOf('\r\n', from)) {
      expect(() => strict.decode(raw.subarray(from, at))).not.toThrow();
      from = at + 2;
    }
    expect(physicalLines(body).filter((l) => l.line.startsWith(' ')).length).toBeGreaterThan(10);
  });

  it('reads the title with commas, semicolons, backslashes, quotes, emoji and Swedish letters back exactly', () => {
    expect(byUid(cal, ev.winter!).summary).toBe(NASTY_TITLE);
    expect(NASTY_TITLE.length).toBe(200);
  });

  it('DESCRIPTION is the Markdown as text (newlines kept, no markup) followed by the event URL', () => {
    const d = byUid(cal, ev.winter!).description!;
    expect(
      d.startsWith(
        'Viktigt: ta med stövlar.\n\nRad ett; med, tecken\nrad två "citat" 🚜\n\nLäs mer här (https://example.se/info).\n\nÅkermark och skog',
      ),
    ).toBe(true);
    expect(d.endsWith(`\n\nhttp://samverka.test/evenemang/${ev.winter!.id}`)).toBe(true);
    expect(d).not.toMatch(/\*\*|\[mer här\]|<\/?[a-z]+>/);
    expect(byUid(cal, ev.summer!).description).toBe(
      `Länk till mötet: https://meet.example.se/abc\n\nhttp://samverka.test/evenemang/${ev.summer!.id}`,
    );
  });

  it('UID and SEQUENCE are the API’s uid and revision; LAST-MODIFIED its last change, DTSTAMP when the feed was made; URL the event page', () => {
    for (const e of Object.values(ev).filter((x) => x.status !== 'draft')) {
      const read = byUid(cal, e);
      expect(read.sequence, e.title).toBe(e.revision);
      expect(read.lastModified).toBe(utc(e.updatedAt).replace(/\.\d+Z$/, 'Z'));
      // Issue 10, RFC 5545 §3.8.7.2: with METHOD present, DTSTAMP is when this calendar object
      // was made, the same for every event of the feed.
      const stamp = Date.parse(read.dtstamp!);
      expect(stamp).toBeGreaterThanOrEqual(builtWithin[0]);
      expect(stamp).toBeLessThanOrEqual(builtWithin[1]);
      expect(read.dtstamp).toBe(cal.events[0]!.dtstamp);
      expect(read.url).toBe(`http://samverka.test/evenemang/${e.id}`);
    }
    expect(byUid(cal, ev.winter!).sequence).toBe(1);
  });

  it('LOCATION, GEO, CATEGORIES; ORGANIZER the contact email, else the platform’s MAIL_FROM', () => {
    expect(byUid(cal, ev.winter!)).toMatchObject({
      location: 'Ladan, Gården, Storgatan 1, Örebro län',
      geo: [59.27, 15.21],
      categories: ['Krisberedskap och självförsörjning', 'Regler och villkor'],
      organizer: { email: 'kontakt@agro-orebro.se', name: 'Agro Örebro' },
      status: 'CONFIRMED',
    });
    expect(byUid(cal, ev.summer!)).toMatchObject({
      location: 'https://meet.example.se/abc',
      geo: null,
      // Issue 10: never missing; MAIL_FROM's default address when no contact address is set.
      organizer: { email: 'noreply@samverka.local', name: expect.any(String) },
      categories: ['Kapitalförsörjning'],
    });
  });

  it('a cancelled event stays, with STATUS:CANCELLED, the prefix and the reason', () => {
    const read = byUid(cal, ev.cancelled!);
    expect(read).toMatchObject({ status: 'CANCELLED', summary: 'INSTÄLLT: Inställd fältvandring', sequence: ev.cancelled!.revision });
    expect(ev.cancelled!.revision).toBe(2);
    expect(read.description).toBe(`INSTÄLLT: Sjukdom; tyvärr\n\nhttp://samverka.test/evenemang/${ev.cancelled!.id}`);
  });

  it('khal imports the feed and lists every event at its Stockholm wall-clock time', () => {
    const lines = khalList(body, `${Y}-01-01`, `${Y + 1}-01-31`);
    const at = (e: ApiEvent) => lines.find((l) => l.uid === e.uid);
    expect(lines.map((l) => l.uid).sort()).toEqual(
      Object.values(ev)
        .filter((e) => e.status !== 'draft')
        .map((e) => e.uid)
        .sort(),
    );
    expect(at(ev.winter!)).toMatchObject({ start: `${Y}-01-14 09:00`, end: `${Y}-01-14 12:00`, title: NASTY_TITLE });
    expect(at(ev.springForward!)).toMatchObject({ start: `${Y}-03-${pad(MARCH)} 01:30`, end: `${Y}-03-${pad(MARCH)} 03:30` });
    expect(at(ev.fallBack!)).toMatchObject({ start: `${Y}-10-${pad(OCTOBER)} 01:00`, end: `${Y}-10-${pad(OCTOBER)} 04:00` });
    expect(at(ev.newYork!)).toMatchObject({ start: `${Y}-06-01 15:00`, end: `${Y}-06-01 16:30` });
    expect(at(ev.multiDay!)).toMatchObject({ start: `${Y}-05-10 13:00`, end: `${Y}-05-12 15:30` });
    // khal shows the last day of an all-day event, not the exclusive DTEND.
    expect(at(ev.allDayOne!)).toMatchObject({ start: `${Y}-06-01`, end: `${Y}-06-01` });
    expect(at(ev.allDayMulti!)).toMatchObject({ start: `${Y}-12-30`, end: `${Y + 1}-01-01` });
    expect(at(ev.cancelled!)).toMatchObject({ title: 'INSTÄLLT: Inställd fältvandring', status: 'CANCELLED' });
  });

  it('in English (?lang=en): English names and the CANCELLED: prefix', async () => {
    const { cal: en } = await feed('/feeds/all.ics?lang=en');
    expect(en.props['X-WR-CALNAME']).toBe('Samverka – green cluster events');
    expect(byUid(en, ev.cancelled!).summary).toBe('CANCELLED: Inställd fältvandring');
    expect(byUid(en, ev.winter!).categories).toEqual(['Crisis preparedness and self-sufficiency', 'Rules and conditions']);
    expect(byUid(en, ev.summer!).description).toMatch(/^Meeting link: /);
  });

  it('refuses a wall-clock time that does not exist (skipped when the clocks go forward)', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(orebro),
      payload: {
        leadCluster: 'agro-orebro',
        kind: 'workshop',
        themes: ['krisberedskap'],
        title: 'Finns inte',
        start: `${Y}-03-${pad(MARCH)}T02:30`,
        end: `${Y}-03-${pad(MARCH)}T03:30`,
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'start' })]);
  });

  it('a time in the repeated hour is the first occurrence for the API and for every reader', async () => {
    const e = await publish({ title: 'Dubbeltimmen', start: `${Y}-10-${pad(OCTOBER)}T02:30`, end: `${Y}-10-${pad(OCTOBER)}T03:30` });
    expect(e.startsAt).toBe(`${Y}-10-${pad(OCTOBER)}T00:30:00.000Z`);
    const { res, cal: after } = await feed(`/events/${e.id}.ics`);
    expect(byUid(after, e)).toMatchObject({ start: `${Y}-10-${pad(OCTOBER)}T00:30:00Z`, end: `${Y}-10-${pad(OCTOBER)}T02:30:00Z` });
    expect(khalList(res.body, `${Y}-10-${pad(OCTOBER - 1)}`, `${Y}-11-01`).map((l) => [l.uid, l.start])).toEqual([
      [e.uid, `${Y}-10-${pad(OCTOBER)} 02:30`],
    ]);
    const del = await t.inject({ method: 'DELETE', url: `/api/events/${e.id}`, headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
  });
});

describe('filters and scoped feeds', () => {
  it.each([
    ['/feeds/all.ics?cluster=agro-sormland', ['cohosted', 'sormland']],
    ['/feeds/clusters/agro-sormland.ics', ['cohosted', 'sormland']],
    ['/feeds/all.ics?theme=kapitalforsorjning', ['summer']],
    ['/feeds/themes/regler-och-villkor.ics', ['winter']],
    ['/feeds/all.ics?county=sodermanlands-lan', ['cohosted', 'sormland']],
    ['/feeds/counties/orebro-lan.ics', ['winter']],
    ['/feeds/all.ics?kind=conference', ['allDayMulti', 'sormland']],
    ['/feeds/all.ics?kind=study_visit', ['newYork']],
    ['/feeds/all.ics?cluster=agro-sormland&kind=conference', ['sormland']],
    ['/feeds/all.ics?cluster=agro-sormland&theme=krisberedskap&county=sodermanlands-lan', ['cohosted']],
    ['/feeds/all.ics?theme=krisberedskap&kind=webinar', []],
  ])('%s', async (url, expected) => {
    const { cal } = await feed(url);
    expect(ours(cal)).toEqual(expected);
  });

  it('names a filtered feed after its filters', async () => {
    const { cal } = await feed('/feeds/clusters/agro-sormland.ics');
    expect(cal.props['X-WR-CALNAME']).toBe('Samverka – Agro Sörmland');
  });

  it('a cluster feed holds a co-hosted event only once the co-host accepted', async () => {
    const before = await feed('/feeds/clusters/agro-orebro.ics');
    expect(ours(before.cal)).not.toContain('cohosted');
    expect(ours(before.cal)).toContain('winter');
    expect(ours(before.cal)).not.toContain('sormland');
    const accept = await t.inject({
      method: 'POST',
      url: `/api/events/${ev.cohosted!.id}/organisers/agro-orebro/answer`,
      headers: bearer(orebro),
      payload: { accept: true },
    });
    expect(accept.statusCode, accept.body).toBe(200);
    const after = await feed('/feeds/clusters/agro-orebro.ics');
    expect(ours(after.cal)).toContain('cohosted');
    expect(ours(after.cal)).not.toContain('sormland');
    expect(after.res.headers.etag).not.toBe(before.res.headers.etag);
    // Still in the lead cluster's feed, and the same UID in both.
    expect(ours((await feed('/feeds/clusters/agro-sormland.ics')).cal)).toEqual(['cohosted', 'sormland']);
  });

  it.each([
    '/feeds/all.ics?cluster=nope',
    '/feeds/all.ics?theme=nope',
    '/feeds/all.ics?county=nope',
    '/feeds/clusters/nope.ics',
    '/feeds/themes/nope.ics',
    '/feeds/counties/nope.ics',
  ])('%s is a plain-text 404', async (url) => {
    expectPlainError(await get(url), 404);
  });

  it.each(['/feeds/all.ics?kind=party', '/feeds/all.ics?lang=de', '/feeds/all.ics?foo=1', '/feeds/clusters/NOT_A_SLUG!.ics'])(
    '%s is a plain-text 400',
    async (url) => {
      expectPlainError(await get(url), 400);
    },
  );
});

describe('HTTP: validators, 304, HEAD, encodings', () => {
  it('sends a strong ETag, Last-Modified, Cache-Control and Vary', async () => {
    const res = await get('/feeds/all.ics');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(new Date(res.headers['last-modified'] as string).toUTCString()).toBe(res.headers['last-modified']);
    expect(Date.parse(res.headers['last-modified'] as string)).toBeLessThanOrEqual(Date.now());
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
  });

  it('the same content gives the same ETag on every request, from the same built feed', async () => {
    const a = await get('/feeds/all.ics');
    const b = await get('/feeds/all.ics');
    expect(b.headers.etag).toBe(a.headers.etag);
    expect(b.body).toBe(a.body);
    const built = t.app.feeds.ics({ type: 'all' }, 'sv');
    expect(t.app.feeds.ics({ type: 'all' }, 'sv')).toBe(built);
    expect(`"${built.hash}"`).toBe(a.headers.etag);
  });

  it.each<[string, (etag: string) => string]>([
    ['the ETag', (etag) => etag],
    ['the ETag with W/', (etag) => `W/${etag}`],
    ['a list holding the ETag', (etag) => `"nope", ${etag}, "other"`],
    ['*', () => '*'],
  ])('If-None-Match with %s → 304 without a body, with the validators', async (_what, header) => {
    const first = await get('/feeds/all.ics');
    const res = await get('/feeds/all.ics', { 'if-none-match': header(first.headers.etag as string) });
    expect(res.statusCode).toBe(304);
    expect(res.rawPayload.length).toBe(0);
    expect(res.headers.etag).toBe(first.headers.etag);
    expect(res.headers['last-modified']).toBe(first.headers['last-modified']);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('If-None-Match with another tag → 200, even with a current If-Modified-Since (RFC 9110 §13.2.2)', async () => {
    const first = await get('/feeds/all.ics');
    const res = await get('/feeds/all.ics', {
      'if-none-match': '"something-else"',
      'if-modified-since': first.headers['last-modified'] as string,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(first.body);
  });

  it('If-Modified-Since: 304 at or after Last-Modified, 200 before it or when unreadable', async () => {
    const first = await get('/feeds/all.ics');
    const lm = Date.parse(first.headers['last-modified'] as string);
    expect((await get('/feeds/all.ics', { 'if-modified-since': new Date(lm).toUTCString() })).statusCode).toBe(304);
    expect((await get('/feeds/all.ics', { 'if-modified-since': new Date(lm + 60_000).toUTCString() })).statusCode).toBe(304);
    expect((await get('/feeds/all.ics', { 'if-modified-since': new Date(lm - 1000).toUTCString() })).statusCode).toBe(200);
    expect((await get('/feeds/all.ics', { 'if-modified-since': 'not a date' })).statusCode).toBe(200);
  });

  it('HEAD has the headers of GET and no body; HEAD with a current ETag is 304', async () => {
    const full = await get('/feeds/all.ics');
    const head = await t.inject({ method: 'HEAD', url: '/feeds/all.ics' });
    expect(head.statusCode).toBe(200);
    expect(head.rawPayload.length).toBe(0);
    for (const h of ['etag', 'last-modified', 'content-type', 'cache-control', 'vary']) expect(head.headers[h], h).toBe(full.headers[h]);
    const conditional = await t.inject({
      method: 'HEAD',
      url: '/feeds/all.ics',
      headers: { 'if-none-match': full.headers.etag as string },
    });
    expect(conditional.statusCode).toBe(304);
  });

  // Compressed bodies are checked through app.inject: their bytes are not text to scan for leaks.
  it.each([
    ['gzip', 'gzip', '-gz', gunzipSync],
    ['br', 'br', '-br', brotliDecompressSync],
    ['gzip, deflate, br', 'br', '-br', brotliDecompressSync],
    ['br;q=0, gzip', 'gzip', '-gz', gunzipSync],
    ['*', 'br', '-br', brotliDecompressSync],
  ] as const)('Accept-Encoding: %s → %s, decoding to the identity body, with its own ETag', async (accept, encoding, suffix, decode) => {
    const plain = await get('/feeds/all.ics');
    const res = await t.app.inject({ method: 'GET', url: '/feeds/all.ics', headers: { 'accept-encoding': accept } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(res.headers.etag).toBe(`${(plain.headers.etag as string).slice(0, -1)}${suffix}"`);
    expect(res.headers.etag).not.toBe(plain.headers.etag);
    expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    expect(decode(res.rawPayload).equals(plain.rawPayload)).toBe(true);
    const again = await t.app.inject({
      method: 'GET',
      url: '/feeds/all.ics',
      headers: { 'accept-encoding': accept, 'if-none-match': res.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
  });

  it.each(['identity', 'gzip;q=0, br;q=0', 'deflate'])('Accept-Encoding: %s → the identity body', async (accept) => {
    const res = await get('/feeds/all.ics', { 'accept-encoding': accept });
    expect(res.headers['content-encoding']).toBeUndefined();
    readBoth(res.body);
  });

  it('after a change of time: a new ETag and Last-Modified, SEQUENCE rises with the API revision, UID stays', async () => {
    const e = await publish({ title: 'Flyttas', start: `${Y}-09-10T10:00`, end: `${Y}-09-10T12:00` });
    const before = await feed('/feeds/all.ics');
    expect(byUid(before.cal, e).sequence).toBe(1);
    // HTTP dates have whole seconds: change in a later second than the one the feed is dated.
    await clockPast(Date.parse(before.res.headers['last-modified'] as string) + 1000);
    const patch = await t.inject({
      method: 'PATCH',
      url: `/api/events/${e.id}`,
      headers: bearer(orebro),
      payload: { start: `${Y}-09-11T10:00`, end: `${Y}-09-11T12:00`, venueName: 'Nya ladan' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const now = await apiEvent(e.id);
    expect(now.revision).toBe(2);
    expect(now.uid).toBe(e.uid);
    const after = await feed('/feeds/all.ics');
    expect(after.res.headers.etag).not.toBe(before.res.headers.etag);
    expect(Date.parse(after.res.headers['last-modified'] as string)).toBeGreaterThan(
      Date.parse(before.res.headers['last-modified'] as string),
    );
    expect(byUid(after.cal, e)).toMatchObject({ uid: e.uid, sequence: 2, start: `${Y}-09-11T08:00:00Z`, location: 'Nya ladan' });
    // The old validators no longer match.
    expect((await get('/feeds/all.ics', { 'if-none-match': before.res.headers.etag as string })).statusCode).toBe(200);
    expect((await get('/feeds/all.ics', { 'if-modified-since': before.res.headers['last-modified'] as string })).statusCode).toBe(200);
    // A change of title only is a new ETag but not a new SEQUENCE (RFC 5545 §3.8.7.4: significant changes).
    await t.inject({ method: 'PATCH', url: `/api/events/${e.id}`, headers: bearer(orebro), payload: { title: 'Flyttad' } });
    const titled = await feed('/feeds/all.ics');
    expect(titled.res.headers.etag).not.toBe(after.res.headers.etag);
    expect(byUid(titled.cal, e)).toMatchObject({ summary: 'Flyttad', sequence: 2 });
    expect((await apiEvent(e.id)).revision).toBe(2);
  });

  it('after a cancel: a new ETag, the event stays as CANCELLED with a higher SEQUENCE', async () => {
    const e = await publish({ title: 'Ställs in', start: `${Y}-09-12T10:00`, end: `${Y}-09-12T12:00` });
    const before = await get('/feeds/all.ics');
    const cancel = await t.inject({
      method: 'POST',
      url: `/api/events/${e.id}/cancel`,
      headers: bearer(orebro),
      payload: { reason: 'Regn' },
    });
    expect(cancel.statusCode).toBe(200);
    const after = await feed('/feeds/all.ics');
    expect(after.res.headers.etag).not.toBe(before.headers.etag);
    expect(byUid(after.cal, e)).toMatchObject({ status: 'CANCELLED', summary: 'INSTÄLLT: Ställs in', sequence: 2 });
  });

  it('after a delete by an admin: a new ETag and the event is gone', async () => {
    const e = await publish({ title: 'Raderas', start: `${Y}-09-13T10:00`, end: `${Y}-09-13T12:00` });
    const before = await feed('/feeds/all.ics');
    expect(before.cal.events.map((x) => x.uid)).toContain(e.uid);
    const del = await t.inject({ method: 'DELETE', url: `/api/events/${e.id}`, headers: bearer(admin) });
    expect(del.statusCode, del.body).toBe(204);
    const after = await feed('/feeds/all.ics');
    expect(after.res.headers.etag).not.toBe(before.res.headers.etag);
    expect(after.cal.events.map((x) => x.uid)).not.toContain(e.uid);
    expectPlainError(await get(`/events/${e.id}.ics`), 404);
  });

  it('several changes within a second: a new ETag each time, and Last-Modified never later than Date (RFC 9110 §8.8.2.1)', async () => {
    const e = await publish({ title: 'Ändras ofta', start: `${Y}-09-15T10:00`, end: `${Y}-09-15T12:00` });
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const patch = await t.inject({
        method: 'PATCH',
        url: `/api/events/${e.id}`,
        headers: bearer(orebro),
        payload: { title: `Ändras ofta ${i}` },
      });
      expect(patch.statusCode).toBe(200);
      const res = await get('/feeds/all.ics');
      seen.add(res.headers.etag as string);
      expect(Date.parse(res.headers['last-modified'] as string)).toBeLessThanOrEqual(Date.parse(res.headers.date as string));
    }
    expect(seen.size).toBe(5);
  });

  it('a new draft does not change the feed or its validators', async () => {
    const before = await get('/feeds/all.ics');
    await create({ title: 'Ännu ett utkast', start: `${Y}-09-14T10:00`, end: `${Y}-09-14T11:00` });
    const after = await get('/feeds/all.ics', { 'if-none-match': before.headers.etag as string });
    expect(after.statusCode).toBe(304);
    expect(after.headers['last-modified']).toBe(before.headers['last-modified']);
  });
});

describe('/events/:id.ics', () => {
  it('one published event, as an attachment', async () => {
    const { res, cal } = await feed(`/events/${ev.winter!.id}.ics`);
    expect(cal.events.map((e) => e.uid)).toEqual([ev.winter!.uid]);
    expect(cal.timezones).toEqual(['Europe/Stockholm']);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="samverka-${ev.winter!.id}.ics"`);
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect((await get(`/events/${ev.winter!.id}.ics`, { 'if-none-match': res.headers.etag as string })).statusCode).toBe(304);
  });

  it('a cancelled event is served with STATUS:CANCELLED', async () => {
    const { cal } = await feed(`/events/${ev.cancelled!.id}.ics`);
    expect(cal.events[0]).toMatchObject({ uid: ev.cancelled!.uid, status: 'CANCELLED' });
  });

  it('a draft is 404, and so is an event that does not exist', async () => {
    expectPlainError(await get(`/events/${ev.draft!.id}.ics`), 404);
    expectPlainError(await get('/events/999999.ics'), 404);
  });

  it.each(['/events/abc.ics', '/events/0.ics', '/events/-1.ics', '/events/1.5.ics'])('%s is 400', async (url) => {
    expectPlainError(await get(url), 400);
  });
});

describe('personal feeds', () => {
  it('GET /api/me/feed needs a login', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/me/feed' });
    expect(res.statusCode).toBe(401);
  });

  it('shows the events of the clusters I coordinate (lead or accepted co-host), privately cached', async () => {
    const { token } = await t.login('coordinator', { clusters: ['agro-sormland'] });
    const me = await t.inject({ method: 'GET', url: '/api/me/feed', headers: bearer(token) });
    expect(me.statusCode, me.body).toBe(200);
    const { url, webcal, token: feedToken } = me.json() as { url: string; webcal: string; token: string };
    expect(url).toBe(`http://samverka.test/feeds/personal/${feedToken}.ics`);
    expect(webcal).toBe(`webcal://samverka.test/feeds/personal/${feedToken}.ics`);
    // The same link on every request until it is replaced.
    expect((await t.inject({ method: 'GET', url: '/api/me/feed', headers: bearer(token) })).json().token).toBe(feedToken);
    const { res, cal } = await feed(new URL(url).pathname);
    expect(ours(cal)).toEqual(['cohosted', 'sormland']);
    expect(cal.props['X-WR-CALNAME']).toBe('Samverka – min kalender');
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    expect(
      khalList(res.body, `${Y}-04-01`, `${Y}-04-30`)
        .map((l) => l.title)
        .sort(),
    ).toEqual(['Samarrangerat möte', 'Sörmlandskonferens']);
  });

  it('regenerating makes the old link 410 Gone and the new one 200; DELETE makes it 410 (issue 15: revoked is gone, unknown is 404)', async () => {
    const { token } = await t.login('coordinator', { clusters: ['agro-orebro'] });
    const first = (await t.inject({ method: 'GET', url: '/api/me/feed', headers: bearer(token) })).json() as { url: string };
    const oldPath = new URL(first.url).pathname;
    expect((await get(oldPath)).statusCode).toBe(200);
    const regen = await t.inject({ method: 'POST', url: '/api/me/feed/regenerate', headers: bearer(token) });
    expect(regen.statusCode).toBe(200);
    const newPath = new URL((regen.json() as { url: string }).url).pathname;
    expect(newPath).not.toBe(oldPath);
    expectPlainError(await get(oldPath), 410);
    const { cal } = await feed(newPath);
    expect(ours(cal)).toContain('winter');
    expect(ours(cal)).not.toContain('sormland');
    const del = await t.inject({ method: 'DELETE', url: '/api/me/feed', headers: bearer(token) });
    expect(del.statusCode).toBe(204);
    expectPlainError(await get(newPath), 410);
    const head = await t.inject({ method: 'HEAD', url: newPath });
    expect(head.statusCode).toBe(410);
    expect(head.headers['content-type']).toBe('text/plain; charset=utf-8');
    // Asking again makes a new link.
    const again = (await t.inject({ method: 'GET', url: '/api/me/feed', headers: bearer(token) })).json() as { url: string };
    expect(new URL(again.url).pathname).not.toBe(newPath);
    expect((await get(new URL(again.url).pathname)).statusCode).toBe(200);
  });

  it('an unknown token is a plain-text 404, a malformed one a plain-text 400', async () => {
    expectPlainError(await get(`/feeds/personal/${'a'.repeat(43)}.ics`), 404);
    expectPlainError(await get('/feeds/personal/short.ics'), 400);
    expectPlainError(await get(`/feeds/personal/${'a'.repeat(30)}%22%3E.ics`), 400);
  });
});

describe('/feeds/all.atom', () => {
  const parseAtom = (xml: Buffer) =>
    JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `import sys, json, xml.etree.ElementTree as E
A = '{http://www.w3.org/2005/Atom}'
root = E.parse(sys.stdin).getroot()
print(json.dumps({'tag': root.tag, 'title': root.find(A + 'title').text, 'entries': [{'id': e.find(A + 'id').text, 'title': e.find(A + 'title').text, 'link': e.find(A + 'link').get('href')} for e in root.findall(A + 'entry')]}))`,
        ],
        { input: xml },
      ).toString(),
    ) as { tag: string; title: string; entries: { id: string; title: string; link: string }[] };

  it('is well-formed Atom listing upcoming published events with escaped titles', async () => {
    const tricky = await publish({
      title: `Möte <script>alert("x")</script> & 'mer' ]]>`,
      start: `${Y}-02-02T10:00`,
      end: `${Y}-02-02T11:00`,
    });
    const res = await get('/feeds/all.atom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(res.body).not.toContain('<script>');
    execFileSync('/usr/bin/python3', ['-c', 'import sys, xml.etree.ElementTree as E; E.parse(sys.stdin)'], { input: res.rawPayload });
    const doc = parseAtom(res.rawPayload);
    expect(doc.tag).toBe('{http://www.w3.org/2005/Atom}feed');
    const titles = doc.entries.map((e) => e.title);
    expect(titles).toContain(tricky.title);
    expect(titles).toContain(NASTY_TITLE);
    expect(titles).toContain('Sörmlandskonferens');
    expect(titles).not.toContain('Hemligt utkast');
    expect(titles).not.toContain('Inställd fältvandring');
    expect(doc.entries.find((e) => e.title === tricky.title)).toMatchObject({
      id: `http://samverka.test/evenemang/${tricky.id}`,
      link: `http://samverka.test/evenemang/${tricky.id}`,
    });
    // In start order.
    expect(titles.indexOf(NASTY_TITLE)).toBeLessThan(titles.indexOf(tricky.title));
    expect((await get('/feeds/all.atom', { 'if-none-match': res.headers.etag as string })).statusCode).toBe(304);
  });

  it('takes the same filters', async () => {
    const doc = parseAtom((await get('/feeds/all.atom?cluster=agro-sormland&kind=conference')).rawPayload);
    expect(doc.entries.map((e) => e.title)).toEqual(['Sörmlandskonferens']);
    expectPlainError(await get('/feeds/all.atom?theme=nope'), 404);
  });
});
