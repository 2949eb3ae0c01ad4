import { anonymiseExpired, sendDueReminders, sendDueSurveyReminders, sendDueSurveys } from '@samverka/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Scheduled work inside the server: reminders the day before an event (every 5 minutes),
 * participant surveys when an event has ended and their reminders (every 5 minutes, and at start)
 * and anonymising registrations past the retention period (hourly). Each job is idempotent, so a
 * restart or an overlap never sends a reminder twice.
 */
export default fp(
  async function jobs(app: FastifyInstance, opts: { enabled?: boolean }) {
    if (opts.enabled === false) return;
    const run = (name: string, fn: () => number) => {
      try {
        const n = fn();
        if (n > 0) {
          app.log.info({ job: name, count: n }, 'scheduled job done');
          void app.mailer.kick();
        }
      } catch (err) {
        app.log.error({ err, job: name }, 'scheduled job failed');
      }
    };
    const reminders = () => run('reminders', () => sendDueReminders(app.db));
    const retention = () => run('retention', () => anonymiseExpired(app.db, app.config.retentionMonths));
    // Participant surveys: when an event has ended, and the reminder 5 days later (knowledge/feedback-service.ts).
    const surveys = () => run('surveys', () => sendDueSurveys(app.db) + sendDueSurveyReminders(app.db));
    const timers: NodeJS.Timeout[] = [];
    app.addHook('onReady', async () => {
      reminders();
      retention();
      surveys();
      timers.push(setInterval(reminders, 5 * 60_000).unref(), setInterval(retention, 60 * 60_000).unref());
      timers.push(setInterval(surveys, 5 * 60_000).unref());
    });
    app.addHook('onClose', async () => timers.forEach(clearInterval));
  },
  { name: 'jobs', dependencies: ['mail'] },
);
