import { describe, expect, it } from 'vitest';
import { assertZone, boundaryToDate, DEFAULT_ZONE, instantToLocal, localToInstant, parseDate, startOfDate } from '../src/time.ts';
import { caught } from './helpers.ts';

const utc = (local: string, zone = 'Europe/Stockholm') => localToInstant(local, zone, 'start').toUTC().toISO();

describe('localToInstant', () => {
  it('reads Stockholm wall-clock time as +01:00 in winter and +02:00 in summer', () => {
    expect(utc('2027-01-14T10:00')).toBe('2027-01-14T09:00:00.000Z');
    expect(utc('2027-07-14T10:00')).toBe('2027-07-14T08:00:00.000Z');
    expect(utc('2027-12-31T23:30')).toBe('2027-12-31T22:30:00.000Z');
  });

  it('reads the time in other zones too', () => {
    expect(utc('2027-01-14T10:00', 'UTC')).toBe('2027-01-14T10:00:00.000Z');
    expect(utc('2027-01-14T10:00', 'America/New_York')).toBe('2027-01-14T15:00:00.000Z');
    expect(utc('2027-01-14T10:00', 'Asia/Kolkata')).toBe('2027-01-14T04:30:00.000Z');
  });

  it.each([
    ['2027-03-28T02:00', 'Europe/Stockholm'],
    ['2027-03-28T02:30', 'Europe/Stockholm'],
    ['2027-03-28T02:59', 'Europe/Stockholm'],
    ['2026-03-29T02:30', 'Europe/Stockholm'],
    ['2027-03-14T02:30', 'America/New_York'],
  ])('refuses %s in %s: skipped by the change to summer time', (local, zone) => {
    const err = caught(() => localToInstant(local, zone, 'start'));
    expect([err.kind, err.code]).toEqual(['invalid', 'nonexistent_local_time']);
    expect(err.message).toContain(local);
    expect(err.details).toEqual([{ field: 'start', code: 'nonexistent_local_time', message: expect.stringMatching(/skipped/) }]);
  });

  it('accepts the minutes around the skipped hour', () => {
    expect(utc('2027-03-28T01:59')).toBe('2027-03-28T00:59:00.000Z');
    expect(utc('2027-03-28T03:00')).toBe('2027-03-28T01:00:00.000Z');
  });

  it.each([
    // Stockholm: 02:00–02:59 happens twice on 31 October 2027, first at +02:00.
    ['2027-10-31T02:00', 'Europe/Stockholm', '2027-10-31T00:00:00.000Z'],
    ['2027-10-31T02:30', 'Europe/Stockholm', '2027-10-31T00:30:00.000Z'],
    ['2027-10-31T02:59', 'Europe/Stockholm', '2027-10-31T00:59:00.000Z'],
    // New York: 01:00–01:59 happens twice on 7 November 2027, first at −04:00.
    ['2027-11-07T01:30', 'America/New_York', '2027-11-07T05:30:00.000Z'],
    // Lord Howe Island moves its clocks by half an hour.
    ['2027-04-04T01:45', 'Australia/Lord_Howe', '2027-04-03T14:45:00.000Z'],
  ])('takes the repeated %s in %s at its first occurrence (RFC 5545 §3.3.5)', (local, zone, expected) => {
    expect(utc(local, zone)).toBe(expected);
  });

  it('leaves the hours right after the repeated one alone', () => {
    expect(utc('2027-10-31T03:00')).toBe('2027-10-31T02:00:00.000Z');
    expect(utc('2027-10-31T01:59')).toBe('2027-10-30T23:59:00.000Z');
    expect(utc('2027-04-04T02:00', 'Australia/Lord_Howe')).toBe('2027-04-03T15:30:00.000Z');
  });

  it.each([
    '2027-02-29T10:00',
    '2027-02-30T10:00',
    '2027-13-01T10:00',
    '2027-00-10T10:00',
    '2027-01-32T10:00',
    '2027-01-14T24:00',
    '2027-01-14T10:60',
  ])('refuses the impossible %s', (local) => {
    const err = caught(() => localToInstant(local, DEFAULT_ZONE, 'end'));
    expect([err.code, err.details[0]!.field]).toEqual(['invalid_datetime', 'end']);
  });

  it('accepts 29 February in a leap year', () => {
    expect(utc('2028-02-29T10:00')).toBe('2028-02-29T09:00:00.000Z');
  });

  it.each([
    '',
    '2027-01-14',
    '2027-01-14T10:00:00',
    '2027-01-14T10:00Z',
    '2027-01-14T10:00+01:00',
    '2027-1-14T10:00',
    ' 2027-01-14T10:00',
    '2027-01-14 10:00',
    'tomorrow',
  ])('refuses the form %j', (local) => {
    expect(caught(() => localToInstant(local, DEFAULT_ZONE, 'start')).code).toBe('invalid_datetime');
  });
});

describe('instantToLocal', () => {
  it('is the inverse of localToInstant in winter, summer and the repeated hour', () => {
    for (const local of ['2027-01-14T10:00', '2027-07-14T10:00', '2027-10-31T02:30', '2027-03-28T03:00']) {
      expect(instantToLocal(localToInstant(local, DEFAULT_ZONE, 'x').toJSDate(), DEFAULT_ZONE)).toBe(local);
    }
    expect(instantToLocal(new Date('2027-07-14T08:00:00Z'), 'America/New_York')).toBe('2027-07-14T04:00');
  });
});

describe('assertZone', () => {
  it('accepts IANA zones and refuses anything else', () => {
    expect(assertZone('Europe/Stockholm')).toBe('Europe/Stockholm');
    expect(assertZone('UTC')).toBe('UTC');
    for (const zone of ['Europe/Stockholmm', 'Mars/Olympus', '', 'CET+1', '../etc/passwd']) {
      const err = caught(() => assertZone(zone, 'tz'));
      expect([err.code, err.details[0]!.field]).toEqual(['invalid_time_zone', 'tz']);
    }
  });
});

describe('parseDate and startOfDate', () => {
  it('parses calendar dates and refuses others', () => {
    expect(parseDate('2027-06-06', 'd').toISODate()).toBe('2027-06-06');
    for (const d of ['2027-02-30', '2027-6-6', '06/06/2027', '2027-06-06T10:00', ''])
      expect(caught(() => parseDate(d, 'firstDate')).details[0]!.field).toBe('firstDate');
  });

  it('gives midnight in the zone', () => {
    expect(startOfDate('2027-01-14', DEFAULT_ZONE).toUTC().toISO()).toBe('2027-01-13T23:00:00.000Z');
    expect(startOfDate('2027-07-14', DEFAULT_ZONE).toUTC().toISO()).toBe('2027-07-13T22:00:00.000Z');
    // The day of the change to summer time still starts at 00:00 (+01:00).
    expect(startOfDate('2027-03-28', DEFAULT_ZONE).toUTC().toISO()).toBe('2027-03-27T23:00:00.000Z');
  });
});

describe('boundaryToDate', () => {
  it('reads a date as midnight in Stockholm and a date-time without offset as wall-clock time there', () => {
    expect(boundaryToDate('2027-01-14', 'from').toISOString()).toBe('2027-01-13T23:00:00.000Z');
    expect(boundaryToDate('2027-07-14', 'from').toISOString()).toBe('2027-07-13T22:00:00.000Z');
    expect(boundaryToDate('2027-07-14T10:00', 'from').toISOString()).toBe('2027-07-14T08:00:00.000Z');
  });

  it('honours an explicit offset', () => {
    expect(boundaryToDate('2027-07-14T10:00:00Z', 'to').toISOString()).toBe('2027-07-14T10:00:00.000Z');
    expect(boundaryToDate('2027-07-14T10:00:00+05:00', 'to').toISOString()).toBe('2027-07-14T05:00:00.000Z');
  });

  it('reads the same text the same way again (kept), in each zone, and a UTC instant as written', () => {
    for (let i = 0; i < 2; i++) {
      expect(boundaryToDate('2027-01-14', 'from').toISOString()).toBe('2027-01-13T23:00:00.000Z');
      expect(boundaryToDate('2027-01-14', 'from', 'America/New_York').toISOString()).toBe('2027-01-14T05:00:00.000Z');
      expect(boundaryToDate('2027-07-14T10:00', 'from').toISOString()).toBe('2027-07-14T08:00:00.000Z');
      expect(boundaryToDate('2027-07-14T10:00:00.123Z', 'from').toISOString()).toBe('2027-07-14T10:00:00.123Z');
    }
    // A returned Date changed by its caller does not change what is kept.
    boundaryToDate('2027-01-14', 'from').setTime(0);
    expect(boundaryToDate('2027-01-14', 'from').toISOString()).toBe('2027-01-13T23:00:00.000Z');
  });

  it.each(['2027-02-30', '2027-13-01', 'yesterday', '2027-01-14T25:00', '2027-02-30T10:00:00.000Z'])(
    'refuses %j naming the field',
    (value) => {
      const err = caught(() => boundaryToDate(value, 'from'));
      expect([err.kind, err.details[0]!.field]).toEqual(['invalid', 'from']);
      expect(err.message).toContain(value);
    },
  );
});
