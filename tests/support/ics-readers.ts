import ICAL from 'ical.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Independent readers of the ICS we publish: ical.js (what web calendars use), Debian's
 * python3-icalendar and khal. Each reduces a calendar to the same plain shape, so a test can
 * ask that all of them read the same instants and texts back.
 */

/** One VEVENT as a reader understood it. Instants are UTC ("2027-03-28T00:30:00Z"), all-day values dates ("2027-06-01"). */
export interface ReadEvent {
  uid: string;
  sequence: number | null;
  status: string | null;
  summary: string;
  description: string | null;
  location: string | null;
  url: string | null;
  start: string;
  end: string | null;
  allDay: boolean;
  /** The TZID parameter of DTSTART, if any. */
  tzid: string | null;
  categories: string[];
  geo: [number, number] | null;
  organizer: { email: string; name: string | null } | null;
  dtstamp: string | null;
  lastModified: string | null;
}

export interface ReadCalendar {
  props: Record<string, string>;
  timezones: string[];
  events: ReadEvent[];
}

/** The ICS after unfolding (RFC 5545 §3.1): CRLF followed by one space or tab is removed. */
export function unfold(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}

/** Each physical line (without its CRLF) with its length in octets. */
export function physicalLines(text: string): { line: string; octets: number }[] {
  const body = text.endsWith('\r\n') ? text.slice(0, -2) : text;
  return body.split('\r\n').map((line) => ({ line, octets: Buffer.byteLength(line, 'utf8') }));
}

/** The raw (still escaped) value of every content line with that name, after unfolding. */
export function rawValues(text: string, name: string): string[] {
  const out: string[] = [];
  for (const line of unfold(text).split('\r\n')) {
    const m = /^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (m && m[1]!.toUpperCase() === name.toUpperCase()) out.push(m[3]!);
  }
  return out;
}

const isoUtc = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

function timeValue(t: ICAL.Time): string {
  if (t.isDate) return t.toString();
  if (t.zone === ICAL.Timezone.localTimezone) throw new Error(`floating time ${t.toString()}: its TZID was not resolved`);
  return isoUtc(t.toJSDate());
}

/** Parses with ical.js, registering every VTIMEZONE first so that TZID times resolve to instants. */
export function readWithIcalJs(text: string): ReadCalendar {
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== 'vcalendar') throw new Error(`not a VCALENDAR but ${root.name}`);
  const timezones: string[] = [];
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(vtz);
    timezones.push(String(vtz.getFirstPropertyValue('tzid')));
  }
  const props: Record<string, string> = {};
  for (const p of root.getAllProperties()) props[p.name.toUpperCase()] = String(p.getFirstValue());
  const events = root.getAllSubcomponents('vevent').map((vevent): ReadEvent => {
    const ev = new ICAL.Event(vevent);
    const str = (name: string) => {
      const v = vevent.getFirstPropertyValue(name);
      return v === null || v === undefined ? null : String(v);
    };
    const dtstart = vevent.getFirstProperty('dtstart');
    if (!dtstart) throw new Error(`VEVENT ${ev.uid} has no DTSTART`);
    const organizer = vevent.getFirstProperty('organizer');
    const geo = vevent.getFirstPropertyValue('geo') as unknown as [number, number] | null;
    const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time | null;
    const modified = vevent.getFirstPropertyValue('last-modified') as ICAL.Time | null;
    const seq = str('sequence');
    return {
      uid: ev.uid,
      sequence: seq === null ? null : Number(seq),
      status: str('status'),
      summary: ev.summary,
      description: str('description'),
      location: str('location'),
      url: str('url'),
      start: timeValue(ev.startDate),
      end: ev.endDate ? timeValue(ev.endDate) : null,
      allDay: ev.startDate.isDate,
      tzid: (dtstart.getParameter('tzid') as string | undefined) ?? null,
      categories: vevent.getAllProperties('categories').flatMap((p) => p.getValues().map(String)),
      geo: geo ? [Number(geo[0]), Number(geo[1])] : null,
      organizer: organizer
        ? {
            email: String(organizer.getFirstValue()).replace(/^mailto:/i, ''),
            name: (organizer.getParameter('cn') as string | undefined) ?? null,
          }
        : null,
      dtstamp: stamp ? timeValue(stamp) : null,
      lastModified: modified ? timeValue(modified) : null,
    };
  });
  return { props, timezones, events };
}

// Debian's python3-icalendar reads the calendar from stdin and prints the same shape as JSON.
// Aware datetimes only: a TZID it could not resolve would come back naive and fail here.
const PYTHON_READER = `
import sys, json, datetime
import icalendar

def when(v):
    if v is None:
        return None
    d = v.dt
    if isinstance(d, datetime.datetime):
        if d.tzinfo is None or d.utcoffset() is None:
            raise SystemExit('floating time %s: TZID not resolved' % d.isoformat())
        return d.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    return d.isoformat()

def text(v):
    return None if v is None else str(v)

cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
props = {}
for k, v in cal.property_items(recursive=False):
    if k not in ('BEGIN', 'END'):
        props[k] = str(v) if isinstance(v, str) else v.to_ical().decode('utf-8')
events = []
for ev in cal.walk('VEVENT'):
    start = ev.get('DTSTART')
    cats = []
    c = ev.get('CATEGORIES')
    for item in (c if isinstance(c, list) else [c] if c is not None else []):
        cats.extend(str(x) for x in item.cats)
    geo = ev.get('GEO')
    org = ev.get('ORGANIZER')
    seq = ev.get('SEQUENCE')
    events.append({
        'uid': text(ev.get('UID')),
        'sequence': None if seq is None else int(seq),
        'status': text(ev.get('STATUS')),
        'summary': text(ev.get('SUMMARY')),
        'description': text(ev.get('DESCRIPTION')),
        'location': text(ev.get('LOCATION')),
        'url': text(ev.get('URL')),
        'start': when(start),
        'end': when(ev.get('DTEND')),
        'allDay': not isinstance(start.dt, datetime.datetime),
        'tzid': start.params.get('TZID'),
        'categories': cats,
        'geo': None if geo is None else [geo.latitude, geo.longitude],
        'organizer': None if org is None else {'email': str(org)[7:] if str(org).lower().startswith('mailto:') else str(org), 'name': org.params.get('CN')},
        'dtstamp': when(ev.get('DTSTAMP')),
        'lastModified': when(ev.get('LAST-MODIFIED')),
    })
print(json.dumps({'props': props, 'timezones': [str(tz.get('TZID')) for tz in cal.walk('VTIMEZONE')], 'events': events}))
`;

/** Parses with Debian's python3-icalendar (/usr/bin/python3: the python3 first on PATH lacks Debian's modules). */
export function readWithPython(text: string): ReadCalendar {
  const out = execFileSync('/usr/bin/python3', ['-c', PYTHON_READER], { input: Buffer.from(text, 'utf8'), maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as ReadCalendar;
}

/** Both readers; throws unless they agree on every field of every event. */
export function readBoth(text: string): ReadCalendar {
  const js = readWithIcalJs(text);
  const py = readWithPython(text);
  const norm = (events: ReadEvent[]) => [...events].sort((a, b) => a.uid.localeCompare(b.uid));
  const a = norm(js.events);
  const b = norm(py.events);
  if (a.length !== b.length) throw new Error(`ical.js read ${a.length} events, python3-icalendar ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    for (const key of Object.keys(a[i]!) as (keyof ReadEvent)[]) {
      if (JSON.stringify(a[i]![key]) !== JSON.stringify(b[i]![key])) {
        throw new Error(
          `readers disagree on ${key} of ${a[i]!.uid}: ical.js ${JSON.stringify(a[i]![key])}, python3-icalendar ${JSON.stringify(b[i]![key])}`,
        );
      }
    }
  }
  if (js.timezones.join() !== py.timezones.join()) throw new Error(`readers disagree on VTIMEZONEs: ${js.timezones} vs ${py.timezones}`);
  return js;
}

/** One line of `khal list`: the event's start and end in Europe/Stockholm, its title and UID. */
export interface KhalLine {
  start: string;
  end: string;
  title: string;
  uid: string;
  status: string;
}

/**
 * Imports the calendar into a throw-away khal calendar and lists [from, to] (dates, inclusive
 * of the first day), each event once. khal shows times in local_timezone = Europe/Stockholm.
 */
export function khalList(text: string, from: string, to: string): KhalLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'samverka-khal-'));
  try {
    const calDir = join(dir, 'feed');
    mkdirSync(calDir);
    const config = join(dir, 'khal.conf');
    writeFileSync(
      config,
      [
        '[calendars]',
        '[[feed]]',
        `path = ${calDir}`,
        'type = calendar',
        '[locale]',
        'timeformat = %H:%M',
        'dateformat = %Y-%m-%d',
        'longdateformat = %Y-%m-%d',
        'datetimeformat = %Y-%m-%d %H:%M',
        'longdatetimeformat = %Y-%m-%d %H:%M',
        'local_timezone = Europe/Stockholm',
        'default_timezone = Europe/Stockholm',
        '[default]',
        'default_calendar = feed',
        '[sqlite]',
        `path = ${join(dir, 'khal.db')}`,
        '',
      ].join('\n'),
    );
    const file = join(dir, 'feed.ics');
    writeFileSync(file, text);
    const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, TZ: 'UTC' };
    execFileSync('khal', ['-c', config, 'import', '--batch', '-a', 'feed', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = execFileSync(
      'khal',
      ['-c', config, 'list', '--once', '--day-format', '', '--format', '{start-long}\t{end-long}\t{title}\t{uid}\t{status}', from, to],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ).toString('utf8');
    return out
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => {
        const [start, end, title, uid, status] = l.split('\t');
        return { start: start!.trim(), end: end!.trim(), title: title!, uid: uid!, status: status!.trim() };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
