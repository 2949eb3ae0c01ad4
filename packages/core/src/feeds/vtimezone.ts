import { DateTime, IANAZone } from 'luxon';

/**
 * VTIMEZONE components (RFC 5545 §3.6.5) made from the runtime's own time-zone data through
 * luxon, so a reader resolving a TZID gets exactly the offsets the rest of the product uses.
 * Bundled VTIMEZONE collections lag behind the IANA database: zones that dropped or moved
 * daylight saving time would be written with old rules and put events an hour off.
 *
 * The component lists every offset change from January of (year − PAST_YEARS) to the end of
 * (year + FUTURE_YEARS) as its own observance (one DTSTART each, no RRULE). When the changes of
 * the last years follow a yearly rule ("last Sunday of March at 02:00"), that rule is added as
 * RRULE observances from the following year on, so dates beyond the listed years stay right for
 * as long as the zone keeps its current rules. A zone without changes gets one STANDARD
 * observance.
 */

const PAST_YEARS = 2;
const FUTURE_YEARS = 4;
const WEEK_MS = 7 * 86_400_000;
const MINUTE_MS = 60_000;
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

interface Transition {
  /** The instant of the change (ms since the epoch, UTC). */
  at: number;
  /** Offsets before and after, in minutes east of UTC. */
  from: number;
  to: number;
}

/** The UTC offsets (minutes) of an IANA zone at an instant, as luxon computes them. */
function offsetAt(zone: IANAZone, ms: number): number {
  return zone.offset(ms);
}

/** Every offset change in [startMs, endMs), found week by week and narrowed to the minute. */
function transitions(zone: IANAZone, startMs: number, endMs: number): Transition[] {
  const found: Transition[] = [];
  let prevMs = startMs;
  let prev = offsetAt(zone, prevMs);
  for (let ms = startMs + WEEK_MS; ms < endMs + WEEK_MS; ms += WEEK_MS) {
    const next = offsetAt(zone, ms);
    if (next !== prev) {
      let lo = prevMs;
      let hi = ms;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetAt(zone, mid) === prev) lo = mid;
        else hi = mid;
      }
      // Zone changes fall on whole minutes: hi is the first minute with the new offset.
      found.push({ at: hi, from: prev, to: next });
    }
    prevMs = ms;
    prev = next;
  }
  return found;
}

/** ±HHMM (or ±HHMMSS) as RFC 5545 §3.3.14 writes a UTC offset. */
function utcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** The wall-clock time just before a change, in the offset that was in force (§3.6.5 DTSTART). */
function localOnset(t: Transition): DateTime {
  return DateTime.fromMillis(t.at + t.from * MINUTE_MS, { zone: 'UTC' });
}

function localStamp(local: DateTime): string {
  return local.toFormat("yyyyMMdd'T'HHmmss");
}

/** Daylight time is the larger of the year's offsets (luxon's isInDST uses the same rule). */
function isDaylight(zone: IANAZone, t: Transition): boolean {
  const year = DateTime.fromMillis(t.at, { zone: 'UTC' }).year;
  const jan = offsetAt(zone, Date.UTC(year, 0, 1));
  const jul = offsetAt(zone, Date.UTC(year, 6, 1));
  return jan !== jul && t.to > Math.min(jan, jul);
}

/** One formatter per locale and zone: making an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const nameFormats = ['en-GB', 'en-US'].map((locale) => (zone: string) => {
  const key = `${locale}|${zone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
    formatters.set(key, format);
  }
  return format;
});

/**
 * TZNAME (§3.8.3.2), descriptive only: the runtime's abbreviation ("CEST", "EDT") where one of
 * the English locales has it, else its "GMT+5:30" form.
 */
function zoneName(zone: string, ms: number): string {
  let fallback = '';
  for (const format of nameFormats) {
    const name =
      format(zone)
        .formatToParts(ms)
        .find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (/^[A-Z]{2,6}$/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

function observance(kind: 'STANDARD' | 'DAYLIGHT', dtstart: string, from: number, to: number, name: string, rrule?: string): string[] {
  return [
    `BEGIN:${kind}`,
    `DTSTART:${dtstart}`,
    ...(rrule ? [`RRULE:${rrule}`] : []),
    `TZOFFSETFROM:${utcOffset(from)}`,
    `TZOFFSETTO:${utcOffset(to)}`,
    ...(name ? [`TZNAME:${name}`] : []),
    `END:${kind}`,
  ];
}

/** The RRULE (RFC 5545 §3.3.10) of a change on this weekday of the month: counted from the end ("last") or the start. */
function yearlyRule(local: DateTime, ordinal: 'first' | 'last'): string {
  const day = DAYS[local.weekday - 1];
  const n = ordinal === 'last' ? -1 : Math.ceil(local.day / 7);
  return `FREQ=YEARLY;BYMONTH=${local.month};BYDAY=${n}${day}`;
}

/**
 * The yearly rules the zone's last changes follow, or null: every year of the window must have
 * the same number of changes, each on the same month, weekday, ordinal and wall-clock time,
 * with the same offsets.
 */
function regularRules(byYear: Transition[][]): { rrule: string; time: string; t: Transition }[] | null {
  const perYear = byYear[0]?.length ?? 0;
  if (perYear === 0 || byYear.some((ts) => ts.length !== perYear)) return null;
  const rules: { rrule: string; time: string; t: Transition }[] = [];
  for (let i = 0; i < perYear; i++) {
    const onsets = byYear.map((ts) => ({ t: ts[i]!, local: localOnset(ts[i]!) }));
    const first = onsets[0]!;
    let chosen: string | null = null;
    for (const ordinal of ['last', 'first'] as const) {
      const rule = yearlyRule(first.local, ordinal);
      const fits = onsets.every(({ t, local }) => {
        if (t.from !== first.t.from || t.to !== first.t.to) return false;
        if (local.toFormat('HHmmss') !== first.local.toFormat('HHmmss')) return false;
        if (ordinal === 'last' && local.day + 7 <= local.daysInMonth!) return false;
        return yearlyRule(local, ordinal) === rule;
      });
      if (fits) {
        chosen = rule;
        break;
      }
    }
    if (!chosen) return null;
    rules.push({ rrule: chosen, time: first.local.toFormat('HHmmss'), t: first.t });
  }
  return rules;
}

const cache = new Map<string, string>();

/**
 * The VTIMEZONE block for an IANA zone, with CRLF line ends and a final CRLF, or '' for a zone
 * the runtime does not know. `now` picks the years covered (see the module comment); the block
 * is cached per zone and year.
 */
export function buildVtimezone(tzid: string, now = new Date()): string {
  const zone = IANAZone.create(tzid);
  if (!zone.isValid) return '';
  const year = now.getUTCFullYear();
  const key = `${tzid}|${year}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;

  const firstYear = year - PAST_YEARS;
  const lastListedYear = year + FUTURE_YEARS;
  const startMs = Date.UTC(firstYear, 0, 1);
  // Look two years further to learn whether the changes follow a yearly rule.
  const all = transitions(zone, startMs, Date.UTC(lastListedYear + 3, 0, 1));
  const yearOf = (t: Transition) => localOnset(t).year;
  const listed = all.filter((t) => yearOf(t) <= lastListedYear);
  const tail = [lastListedYear - 1, lastListedYear, lastListedYear + 1, lastListedYear + 2].map((y) => all.filter((t) => yearOf(t) === y));
  const rules = listed.length > 0 ? regularRules(tail) : null;

  const lines = ['BEGIN:VTIMEZONE', `TZID:${tzid}`, `X-LIC-LOCATION:${tzid}`];
  const initial = offsetAt(zone, startMs);
  if (listed.length === 0) {
    lines.push(...observance('STANDARD', '19700101T000000', initial, initial, zoneName(tzid, startMs)));
  } else {
    // The offset in force from the start of the covered years until the first change.
    const startKind = isDaylight(zone, { at: startMs, from: initial, to: initial }) ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      ...observance(
        startKind,
        localStamp(DateTime.fromMillis(startMs + initial * MINUTE_MS, { zone: 'UTC' })),
        initial,
        initial,
        zoneName(tzid, startMs),
      ),
    );
    for (const t of listed) {
      lines.push(
        ...observance(isDaylight(zone, t) ? 'DAYLIGHT' : 'STANDARD', localStamp(localOnset(t)), t.from, t.to, zoneName(tzid, t.at)),
      );
    }
    if (rules) {
      const nextYear = tail[2]!;
      rules.forEach((rule, i) => {
        const t = nextYear[i]!;
        lines.push(
          ...observance(
            isDaylight(zone, t) ? 'DAYLIGHT' : 'STANDARD',
            localStamp(localOnset(t)),
            t.from,
            t.to,
            zoneName(tzid, t.at),
            rule.rrule,
          ),
        );
      });
    }
  }
  lines.push('END:VTIMEZONE');
  const block = `${lines.join('\r\n')}\r\n`;
  cache.set(key, block);
  return block;
}
