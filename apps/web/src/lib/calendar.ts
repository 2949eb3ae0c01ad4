import type { EventBrief } from '@samverka/contracts';
import { addDays, dayNumber, dayString, HOME_ZONE, homeLocal } from '$lib/datetime';

/** A month as "YYYY-MM". */
export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** What the grid needs of an event: the API's brief list item. */
export type CalendarEvent = EventBrief;

export interface DayEntry {
  id: number;
  title: string;
  cancelled: boolean;
  /** Start time on the first day of a timed event; null for all-day events and later days. */
  time: string | null;
}

export interface DayCell {
  date: string;
  day: number;
  inMonth: boolean;
  isToday: boolean;
  entries: DayEntry[];
  /** Events of the day beyond those shown; the cell links to the day's list for them. */
  more: number;
}

/**
 * Events shown in one day cell. A busy month (hundreds of events) would otherwise send a page
 * of tens of kilobytes to people on slow rural links; the rest are one link away.
 */
export const MAX_PER_DAY = 4;

export function shiftMonth(month: string, by: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + by;
  const yy = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  return `${String(yy).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}`;
}

/** The Monday-first weeks that show a month: from the Monday on or before the 1st to the Sunday on or after the last day. */
export function monthRange(month: string): { first: string; last: string; gridStart: string; gridEnd: string } {
  const first = `${month}-01`;
  const last = addDays(`${shiftMonth(month, 1)}-01`, -1);
  const mondayBased = (d: string) => (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7;
  return { first, last, gridStart: addDays(first, -mondayBased(first)), gridEnd: addDays(last, 6 - mondayBased(last)) };
}

/** Wall-clock start and end ("YYYY-MM-DDTHH:mm") in Stockholm, reusing the API's own when the event is in that zone. */
function homeTimes(e: CalendarEvent): [string, string] {
  return e.timeZone === HOME_ZONE ? [e.start, e.end] : [homeLocal(e.startsAt), homeLocal(e.endsAt)];
}

/**
 * The month grid with each event on every day of the month it touches in Stockholm (a
 * multi-day event on each of its days). The days of the neighbouring months that fill the
 * first and last week stay empty: the page asks the API for the month only. One pass over
 * the events, no per-day search.
 */
export function monthGrid(month: string, events: readonly CalendarEvent[], today: string): DayCell[][] {
  const { first: monthFirst, last: monthLast, gridStart, gridEnd } = monthRange(month);
  const start = dayNumber(gridStart);
  const firstDay = dayNumber(monthFirst);
  const lastDay = dayNumber(monthLast);
  const count = dayNumber(gridEnd) - start + 1;
  const cells: DayCell[] = [];
  for (let i = 0; i < count; i++) {
    const date = dayString(start + i);
    cells.push({ date, day: Number(date.slice(8, 10)), inMonth: date.startsWith(month), isToday: date === today, entries: [], more: 0 });
  }
  for (const e of events) {
    let first: number;
    let last: number;
    let time: string | null = null;
    if (e.allDay && e.startDate) {
      first = dayNumber(e.startDate);
      last = dayNumber(e.endDate ?? e.startDate);
    } else {
      const [s, en] = homeTimes(e);
      first = dayNumber(s.slice(0, 10));
      // An event ending at midnight does not reach into the next day.
      last = dayNumber(en.slice(0, 10)) - (en.endsWith('T00:00') ? 1 : 0);
      if (last < first) last = first;
      time = s.slice(11, 16);
    }
    for (let d = Math.max(first, firstDay); d <= Math.min(last, lastDay); d++) {
      const cell = cells[d - start]!;
      if (cell.entries.length < MAX_PER_DAY)
        cell.entries.push({ id: e.id, title: e.title, cancelled: e.status === 'cancelled', time: d === first ? time : null });
      else cell.more++;
    }
  }
  const weeks: DayCell[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}
