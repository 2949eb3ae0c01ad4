import type { PersonalFeed } from '@samverka/contracts';
import { eq } from 'drizzle-orm';
import { feedTokens, revokedFeedTokens, type Db } from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { hashToken, newToken } from '../tokens.ts';

/** What core keeps of a feed; the API adds its links (url, webcal). */
type PersonalFeedToken = Pick<PersonalFeed, 'token' | 'createdAt'>;

/** The person's feed token, made on first request. */
export function personalFeed(db: Db, actor: Actor | null, now = new Date()): PersonalFeedToken {
  const a = requireActor(actor);
  const row = db.select().from(feedTokens).where(eq(feedTokens.userId, a.userId)).get();
  if (row) return { token: row.token, createdAt: row.createdAt.toISOString() };
  return regeneratePersonalFeed(db, a, now);
}

/** Keeps the hash of a token that stops working, so its link answers 410 Gone rather than 404. */
function recordRevoked(db: Pick<Db, 'select' | 'insert'>, userId: number, now: Date): void {
  const old = db.select({ token: feedTokens.token }).from(feedTokens).where(eq(feedTokens.userId, userId)).get();
  if (old)
    db.insert(revokedFeedTokens)
      .values({ tokenHash: hashToken(old.token), revokedAt: now })
      .onConflictDoNothing()
      .run();
}

/** A new token; the old link stops working at once (answers 410 Gone). */
export function regeneratePersonalFeed(db: Db, actor: Actor | null, now = new Date()): PersonalFeedToken {
  const a = requireActor(actor);
  const token = newToken();
  db.transaction((tx) => {
    recordRevoked(tx, a.userId, now);
    tx.insert(feedTokens)
      .values({ userId: a.userId, token, createdAt: now })
      .onConflictDoUpdate({ target: feedTokens.userId, set: { token, createdAt: now } })
      .run();
  });
  return { token, createdAt: now.toISOString() };
}

/** The link stops working at once; calendar apps that poll it are told 410 Gone, so they can stop. */
export function revokePersonalFeed(db: Db, actor: Actor | null, now = new Date()): void {
  const a = requireActor(actor);
  db.transaction((tx) => {
    recordRevoked(tx, a.userId, now);
    tx.delete(feedTokens).where(eq(feedTokens.userId, a.userId)).run();
  });
}
