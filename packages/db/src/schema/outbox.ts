import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Mail waiting to be sent. Written in the same transaction as the change that causes it,
 * sent by the outbox worker, so a mail is never lost when SMTP is down.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    /** JSON array of { filename, contentType, content } */
    attachments: text('attachments', { mode: 'json' }).$type<MailAttachment[]>(),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
    /**
     * The iTIP calendar (RFC 5546) sent as a text/calendar alternative with its METHOD in the
     * Content-Type (nodemailer's icalEvent); null for mail without one, and for rows written
     * before the column existed.
     */
    icalEvent: text('ical_event', { mode: 'json' }).$type<MailIcalEvent>(),
    /** The Reply-To address, as an address object (never a raw header value); null: replies go to From. */
    replyTo: text('reply_to', { mode: 'json' }).$type<MailAddress>(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    /** Until when a worker holds the mail (claimed, being sent); past it, another run may take it. */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    /** The Message-ID header (RFC 5322 §3.6.4), made once, so a resent copy can be told from a new mail. */
    messageId: text('message_id'),
  },
  (t) => [index('outbox_due_idx').on(t.status, t.nextAttemptAt)],
);

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** A calendar that calendar apps act on: METHOD REQUEST or CANCEL, the whole VCALENDAR text. */
export interface MailIcalEvent {
  method: 'REQUEST' | 'CANCEL';
  filename: string;
  content: string;
}

export interface MailAddress {
  name: string;
  address: string;
}

/**
 * When a mail that anyone can ask for an address they do not own (a repeated registration or
 * subscription) was last written, per kind and address: at most one per window
 * (outbox/throttle.ts). The address is kept only as a SHA-256 hash; rows older than the window
 * are deleted as new ones are written.
 */
export const mailThrottle = sqliteTable(
  'mail_throttle',
  {
    kind: text('kind').notNull(),
    addressHash: text('address_hash').notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.addressHash] }), index('mail_throttle_sent_idx').on(t.sentAt)],
);

export type OutboxMail = typeof outbox.$inferSelect;
