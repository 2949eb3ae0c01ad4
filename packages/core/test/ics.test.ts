import type { Event } from '@samverka/db';
import { describe, expect, it } from 'vitest';
import { assembleCalendar, buildVevent, calendarHeader, itipCalendar, vtimezone, type IcsEventContext } from '../src/feeds/ics.ts';
import { markdownToText } from '../src/markdown.ts';
import { localToInstant } from '../src/time.ts';
import {
  khalList,
  physicalLines,
  rawValues,
  readBoth,
  readWithIcalJs,
  readWithPython,
  unfold,
} from '../../../tests/support/ics-readers.ts';
import { itipErrors } from '../../../tests/support/libical.ts';

// Rows as the database holds them: instants in UTC plus the zone, all-day events as dates.
const UPDATED = new Date('2026-05-04T10:11:12.345Z');
const CREATED = new Date('2026-05-01T08:00:00.000Z');
let nextId = 1;

function row(o: Partial<Event> & { start?: string; end?: string } = {}): Event {
  const { start, end, ...rest } = o;
  const zone = o.timeZone ?? 'Europe/Stockholm';
  const id = nextId++;
  return {
    id,
    uid: `test-${id}@samverka`,
    title: 'Workshop',
    description: '',
    kind: 'workshop',
    status: 'published',
    cancelReason: null,
    allDay: false,
    startsAt: localToInstant(start ?? '2027-01-14T09:00', zone, 'start').toJSDate(),
    endsAt: localToInstant(end ?? '2027-01-14T12:00', zone, 'end').toJSDate(),
    timeZone: zone,
    startDate: null,
    endDate: null,
    venueName: 'Ladan',
    address: null,
    countyId: null,
    lat: null,
    lng: null,
    onlineUrl: null,
    language: 'sv',
    capacity: null,
    registrationOpensAt: null,
    registrationClosesAt: null,
    contactEmail: null,
    leadClusterId: 1,
    seriesId: null,
    revision: 1,
    createdBy: null,
    createdAt: CREATED,
    updatedAt: UPDATED,
    ...rest,
  } as Event;
}

function ctx(o: Partial<IcsEventContext> = {}): IcsEventContext {
  return {
    leadName: 'Agro Örebro',
    organizerEmail: null,
    countyName: null,
    themeNames: ['Krisberedskap och självförsörjning'],
    eventUrl: 'https://samverka.test/evenemang/1',
    ...o,
  };
}

const HEADER = calendarHeader({ name: 'Test', timeZone: 'Europe/Stockholm', ttlSeconds: 3600 });

/** A whole calendar around the rows, as the feeds assemble it. */
function calendar(rows: Event[], lang: 'sv' | 'en' = 'sv', c: Partial<IcsEventContext> = {}): string {
  const zones = new Set(rows.filter((r) => !r.allDay).map((r) => r.timeZone));
  return assembleCalendar(
    HEADER,
    zones,
    rows.map((r) => buildVevent(r, ctx(c), lang)),
  );
}

function only(text: string) {
  const cal = readBoth(text);
  expect(cal.events).toHaveLength(1);
  return cal.events[0]!;
}

describe('buildVevent: times', () => {
  it.each([
    ['winter (CET, +01:00)', '2027-01-14T09:00', '2027-01-14T12:00', '2027-01-14T08:00:00Z', '2027-01-14T11:00:00Z'],
    ['summer (CEST, +02:00)', '2027-07-14T09:00', '2027-07-14T12:00', '2027-07-14T07:00:00Z', '2027-07-14T10:00:00Z'],
    ['the night clocks go forward (02:00 → 03:00)', '2027-03-28T01:30', '2027-03-28T03:30', '2027-03-28T00:30:00Z', '2027-03-28T01:30:00Z'],
    ['the night clocks go back (03:00 → 02:00)', '2027-10-31T01:00', '2027-10-31T04:00', '2027-10-30T23:00:00Z', '2027-10-31T03:00:00Z'],
    ['several days', '2027-05-10T13:00', '2027-05-12T15:30', '2027-05-10T11:00:00Z', '2027-05-12T13:30:00Z'],
  ])('%s: wall-clock time under TZID=Europe/Stockholm, read back as the same instants', (_name, start, end, utcStart, utcEnd) => {
    const e = row({ start, end });
    const text = calendar([e]);
    expect(unfold(text)).toContain(`DTSTART;TZID=Europe/Stockholm:${start.replace(/[-:]/g, '')}00\r\n`);
    expect(unfold(text)).toContain(`DTEND;TZID=Europe/Stockholm:${end.replace(/[-:]/g, '')}00\r\n`);
    const ev = only(text);
    expect(ev).toMatchObject({ start: utcStart, end: utcEnd, tzid: 'Europe/Stockholm', allDay: false });
    // The instants stored for the event are the ones the readers see.
    expect(ev.start).toBe(e.startsAt.toISOString().replace('.000Z', 'Z'));
    expect(ev.end).toBe(e.endsAt.toISOString().replace('.000Z', 'Z'));
  });

  it('an event in another zone carries that zone, and its VTIMEZONE is in the calendar', () => {
    const e = row({ start: '2027-06-01T09:00', end: '2027-06-01T10:30', timeZone: 'America/New_York' });
    const text = calendar([e]);
    expect(unfold(text)).toContain('DTSTART;TZID=America/New_York:20270601T090000\r\n');
    const cal = readBoth(text);
    expect(cal.timezones).toEqual(['America/New_York']);
    expect(cal.events[0]).toMatchObject({ start: '2027-06-01T13:00:00Z', end: '2027-06-01T14:30:00Z', tzid: 'America/New_York' });
  });

  it('a time in the repeated hour (clocks go back) is written in UTC, so every reader takes the instant that was meant', () => {
    // 02:30 occurs twice on 2027-10-31; the event means the first (CEST), as RFC 5545 §3.3.5 says.
    const e = row({ start: '2027-10-31T02:30', end: '2027-10-31T03:30' });
    expect(e.startsAt.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    const text = calendar([e]);
    expect(unfold(text)).toContain('DTSTART:20271031T003000Z\r\n');
    expect(unfold(text)).toContain('DTEND:20271031T023000Z\r\n');
    expect(only(text)).toMatchObject({ start: '2027-10-31T00:30:00Z', end: '2027-10-31T02:30:00Z', tzid: null });
    const khal = khalList(text, '2027-10-30', '2027-11-01');
    expect(khal.map((l) => [l.start, l.uid])).toEqual([['2027-10-31 02:30', e.uid]]);
  });

  it('an all-day event is a DATE with an exclusive DTEND and no TZID; one day and several days', () => {
    const one = row({
      allDay: true,
      startDate: '2027-06-01',
      endDate: '2027-06-01',
      startsAt: new Date('2027-05-31T22:00:00Z'),
      endsAt: new Date('2027-06-01T22:00:00Z'),
    });
    const three = row({
      allDay: true,
      startDate: '2027-12-30',
      endDate: '2028-01-01',
      startsAt: new Date('2027-12-29T23:00:00Z'),
      endsAt: new Date('2028-01-01T23:00:00Z'),
    });
    const text = calendar([one, three]);
    expect(unfold(text)).toContain('DTSTART;VALUE=DATE:20270601\r\nDTEND;VALUE=DATE:20270602\r\n');
    expect(unfold(text)).toContain('DTSTART;VALUE=DATE:20271230\r\nDTEND;VALUE=DATE:20280102\r\n');
    expect(text).not.toContain('VTIMEZONE');
    const cal = readBoth(text);
    expect(cal.events.find((x) => x.uid === one.uid)).toMatchObject({ start: '2027-06-01', end: '2027-06-02', allDay: true, tzid: null });
    expect(cal.events.find((x) => x.uid === three.uid)).toMatchObject({ start: '2027-12-30', end: '2028-01-02', allDay: true });
  });
});

describe('buildVevent: text', () => {
  const nasty = 'Möte, om "regler"; C:\\väg\\tmp — Åsa & Örjan 🌱🐄 <b>tag</b>';

  it('escapes commas, semicolons and backslashes (RFC 5545 §3.3.11) and the readers get the exact title back', () => {
    const e = row({ title: nasty });
    const text = calendar([e]);
    expect(rawValues(text, 'SUMMARY')).toEqual(['Möte\\, om "regler"\\; C:\\\\väg\\\\tmp — Åsa & Örjan 🌱🐄 <b>tag</b>']);
    expect(only(text).summary).toBe(nasty);
  });

  it('a backslash before an n stays a backslash and an n (escaped as \\\\n, not \\n)', () => {
    const title = 'C:\\new\\Nord';
    const text = calendar([row({ title })]);
    expect(rawValues(text, 'SUMMARY')).toEqual(['C:\\\\new\\\\Nord']);
    expect(readWithIcalJs(text).events[0]!.summary).toBe(title);
    // Debian's python3-icalendar 4.0.3 unescapes "\\n" before "\\\\" (parser.unescape_char) and so
    // reads a newline here: a bug of that reader, not of the text, so it is left out of this check.
  });

  it('newlines in the description are \\n; Markdown is reduced to text and the event page URL follows', () => {
    const description =
      '**Viktigt:** ta med *stövlar*.\n\n- punkt ett\n- punkt två\n\nLäs [mer här](https://example.se/a?b=1&c=2).\nRad två; med, tecken \\\\ "citat"';
    const e = row({ description });
    const text = calendar([e]);
    const read = only(text);
    expect(read.description).toBe(`${markdownToText(description)}\n\nhttps://samverka.test/evenemang/1`);
    expect(read.description).toContain('Viktigt: ta med stövlar.');
    expect(read.description).toMatch(/• punkt ett\n+• punkt två/);
    expect(read.description).toContain('mer här (https://example.se/a?b=1&c=2)');
    expect(read.description).toContain('Rad två; med, tecken \\ "citat"');
    expect(read.description).not.toMatch(/\*\*|\[mer här\]|<\/?[a-z]/);
    expect(rawValues(text, 'DESCRIPTION')[0]).not.toMatch(/[\r\n]/);
  });

  it('folds long lines at 75 octets without splitting a UTF-8 character, and the unfolded value is exact', () => {
    const title = `${'Ålandsmöte för gröna näringar 🌱 – växtodling, skog & djur; '.repeat(3)}ÅÄÖ🐄`.slice(0, 200);
    const description = `${'Lång beskrivning med åäö, emoji 🚜🌾 och "citat"; '.repeat(80)}slut`;
    const e = row({ title, description });
    const text = calendar([e]);
    const buf = Buffer.from(text, 'utf8');
    const strict = new TextDecoder('utf-8', { fatal: true });
    let from = 0;
    let lines = 0;
    for (let at = buf.indexOf('\r\n'); at !== -1; at = buf.indexOf('\r\n', from)) {
      const line = buf.subarray(from, at);
      expect(line.length, `line ${lines + 1} has ${line.length} octets`).toBeLessThanOrEqual(75);
      expect(() => strict.decode(line), `line ${lines + 1} splits a character`).not.toThrow();
      from = at + 2;
      lines++;
    }
    expect(from).toBe(buf.length);
    expect(physicalLines(text).filter((l) => l.line.startsWith(' ')).length).toBeGreaterThan(20);
    const read = only(text);
    expect(read.summary).toBe(title);
    expect(read.description).toBe(`${markdownToText(description)}\n\nhttps://samverka.test/evenemang/1`);
  });

  it('uses CRLF for every line and no bare LF or CR', () => {
    const text = calendar([row({ description: 'a\nb\r\nc' })]);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

describe('buildVevent: properties', () => {
  it('UID, SEQUENCE, DTSTAMP, LAST-MODIFIED and CREATED come from the row; the text is deterministic', () => {
    const e = row({ revision: 4 });
    const a = buildVevent(e, ctx(), 'sv');
    expect(buildVevent(e, ctx(), 'sv')).toBe(a);
    const text = calendar([e]);
    expect(rawValues(text, 'UID')).toEqual([e.uid]);
    expect(rawValues(text, 'SEQUENCE')).toEqual(['4']);
    expect(rawValues(text, 'DTSTAMP')).toEqual(['20260504T101112Z']);
    expect(rawValues(text, 'LAST-MODIFIED')).toEqual(['20260504T101112Z']);
    expect(rawValues(text, 'CREATED')).toEqual(['20260501T080000Z']);
    expect(only(text)).toMatchObject({
      uid: e.uid,
      sequence: 4,
      dtstamp: '2026-05-04T10:11:12Z',
      lastModified: '2026-05-04T10:11:12Z',
      status: 'CONFIRMED',
    });
  });

  it('LOCATION joins venue, address and county; GEO has the coordinates; CATEGORIES the theme names; URL the event page', () => {
    const e = row({ venueName: 'Ladan, Gården', address: 'Storgatan 1; Örebro', lat: 59.27, lng: 15.21 });
    const text = calendar([e], 'sv', {
      countyName: 'Örebro län',
      themeNames: ['Krisberedskap och självförsörjning', 'Regler och villkor'],
    });
    expect(rawValues(text, 'GEO')).toEqual(['59.27;15.21']);
    expect(only(text)).toMatchObject({
      location: 'Ladan, Gården, Storgatan 1; Örebro, Örebro län',
      geo: [59.27, 15.21],
      categories: ['Krisberedskap och självförsörjning', 'Regler och villkor'],
      url: 'https://samverka.test/evenemang/1',
    });
  });

  it('an online-only event has the meeting link as LOCATION and in the description (label per language)', () => {
    // A link the organisers made public; participant-only links are tested in meeting-links.test.ts.
    const e = row({ venueName: null, onlineUrl: 'https://meet.example.se/abc', onlineUrlPublic: true });
    expect(only(calendar([e], 'sv'))).toMatchObject({ location: 'https://meet.example.se/abc', geo: null });
    expect(only(calendar([e], 'sv')).description).toBe('Länk till mötet: https://meet.example.se/abc\n\nhttps://samverka.test/evenemang/1');
    expect(only(calendar([e], 'en')).description).toBe('Meeting link: https://meet.example.se/abc\n\nhttps://samverka.test/evenemang/1');
  });

  it('ORGANIZER only when there is a contact email, with the lead cluster as CN', () => {
    expect(calendar([row()])).not.toContain('ORGANIZER');
    expect(only(calendar([row()], 'sv', { organizerEmail: 'info@agro.se' })).organizer).toEqual({
      email: 'info@agro.se',
      name: 'Agro Örebro',
    });
  });

  it('a cluster name with quotes and backslashes does not break ORGANIZER (no DQUOTE allowed in a parameter value)', () => {
    const text = calendar([row()], 'sv', { organizerEmail: 'info@agro.se', leadName: 'Agro "Örebro"; a,b:c \\ x' });
    const line = unfold(text)
      .split('\r\n')
      .find((l) => l.startsWith('ORGANIZER'))!;
    expect(line).toBe(`ORGANIZER;CN="Agro 'Örebro'; a,b:c / x":mailto:info@agro.se`);
    expect(only(text).organizer).toEqual({ email: 'info@agro.se', name: "Agro 'Örebro'; a,b:c / x" });
  });

  it.each([
    ['sv', 'INSTÄLLT:'],
    ['en', 'CANCELLED:'],
  ] as const)('a cancelled event (%s) has STATUS:CANCELLED, the prefix on SUMMARY and the reason first in DESCRIPTION', (lang, prefix) => {
    const e = row({ status: 'cancelled', cancelReason: 'Sjukdom', title: 'Fältvandring', revision: 3 });
    const ev = only(calendar([e], lang));
    expect(ev).toMatchObject({ status: 'CANCELLED', summary: `${prefix} Fältvandring`, sequence: 3 });
    expect(ev.description).toBe(`${prefix} Sjukdom\n\nhttps://samverka.test/evenemang/1`);
  });
});

describe('calendarHeader, vtimezone and assembleCalendar', () => {
  it('writes the VCALENDAR properties feeds need and no TIMEZONE-ID line', () => {
    const lines = HEADER.split('\r\n');
    expect(lines.slice(0, 3)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Samverka//Gröna kluster//SV']);
    for (const l of [
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Test',
      'X-WR-TIMEZONE:Europe/Stockholm',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
    ])
      expect(lines).toContain(l);
    expect(HEADER).not.toMatch(/TIMEZONE-ID/);
    expect(HEADER).not.toContain('END:VCALENDAR');
    expect(HEADER.endsWith('\r\n')).toBe(true);
  });

  it('writes the calendar name as given: ical.js reads NAME and X-WR-CALNAME raw (as unknown types), so escaping would show backslashes', () => {
    const name = 'Samverka – Agro, Örebro; test';
    const h = calendarHeader({ name });
    expect(h).toContain(`X-WR-CALNAME:${name}\r\n`);
    const text = assembleCalendar(h, [], []);
    expect(readWithIcalJs(text).props['X-WR-CALNAME']).toBe(name);
    expect(readWithPython(text).props['X-WR-CALNAME']).toBe(name);
  });

  it('VTIMEZONE for Stockholm is Stockholm (not Berlin), with CET/CEST rules and CRLF lines', () => {
    const tz = vtimezone('Europe/Stockholm');
    expect(tz.startsWith('BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm\r\n')).toBe(true);
    expect(tz.endsWith('END:VTIMEZONE\r\n')).toBe(true);
    expect(tz).toContain('TZNAME:CEST');
    expect(tz).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
    expect(tz).toContain('RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
    expect(tz).not.toContain('Berlin');
    expect(tz.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(vtimezone('Europe/Stockholm')).toBe(tz);
    expect(vtimezone('Not/AZone')).toBe('');
  });

  it('puts the VTIMEZONEs before the VEVENTs, and an empty calendar is still valid', () => {
    const e = row();
    const text = assembleCalendar(HEADER, ['Europe/Stockholm'], [buildVevent(e, ctx(), 'sv')]);
    expect(text.indexOf('END:VTIMEZONE')).toBeLessThan(text.indexOf('BEGIN:VEVENT'));
    expect(text.match(/^BEGIN:VCALENDAR\r\n/)).not.toBeNull();
    const empty = assembleCalendar(HEADER, [], []);
    expect(empty).toBe(`${HEADER}END:VCALENDAR\r\n`);
    expect(readBoth(empty).events).toEqual([]);
  });
});

describe('itipCalendar: invitations calendar apps act on (RFC 5546)', () => {
  const organizer = { name: 'Agro "Örebro"', email: 'kontakt@agro.test' };
  const attendee = { name: 'Åsa Öberg', email: 'asa@example.se' };
  const stamp = new Date('2026-11-29T09:00:00Z');

  it('REQUEST: one ORGANIZER, the participant as ATTENDEE (accepted, no RSVP), same UID, SEQUENCE = revision; libical finds no iTIP fault', () => {
    const e = row({ revision: 3, start: '2027-03-28T09:00', end: '2027-03-28T12:00' });
    const text = itipCalendar(e, ctx(), 'sv', { method: 'REQUEST', organizer, attendee, stamp, sequence: e.revision }, 'Samverka');
    expect(itipErrors(text)).toEqual([]);
    const lines = unfold(text).split('\r\n');
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines.filter((l) => l.startsWith('ORGANIZER'))).toEqual([`ORGANIZER;CN="Agro 'Örebro'":mailto:kontakt@agro.test`]);
    const attendees = lines.filter((l) => l.startsWith('ATTENDEE'));
    expect(attendees).toHaveLength(1);
    expect(attendees[0]).toMatch(/PARTSTAT=ACCEPTED/);
    expect(attendees[0]).toMatch(/RSVP=FALSE/);
    expect(attendees[0]).toMatch(/:MAILTO:asa@example\.se$/i);
    expect(lines).toContain(`UID:${e.uid}`);
    expect(lines).toContain('SEQUENCE:3');
    expect(lines).toContain('DTSTAMP:20261129T090000Z');
    // ical.js reads the same instant as the feeds carry.
    const read = readWithIcalJs(text).events[0]!;
    expect(read.start).toBe('2027-03-28T07:00:00Z');
    expect(read.uid).toBe(e.uid);
  });

  it('CANCEL for the participant (they left): ORGANIZER, ATTENDEE, same UID, a higher SEQUENCE; libical finds no iTIP fault', () => {
    const e = row({ revision: 3 });
    const text = itipCalendar(e, ctx(), 'en', { method: 'CANCEL', organizer, attendee, stamp, sequence: e.revision + 1 }, 'Samverka');
    expect(itipErrors(text)).toEqual([]);
    const lines = unfold(text).split('\r\n');
    expect(lines).toContain('METHOD:CANCEL');
    expect(lines).toContain('SEQUENCE:4');
    expect(lines.filter((l) => l.startsWith('ORGANIZER'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('ATTENDEE'))).toHaveLength(1);
  });

  it('CANCEL of a cancelled event says STATUS:CANCELLED; libical finds no iTIP fault', () => {
    const e = row({ revision: 5, status: 'cancelled', cancelReason: 'Sjukdom' });
    const text = itipCalendar(e, ctx(), 'sv', { method: 'CANCEL', organizer, attendee, stamp, sequence: e.revision }, 'Samverka');
    expect(itipErrors(text)).toEqual([]);
    expect(unfold(text)).toContain('STATUS:CANCELLED');
  });

  it('libical does flag a CANCEL without ORGANIZER (the checker can fail)', () => {
    const e = row();
    const text = calendar([e]).replace('METHOD:PUBLISH', 'METHOD:CANCEL');
    expect(itipErrors(text).join('\n')).toMatch(/ORGANIZER/);
  });
});
