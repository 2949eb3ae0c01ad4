import type { Report } from '@samverka/contracts';
import { stringify } from 'csv-stringify/sync';
import { keptStatement, type Db } from '@samverka/db';
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

/** What this file uses of a better-sqlite3 statement. */
interface Statement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}

/**
 * A statement on the database's own connection, prepared once and kept (keptStatement): the
 * report aggregates in SQLite and reads a few rows per breakdown, so drizzle's query building
 * and row mapping would cost more than the queries.
 */
function kept(db: Db, key: string, text: string): Statement {
  return keptStatement(db, `reports.${key}`, (d) =>
    (d as unknown as { session: { client: { prepare(sql: string): Statement } } }).session.client.prepare(text),
  );
}

/** Events the report counts: starting in [@from, @to) (milliseconds), published or cancelled. */
const IN_RANGE = "e.status in ('published', 'cancelled') and e.starts_at >= @from and e.starts_at < @to";

const SQL = {
  byKind: `select e.kind as kind, count(*) as n, sum(e.status = 'cancelled') as cancelled from events e where ${IN_RANGE} group by e.kind`,
  byTheme: `select t.slug as key, t.name_sv as label, count(*) as n from events e join event_themes et on et.event_id = e.id join themes t on t.id = et.theme_id where ${IN_RANGE} group by et.theme_id`,
  // Lead organisers and accepted co-hosts; the co-hosted figure counts events, not co-hosts.
  byCluster: `select c.slug as key, c.name as label, count(*) as n from events e join event_organisers o on o.event_id = e.id join clusters c on c.id = o.cluster_id where ${IN_RANGE} and (o.role = 'lead' or o.status = 'accepted') group by o.cluster_id`,
  coHosted: `select count(distinct o.event_id) as n from events e join event_organisers o on o.event_id = e.id where ${IN_RANGE} and o.role = 'cohost' and o.status = 'accepted'`,
  // Confirmed registrations. Ties keep the order in which a walk over the registrations by
  // (event, id) first meets each key: \`first\` is that position.
  registrations: `select count(*) as n, coalesce(sum(r.checked_in_at is not null), 0) as checkedIn from events e join registrations r on r.event_id = e.id where ${IN_RANGE} and r.status = 'confirmed'`,
  regByCluster: `select c.slug as key, c.name as label, count(*) as n, sum(r.checked_in_at is not null) as checkedIn, min(r.event_id * 4294967296 + r.id) as first from events e join registrations r on r.event_id = e.id left join clusters c on c.id = r.cluster_id where ${IN_RANGE} and r.status = 'confirmed' group by r.cluster_id order by n desc, first`,
  regByCounty: `select c.slug as key, c.name as label, count(*) as n, sum(r.checked_in_at is not null) as checkedIn, min(r.event_id * 4294967296 + r.id) as first from events e join registrations r on r.event_id = e.id left join counties c on c.id = r.county_id where ${IN_RANGE} and r.status = 'confirmed' group by r.county_id order by n desc, first`,
  regByTheme: `select t.slug as key, t.name_sv as label, count(*) as n, sum(r.checked_in_at is not null) as checkedIn, min(r.event_id * 4294967296 + r.id) as first from events e join registrations r on r.event_id = e.id join event_themes et on et.event_id = e.id join themes t on t.id = et.theme_id where ${IN_RANGE} and r.status = 'confirmed' group by et.theme_id order by n desc, first, et.theme_id`,
  // @months: the months as JSON [[key, from, to], …] in milliseconds, Swedish midnights; each within the period.
  months: `with m(key, a, b) as (select value ->> 0, max(value ->> 1, @from), min(value ->> 2, @to) from json_each(@months)) select m.key as key, (select count(*) from events e where e.status in ('published', 'cancelled') and e.starts_at >= m.a and e.starts_at < m.b) as events, (select count(*) from events e join registrations r on r.event_id = e.id where e.status in ('published', 'cancelled') and e.starts_at >= m.a and e.starts_at < m.b and r.status = 'confirmed') as participants from m`,
  // The events with a survey: the others have no feedback figures.
  surveyed: `select e.id as id from events e where ${IN_RANGE} and (exists (select 1 from feedback_invitations f where f.event_id = e.id) or exists (select 1 from feedback_answers f where f.event_id = e.id)) order by e.id`,
  proposalsMade: 'select count(*) as n from proposals where created_at >= @from and created_at < @to',
  proposalsAccepted: "select count(*) as n from proposals where status = 'accepted' and decided_at >= @from and decided_at < @to",
};

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
  type Count = { key: string; label: string; n: number };
  type RegCount = Count & { checkedIn: number };
  const counted = (rows: Count[]) =>
    rows.map((r) => ({ key: r.key, label: r.label, count: r.n })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'sv'));

  const kinds = kept(db, 'byKind', SQL.byKind).all({ from, to }) as { kind: string; n: number; cancelled: number }[];
  let total = 0;
  let cancelled = 0;
  for (const k of kinds) {
    total += k.n;
    cancelled += k.cancelled;
  }
  // The report is the network's, in Swedish: theme labels are the Swedish names too.
  const labels = textsFor('sv').reports;
  const regCounts = (key: 'regByCluster' | 'regByCounty' | 'regByTheme', none: string) =>
    (kept(db, key, SQL[key]).all({ from, to }) as (RegCount & { key: string | null })[]).map((r) => ({
      key: r.key ?? '-',
      label: r.label ?? none,
      count: r.n,
      checkedIn: r.checkedIn,
    }));
  const regs = kept(db, 'registrations', SQL.registrations).get({ from, to }) as { n: number; checkedIn: number };

  const months: [string, number, number][] = [];
  for (let t = new Date(fromDay); t.getTime() < toDay; ) {
    const next = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
    const key = t.toISOString().slice(0, 7);
    months.push([key, midnight(`${key}-01`), midnight(next.toISOString().slice(0, 10))]);
    t = next;
  }
  const perMonth = kept(db, 'months', SQL.months).all({ from, to, months: JSON.stringify(months) }) as {
    key: string;
    events: number;
    participants: number;
  }[];
  const surveyed = (kept(db, 'surveyed', SQL.surveyed).all({ from, to }) as { id: number }[]).map((r) => r.id);

  return {
    from: fromDate,
    to: toDate,
    events: {
      total,
      cancelled,
      coHosted: (kept(db, 'coHosted', SQL.coHosted).get({ from, to }) as { n: number }).n,
      byKind: counted(kinds.map((k) => ({ key: k.kind, label: k.kind, n: k.n }))),
      byTheme: counted(kept(db, 'byTheme', SQL.byTheme).all({ from, to }) as Count[]),
      byCluster: counted(kept(db, 'byCluster', SQL.byCluster).all({ from, to }) as Count[]),
    },
    registrations: {
      confirmed: regs.n,
      checkedIn: regs.checkedIn,
      byCluster: regCounts('regByCluster', labels.noCluster),
      byCounty: regCounts('regByCounty', labels.noCounty),
      byTheme: regCounts('regByTheme', ''),
    },
    proposals: {
      made: (kept(db, 'proposalsMade', SQL.proposalsMade).get({ from, to }) as { n: number }).n,
      accepted: (kept(db, 'proposalsAccepted', SQL.proposalsAccepted).get({ from, to }) as { n: number }).n,
    },
    months: perMonth.map((m) => ({ month: m.key, events: m.events, participants: m.participants })),
    feedback: reportFeedback(db, surveyed),
  };
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
