import type { Report } from '@samverka/contracts';
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { clusters, counties, eventOrganisers, events, eventThemes, proposals, registrations, themes, type Db } from '@samverka/db';
import { assertCanCoordinate, type Actor } from '../access.ts';
import { DomainError } from '../errors.ts';
import { escapeHtml } from '../escape.ts';
import { neutraliseCell } from '../registrations/registration-service.ts';
import { reportFeedback, type FeedbackFigures, type ReportFeedback } from '../knowledge/feedback-report.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { DEFAULT_ZONE, startOfDate } from '../time.ts';
import { wallClock } from '../time-format.ts';

function assertReader(actor: Actor | null): void {
  assertCanCoordinate(actor, 'Reports are for the secretariat and cluster coordinators');
}

/** Events starting in [from, to) (YYYY-MM-DD, Swedish dates), published or cancelled; drafts do not count. */
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
  const from = startOfDate(fromDate, DEFAULT_ZONE).toMillis();
  const to = startOfDate(toDate, DEFAULT_ZONE).toMillis();
  const inRange = and(
    gte(events.startsAt, new Date(from)),
    lt(events.startsAt, new Date(to)),
    inArray(events.status, ['published', 'cancelled']),
  )!;
  const rows = db
    .select({ id: events.id, kind: events.kind, status: events.status, startsAt: events.startsAt })
    .from(events)
    .where(inRange)
    .all();
  const ids = rows.map((r) => r.id);
  const counted = (m: Map<string, { label: string; count: number }>) =>
    [...m.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'sv'));
  const bump = (m: Map<string, { label: string; count: number }>, key: string, label: string, by = 1) => {
    const v = m.get(key) ?? { label, count: 0 };
    v.count += by;
    m.set(key, v);
  };

  const byKind = new Map<string, { label: string; count: number }>();
  for (const r of rows) bump(byKind, r.kind, r.kind);
  const themeNames = new Map(
    db
      .select()
      .from(themes)
      .all()
      .map((t) => [t.id, t]),
  );
  const clusterNames = new Map(
    db
      .select({ id: clusters.id, slug: clusters.slug, name: clusters.name })
      .from(clusters)
      .all()
      .map((c) => [c.id, c]),
  );
  const countyNames = new Map(
    db
      .select()
      .from(counties)
      .all()
      .map((c) => [c.id, c]),
  );
  const byTheme = new Map<string, { label: string; count: number }>();
  const byCluster = new Map<string, { label: string; count: number }>();
  // One query per table over the period (a join on the same range), not one per 900 events.
  const eventThemeRows = db
    .select({ eventId: eventThemes.eventId, themeId: eventThemes.themeId })
    .from(eventThemes)
    .innerJoin(events, eq(events.id, eventThemes.eventId))
    .where(inRange)
    .orderBy(eventThemes.eventId, eventThemes.themeId)
    .all();
  const orgs = db
    .select({ eventId: eventOrganisers.eventId, clusterId: eventOrganisers.clusterId, role: eventOrganisers.role })
    .from(eventOrganisers)
    .innerJoin(events, eq(events.id, eventOrganisers.eventId))
    .where(and(inRange, sql`(${eventOrganisers.role} = 'lead' or ${eventOrganisers.status} = 'accepted')`))
    .all();
  for (const o of orgs) {
    const c = clusterNames.get(o.clusterId)!;
    bump(byCluster, c.slug, c.name);
  }
  const coHosted = new Set(orgs.filter((o) => o.role === 'cohost').map((o) => o.eventId)).size;
  for (const et of eventThemeRows) {
    const t = themeNames.get(et.themeId)!;
    bump(byTheme, t.slug, t.nameSv);
  }

  const regByCluster = new Map<string, { label: string; count: number; checkedIn: number }>();
  const regByCounty = new Map<string, { label: string; count: number; checkedIn: number }>();
  const regByTheme = new Map<string, { label: string; count: number; checkedIn: number }>();
  const bumpReg = (m: Map<string, { label: string; count: number; checkedIn: number }>, key: string, label: string, checkedIn: boolean) => {
    const v = m.get(key) ?? { label, count: 0, checkedIn: 0 };
    v.count++;
    if (checkedIn) v.checkedIn++;
    m.set(key, v);
  };
  // The report is the network's, in Swedish: theme labels are the Swedish names too.
  const labels = textsFor('sv').reports;
  let confirmed = 0;
  let checkedIn = 0;
  const participantsPerEvent = new Map<number, number>();
  const themesOf = new Map<number, number[]>();
  for (const et of eventThemeRows) {
    const list = themesOf.get(et.eventId);
    if (list) list.push(et.themeId);
    else themesOf.set(et.eventId, [et.themeId]);
  }
  const regs = db
    .select({
      eventId: registrations.eventId,
      clusterId: registrations.clusterId,
      countyId: registrations.countyId,
      checkedInAt: registrations.checkedInAt,
    })
    .from(registrations)
    .innerJoin(events, eq(events.id, registrations.eventId))
    .where(and(inRange, eq(registrations.status, 'confirmed')))
    .orderBy(registrations.eventId, registrations.id)
    .all();
  for (const r of regs) {
    confirmed++;
    const came = r.checkedInAt !== null;
    if (came) checkedIn++;
    participantsPerEvent.set(r.eventId, (participantsPerEvent.get(r.eventId) ?? 0) + 1);
    const c = r.clusterId !== null ? clusterNames.get(r.clusterId) : undefined;
    bumpReg(regByCluster, c?.slug ?? '-', c?.name ?? labels.noCluster, came);
    const co = r.countyId !== null ? countyNames.get(r.countyId) : undefined;
    bumpReg(regByCounty, co?.slug ?? '-', co?.name ?? labels.noCounty, came);
    for (const t of themesOf.get(r.eventId) ?? []) bumpReg(regByTheme, themeNames.get(t)!.slug, themeNames.get(t)!.nameSv, came);
  }
  const sortReg = (m: Map<string, { label: string; count: number; checkedIn: number }>) =>
    [...m.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.count - a.count);

  const made = db
    .select({ n: sql<number>`count(*)` })
    .from(proposals)
    .where(and(gte(proposals.createdAt, new Date(from)), lt(proposals.createdAt, new Date(to))))
    .get()!.n;
  const accepted = db
    .select({ n: sql<number>`count(*)` })
    .from(proposals)
    .where(and(eq(proposals.status, 'accepted'), gte(proposals.decidedAt, new Date(from)), lt(proposals.decidedAt, new Date(to))))
    .get()!.n;

  const months = new Map<string, { events: number; participants: number }>();
  for (let t = new Date(fromDay); t.getTime() < toDay; t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1))) {
    months.set(t.toISOString().slice(0, 7), { events: 0, participants: 0 });
  }
  for (const r of rows) {
    // A kept offset per quarter hour (time-format.ts): a new Intl formatter per event cost
    // seconds over a year of 10,000 events.
    const key = wallClock(r.startsAt.getTime(), DEFAULT_ZONE).slice(0, 7);
    const m = months.get(key);
    if (m) {
      m.events++;
      m.participants += participantsPerEvent.get(r.id) ?? 0;
    }
  }

  return {
    from: fromDate,
    to: toDate,
    events: {
      total: rows.length,
      cancelled: rows.filter((r) => r.status === 'cancelled').length,
      coHosted,
      byKind: counted(byKind),
      byTheme: counted(byTheme),
      byCluster: counted(byCluster),
    },
    registrations: { confirmed, checkedIn, byCluster: sortReg(regByCluster), byCounty: sortReg(regByCounty), byTheme: sortReg(regByTheme) },
    proposals: { made, accepted },
    months: [...months.entries()].map(([month, v]) => ({ month, ...v })),
    feedback: reportFeedback(db, ids),
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
