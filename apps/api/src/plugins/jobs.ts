import {
  anonymiseExpired,
  claimJobRun,
  jobSlot,
  purgeOldMail,
  runNotificationJobs,
  sendDueReminders,
  sendDueSurveyReminders,
  sendDueSurveys,
} from '@samverka/core';
import { scheduledBackup, sqliteOf } from '@samverka/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hostname } from 'node:os';

interface Job {
  name: string;
  everyMs: number;
  /** Returns what was done (a count), for the log; a promise for work that waits (a backup). */
  run: () => number | Promise<number>;
  /** Mail was enqueued: ask the outbox worker to send now. */
  mails?: boolean;
}

/**
 * Scheduled work inside the server: reminders the day before an event (every 5 minutes),
 * participant surveys when an event has ended and their reminders (every 5 minutes),
 * anonymising registrations past the retention period and purging sent mail past
 * MAIL_RETENTION_DAYS (hourly), and online backups into BACKUP_DIR every BACKUP_INTERVAL_HOURS.
 * Each run is claimed in job_runs for its period first (claimJobRun), so a job runs once per
 * period even when two instances run on one database; each job is idempotent besides.
 */
export default fp(
  async function jobs(app: FastifyInstance, opts: { enabled?: boolean }) {
    if (opts.enabled === false) return;
    const owner = `${hostname()}:${process.pid}`;
    const list: Job[] = [
      // With the participants' reminders, the notifications' timed work (core's notifications/jobs.ts):
      // poll reminders 48 hours before closing and, from 07:00 Europe/Stockholm, the deadlines a
      // week ahead and the daily summary, which claims its own day in job_runs.
      { name: 'reminders', everyMs: 5 * 60_000, run: () => sendDueReminders(app.db) + runNotificationJobs(app.db, owner), mails: true },
      { name: 'retention', everyMs: 60 * 60_000, run: () => anonymiseExpired(app.db, app.config.retentionMonths) },
      { name: 'mail-retention', everyMs: 60 * 60_000, run: () => purgeOldMail(app.db, app.config.mailRetentionDays) },
      // Participant surveys when an event has ended, and their reminder 5 days later (knowledge/feedback-service.ts).
      { name: 'surveys', everyMs: 5 * 60_000, run: () => sendDueSurveys(app.db) + sendDueSurveyReminders(app.db), mails: true },
    ];
    const backup = app.config.backup;
    if (backup) {
      list.push({
        name: 'backup',
        everyMs: backup.intervalHours * 3_600_000,
        run: async () => {
          const started = Date.now();
          const done = await scheduledBackup(sqliteOf(app.db), backup.dir, backup.keep);
          app.log.info(
            { job: 'backup', file: done.file, pages: done.pages, removed: done.removed.length, ms: Date.now() - started },
            'backup written',
          );
          return 1;
        },
      });
    }
    const inFlight = new Set<Promise<void>>();
    const run = (job: Job) => {
      const work = (async () => {
        try {
          const now = new Date();
          if (!claimJobRun(app.db, job.name, jobSlot(now, job.everyMs), owner, now)) {
            app.log.debug({ job: job.name }, 'scheduled job already run for this period');
            return;
          }
          const n = await job.run();
          if (n > 0) {
            app.log.info({ job: job.name, count: n }, 'scheduled job done');
            if (job.mails) void app.mailer.kick();
          }
        } catch (err) {
          app.log.error({ err, job: job.name }, 'scheduled job failed');
        }
      })();
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    };
    const timers: NodeJS.Timeout[] = [];
    app.addHook('onReady', async () => {
      for (const job of list) {
        run(job);
        // Checked often: a claimed period is skipped at once, and a new period starts on time.
        timers.push(setInterval(() => run(job), Math.min(job.everyMs, 5 * 60_000)).unref());
      }
    });
    // A backup in progress finishes before the database closes.
    app.addHook('onClose', async () => {
      for (const t of timers) clearInterval(t);
      await Promise.all(inFlight);
    });
  },
  { name: 'jobs', dependencies: ['mail'] },
);
