import { LIMITS, type OutboxPage } from '@samverka/contracts';
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import {
  driverValues,
  insertPlaceholders,
  keptStatement,
  outbox,
  type Db,
  type MailAddress,
  type MailAttachment,
  type MailIcalEvent,
  type OutboxMail,
} from '@samverka/db';
import { assertAdmin, type Actor } from '../access.ts';
import { DomainError } from '../errors.ts';
import { isEmail, singleLine, truncate } from '../escape.ts';
import { links } from '../links.ts';

export interface MailInput {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  headers?: Record<string, string>;
  /** An iTIP calendar (RFC 5546), sent as `text/calendar; method=…` inside the multipart/alternative. */
  icalEvent?: MailIcalEvent;
  /** Where replies go (Reply-To), as an address object; the name is flattened to one line here. */
  replyTo?: MailAddress;
}

/** The last PUBLIC_URL parsed and its host: a URL is parsed once, not for every mail of a burst. */
let parsedHost: { base: string; host: string } | null = null;

/** The host part of Message-IDs: the site's own name (PUBLIC_URL), so the ids are ours alone. */
function messageIdHost(): string {
  const base = links.base;
  if (parsedHost?.base === base) return parsedHost.host;
  let host: string;
  try {
    host = new URL(base).hostname || 'samverka.local';
  } catch {
    host = 'samverka.local';
  }
  parsedHost = { base, host };
  return host;
}

/** A new Message-ID (RFC 5322 §3.6.4): `<uuid@host>`, unique per mail, never per attempt. */
export function newMessageId(): string {
  return `<${randomUUID()}@${messageIdHost()}>`;
}

/**
 * Writes a mail to the outbox. Call it with the transaction of the change that causes the mail,
 * so that either both happen or neither does. The subject is flattened to one line here, and
 * nodemailer encodes it (RFC 2047), so no user text can add a header. The Message-ID is made
 * here, once: every attempt to send the mail carries the same one, so a copy resent after a
 * crash is recognisably the same mail.
 */
export function enqueueMail(db: Pick<Db, 'insert'>, mail: MailInput, now = new Date()): void {
  if (!isEmail(mail.to)) throw new DomainError('invalid', 'invalid_email', `Not a valid email address: ${singleLine(mail.to, 80)}`);
  const headers = mail.headers
    ? Object.fromEntries(Object.entries(mail.headers).map(([k, v]) => [singleLine(k, 60), singleLine(v, 900)]))
    : null;
  if (mail.replyTo && !isEmail(mail.replyTo.address))
    throw new DomainError('invalid', 'invalid_email', `Not a valid Reply-To address: ${singleLine(mail.replyTo.address, 80)}`);
  const values = {
    toAddress: mail.to,
    subject: singleLine(mail.subject, LIMITS.mailSubject),
    text: mail.text,
    html: mail.html ?? null,
    attachments: mail.attachments ?? null,
    headers,
    icalEvent: mail.icalEvent ?? null,
    replyTo: mail.replyTo ? { name: singleLine(mail.replyTo.name, LIMITS.name), address: mail.replyTo.address } : null,
    status: 'pending' as const,
    nextAttemptAt: now,
    createdAt: now,
    messageId: newMessageId(),
  };
  // Kept: a burst of registrations writes one mail each, inside its transaction.
  keptStatement(db, 'outbox.insert', (d) =>
    d
      .insert(outbox)
      .values(insertPlaceholders(Object.keys(values) as (keyof typeof values)[]))
      .prepare(),
  ).run(driverValues(outbox, values));
}

/** Pending, due, and not held by a worker (no lease, or its lease has run out). */
const due = (now: Date) =>
  and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now)));

export function dueMails(db: Db, now: Date, limit: number): OutboxMail[] {
  return db.select().from(outbox).where(due(now)).orderBy(asc(outbox.nextAttemptAt), asc(outbox.id)).limit(limit).all();
}

/** How long a claim holds a mail: far longer than one send may take (the worker's SMTP timeouts are 30 to 60 s). */
export const MAIL_LEASE_MS = 10 * 60_000;

/**
 * Claims up to `limit` due mails for one worker, oldest first, in one UPDATE … RETURNING
 * statement, so two workers (two processes, or two runs) never take the same mail. The claim is
 * a lease: if the worker dies before marking the mail sent or failed, the mail is due again when
 * `leaseMs` has passed. A mail written before Message-IDs existed gets one now, kept from then on.
 */
export function claimDueMails(db: Db, now: Date, limit: number, leaseMs = MAIL_LEASE_MS): OutboxMail[] {
  const ids = db.select({ id: outbox.id }).from(outbox).where(due(now)).orderBy(asc(outbox.nextAttemptAt), asc(outbox.id)).limit(limit);
  const host = messageIdHost();
  return db
    .update(outbox)
    .set({
      leaseUntil: new Date(now.getTime() + leaseMs),
      messageId: sql`coalesce(${outbox.messageId}, '<' || lower(hex(randomblob(16))) || '@' || ${host} || '>')`,
    })
    .where(and(inArray(outbox.id, ids), due(now)))
    .returning()
    .all()
    .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
}

/** Gives a claimed mail back unsent (the worker is stopping before it got to it). */
export function releaseLease(db: Db, id: number): void {
  db.update(outbox).set({ leaseUntil: null }).where(eq(outbox.id, id)).run();
}

/**
 * Frees every lease. Only for a process that holds the data folder's lock (it is then the one
 * writer, so no other worker can be sending): after a crash the mails that were in flight are due
 * at once instead of when their lease runs out. Returns how many were freed.
 */
export function releaseAllLeases(db: Db): number {
  return db
    .update(outbox)
    .set({ leaseUntil: null })
    .where(and(eq(outbox.status, 'pending'), sql`${outbox.leaseUntil} is not null`))
    .run().changes;
}

export function markSent(db: Db, id: number, now: Date): void {
  db.update(outbox)
    .set({ status: 'sent', sentAt: now, attempts: sql`${outbox.attempts} + 1`, lastError: null, leaseUntil: null })
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
      leaseUntil: null,
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

export interface OutboxBacklog {
  /** Mails waiting to be sent (pending, due or not). */
  pending: number;
  /** Age in seconds of the oldest pending mail; 0 when none waits. */
  oldestPendingSeconds: number;
}

/** What waits in the outbox, for /readyz and monitoring: a growing backlog means mail is not going out. */
export function outboxBacklog(db: Db, now = new Date()): OutboxBacklog {
  const row = db
    .select({ n: sql<number>`count(*)`, oldest: sql<number | null>`min(${outbox.createdAt})` })
    .from(outbox)
    .where(eq(outbox.status, 'pending'))
    .get();
  const oldest = row?.oldest ?? null;
  return { pending: row?.n ?? 0, oldestPendingSeconds: oldest === null ? 0 : Math.max(0, Math.floor((now.getTime() - oldest) / 1000)) };
}
