import { LIMITS } from '@samverka/contracts';
import { MONTH, monthGrid, shiftMonth, type CalendarEvent } from '$lib/calendar';
import { dayNumber, dayString, homeLocal, homeToday } from '$lib/datetime';
import { isEventKind } from '$lib/event-form';
import type { EventSummary } from '$lib/server/api';
import { reference, themeOptions } from '$lib/server/reference';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CURSOR = new RegExp(`^[A-Za-z0-9_-]{1,${LIMITS.cursor}}$`);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** At most this many API pages (of LIMITS.pageSize.briefMax) for one month; a month with more says so. */
const MONTH_PAGES = 5;

/** The filters as they stand in the URL (Swedish names), so a filtered view can be shared. */
export interface CalendarFilters {
  tema: string;
  kluster: string;
  typ: string;
  lan: string;
}

function readFilters(sp: URLSearchParams): CalendarFilters {
  const slug = (name: string) => {
    const v = sp.get(name) ?? '';
    return SLUG.test(v) ? v : '';
  };
  const kind = sp.get('typ') ?? '';
  return { tema: slug('tema'), kluster: slug('kluster'), typ: isEventKind(kind) ? kind : '', lan: slug('lan') };
}

type ListPage = { ok: true; events: EventSummary[]; nextCursor: string | null } | { ok: false; unknownFilter: true };

export const load: PageServerLoad = async ({ locals, url }) => {
  const sp = url.searchParams;
  const filters = readFilters(sp);
  const apiFilters = {
    theme: filters.tema || undefined,
    cluster: filters.kluster || undefined,
    kind: isEventKind(filters.typ) ? filters.typ : undefined,
    county: filters.lan || undefined,
  };
  const list = async (q: { from: string; to?: string; cursor?: string; limit: number }): Promise<ListPage> => {
    // Summaries, not the full view: fifty descriptions and rights would be most of the API's
    // work and of the answer it hands over.
    const res = await locals.api.events.summaries({ ...apiFilters, ...q });
    if (res.ok) return { ok: true, events: res.data.events, nextCursor: res.data.nextCursor };
    // A filter naming a theme, cluster or county that does not exist: say so, show nothing.
    if (res.status === 404 || res.status === 400) return { ok: false, unknownFilter: true };
    errorPage(res.error, locals.lang);
  };
  const brief = async (q: { from: string; to: string; cursor?: string; limit: number }) => {
    const res = await locals.api.events.brief({ ...apiFilters, ...q });
    if (res.ok) return { ok: true as const, events: res.data.events, nextCursor: res.data.nextCursor };
    if (res.status === 404 || res.status === 400) return { ok: false as const, unknownFilter: true };
    errorPage(res.error, locals.lang);
  };
  const today = homeToday();
  const filterData = async () => {
    const ref = await reference(locals.api);
    return { themes: themeOptions(ref.themes, locals.lang), clusters: ref.clusters, counties: ref.counties };
  };

  if (sp.get('vy') === 'lista') {
    const cursor = sp.get('efter') ?? '';
    // ?dag=YYYY-MM-DD: the events of one day (the month grid links here when a day is full).
    const dayParam = sp.get('dag') ?? '';
    const day = DAY.test(dayParam) && !Number.isNaN(Date.parse(`${dayParam}T00:00:00Z`)) ? dayParam : null;
    const range = day ? { from: day, to: dayString(dayNumber(day) + 1) } : { from: new Date().toISOString() };
    const [options, page] = await Promise.all([
      filterData(),
      list({ ...range, limit: 50, cursor: CURSOR.test(cursor) ? cursor : undefined }),
    ]);
    return {
      view: 'list' as const,
      day,
      dayLabel: day
        ? new Intl.DateTimeFormat(locals.lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'full', timeZone: 'UTC' }).format(
            new Date(`${day}T00:00:00Z`),
          )
        : '',
      filters,
      options,
      unknownFilter: !page.ok,
      events: page.ok ? page.events : [],
      nextCursor: page.ok ? page.nextCursor : null,
    };
  }

  const requested = sp.get('manad') ?? '';
  const month = MONTH.test(requested) ? requested : today.slice(0, 7);
  const next = shiftMonth(month, 1);
  // One API call for the month, brief items only (more only if it holds more events than a page).
  const fetchMonth = async () => {
    const events: CalendarEvent[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < MONTH_PAGES; i++) {
      const page = await brief({ from: `${month}-01`, to: `${next}-01`, limit: LIMITS.pageSize.briefMax, cursor });
      if (!page.ok) return { events, unknownFilter: true, truncated: false };
      events.push(...page.events);
      if (!page.nextCursor) return { events, unknownFilter: false, truncated: false };
      cursor = page.nextCursor;
    }
    return { events, unknownFilter: false, truncated: true };
  };
  const [options, result] = await Promise.all([filterData(), fetchMonth()]);
  const weeks = monthGrid(month, result.events, today);
  // An empty month points on to the next month that has events (with the same filters), if any.
  let nextWithEvents: string | null = null;
  if (result.events.length === 0 && !result.unknownFilter) {
    const after = await locals.api.events.brief({ ...apiFilters, from: `${next}-01`, limit: 1 });
    const first = after.ok ? after.data.events[0] : undefined;
    if (first) nextWithEvents = (first.allDay && first.startDate ? first.startDate : homeLocal(first.startsAt)).slice(0, 7);
  }
  return {
    view: 'month' as const,
    day: null,
    dayLabel: '',
    filters,
    options,
    unknownFilter: result.unknownFilter,
    truncated: result.truncated,
    month,
    prev: shiftMonth(month, -1),
    next,
    isCurrentMonth: month === today.slice(0, 7),
    weeks,
    count: result.events.length,
    nextWithEvents,
  };
};
