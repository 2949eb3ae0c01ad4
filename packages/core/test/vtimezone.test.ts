import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { buildVtimezone } from '../src/feeds/vtimezone.ts';
import { assertZone } from '../src/time.ts';

const NOW = new Date('2026-11-29T12:00:00Z');

/** The zone as ical.js reads it from the VTIMEZONE alone. */
function icalJsZone(block: string): ICAL.Timezone {
  const component = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n${block}END:VCALENDAR\r\n`));
  return new ICAL.Timezone(component.getFirstSubcomponent('vtimezone')!);
}

/** ical.js's UTC offset (minutes) at a wall-clock time. */
function icalJsOffset(block: string | ICAL.Timezone, local: DateTime): number {
  const tz = typeof block === 'string' ? icalJsZone(block) : block;
  const time = new ICAL.Time(
    { year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute, second: 0 },
    tz,
  );
  return tz.utcOffset(time) / 60;
}

describe('VTIMEZONE made from the runtime’s zone data', () => {
  const zones = Intl.supportedValuesOf('timeZone');

  it(`matches luxon's UTC offset in every zone Node knows (${zones.length}) on the 1st and 15th of every month of the next three years`, () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const zone of zones) {
      const block = buildVtimezone(zone, NOW);
      expect(block.startsWith(`BEGIN:VTIMEZONE\r\nTZID:${zone}\r\n`), zone).toBe(true);
      const tz = icalJsZone(block);
      for (let month = 0; month < 36; month++) {
        for (const day of [1, 15]) {
          // Noon: never inside a change, so the wall-clock time has exactly one offset.
          const local = DateTime.fromObject({ year: 2027, month: 1, day, hour: 12 }, { zone }).plus({ months: month });
          const ours = icalJsOffset(tz, local);
          checked++;
          if (ours !== local.offset) mismatches.push(`${zone} ${local.toISODate()}: ical.js ${ours}, luxon ${local.offset}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(zones.length * 72);
  }, 120_000);

  it('keeps being right past the listed years where the zone follows a yearly rule (RRULE observances)', () => {
    const block = buildVtimezone('Europe/Stockholm', NOW);
    expect(block).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
    expect(block).toContain('RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
    for (const year of [2035, 2040]) {
      for (const month of [1, 4, 7, 11]) {
        const local = DateTime.fromObject({ year, month, day: 15, hour: 12 }, { zone: 'Europe/Stockholm' });
        expect(icalJsOffset(block, local), `${year}-${month}`).toBe(local.offset);
      }
    }
  });

  it('writes the changes at the wall-clock time they happen, with the offsets before and after (RFC 5545 §3.6.5)', () => {
    const block = buildVtimezone('Europe/Stockholm', NOW);
    // Summer time 2027 starts on 28 March at 02:00 local (01:00 UTC); it ends on 31 October at 03:00.
    expect(block).toContain(
      'BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT',
    );
    expect(block).toContain(
      'BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD',
    );
  });

  it('gives a zone without changes one STANDARD observance, and half-hour offsets their minutes', () => {
    const kolkata = buildVtimezone('Asia/Kolkata', NOW);
    expect(kolkata.match(/BEGIN:STANDARD/g)).toHaveLength(1);
    expect(kolkata).toContain('TZOFFSETTO:+0530');
    expect(kolkata).not.toContain('DAYLIGHT');
    expect(buildVtimezone('Asia/Kathmandu', NOW)).toContain('TZOFFSETTO:+0545');
  });

  it('answers an empty string for a zone the runtime does not know', () => {
    expect(buildVtimezone('Mars/Olympus_Mons', NOW)).toBe('');
  });
});

describe('assertZone', () => {
  it('gives the runtime’s canonical spelling: letter case and links', () => {
    expect(assertZone('europe/stockholm')).toBe('Europe/Stockholm');
    expect(assertZone('US/Eastern')).toBe('America/New_York');
    const kyiv = assertZone('Europe/Kyiv');
    expect(Intl.supportedValuesOf('timeZone')).toContain(kyiv);
    expect(buildVtimezone(kyiv, NOW)).toContain(`TZID:${kyiv}\r\n`);
  });

  it('refuses an unknown zone with invalid_time_zone', () => {
    expect(() => assertZone('Europe/Nowhere')).toThrow(expect.objectContaining({ code: 'invalid_time_zone' }));
  });
});
