import type { Lang } from '$lib/i18n';

/** The network's home zone: calendars and lists show times here; an event page uses the event's own zone. */
export const HOME_ZONE = 'Europe/Stockholm';

// Building an Intl.DateTimeFormat costs far more than using one, and a month page formats
// hundreds of times: keep one formatter per language, style and zone for the process.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, style: string, options: Intl.DateTimeFormatOptions, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang}|${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

const STYLES = {
  date: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  shortDate: { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
  dayMonth: { day: 'numeric', month: 'long' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  dateTime: { dateStyle: 'long', timeStyle: 'short' },
  month: { month: 'long', year: 'numeric' },
  monthName: { month: 'long' },
  weekday: { weekday: 'long' },
  weekdayShort: { weekday: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
export type DateStyle = keyof typeof STYLES;

// Formatting itself costs microseconds, and a list formats four instants per event: the same
// events are shown again and again, so each text is kept. Bounded: the whole table starts over
// when full.
const MAX_FORMATTED = 10_000;
const formatted = new Map<string, string>();
function keptText(key: string, make: () => string): string {
  let text = formatted.get(key);
  if (text === undefined) {
    text = make();
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}

/** An instant (ISO string) in a style and zone. */
export function formatInstant(iso: string, lang: Lang, style: DateStyle, timeZone = HOME_ZONE): string {
  return keptText(`${lang}|${style}|${timeZone}|${iso}`, () => formatter(lang, style, STYLES[style], timeZone).format(new Date(iso)));
}

/** A calendar date ("YYYY-MM-DD"), which has no zone: formatted as that date wherever the server runs. */
export function formatDay(date: string, lang: Lang, style: DateStyle = 'date'): string {
  return keptText(`${lang}|${style}|day|${date}`, () => formatter(lang, style, STYLES[style], 'UTC').format(new Date(`${date}T00:00:00Z`)));
}

const names = new Map<string, readonly string[]>();
function cachedNames(key: string, make: () => string[]): readonly string[] {
  let n = names.get(key);
  if (!n) {
    n = make();
    names.set(key, n);
  }
  return n;
}

/** Weekday names, Monday first (2024-01-01 was a Monday). */
export function weekdayNames(lang: Lang, style: 'weekday' | 'weekdayShort'): readonly string[] {
  return cachedNames(`${lang}|${style}`, () => Array.from({ length: 7 }, (_, i) => formatDay(`2024-01-0${i + 1}`, lang, style)));
}

/** Month names, January first. */
export function monthNames(lang: Lang): readonly string[] {
  return cachedNames(`${lang}|months`, () =>
    Array.from({ length: 12 }, (_, i) => formatDay(`2024-${String(i + 1).padStart(2, '0')}-01`, lang, 'monthName')),
  );
}

const partsFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: HOME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Wall-clock "YYYY-MM-DDTHH:mm" of an instant in Stockholm. */
export function homeLocal(at: Date | string): string {
  return wallClock(at, partsFormatter);
}

function wallClock(at: Date | string, formatter: Intl.DateTimeFormat): string {
  const p: Record<string, string> = {};
  for (const { type, value } of formatter.formatToParts(typeof at === 'string' ? new Date(at) : at)) p[type] = value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * Wall-clock "YYYY-MM-DDTHH:mm" of an instant in an IANA zone: the `min` of a datetime-local
 * input whose value is read in that zone (a poll's times), so the browser refuses past times too.
 */
export function localIn(at: Date | string, timeZone: string): string {
  if (timeZone === HOME_ZONE) return homeLocal(at);
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return wallClock(at, f);
}

/** Today's date in Stockholm, "YYYY-MM-DD". */
export function homeToday(now = new Date()): string {
  return homeLocal(now).slice(0, 10);
}

const DAY_MS = 86_400_000;
export function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}
export function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}
export function addDays(date: string, days: number): string {
  return dayString(dayNumber(date) + days);
}

/** The fields of an event needed to say when it is. */
export interface When {
  allDay: boolean;
  startsAt: string;
  endsAt: string;
  startDate: string | null;
  endDate: string | null;
  timeZone: string;
}

/**
 * When an event is, in words, in the given zone (the calendar's home zone, or the event's own):
 * one day or several, all day or with times. The zone is not named here; callers say it when it
 * is not the reader's.
 */
export function formatWhen(e: When, lang: Lang, timeZone = HOME_ZONE, style: 'date' | 'shortDate' = 'date'): string {
  if (e.allDay && e.startDate) {
    const end = e.endDate ?? e.startDate;
    return end === e.startDate
      ? formatDay(e.startDate, lang, style)
      : `${formatDay(e.startDate, lang, style)} – ${formatDay(end, lang, style)}`;
  }
  const startDay = formatInstant(e.startsAt, lang, style, timeZone);
  const endDay = formatInstant(e.endsAt, lang, style, timeZone);
  const startTime = formatInstant(e.startsAt, lang, 'time', timeZone);
  const endTime = formatInstant(e.endsAt, lang, 'time', timeZone);
  return startDay === endDay ? `${startDay}, ${startTime}–${endTime}` : `${startDay} ${startTime} – ${endDay} ${endTime}`;
}
