import type { Report } from '@samverka/contracts';
import { stringify } from 'csv-stringify/sync';
import { keptSql, type Db } from '@samverka/db';
import { assertCanCoordinate, type Actor } from '../access.ts';
import { DomainError } from '../errors.ts';
import { escapeHtml } from '../escape.ts';
import { neutraliseCell } from '../registrations/registration-service.ts';
import { reportFeedback, type FeedbackFigures, type ReportFeedback } from '../knowledge/feedback-report.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { DEFAULT_ZONE, startOfDate } from '../time.ts';

function assertReader(actor: Actor | null): void {
  assertCanCoordinate(actor, 'Reports are for the secretariat and cluster coordinators');
}

/**
 * The report's statement `key` of SQL, prepared once on the database's connection and kept
 * (keptSql): the report aggregates in SQLite and reads a few rows per breakdown, so drizzle's
 * query building and row mapping would cost more than the queries.
 */
function kept(db: Db, key: keyof typeof SQL) {
  return keptSql(db, SQL[key]);
}

/** Events the report counts: starting in [@from, @to) (milliseconds), published or cancelled. */
const IN_RANGE = "e.status in ('published', 'cancelled') and e.starts_at >= @from and e.starts_at < @to";

const SQL = {
  // One month's (or a partial month's) figures by ids, combined across months in JS (MonthFigures).
  byKind: `select e.kind as k, count(*) as n, sum(e.status = 'cancelled') as c from events e where ${IN_RANGE} group by e.kind`,
  byTheme: `select et.theme_id as k, count(*) as n from events e join event_themes et on et.event_id = e.id where ${IN_RANGE} group by et.theme_id`,
  // Lead organisers and accepted co-hosts; the co-hosted figure counts events, not co-hosts.
  byCluster: `select o.cluster_id as k, count(*) as n from events e join event_organisers o on o.event_id = e.id where ${IN_RANGE} and (o.role = 'lead' or o.status = 'accepted') group by o.cluster_id`,
  coHosted: `select count(distinct o.event_id) as n from events e join event_organisers o on o.event_id = e.id where ${IN_RANGE} and o.role = 'cohost' and o.status = 'accepted'`,
  // Confirmed registrations. Ties keep the order in which a walk over the registrations by
  // (event, id) first meets each key: \`f\` is that position, the smallest over the months.
  regByCluster: `select r.cluster_id as k, count(*) as n, sum(r.checked_in_at is not null) as c, min(r.event_id * 4294967296 + r.id) as f from events e join registrations r on r.event_id = e.id where ${IN_RANGE} and r.status = 'confirmed' group by r.cluster_id`,
  regByCounty: `select r.county_id as k, count(*) as n, sum(r.checked_in_at is not null) as c, min(r.event_id * 4294967296 + r.id) as f from events e join registrations r on r.event_id = e.id where ${IN_RANGE} and r.status = 'confirmed' group by r.county_id`,
  regByTheme: `select et.theme_id as k, count(*) as n, sum(r.checked_in_at is not null) as c, min(r.event_id * 4294967296 + r.id) as f from events e join registrations r on r.event_id = e.id join event_themes et on et.event_id = e.id where ${IN_RANGE} and r.status = 'confirmed' group by et.theme_id`,
  keptMonth: 'select figures from report_months where from_ms = @from and to_ms = @to',
  keepMonth: 'insert or replace into report_months (from_ms, to_ms, period, figures) values (@from, @to, @period, @figures)',
  clusters: 'select id, slug as key, name as label from clusters',
  counties: 'select id, slug as key, name as label from counties',
  themes: 'select id, slug as key, name_sv as label from themes',
  // The events with a survey: the others have no feedback figures.
  surveyed: `select e.id as id from events e where ${IN_RANGE} and (exists (select 1 from feedback_invitations f where f.event_id = e.id) or exists (select 1 from feedback_answers f where f.event_id = e.id)) order by e.id`,
  proposalsMade: 'select count(*) as n from proposals where created_at >= @from and created_at < @to',
  proposalsAccepted: "select count(*) as n from proposals where status = 'accepted' and decided_at >= @from and decided_at < @to",
};

/** A group's figures: key (an id, a kind, or null for registrations without a cluster or county), count, cancelled or checked in, first position. */
type Row = { k: number | string | null; n: number; c?: number; f?: number };

/**
 * The figures of events starting in [from, to) by ids: what the report adds up over months.
 * Kept per whole month, or per day of a month the report covers in part, in report_months as JSON.
 */
interface MonthFigures {
  kinds: Row[];
  themes: Row[];
  clusters: Row[];
  coHosted: number;
  regClusters: Row[];
  regCounties: Row[];
  regThemes: Row[];
  /** The events with a survey (invitations or answers), by id: the others have no feedback figures. */
  surveyed: number[];
}

function figuresOf(db: Db, from: number, to: number): MonthFigures {
  const all = (key: keyof typeof SQL) => kept(db, key).all({ from, to }) as Row[];
  return {
    kinds: all('byKind'),
    themes: all('byTheme'),
    clusters: all('byCluster'),
    coHosted: (kept(db, 'coHosted').get({ from, to }) as { n: number }).n,
    regClusters: all('regByCluster'),
    regCounties: all('regByCounty'),
    regThemes: all('regByTheme'),
    surveyed: (kept(db, 'surveyed').all({ from, to }) as { id: number }[]).map((r) => r.id),
  };
}

/**
 * A whole month's or day's figures (`period` YYYY-MM or YYYY-MM-DD, [from, to) its Swedish
 * midnights): the kept row if there is one (triggers delete it on every write that could change
 * it), else counted and kept.
 */
function keptFigures(db: Db, period: string, from: number, to: number): MonthFigures {
  const row = kept(db, 'keptMonth').get({ from, to }) as { figures: string } | undefined;
  if (row) return JSON.parse(row.figures) as MonthFigures;
  const figures = figuresOf(db, from, to);
  kept(db, 'keepMonth').run({ from, to, period, figures: JSON.stringify(figures) });
  return figures;
}

/** Rows of the same key added up: counts summed, the first position the smallest. */
function addUp(parts: Row[][]): Row[] {
  const by = new Map<number | string | null, Row>();
  for (const rows of parts)
    for (const r of rows) {
      const sum = by.get(r.k);
      if (!sum) by.set(r.k, { ...r });
      else {
        sum.n += r.n;
        if (r.c !== undefined) sum.c = (sum.c ?? 0) + r.c;
        if (r.f !== undefined) sum.f = Math.min(sum.f ?? r.f, r.f);
      }
    }
  return [...by.values()];
}

/** Midnight in Stockholm that starts a date (YYYY-MM-DD), in milliseconds; kept, as a report asks for the same months again. */
const midnights = new Map<string, number>();
function midnight(date: string): number {
  let ms = midnights.get(date);
  if (ms === undefined) {
    ms = startOfDate(date, DEFAULT_ZONE).toMillis();
    if (midnights.size > 10_000) midnights.clear();
    midnights.set(date, ms);
  }
  return ms;
}

/**
 * The funder's report over events starting in [from, to) (YYYY-MM-DD, Swedish dates, midnight to
 * midnight in Stockholm), published or cancelled; drafts do not count. Counts are sorted largest
 * first; the months are the calendar months the period touches, by the Swedish date the events
 * start on.
 *
 * @throws DomainError 401/403 for others than coordinators and admins, 400 `invalid_range` for a
 *   date that does not exist, `to` not after `from` or more than ten years
 */
export function buildReport(db: Db, actor: Actor | null, fromDate: string, toDate: string): Report {
  assertReader(actor);
  // Date.parse would roll 2027-02-30 over into March; a date that does not exist is refused.
  const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && startOfDate(d, DEFAULT_ZONE).isValid;
  const fromDay = Date.parse(`${fromDate}T00:00:00Z`);
  const toDay = Date.parse(`${toDate}T00:00:00Z`);
  if (!isDate(fromDate) || !isDate(toDate)) throw new DomainError('invalid', 'invalid_range', 'from and to must be dates like 2027-01-01');
  if (toDay <= fromDay)
    throw new DomainError('invalid', 'invalid_range', 'to must be after from', [
      { field: 'to', code: 'end_before_start', message: 'before from' },
    ]);
  if (toDay - fromDay > 10 * 366 * 86_400_000) throw new DomainError('invalid', 'invalid_range', 'a report covers at most ten years');
  // Swedish days: the period runs from midnight to midnight in Stockholm, as the months below are counted.
  const from = midnight(fromDate);
  const to = midnight(toDate);
  // Whole months from report_months; the partial months at the edges from its days.
  const perMonth: { month: string; events: number; participants: number }[] = [];
  const parts: MonthFigures[] = [];
  for (let t = new Date(fromDay); t.getTime() < toDay; ) {
    const next = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
    const key = t.toISOString().slice(0, 7);
    const a = midnight(`${key}-01`);
    const b = midnight(next.toISOString().slice(0, 10));
    const f = a >= from && b <= to ? keptFigures(db, key, a, b) : daysOf(db, t.getTime(), next.getTime(), fromDay, toDay);
    parts.push(f);
    perMonth.push({ month: key, events: sum(f.kinds, 'n'), participants: sum(f.regClusters, 'n') });
    t = next;
  }
  const kinds = addUp(parts.map((p) => p.kinds));
  const regClusters = addUp(parts.map((p) => p.regClusters));

  const named = (table: 'clusters' | 'counties' | 'themes') =>
    new Map((kept(db, table).all() as { id: number; key: string; label: string }[]).map((r) => [r.id, r] as const));
  const clusters = named('clusters');
  const counties = named('counties');
  const themes = named('themes');
  type Named = Map<number, { key: string; label: string }>;
  const counted = (rows: Row[], names: Named | null) =>
    rows
      .map((r) => {
        const name = names ? names.get(r.k as number) : { key: r.k as string, label: r.k as string };
        return { key: name?.key ?? '', label: name?.label ?? '', count: r.n };
      })
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'sv'));
  // The report is the network's, in Swedish: theme labels are the Swedish names too.
  const labels = textsFor('sv').reports;
  // Largest first; ties in the order the registrations first meet the key, then by id.
  const regCounts = (rows: Row[], names: Named, none: string) =>
    rows
      .sort((x, y) => y.n - x.n || (x.f ?? 0) - (y.f ?? 0) || (x.k as number) - (y.k as number))
      .map((r) => {
        const name = r.k === null ? undefined : names.get(r.k as number);
        return { key: name?.key ?? '-', label: name?.label ?? none, count: r.n, checkedIn: r.c ?? 0 };
      });
  const surveyed = parts.flatMap((p) => p.surveyed).sort((a, b) => a - b);

  return {
    from: fromDate,
    to: toDate,
    events: {
      total: sum(kinds, 'n'),
      cancelled: sum(kinds, 'c'),
      coHosted: parts.reduce((n, p) => n + p.coHosted, 0),
      byKind: counted(kinds, null),
      byTheme: counted(addUp(parts.map((p) => p.themes)), themes),
      byCluster: counted(addUp(parts.map((p) => p.clusters)), clusters),
    },
    registrations: {
      confirmed: sum(regClusters, 'n'),
      checkedIn: sum(regClusters, 'c'),
      byCluster: regCounts(regClusters, clusters, labels.noCluster),
      byCounty: regCounts(addUp(parts.map((p) => p.regCounties)), counties, labels.noCounty),
      byTheme: regCounts(addUp(parts.map((p) => p.regThemes)), themes, ''),
    },
    proposals: {
      made: (kept(db, 'proposalsMade').get({ from, to }) as { n: number }).n,
      accepted: (kept(db, 'proposalsAccepted').get({ from, to }) as { n: number }).n,
    },
    months: perMonth,
    feedback: reportFeedback(db, surveyed),
  };
}

/** The figures of the days of a month ([monthDay, nextMonthDay), UTC dates) within [fromDay, toDay), added up from kept days. */
function daysOf(db: Db, monthDay: number, nextMonthDay: number, fromDay: number, toDay: number): MonthFigures {
  const days: MonthFigures[] = [];
  for (let d = Math.max(monthDay, fromDay); d < Math.min(nextMonthDay, toDay); d += 86_400_000) {
    const date = new Date(d).toISOString().slice(0, 10);
    days.push(keptFigures(db, date, midnight(date), midnight(new Date(d + 86_400_000).toISOString().slice(0, 10))));
  }
  return {
    kinds: addUp(days.map((x) => x.kinds)),
    themes: addUp(days.map((x) => x.themes)),
    clusters: addUp(days.map((x) => x.clusters)),
    coHosted: days.reduce((n, x) => n + x.coHosted, 0),
    regClusters: addUp(days.map((x) => x.regClusters)),
    regCounties: addUp(days.map((x) => x.regCounties)),
    regThemes: addUp(days.map((x) => x.regThemes)),
    surveyed: days.flatMap((x) => x.surveyed),
  };
}

function sum(rows: Row[], field: 'n' | 'c'): number {
  let total = 0;
  for (const r of rows) total += r[field] ?? 0;
  return total;
}

/** The report as CSV (UTF-8 with BOM, CRLF): one row per count, machine keys beside Swedish labels, formula cells neutralised. */
export function reportCsv(report: Report): string {
  const label = textsFor('sv').reports.summary;
  const rows: string[][] = [['section', 'key', 'label', 'count', 'checked_in']];
  rows.push(
    ['summary', 'events', label.events, String(report.events.total), ''],
    ['summary', 'cancelled', label.cancelled, String(report.events.cancelled), ''],
    ['summary', 'co_hosted', label.coHosted, String(report.events.coHosted), ''],
  );
  rows.push([
    'summary',
    'registrations',
    label.registrations,
    String(report.registrations.confirmed),
    String(report.registrations.checkedIn),
  ]);
  rows.push(
    ['summary', 'proposals_made', label.proposalsMade, String(report.proposals.made), ''],
    ['summary', 'proposals_accepted', label.proposalsAccepted, String(report.proposals.accepted), ''],
  );
  for (const c of report.events.byKind) rows.push(['events_by_kind', c.key, c.label, String(c.count), '']);
  for (const c of report.events.byTheme) rows.push(['events_by_theme', c.key, c.label, String(c.count), '']);
  for (const c of report.events.byCluster) rows.push(['events_by_cluster', c.key, c.label, String(c.count), '']);
  for (const c of report.registrations.byCluster)
    rows.push(['registrations_by_cluster', c.key, c.label, String(c.count), String(c.checkedIn)]);
  for (const c of report.registrations.byCounty)
    rows.push(['registrations_by_county', c.key, c.label, String(c.count), String(c.checkedIn)]);
  for (const c of report.registrations.byTheme) rows.push(['registrations_by_theme', c.key, c.label, String(c.count), String(c.checkedIn)]);
  for (const m of report.months) rows.push(['month', m.month, m.month, String(m.events), String(m.participants)]);
  rows.push(...feedbackCsvRows(report.feedback));
  return `\uFEFF${stringify(
    rows.map((r) => r.map(neutraliseCell)),
    // A field with a line break is quoted (RFC 4180 §2.6), which csv-stringify does only for a whole CRLF.
    { record_delimiter: '\r\n', quoted_match: /[\r\n]/ },
  )}`;
}

/**
 * Events and participants per month as a small bar chart in SVG, drawn on the server (no
 * JavaScript), with a title, a description and the numbers as text for screen readers.
 */
export function monthlyChartSvg(report: Report, lang: Lang): string {
  const t = textsFor(lang).reports.chart;
  const months = report.months;
  const w = Math.max(320, months.length * 48 + 60);
  const h = 240;
  const top = 30;
  const bottom = 40;
  const plot = h - top - bottom;
  // Scales: at least 1, so a month of zeros draws no bar; the legend says the real largest value.
  const maxE = Math.max(1, ...months.map((m) => m.events));
  const maxP = Math.max(1, ...months.map((m) => m.participants));
  const bars = months
    .map((m, i) => {
      const x = 50 + i * 48;
      const he = Math.round((m.events / maxE) * plot);
      const hp = Math.round((m.participants / maxP) * plot);
      return `<g><title>${escapeHtml(t.bar(m.month, m.events, m.participants))}</title><rect x="${x}" y="${top + plot - he}" width="18" height="${he}" fill="#1d5c2e"/><rect x="${x + 20}" y="${top + plot - hp}" width="18" height="${hp}" fill="#b35900"/><text x="${x + 19}" y="${h - bottom + 16}" font-size="11" text-anchor="middle" fill="#1a1a1a">${escapeHtml(m.month.slice(2))}</text></g>`;
    })
    .join('');
  const desc = months.map((m) => `${m.month}: ${m.events}/${m.participants}`).join(', ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="chart-title chart-desc"><title id="chart-title">${escapeHtml(t.title)}</title><desc id="chart-desc">${escapeHtml(`${t.events}/${t.participants}: ${desc}`)}</desc><line x1="45" y1="${top + plot}" x2="${w - 5}" y2="${top + plot}" stroke="#4a4f47"/>${bars}<rect x="50" y="6" width="12" height="12" fill="#1d5c2e"/><text x="66" y="16" font-size="12" fill="#1a1a1a">${escapeHtml(t.legend(t.events, Math.max(0, ...months.map((m) => m.events))))}</text><rect x="190" y="6" width="12" height="12" fill="#b35900"/><text x="206" y="16" font-size="12" fill="#1a1a1a">${escapeHtml(t.legend(t.participants, Math.max(0, ...months.map((m) => m.participants))))}</text></svg>`;
}

/**
 * The survey rows of the CSV: in `count` the participants sent the survey, in `checked_in` those
 * who answered, then the response rate and the two averages in further columns.
 */
function feedbackCsvRows(f: ReportFeedback): string[][] {
  const row = (section: string, x: FeedbackFigures, label = x.label) => [
    section,
    x.key,
    label,
    String(x.invited),
    String(x.answered),
    x.responseRate === null ? '' : String(x.responseRate),
    x.overallAverage === null ? '' : String(x.overallAverage),
    x.usefulnessAverage === null ? '' : String(x.usefulnessAverage),
  ];
  return [
    ['feedback_columns', 'key', 'label', 'invited', 'answered', 'response_rate', 'overall_average', 'usefulness_average'],
    row('feedback', f.total, 'Enkätsvar'),
    ...f.byEvent.map((x) => row('feedback_by_event', x)),
    ...f.byTheme.map((x) => row('feedback_by_theme', x)),
    ...f.byCluster.map((x) => row('feedback_by_cluster', x)),
  ];
}
