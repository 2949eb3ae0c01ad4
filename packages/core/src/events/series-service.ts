import {
  LIMITS,
  type Series,
  type SeriesCreateBody,
  type SeriesPatchBody,
  type SeriesResult,
  type SeriesUpdateResult,
} from '@samverka/contracts';
import { and, asc, eq, gte } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { createRequire } from 'node:module';
import type * as RRuleModule from 'rrule';

// rrule (about 4 MB resident) is required when the first series is expanded, not at start: most
// processes never create one.
const requireAtUse = createRequire(import.meta.url);
let loadedRrule: typeof RRuleModule | undefined;
/** rrule's rrulestr (RFC 5545 §3.3.10 RRULE with its DTSTART). */
function rrulestr(text: string): ReturnType<typeof RRuleModule.rrulestr> {
  loadedRrule ??= requireAtUse('rrule') as typeof RRuleModule;
  return loadedRrule.rrulestr(text);
}
import { events, series, type Db } from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { singleLine } from '../escape.ts';
import { IN_THE_PAST, inThePast } from '../past-dates.ts';
import { assertZone, DEFAULT_ZONE, instantToLocal, parseDate } from '../time.ts';
import { canManageEvent, canSeeEvent } from './event-access.ts';
import { leadClusterId, resolveEventFields, type EventFields } from './event-input.ts';
import { applyEventPatch, assertCoordinatesLead, findClashes, insertEvent } from './event-service.ts';
import { organiserRefs } from './event-view.ts';

export const MAX_OCCURRENCES = 60;
const RULE_PARTS = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
]);
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A new series as the API takes it: an RRULE in the event's local time from firstDate, each meeting from startTime to endTime. */
export type SeriesInput = SeriesCreateBody;

/**
 * The local dates a rule yields. rrule works in "floating" time: the dates are computed as if
 * UTC and then read as wall-clock dates in the event's zone, so "second Tuesday at 10:00"
 * stays at 10:00 through the change to and from summer time.
 */
export function occurrenceDates(rule: string, firstDate: string): string[] {
  // RFC 5545 names and values are case-insensitive; rrule reads only upper case.
  const body = rule
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase();
  if (!/^[A-Z0-9=;,+\-:]+$/i.test(body) || !/FREQ=/i.test(body)) {
    throw new DomainError(
      'invalid',
      'invalid_rrule',
      'The recurrence rule must be an RFC 5545 RRULE such as FREQ=MONTHLY;BYDAY=+2TU;COUNT=10',
      [{ field: 'rrule', code: 'invalid_format', message: 'not an RRULE', params: { format: 'RRULE' } }],
    );
  }
  // Only the rule parts of RFC 5545 §3.3.10: rrule also reads DTSTART and TZID here, which
  // would let the rule override firstDate.
  const unknownPart = body.split(';').find((part) => part !== '' && !RULE_PARTS.has(part.split('=')[0]!));
  if (unknownPart !== undefined) {
    throw new DomainError('invalid', 'invalid_rrule', `"${unknownPart.slice(0, 40)}" is not a part of a recurrence rule`, [
      { field: 'rrule', code: 'invalid_format', message: 'unknown rule part', params: { format: 'RRULE' } },
    ]);
  }
  assertFeasible(body);
  if (!/COUNT=|UNTIL=/.test(body)) {
    throw new DomainError('invalid', 'unbounded_rrule', `The rule must end: give COUNT (at most ${MAX_OCCURRENCES}) or UNTIL`, [
      { field: 'rrule', code: 'unbounded', message: 'needs COUNT or UNTIL' },
    ]);
  }
  const start = parseDate(firstDate, 'firstDate');
  let dates: Date[];
  try {
    const r = rrulestr(`DTSTART:${start.toFormat("yyyyMMdd'T'000000'Z'")}\nRRULE:${body}`);
    dates = r.all((_d, i) => i < MAX_OCCURRENCES + 1);
  } catch {
    // rrule's messages speak of its internals ("Invalid frequency: undefined undefined",
    // TypeErrors), not of what the user typed.
    throw new DomainError(
      'invalid',
      'invalid_rrule',
      'The recurrence rule cannot be read: check FREQ, BYDAY and the other parts against RFC 5545',
      [{ field: 'rrule', code: 'invalid_format', message: 'cannot be parsed', params: { format: 'RRULE' } }],
    );
  }
  if (dates.length === 0)
    throw new DomainError('invalid', 'empty_rrule', 'The rule gives no dates', [
      { field: 'rrule', code: 'no_occurrences', message: 'no occurrences' },
    ]);
  if (dates.length > MAX_OCCURRENCES)
    throw new DomainError('invalid', 'too_many_occurrences', `A series has at most ${MAX_OCCURRENCES} meetings`, [
      { field: 'rrule', code: 'too_many', message: `more than ${MAX_OCCURRENCES} occurrences`, params: { max: MAX_OCCURRENCES } },
    ]);
  const days = dates.map((d) => DateTime.fromJSDate(d, { zone: 'UTC' }).toISODate()!);
  // Each occurrence is a whole meeting on its own date at startTime: a sub-daily rule
  // (FREQ=HOURLY, BYHOUR=9,13) would give several identical meetings on one day.
  if (new Set(days).size !== days.length) {
    throw new DomainError('invalid', 'rrule_same_day', 'The rule gives more than one meeting on the same day; use FREQ=DAILY or longer', [
      { field: 'rrule', code: 'several_per_day', message: 'two occurrences on one day' },
    ]);
  }
  return days;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * rrule searches up to the year 9999 for the next match, one period at a time, so a rule that
 * can never match (30 February, a set position past the end of the set) would keep the server
 * busy for seconds or minutes. Meetings need only day-level rules; the combinations that could
 * match nothing are refused before expanding.
 */
function assertFeasible(body: string): void {
  const parts = new Map(
    body
      .split(';')
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
  const refuse = (message: string, code: 'unsupported_rrule' | 'rrule_same_day' | 'invalid_rrule' = 'unsupported_rrule') => {
    const detail: ErrorDetail =
      code === 'unsupported_rrule'
        ? { field: 'rrule', code: 'unsupported', message }
        : code === 'rrule_same_day'
          ? { field: 'rrule', code: 'several_per_day', message }
          : { field: 'rrule', code: 'invalid_format', message, params: { format: 'RRULE' } };
    throw new DomainError('invalid', code, message, [detail]);
  };
  const freq = parts.get('FREQ');
  if (freq === 'HOURLY' || freq === 'MINUTELY' || freq === 'SECONDLY')
    refuse('The rule gives more than one meeting on the same day; use FREQ=DAILY or longer', 'rrule_same_day');
  if (!freq || !['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(freq))
    refuse('The recurrence rule cannot be read: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY', 'invalid_rrule');
  for (const p of ['BYSECOND', 'BYMINUTE', 'BYHOUR'])
    if (parts.has(p))
      refuse('The rule gives more than one meeting on the same day; times come from startTime and endTime', 'rrule_same_day');
  for (const p of ['BYYEARDAY', 'BYWEEKNO'])
    if (parts.has(p)) refuse(`${p} is not supported for meeting series; use BYDAY, BYMONTHDAY and BYMONTH`);
  if (parts.has('BYSETPOS') && freq !== 'MONTHLY' && freq !== 'YEARLY') refuse('BYSETPOS is supported with FREQ=MONTHLY or YEARLY');
  const numbers = (p: string) => (parts.get(p) ?? '').split(',').filter(Boolean).map(Number);
  const monthDays = numbers('BYMONTHDAY');
  const months = parts.has('BYMONTH') ? numbers('BYMONTH') : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  if (
    monthDays.some((d) => !Number.isInteger(d) || d === 0 || Math.abs(d) > 31) ||
    months.some((m) => !Number.isInteger(m) || m < 1 || m > 12)
  )
    refuse('BYMONTHDAY must be 1 to 31 (or -1 to -31) and BYMONTH 1 to 12');
  if (monthDays.length && !months.some((m) => monthDays.some((d) => Math.abs(d) <= DAYS_IN_MONTH[m - 1]!)))
    refuse('No month in the rule has that day (for example 30 February)');
}

function checkTime(value: string, field: string): string {
  if (!TIME.test(value))
    throw new DomainError('invalid', 'invalid_time', `${field} must look like 10:00`, [
      { field, code: 'invalid_format', message: 'expected HH:mm', params: { format: 'HH:mm' } },
    ]);
  return value;
}

/**
 * Creates a meeting series: one event per date of the RRULE from firstDate, at startTime to
 * endTime in the zone, drafts unless `publish`. Published at once, a series with a meeting that
 * ended at or before `now` is refused as publishEvent refuses a past event (422 in_the_past,
 * detail firstDate) unless `evenIfPast` says the organiser means it; the web page warns and
 * offers "publish anyway".
 */
export function createSeries(db: Db, actor: Actor | null, input: SeriesInput, now = new Date()): SeriesResult {
  const a = requireActor(actor);
  const leadId = leadClusterId(db, input.leadCluster);
  assertCoordinatesLead(a, leadId);
  const zone = assertZone(input.timeZone ?? DEFAULT_ZONE);
  checkTime(input.startTime, 'startTime');
  checkTime(input.endTime, 'endTime');
  const dates = occurrenceDates(input.rrule, input.firstDate);
  const { rrule, firstDate, startTime, endTime, publish, evenIfPast, leadCluster, ...fields } = input;
  void leadCluster;
  void firstDate;
  // Validate every occurrence before writing any (a skipped local time fails the whole series).
  const all = dates.map((d) =>
    resolveEventFields(db, { ...fields, timeZone: zone, allDay: false, start: `${d}T${startTime}`, end: `${d}T${endTime}` }),
  );
  if (publish && !evenIfPast && all.some((c) => c.endsAt <= now))
    throw new DomainError('rule', IN_THE_PAST, 'Some meetings of the series are already over; publish anyway only if that is meant', [
      inThePast('firstDate'),
    ]);
  const result = db.transaction((tx) => {
    const s = tx
      .insert(series)
      .values({
        title: singleLine(input.title, LIMITS.title),
        rrule: rrule.trim().replace(/^RRULE:/i, ''),
        timeZone: zone,
        leadClusterId: leadId,
        createdBy: a.userId,
        createdAt: now,
      })
      .returning({ id: series.id })
      .get();
    const ids = all.map((cols) => insertEvent(tx, a, leadId, cols, now, { seriesId: s.id, status: publish ? 'published' : 'draft' }));
    return { seriesId: s.id, eventIds: ids };
  });
  const clashes = all
    .flatMap((c, i) => findClashes(db, c.startsAt, c.endsAt, result.eventIds[i]))
    .filter((c) => !result.eventIds.includes(c.id));
  return { ...result, clashes };
}

/**
 * Edits one occurrence and every later one in its series ("this and following"). Times of day
 * are applied to each occurrence's own date, so the meetings keep their dates.
 */
export function updateSeriesFrom(
  db: Db,
  actor: Actor | null,
  seriesId: number,
  eventId: number,
  patch: SeriesPatchBody,
  now = new Date(),
): SeriesUpdateResult {
  const a = requireActor(actor);
  const first = db.select().from(events).where(eq(events.id, eventId)).get();
  if (!first) throw new DomainError('not_found', 'unknown_event', `There is no event ${eventId}`);
  if (first.seriesId !== seriesId)
    throw new DomainError('not_found', 'not_in_series', `Event ${eventId} is not part of series ${seriesId}`);
  if (!canManageEvent(a, organiserRefs(db, eventId))) throw forbidden('Only the organising clusters of this series may change it');
  if (patch.startTime) checkTime(patch.startTime, 'startTime');
  if (patch.endTime) checkTime(patch.endTime, 'endTime');
  const rows = db
    .select()
    .from(events)
    .where(and(eq(events.seriesId, first.seriesId), gte(events.startsAt, first.startsAt)))
    .orderBy(asc(events.startsAt))
    .all()
    .filter((r) => r.status !== 'cancelled' && canManageEvent(a, organiserRefs(db, r.id)));
  const { startTime, endTime, ...fields } = patch;
  db.transaction((tx) => {
    for (const row of rows) {
      const zone = fields.timeZone ?? row.timeZone;
      const date = instantToLocal(row.startsAt, row.timeZone).slice(0, 10);
      const times: EventFields = {};
      if (startTime) times.start = `${date}T${startTime}`;
      else if (fields.timeZone) times.start = instantToLocal(row.startsAt, row.timeZone);
      if (endTime) times.end = `${date}T${endTime}`;
      else if (fields.timeZone) times.end = instantToLocal(row.endsAt, row.timeZone);
      applyEventPatch(tx, db, a, row, { ...fields, ...times, timeZone: zone }, now, 'series_updated');
    }
  });
  return { eventIds: rows.map((r) => r.id) };
}

/** A series and its occurrences; drafts only for those who may see them, and 404 when none is visible. */
export function getSeries(db: Db, actor: Actor | null, id: number): Series {
  const s = db.select().from(series).where(eq(series.id, id)).get();
  if (!s) throw new DomainError('not_found', 'unknown_series', `There is no series ${id}`);
  const occurrences = db
    .select({ id: events.id, startsAt: events.startsAt, status: events.status, visibility: events.visibility })
    .from(events)
    .where(eq(events.seriesId, id))
    .orderBy(asc(events.startsAt))
    .all()
    .filter((o) => canSeeEvent(actor, o.status, organiserRefs(db, o.id), o.visibility));
  if (occurrences.length === 0) throw new DomainError('not_found', 'unknown_series', `There is no series ${id}`);
  return {
    id: s.id,
    title: s.title,
    rrule: s.rrule,
    timeZone: s.timeZone,
    occurrences: occurrences.map((o): Series['occurrences'][number] => ({
      id: o.id,
      startsAt: o.startsAt.toISOString(),
      status: o.status,
    })),
  };
}
