import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Event } from '@samverka/db';
import { markdownToText } from '../markdown.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { DEFAULT_ZONE } from '../time.ts';
import { buildVtimezone } from './vtimezone.ts';

/** Written by ical-generator as -//Samverka//Gröna kluster//SV (RFC 5545 §3.7.3). */
export const PRODID = { company: 'Samverka', product: 'Gröna kluster', language: 'SV' };
export type FeedLang = Lang;

/** What one VEVENT needs besides the event row. */
export interface IcsEventContext {
  leadName: string;
  organizerEmail: string | null;
  countyName: string | null;
  themeNames: string[];
  eventUrl: string;
  /**
   * Whether this calendar's reader may have the meeting link (URL in LOCATION and DESCRIPTION):
   * a confirmed participant's or an organiser's own calendar data. Left out, only a link the
   * organisers made public is written; otherwise the text says it is sent to participants.
   */
  showOnlineUrl?: boolean;
}

/**
 * One VEVENT (RFC 5545 §3.6.1) as folded text, made with ical-generator and cut out of the
 * calendar it builds. Deterministic for a given event revision, so it can be cached and reused.
 * DTSTAMP is the last change of the event: RFC 5545 §3.8.7.2 allows it for published calendars
 * and it keeps the text stable between builds.
 */
export function buildVevent(e: Event, ctx: IcsEventContext, lang: FeedLang, itip?: ItipParts): string {
  const cal = ical({ prodId: PRODID });
  const zone = e.timeZone || DEFAULT_ZONE;
  const cancelled = e.status === 'cancelled';
  const place = [e.venueName, e.address, ctx.countyName].filter(Boolean).join(', ');
  const t = textsFor(lang).feeds;
  const link = e.onlineUrl && (ctx.showOnlineUrl ?? e.onlineUrlPublic) ? e.onlineUrl : null;
  const descriptionParts = [
    cancelled && e.cancelReason ? t.cancelled(e.cancelReason) : null,
    markdownToText(e.description),
    link ? t.meetingLink(link) : e.onlineUrl ? textsFor(lang).linkForParticipants : null,
    ctx.eventUrl,
  ].filter((p): p is string => !!p);
  const start = e.allDay ? DateTime.fromISO(e.startDate!, { zone: 'UTC' }) : DateTime.fromJSDate(e.startsAt, { zone });
  const end = e.allDay ? DateTime.fromISO(e.endDate!, { zone: 'UTC' }).plus({ days: 1 }) : DateTime.fromJSDate(e.endsAt, { zone });
  // A wall-clock time in the hour repeated when the clocks go back is the first occurrence by
  // RFC 5545 §3.3.5, but ical.js and python-icalendar read the second: such an event is written
  // in UTC (§3.3.5 form 2), which every reader takes as the same instant.
  const inUtc = !e.allDay && (start.getPossibleOffsets().length > 1 || end.getPossibleOffsets().length > 1);
  cal.createEvent({
    id: e.uid,
    sequence: itip?.sequence ?? e.revision,
    stamp: DateTime.fromJSDate(itip?.stamp ?? e.updatedAt, { zone: 'UTC' }),
    lastModified: DateTime.fromJSDate(e.updatedAt, { zone: 'UTC' }),
    created: DateTime.fromJSDate(e.createdAt, { zone: 'UTC' }),
    allDay: e.allDay,
    // Luxon values in the event's zone: ical-generator then writes the wall-clock time under TZID
    // (a JS Date would be written in the server's own zone, see docs/toolchain.md).
    start,
    end,
    timezone: e.allDay || inUtc ? null : zone,
    summary: cancelled ? t.cancelled(e.title) : e.title,
    description: descriptionParts.join('\n\n'),
    url: ctx.eventUrl,
    location:
      place || e.lat !== null
        ? { title: place || link || ctx.eventUrl, ...(e.lat !== null && e.lng !== null ? { geo: { lat: e.lat, lon: e.lng } } : {}) }
        : link,
    categories: ctx.themeNames.map((name) => ({ name })),
    organizer: itip
      ? { name: paramText(itip.organizer.name), email: itip.organizer.email }
      : ctx.organizerEmail
        ? { name: paramText(ctx.leadName), email: ctx.organizerEmail }
        : null,
    attendees: itip
      ? [
          {
            name: paramText(itip.attendee.name),
            email: itip.attendee.email,
            role: ICalAttendeeRole.REQ,
            ...(itip.method === 'REQUEST' ? { status: ICalAttendeeStatus.ACCEPTED } : {}),
            rsvp: false,
          },
        ]
      : [],
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  const text = cal.toString();
  const from = text.indexOf('BEGIN:VEVENT');
  const to = text.indexOf('END:VEVENT') + 'END:VEVENT\r\n'.length;
  return text.slice(from, to);
}

/**
 * What turns a VEVENT into one of an iTIP message (RFC 5546): exactly one ORGANIZER, the one
 * ATTENDEE the message is for, DTSTAMP = when the message is made and the SEQUENCE it carries.
 */
export interface ItipParts {
  method: 'REQUEST' | 'CANCEL';
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  /** When the message is made: DTSTAMP of an object with a METHOD (RFC 5545 §3.8.7.2). */
  stamp: Date;
  /** The event's revision for a REQUEST; higher than the last REQUEST's for a CANCEL (RFC 5546 §2.1.4). */
  sequence: number;
}

/**
 * Text for a quoted parameter value such as CN: RFC 5545 §3.1 allows no DQUOTE there and has no
 * escape for it, and ical-generator's backslash escapes are not in the grammar (readers then cut
 * the property apart, or drop it): quotes become apostrophes, backslashes slashes.
 */
function paramText(text: string): string {
  return text.replace(/"/g, "'").replace(/\\/g, '/');
}

/** The VTIMEZONE block for a zone, with CRLF line ends (RFC 5545 §3.1): see vtimezone.ts. */
export function vtimezone(zone: string): string {
  return buildVtimezone(zone);
}

export interface CalendarHeader {
  name: string;
  description?: string;
  method?: 'PUBLISH' | 'REQUEST' | 'CANCEL';
  /** The zone calendar apps should show the feed in (X-WR-TIMEZONE). */
  timeZone?: string;
  ttlSeconds?: number;
}

/**
 * VCALENDAR header lines (without the closing line): PRODID, VERSION, METHOD, X-WR-CALNAME,
 * X-WR-TIMEZONE, REFRESH-INTERVAL and X-PUBLISHED-TTL. ical-generator also writes a
 * TIMEZONE-ID line, which is not in any RFC and which libical flags: it is removed.
 */
export function calendarHeader(h: CalendarHeader): string {
  // Every registration's iTIP message starts with the same header for its event: made once.
  const key = JSON.stringify([h.name, h.description, h.method, h.timeZone, h.ttlSeconds]);
  const hit = headers.get(key);
  if (hit !== undefined) return hit;
  const made = makeCalendarHeader(h);
  if (headers.size >= HEADERS_KEPT) headers.delete(headers.keys().next().value!);
  headers.set(key, made);
  return made;
}

/** Headers kept by their fields, the oldest dropped first beyond HEADERS_KEPT (one per event title and method). */
const headers = new Map<string, string>();
const HEADERS_KEPT = 500;

function makeCalendarHeader(h: CalendarHeader): string {
  const cal = ical({
    prodId: PRODID,
    name: h.name,
    description: h.description ?? null,
    method:
      h.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : h.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.PUBLISH,
    ttl: h.ttlSeconds ?? null,
    timezone: h.timeZone ? { name: h.timeZone } : null,
  });
  const text = cal.toString();
  return text
    .slice(0, text.indexOf('END:VCALENDAR'))
    .split('\r\n')
    .filter((line) => line && !line.startsWith('TIMEZONE-ID:'))
    .map((line) => `${line}\r\n`)
    .join('');
}

export function assembleCalendar(header: string, zones: Iterable<string>, vevents: string[]): string {
  let tz = '';
  for (const z of zones) tz += vtimezone(z);
  return `${header}${tz}${vevents.join('')}END:VCALENDAR\r\n`;
}

export interface DeadlineEntry {
  uid: string;
  title: string;
  summary: string;
  url: string | null;
  deadline: string;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  themeNames: string[];
}

/** A horizon-scanning deadline as an all-day entry (DATE values), marked as a deadline in its summary. */
export function buildDeadlineVevent(d: DeadlineEntry, boardUrl: string, lang: FeedLang): string {
  const cal = ical({ prodId: PRODID });
  const day = DateTime.fromISO(d.deadline, { zone: 'UTC' });
  cal.createEvent({
    id: d.uid,
    sequence: d.revision,
    stamp: DateTime.fromJSDate(d.updatedAt, { zone: 'UTC' }),
    lastModified: DateTime.fromJSDate(d.updatedAt, { zone: 'UTC' }),
    created: DateTime.fromJSDate(d.createdAt, { zone: 'UTC' }),
    allDay: true,
    start: day,
    end: day.plus({ days: 1 }),
    summary: textsFor(lang).feeds.deadline(d.title),
    description: [d.summary, d.url, boardUrl].filter(Boolean).join('\n\n'),
    url: d.url ?? boardUrl,
    categories: d.themeNames.map((name) => ({ name })),
    status: ICalEventStatus.CONFIRMED,
    // A deadline does not make anyone busy (RFC 5545 §3.8.2.7).
    transparency: ICalEventTransparency.TRANSPARENT,
  });
  const text = cal.toString();
  return text.slice(text.indexOf('BEGIN:VEVENT'), text.indexOf('END:VEVENT') + 'END:VEVENT\r\n'.length);
}

/**
 * A whole iTIP message for one participant (RFC 5546 §3.2.2 REQUEST, §3.2.5 CANCEL): METHOD,
 * the event's VTIMEZONE and one VEVENT with ORGANIZER and ATTENDEE, same UID as the feeds. Mail
 * it as `text/calendar; method=…` inside the multipart/alternative so calendar apps act on it.
 */
export function itipCalendar(e: Event, ctx: IcsEventContext, lang: FeedLang, itip: ItipParts, name: string): string {
  const header = calendarHeader({ name, method: itip.method });
  const zones = e.allDay ? [] : [e.timeZone || DEFAULT_ZONE];
  return assembleCalendar(header, zones, [buildVevent(e, ctx, lang, itip)]);
}
