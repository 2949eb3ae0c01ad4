import { describe, expect, it } from 'vitest';
import { wallClock, zoneOffsetMs } from '../src/time-format.ts';

/** What Intl itself says, field by field: the reference the kept offsets must agree with. */
function intlWallClock(ms: number, zone: string): string {
  const p: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const part of f.formatToParts(ms)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

describe('wallClock', () => {
  it('agrees with Intl minute by minute around the changes to and from summer time', () => {
    // 2027-03-28 01:00 UTC (Stockholm springs forward) and 2027-10-31 01:00 UTC (falls back).
    for (const change of [Date.UTC(2027, 2, 28, 1), Date.UTC(2027, 9, 31, 1)])
      for (let ms = change - 3 * 3_600_000; ms <= change + 3 * 3_600_000; ms += 60_000 + 7_000)
        expect(wallClock(ms, 'Europe/Stockholm')).toBe(intlWallClock(ms, 'Europe/Stockholm'));
  });

  it('agrees with Intl in zones with half- and quarter-hour offsets and with old local mean time', () => {
    const zones = ['Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Europe/Stockholm', 'Pacific/Chatham', 'UTC'];
    const instants = [Date.UTC(1879, 0, 1), Date.UTC(1900, 0, 1, 0, 10), Date.UTC(1985, 0, 1, 0, 0, 30), Date.UTC(2027, 5, 14, 9, 30), -1];
    for (const zone of zones) for (const ms of instants) expect(wallClock(ms, zone), `${zone} ${ms}`).toBe(intlWallClock(ms, zone));
  });

  it('gives the offset in force, summer and winter', () => {
    expect(zoneOffsetMs(Date.UTC(2027, 6, 1), 'Europe/Stockholm')).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(Date.UTC(2027, 0, 1), 'Europe/Stockholm')).toBe(3_600_000);
  });
});
