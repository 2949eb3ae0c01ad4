import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The year report's figures for one whole Swedish month, or one Swedish day of a month the
 * report covers only in part, kept so that a report over a year reads a few dozen rows instead of
 * grouping every event, theme, organiser and registration again.
 * `figures` is core's MonthFigures as JSON (ids, never labels, so a renamed cluster or theme
 * needs no update). A row is filled by the report the first time it needs the month; triggers
 * (see the migration) delete it, in the same transaction, on every write to events, their
 * themes, organisers, registrations or survey invitations and answers that starts in
 * [from_ms, to_ms), so a kept row is always the period's exact figures.
 */
export const reportMonths = sqliteTable(
  'report_months',
  {
    /** Swedish midnight starting the month or day, in milliseconds. */
    fromMs: integer('from_ms').notNull(),
    /** Swedish midnight starting the next month or day, in milliseconds. */
    toMs: integer('to_ms').notNull(),
    /** YYYY-MM for a month, YYYY-MM-DD for a day. */
    period: text('period').notNull(),
    figures: text('figures').notNull(),
  },
  (t) => [primaryKey({ columns: [t.fromMs, t.toMs] })],
);
