import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The year report's figures for one whole Swedish month, kept so that a report over a year reads
 * twelve rows instead of grouping every event, theme, organiser and registration again.
 * `figures` is core's MonthFigures as JSON (ids, never labels, so a renamed cluster or theme
 * needs no update). A row is filled by the report the first time it needs the month; triggers
 * (see the migration) delete it, in the same transaction, on every write to events, their
 * themes, organisers or registrations that starts in [from_ms, to_ms), so a kept row is always
 * the month's exact figures.
 */
export const reportMonths = sqliteTable('report_months', {
  /** Swedish midnight starting the month, in milliseconds. */
  fromMs: integer('from_ms').primaryKey(),
  /** Swedish midnight starting the next month, in milliseconds. */
  toMs: integer('to_ms').notNull(),
  /** YYYY-MM. */
  month: text('month').notNull(),
  figures: text('figures').notNull(),
});
