import { DateTime, IANAZone } from 'luxon';
import { BoundedCache } from './bounded-cache.ts';
import { DomainError } from './errors.ts';
import { wallClock } from './time-format.ts';

export const DEFAULT_ZONE = 'Europe/Stockholm';
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An IANA time-zone name as the runtime spells it canonically ("europe/stockholm" →
 * "Europe/Stockholm", "US/Eastern" → "America/New_York"), so every TZID written in a calendar
 * is the name its VTIMEZONE is made for. Throws DomainError `invalid_time_zone` (400) for a name
 * the runtime does not know.
 */
export function assertZone(zone: string, field = 'timeZone'): string {
  if (!IANAZone.isValidZone(zone))
    throw new DomainError('invalid', 'invalid_time_zone', `"${zone}" is not an IANA time zone`, [
      { field, code: 'invalid_time_zone', message: 'unknown time zone' },
    ]);
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

/**
 * A wall-clock time ("2027-03-28T02:30") in a zone, as an instant. Refuses times that do not
 * exist there (skipped by the change to summer time), which luxon would silently move.
 * An ambiguous time (the repeated hour in autumn) is taken at its first occurrence.
 */
export function localToInstant(local: string, zone: string, field: string): DateTime {
  const m = LOCAL.exec(local);
  if (!m)
    throw new DomainError('invalid', 'invalid_datetime', `${field} must look like 2027-05-14T09:30`, [
      { field, code: 'invalid_format', message: 'expected YYYY-MM-DDTHH:mm', params: { format: 'YYYY-MM-DDTHH:mm' } },
    ]);
  const [, y, mo, d, h, mi] = m.map(Number);
  const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi }, { zone });
  // luxon takes hour 24 as midnight of the next day; that is not a time the user can mean here.
  if (!dt.isValid || h! > 23)
    throw new DomainError('invalid', 'invalid_datetime', `${field} is not a real date and time: ${local}`, [
      { field, code: 'invalid_date', message: 'not a real date/time' },
    ]);
  if (dt.year !== y || dt.month !== mo || dt.day !== d || dt.hour !== h || dt.minute !== mi) {
    throw new DomainError('invalid', 'nonexistent_local_time', `${local} does not exist in ${zone}: the clocks skip that hour`, [
      { field, code: 'nonexistent_local_time', message: 'this local time is skipped by the change to summer time' },
    ]);
  }
  // luxon resolves a repeated hour to its second occurrence; RFC 5545 §3.3.5 (and so every
  // calendar reading our TZID times) takes the first: the same wall clock under the offset
  // in force a few hours before, when that offset was larger.
  const before = dt.minus({ hours: 3 }).offset;
  if (before > dt.offset) {
    const first = dt.minus({ minutes: before - dt.offset });
    if (first.offset === before && first.day === d && first.hour === h && first.minute === mi) return first;
  }
  return dt;
}

export function parseDate(value: string, field: string): DateTime {
  const m = DATE.exec(value);
  const dt = m ? DateTime.fromISO(value, { zone: 'UTC' }) : null;
  if (!dt?.isValid)
    throw new DomainError('invalid', 'invalid_date', `${field} must be a date like 2027-05-14`, [
      { field, code: 'invalid_date', message: 'expected YYYY-MM-DD', params: { format: 'YYYY-MM-DD' } },
    ]);
  return dt;
}

/** The instant as wall-clock time in the zone, "YYYY-MM-DDTHH:mm". */
export function instantToLocal(at: Date, zone: string): string {
  // This runs twice for every event of every list: a kept offset per zone (time-format.ts)
  // instead of Intl's formatToParts on each call.
  return wallClock(at.getTime(), zone);
}

/** Midnight at the start of a calendar date in a zone. */
export function startOfDate(date: string, zone: string): DateTime {
  return DateTime.fromISO(date, { zone }).startOf('day');
}

/** An instant as Date#toISOString writes it (what the web sends for "from now"). */
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Dates and wall-clock minutes already read, by zone and text, as epoch ms (512 of them; each key under 60 characters). */
const wallBoundaries = new BoundedCache<number>(512, 512 * 128);

/**
 * A filter boundary: a date is midnight in the zone; a date-time without offset is wall-clock
 * time there; one with an offset or Z is that instant. Throws DomainError invalid_datetime.
 */
export function boundaryToDate(value: string, field: string, zone = DEFAULT_ZONE): Date {
  // Every calendar month asks for the same first days, and luxon's parse costs more than the
  // query they bound: the zone-relative forms are kept, a UTC instant needs no zone at all.
  if (UTC_ISO.test(value)) {
    const at = new Date(value);
    // A valid instant writes back to the same text; anything else is left to luxon to refuse.
    if (!Number.isNaN(at.getTime()) && at.toISOString() === value) return at;
  }
  const key = value.length <= 16 ? `${zone} ${value}` : null;
  const kept = key === null ? undefined : wallBoundaries.get(key);
  if (kept !== undefined) return new Date(kept);
  const dt = DateTime.fromISO(value, { zone, setZone: false });
  if (!dt.isValid)
    throw new DomainError('invalid', 'invalid_datetime', `${field} is not a date or date-time: ${value}`, [
      { field, code: 'invalid_date', message: 'invalid date' },
    ]);
  if (key !== null) {
    wallBoundaries.set(key, dt.toMillis(), 2 * key.length + 8);
  }
  return dt.toJSDate();
}
