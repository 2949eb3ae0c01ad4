import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';

/**
 * Debian's libical 3 (gir1.2-ical-3.0 through python3-gi) as an independent iTIP checker
 * (RFC 5546): `check_restrictions()` returns 0 when a rule for the calendar's METHOD fails and
 * adds X-LIC-ERROR properties that say which. Returns those errors; an empty list means the
 * calendar passes.
 */
export function itipErrors(text: string): string[] {
  const out = execFileSync('/usr/bin/python3', ['-c', LIBICAL_CHECK], { input: Buffer.from(text, 'utf8'), maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as string[];
}

const LIBICAL_CHECK = `
import sys, json, gi
gi.require_version('ICalGLib', '3.0')
from gi.repository import ICalGLib
text = sys.stdin.buffer.read().decode('utf-8')
comp = ICalGLib.Component.new_from_string(text)
errors = []
if comp is None:
    errors.append('libical could not parse the calendar')
else:
    ok = comp.check_restrictions()
    unfolded = comp.as_ical_string().replace('\\r\\n ', '').replace('\\n ', '')
    errors = [line for line in unfolded.splitlines() if line.startswith('X-LIC-ERROR')]
    if ok == 0 and not errors:
        errors.append('check_restrictions failed without saying why')
print(json.dumps(errors))
`;

/**
 * The assertion every test runs on each iTIP message (RFC 5546) it mails: the METHOD expected,
 * exactly one ORGANIZER and one ATTENDEE in the one VEVENT, and no fault found by libical's
 * check_restrictions (itipErrors). Returns the unfolded lines (RFC 5545 §3.1) for more checks.
 */
export function expectValidItip(text: string, method: 'REQUEST' | 'CANCEL'): string[] {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  expect(lines, 'METHOD').toContain(`METHOD:${method}`);
  expect(
    lines.filter((l) => l === 'BEGIN:VEVENT'),
    'VEVENTs',
  ).toHaveLength(1);
  expect(
    lines.filter((l) => /^ORGANIZER[;:]/.test(l)),
    'ORGANIZER lines',
  ).toHaveLength(1);
  expect(
    lines.filter((l) => /^ATTENDEE[;:]/.test(l)),
    'ATTENDEE lines',
  ).toHaveLength(1);
  expect(itipErrors(text), 'libical check_restrictions').toEqual([]);
  return lines;
}
