import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './accounts.ts';
import { events } from './events.ts';

/**
 * One row (id = 1) whose version rises, by triggers, on every change to anything a calendar
 * feed shows. Serving a feed reads this one value to know whether its cached copy still holds,
 * whichever code (or admin tool) made the change.
 */
export const feedState = sqliteTable('feed_state', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull().default(0),
  changedAt: integer('changed_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * The secret in a personal feed URL. Kept readable (not hashed) so the person can see and copy
 * their subscription link again; it only grants reading that person's calendar and can be
 * revoked or replaced at any time.
 */
export const feedTokens = sqliteTable('feed_tokens', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  token: text('token').notNull().unique(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Personal feed tokens that were replaced or revoked, as SHA-256 hashes: a calendar app still
 * polling an old link is told 410 Gone (stop asking) instead of 404 (maybe a typo).
 */
export const revokedFeedTokens = sqliteTable('revoked_feed_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Each event's rendered VEVENT text per language, kept with what it was rendered from (`key`:
 * the event's revision and last change, what it shows of its cluster, county and themes, the
 * site's address and the format's version), so a feed built after a restart renders only the
 * events that changed. Its DTSTAMP is replaced by the build time when a calendar is stamped.
 */
export const eventVevents = sqliteTable(
  'event_vevents',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    lang: text('lang', { enum: ['sv', 'en'] }).notNull(),
    key: text('key').notNull(),
    text: text('text').notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.lang] })],
);
