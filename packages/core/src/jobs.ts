import { and, lt, ne } from 'drizzle-orm';
import { jobRuns, type Db } from '@samverka/db';

/** The period a run at `now` belongs to: the start of its interval, in ms since the epoch. */
export function jobSlot(now: Date, intervalMs: number): number {
  return Math.floor(now.getTime() / intervalMs) * intervalMs;
}

/**
 * Claims the run of `job` for one period (`slot`, from jobSlot). The row is inserted or nothing
 * happens (primary key job + slot), in one statement, so of any number of processes or app
 * instances trying the same period exactly one gets true and runs the job; the others skip.
 * Rows older than 90 days are dropped on the way (the table is a record, not an archive).
 */
export function claimJobRun(db: Db, job: string, slot: number, owner: string, now = new Date()): boolean {
  const claimed = db.insert(jobRuns).values({ job, slot, claimedBy: owner, claimedAt: now }).onConflictDoNothing().run().changes === 1;
  if (claimed) {
    db.delete(jobRuns)
      .where(and(lt(jobRuns.claimedAt, new Date(now.getTime() - 90 * 86_400_000)), ne(jobRuns.job, 'readiness-probe')))
      .run();
  }
  return claimed;
}
