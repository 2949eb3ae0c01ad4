import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per run of a scheduled job (reminders, retention, backups) and period: the process
 * that inserts the row runs the job; any other process or instance that tries the same period
 * finds the row and skips, so a job runs once even when the server is started twice.
 */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    job: text('job').notNull(),
    /** The period: the start of the interval the run belongs to, in ms since the epoch. */
    slot: integer('slot').notNull(),
    /** Who ran it: host and process id, for the operator reading the table. */
    claimedBy: text('claimed_by').notNull(),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.slot] })],
);
