// Wall-clock times of instants, fast: lists, calendars, feeds and reports turn thousands of
// instants into local times per answer, and Intl's formatToParts costs microseconds each time.
// A zone's UTC offset changes a few times a year, so it is looked up once per quarter hour of
// time and kept; the local fields then come from plain arithmetic.

const QUARTER_HOUR_MS = 900_000;
/** Quarter hours kept per zone before its table starts over (about 200 days' worth; bounded memory). */
const MAX_BUCKETS_PER_ZONE = 20_000;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetTables = new Map<string, Map<number, number>>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

/** The offset in ms from UTC in force in `zone` at `ms`, asked of Intl (seconds included: old local mean times have them). */
function offsetFromIntl(ms: number, zone: string): number {
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const part of partsFormatter(zone).formatToParts(ms)) {
    if (part.type === 'year') y = Number(part.value);
    else if (part.type === 'month') mo = Number(part.value);
    else if (part.type === 'day') d = Number(part.value);
    else if (part.type === 'hour') h = Number(part.value);
    else if (part.type === 'minute') mi = Number(part.value);
    else if (part.type === 'second') s = Number(part.value);
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The offset from UTC in ms that `zone` (an IANA name the runtime knows) has at the instant `ms`
 * (ms since the epoch). Kept per quarter hour: a quarter hour whose start and end have the same
 * offset has it throughout (zones change at most a few times a year); one with a change inside
 * is asked of Intl every time.
 */
export function zoneOffsetMs(ms: number, zone: string): number {
  let table = offsetTables.get(zone);
  if (!table) {
    table = new Map();
    offsetTables.set(zone, table);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  const known = table.get(bucket);
  if (known !== undefined) return known;
  const start = bucket * QUARTER_HOUR_MS;
  const first = offsetFromIntl(start, zone);
  const last = offsetFromIntl(start + QUARTER_HOUR_MS - 1, zone);
  if (first !== last) return offsetFromIntl(ms, zone);
  if (table.size >= MAX_BUCKETS_PER_ZONE) table.clear();
  table.set(bucket, first);
  return first;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * The instant `ms` as wall-clock time in `zone`: "YYYY-MM-DDTHH:mm" (seconds dropped, never
 * rounded), as Intl writes it for years 1000–9999; other years go through Intl itself.
 */
export function wallClock(ms: number, zone: string): string {
  const local = new Date(ms + zoneOffsetMs(ms, zone));
  const y = local.getUTCFullYear();
  if (y < 1000 || y > 9999) {
    const p: Record<string, string> = {};
    for (const part of partsFormatter(zone).formatToParts(ms)) p[part.type] = part.value;
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
  }
  return `${y}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}T${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

const spokenFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as a mail says it to a reader: the full date and the time, in `zone` (an IANA
 * name), in the language of `locale` (a BCP 47 tag such as "sv-SE") — "torsdag 20 januari 2028
 * kl. 12:00". Formatters are kept per locale and zone (a few dozen at most), since a mail batch
 * says thousands of times.
 */
export function spokenDateTime(at: Date, zone: string, locale: string): string {
  const key = `${locale}|${zone}`;
  let f = spokenFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: zone });
    spokenFormatters.set(key, f);
  }
  return f.format(at);
}
