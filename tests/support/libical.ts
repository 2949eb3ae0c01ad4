import { execFileSync } from 'node:child_process';

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
