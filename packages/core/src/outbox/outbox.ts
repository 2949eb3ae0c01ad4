import { LIMITS, type OutboxPage } from '@samverka/contracts';
import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import { outbox, type Db, type MailAttachment, type OutboxMail } from '@samverka/db';
import { assertAdmin, type Actor } from '../access.ts';
import { DomainError } from '../errors.ts';
import { isEmail, singleLine, truncate } from '../escape.ts';

export interface MailInput {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  headers?: Record<string, string>;
}

/**
 * Writes a mail to the outbox. Call it with the transaction of the change that causes the mail,
 * so that either both happen or neither does. The subject is flattened to one line here, and
 * nodemailer encodes it (RFC 2047), so no user text can add a header.
 */
export function enqueueMail(db: Pick<Db, 'insert'>, mail: MailInput, now = new Date()): void {
  if (!isEmail(mail.to)) throw new DomainError('invalid', 'invalid_email', `Not a valid email address: ${singleLine(mail.to, 80)}`);
  const headers = mail.headers
    ? Object.fromEntries(Object.entries(mail.headers).map(([k, v]) => [singleLine(k, 60), singleLine(v, 900)]))
    : null;
  db.insert(outbox)
    .values({
      toAddress: mail.to,
      subject: singleLine(mail.subject, LIMITS.mailSubject),
      text: mail.text,
      html: mail.html ?? null,
      attachments: mail.attachments ?? null,
      headers,
      status: 'pending',
      nextAttemptAt: now,
      createdAt: now,
    })
    .run();
}

export function dueMails(db: Db, now: Date, limit: number): OutboxMail[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(limit)
    .all();
}

export function markSent(db: Db, id: number, now: Date): void {
  db.update(outbox)
    .set({ status: 'sent', sentAt: now, attempts: sql`${outbox.attempts} + 1`, lastError: null })
    .where(eq(outbox.id, id))
    .run();
}

/** Exponential backoff from 5 s, capped at 30 minutes; the mail stays pending until it goes out. */
export function backoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

export const MAX_PERMANENT_FAILURES = 5;

export function markFailedAttempt(db: Db, mail: OutboxMail, error: string, permanent: boolean, now: Date): void {
  const attempts = mail.attempts + 1;
  const giveUp = permanent && attempts >= MAX_PERMANENT_FAILURES;
  db.update(outbox)
    .set({
      attempts,
      lastError: truncate(error, LIMITS.mailError),
      status: giveUp ? 'failed' : 'pending',
      nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)),
    })
    .where(eq(outbox.id, mail.id))
    .run();
}

/** The outbox as admins see it, newest first (the product runs without SMTP; then this is where mail is read). */
export function listOutbox(db: Db, actor: Actor | null, opts: { status?: 'pending' | 'sent' | 'failed'; limit?: number } = {}): OutboxPage {
  assertAdmin(actor);
  const where = opts.status ? eq(outbox.status, opts.status) : undefined;
  const mails = db
    .select()
    .from(outbox)
    .where(where)
    .orderBy(desc(outbox.id))
    .limit(opts.limit ?? 100)
    .all();
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const row of db.select({ status: outbox.status, n: sql<number>`count(*)` }).from(outbox).groupBy(outbox.status).all()) {
    counts[row.status] = row.n;
  }
  return {
    mails: mails.map((m): OutboxPage['mails'][number] => ({
      id: m.id,
      toAddress: m.toAddress,
      subject: m.subject,
      text: m.text,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      createdAt: m.createdAt.toISOString(),
      sentAt: m.sentAt?.toISOString() ?? null,
    })),
    counts,
  };
}
