import { addDays, homeToday } from '$lib/datetime';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface Period {
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive, as people say it ("to 31 December"). */
  to: string;
  errors: Record<string, string>;
  /** The API's range, whose end is exclusive: the day after `to`. */
  query: { from: string; to: string } | null;
}

const real = (d: string) => DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/** The report period from `?fran=&till=`, this calendar year when absent. */
export function reportPeriod(url: URL, messages: { errDate: string; reportsErrOrder: string }): Period {
  const year = homeToday().slice(0, 4);
  const from = url.searchParams.get('fran') || `${year}-01-01`;
  const to = url.searchParams.get('till') || `${year}-12-31`;
  const errors: Record<string, string> = {};
  if (!real(from)) errors.fran = messages.errDate;
  if (!real(to)) errors.till = messages.errDate;
  if (!errors.fran && !errors.till && to < from) errors.till = messages.reportsErrOrder;
  return { from, to, errors, query: Object.keys(errors).length ? null : { from, to: addDays(to, 1) } };
}
