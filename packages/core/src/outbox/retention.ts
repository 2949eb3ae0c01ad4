import { and, desc, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import { outbox, type Db } from '@samverka/db';

type DbOrTx = Pick<Db, 'delete' | 'select'>;

/** MAIL_RETENTION_DAYS when not set: sent mail is kept a month, for admins answering "did it go out?". */
export const DEFAULT_MAIL_RETENTION_DAYS = 30;

/**
 * Deletes sent mail older than `days` (by sent time) and given-up mail older than `days` (by
 * creation), with their addresses, names and links. Pending mail is never purged. Returns the
 * number of mails deleted.
 */
export function purgeOldMail(db: Db, days: number, now = new Date()): number {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  return db
    .delete(outbox)
    .where(or(and(eq(outbox.status, 'sent'), lt(outbox.sentAt, cutoff)), and(eq(outbox.status, 'failed'), lt(outbox.createdAt, cutoff))))
    .run().changes;
}

/**
 * Erases from the outbox, pending and sent alike, every mail that carries `secret`: a
 * registration's manage token or a subscription's token. Every mail about a registration or
 * a subscription holds its link (manage, confirm, unsubscribe), so this finds exactly the
 * mails about it, with the name and address they hold, also those written before mails were
 * tagged in any way. Call it inside the erasing transaction. Returns the number deleted.
 *
 * Tokens are 43 random URL-safe characters (tokens.ts): no other text contains one by chance.
 */
export function eraseMailsCarrying(db: DbOrTx, secret: string): number {
  if (secret.length < 20) throw new Error('eraseMailsCarrying needs a whole token');
  const ids = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      or(
        sql`instr(${outbox.text}, ${secret}) > 0`,
        and(isNotNull(outbox.html), sql`instr(${outbox.html}, ${secret}) > 0`),
        and(isNotNull(outbox.headers), sql`instr(${outbox.headers}, ${secret}) > 0`),
      ),
    )
    .all()
    .map((r) => r.id);
  let n = 0;
  for (let i = 0; i < ids.length; i += 500)
    n += db
      .delete(outbox)
      .where(inArray(outbox.id, ids.slice(i, i + 500)))
      .run().changes;
  return n;
}

export interface StoredMail {
  subject: string;
  status: 'pending' | 'sent' | 'failed';
  createdAt: string;
  sentAt: string | null;
}

/** The mails the outbox holds for an address (subjects and dates, not bodies: those hold links that are keys). */
export function mailsTo(db: Db, address: string): StoredMail[] {
  return db
    .select({ subject: outbox.subject, status: outbox.status, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
    .from(outbox)
    .where(eq(outbox.toAddress, address))
    .orderBy(desc(outbox.id))
    .all()
    .map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null }));
}
