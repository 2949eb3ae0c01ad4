import type { PersonalFeed } from '@samverka/contracts';
import { eq } from 'drizzle-orm';
import { feedTokens, type Db } from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { newToken } from '../tokens.ts';

/** What core keeps of a feed; the API adds its links (url, webcal). */
type PersonalFeedToken = Pick<PersonalFeed, 'token' | 'createdAt'>;

/** The person's feed token, made on first request. */
export function personalFeed(db: Db, actor: Actor | null, now = new Date()): PersonalFeedToken {
  const a = requireActor(actor);
  const row = db.select().from(feedTokens).where(eq(feedTokens.userId, a.userId)).get();
  if (row) return { token: row.token, createdAt: row.createdAt.toISOString() };
  return regeneratePersonalFeed(db, a, now);
}

/** A new token; the old link stops working at once (answers 404). */
export function regeneratePersonalFeed(db: Db, actor: Actor | null, now = new Date()): PersonalFeedToken {
  const a = requireActor(actor);
  const token = newToken();
  db.insert(feedTokens)
    .values({ userId: a.userId, token, createdAt: now })
    .onConflictDoUpdate({ target: feedTokens.userId, set: { token, createdAt: now } })
    .run();
  return { token, createdAt: now.toISOString() };
}

export function revokePersonalFeed(db: Db, actor: Actor | null): void {
  const a = requireActor(actor);
  db.delete(feedTokens).where(eq(feedTokens.userId, a.userId)).run();
}
