import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type { Db } from '@samverka/db';
import { claimDueMails, MAIL_LEASE_MS, markFailedAttempt, markSent, releaseLease } from './outbox.ts';

// nodemailer (CommonJS) is required at the first run, not imported at start: without SMTP_URL no
// run happens, and it holds several MB of heap. Synchronously, so that a run claims its mails in
// the tick it starts, as stop() expects.
const requireAtRun = createRequire(import.meta.url);

export interface OutboxWorkerOptions {
  db: Db;
  /** smtp://user:pass@host:port; without it mail stays in the outbox for admins to read. */
  smtpUrl?: string;
  from: string;
  pollMs?: number;
  batchSize?: number;
  /** How long a claimed mail is held before another run may take it (default MAIL_LEASE_MS). */
  leaseMs?: number;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * Sends what is due in the outbox, one batch at a time. Each batch is claimed first (a lease in
 * the row), so two workers never send the same mail; each mail goes out with the Message-ID it
 * was given when written, on every attempt. A failed send is retried with backoff; a 4xx/5xx SMTP
 * answer to one mail does not stop the others.
 */
export class OutboxWorker {
  private readonly smtpUrl: string | null;
  private transport: Transporter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: OutboxWorkerOptions) {
    this.smtpUrl = opts.smtpUrl ?? null;
  }

  get enabled(): boolean {
    return this.smtpUrl !== null;
  }

  start(): void {
    if (!this.smtpUrl || this.timer) return;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 2_000);
    this.timer.unref();
    this.kick();
  }

  /** Asks for a run now (after a write that enqueued mail); runs never overlap. */
  kick(): Promise<void> {
    // After stop() the database may be closed: no run may start, not even a queued `again`.
    if (!this.smtpUrl || this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    // Callers do not await a kick (`void kick()`, the poll timer): a failed run (a locked or
    // closed database) must be logged and retried on the next tick, never become an
    // unhandled rejection, which ends a Node process.
    const run = this.drain().catch((err: Error) => {
      this.opts.log?.warn({ err: err.message }, 'outbox run failed; will retry');
    });
    this.running = run.finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  /**
   * One run sends everything due over a small pool of SMTP connections in parallel (one
   * connection per mail would make a newsletter to thousands crawl), and closes the pool when
   * done, so no idle connection lingers between runs.
   */
  private async drain(): Promise<void> {
    // Timeouts well inside the lease (MAIL_LEASE_MS): a send that hangs fails and is retried
    // before any other worker could take the mail.
    const nodemailer = requireAtRun('nodemailer') as typeof import('nodemailer');
    this.transport = nodemailer.createTransport({
      url: this.smtpUrl!,
      pool: true,
      maxConnections: 4,
      maxMessages: 1000,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    } as never);
    try {
      await this.sendDue();
    } finally {
      this.transport.close();
      this.transport = null;
    }
  }

  private async sendDue(): Promise<void> {
    const batchSize = this.opts.batchSize ?? 100;
    for (;;) {
      if (this.stopped) return;
      const mails = claimDueMails(this.opts.db, new Date(), batchSize, this.opts.leaseMs ?? MAIL_LEASE_MS);
      if (mails.length === 0) return;
      let sent = 0;
      await Promise.all(
        mails.map(async (mail) => {
          // Stopping: what has not started goes back to the outbox for the next start.
          if (this.stopped) return releaseLease(this.opts.db, mail.id);
          try {
            await this.transport!.sendMail({
              messageId: mail.messageId ?? undefined,
              from: this.opts.from,
              to: mail.toAddress,
              subject: mail.subject,
              text: mail.text,
              html: mail.html ?? undefined,
              headers: mail.headers ?? undefined,
              // Address objects: nodemailer encodes the name (RFC 2047) and no text can add a header.
              replyTo: mail.replyTo ?? undefined,
              // nodemailer writes it as the text/calendar alternative with method= in its
              // Content-Type (what Gmail and Outlook act on), and again as an .ics attachment.
              icalEvent: mail.icalEvent
                ? { method: mail.icalEvent.method, filename: mail.icalEvent.filename, content: mail.icalEvent.content }
                : undefined,
              attachments: mail.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
            });
            markSent(this.opts.db, mail.id, new Date());
            sent++;
          } catch (err) {
            const e = err as { message?: string; responseCode?: number };
            const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
            markFailedAttempt(this.opts.db, mail, e.message ?? String(err), permanent, new Date());
            this.opts.log?.warn({ mailId: mail.id, err: e.message }, 'mail send failed; will retry');
          }
        }),
      );
      // When nothing in the batch went out the server is likely down: wait for the next tick.
      if (sent === 0 || mails.length < batchSize) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
