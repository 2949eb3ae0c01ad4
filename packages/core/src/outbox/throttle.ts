import { and, eq, lt } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { mailThrottle, type Db } from '@samverka/db';

/** How long after one mail of a kind to an address the next of that kind is not written (15 minutes). */
export const REPEAT_MAIL_WINDOW_MS = 15 * 60_000;

/** The mails anyone can trigger for an address they do not own. */
export type RepeatableMailKind = 'registration_link' | 'subscription_confirm' | 'subscription_manage_link';

/**
 * Whether a mail of `kind` to `address` may be written now: true at most once per address and
 * kind per REPEAT_MAIL_WINDOW_MS (15 minutes, by `now`), and then it records `now`. Call it in
 * the transaction that writes the mail, and answer the request the same either way, so that
 * nobody learns from the answer whether a mail went out. Kept in SQLite, so the window holds
 * across restarts and processes; the address is stored only as a SHA-256 hash, and rows older
 * than the window are deleted here.
 */
export function takeRepeatMailSlot(
  db: Pick<Db, 'select' | 'insert' | 'delete'>,
  kind: RepeatableMailKind,
  address: string,
  now: Date,
): boolean {
  const addressHash = createHash('sha256').update(address.toLowerCase()).digest('base64url');
  const windowStart = new Date(now.getTime() - REPEAT_MAIL_WINDOW_MS);
  db.delete(mailThrottle).where(lt(mailThrottle.sentAt, windowStart)).run();
  const last = db
    .select({ sentAt: mailThrottle.sentAt })
    .from(mailThrottle)
    .where(and(eq(mailThrottle.kind, kind), eq(mailThrottle.addressHash, addressHash)))
    .get();
  if (last && last.sentAt > windowStart) return false;
  db.insert(mailThrottle)
    .values({ kind, addressHash, sentAt: now })
    .onConflictDoUpdate({ target: [mailThrottle.kind, mailThrottle.addressHash], set: { sentAt: now } })
    .run();
  return true;
}
