import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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

export type OutboxMail = typeof outbox.$inferSelect;
