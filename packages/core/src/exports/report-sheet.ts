import type { EventKind } from '@samverka/db';
import type { Db } from '@samverka/db';
import { listThemes } from '../clusters-service.ts';
import type { Report } from '@samverka/contracts';

type Count = Report['events']['byKind'][number];
import { textsFor, type Lang } from '../texts/index.ts';
import type { Cell, Sheet } from './spreadsheet.ts';

/**
 * The funder's report as a spreadsheet in the reader's language: one row per figure under its
 * section (summary, events by kind, theme and cluster, registrations by cluster, county and
 * theme, and per month), counts as numbers. Kinds and themes are named in `lang`; clusters and
 * counties have one name.
 */
export function reportSheet(db: Db, report: Report, lang: Lang): Sheet {
  const t = textsFor(lang);
  const s = t.spreadsheets.sections;
  const sum = t.reports.summary;
  const themeName = new Map(listThemes(db).map((th) => [th.slug, lang === 'sv' ? th.nameSv : th.nameEn]));
  // Rows without a cluster or county are counted under '-'.
  const named = (c: Count, none: string) => (c.key === '-' ? none : c.label);
  const rows: Cell[][] = [
    [s.summary, sum.events, report.events.total, null],
    [s.summary, sum.cancelled, report.events.cancelled, null],
    [s.summary, sum.coHosted, report.events.coHosted, null],
    [s.summary, sum.registrations, report.registrations.confirmed, report.registrations.checkedIn],
    [s.summary, sum.proposalsMade, report.proposals.made, null],
    [s.summary, sum.proposalsAccepted, report.proposals.accepted, null],
  ];
  for (const c of report.events.byKind) rows.push([s.eventsByKind, t.kinds[c.key as EventKind] ?? c.key, c.count, null]);
  for (const c of report.events.byTheme) rows.push([s.eventsByTheme, themeName.get(c.key) ?? c.label, c.count, null]);
  for (const c of report.events.byCluster) rows.push([s.eventsByCluster, c.label, c.count, null]);
  for (const c of report.registrations.byCluster)
    rows.push([s.registrationsByCluster, named(c, t.reports.noCluster), c.count, c.checkedIn]);
  for (const c of report.registrations.byCounty) rows.push([s.registrationsByCounty, named(c, t.reports.noCounty), c.count, c.checkedIn]);
  for (const c of report.registrations.byTheme) rows.push([s.registrationsByTheme, themeName.get(c.key) ?? c.label, c.count, c.checkedIn]);
  // A month row: its events and its participants.
  for (const m of report.months) rows.push([s.months, m.month, m.events, m.participants]);
  return {
    name: t.spreadsheets.reportSheet,
    columns: [
      { header: t.spreadsheets.section, width: 30 },
      { header: t.spreadsheets.item, width: 36 },
      { header: t.spreadsheets.count, width: 10 },
      { header: t.spreadsheets.checkedIn, width: 12 },
    ],
    rows,
  };
}
