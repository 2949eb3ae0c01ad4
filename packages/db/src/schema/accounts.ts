import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { clusters } from './reference.ts';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Stored lower-cased so that lookups are case-insensitive. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  /** scrypt hash in the form `scrypt$N$r$p$salt$hash`; null until the user sets a password. */
  passwordHash: text('password_hash'),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  language: text('language', { enum: ['sv', 'en'] })
    .notNull()
    .default('sv'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
});

export const coordinators = sqliteTable(
  'coordinators',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'cascade' }),
    grantedAt: integer('granted_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clusterId] }), index('coordinators_cluster_idx').on(t.clusterId)],
);

/** One row per issued JWT (its `jti`), so that logout can revoke a token before it expires. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * One row (id = 1) whose version rises, by triggers, on every change that can alter what a login
 * token stands for: a session revoked or removed, a user made or unmade admin, disabled
 * (erasure disables too) or deleted, a coordinator role granted or taken away. A process keeps
 * the logins it resolved (core's LoginCache) only while this version stays the same, whichever
 * code (or admin tool, in another process) made the change.
 */
export const authState = sqliteTable('auth_state', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull().default(0),
});

/** One-time login links. Only a SHA-256 of the token is stored, so a database leak reveals no usable link. */
export const loginTokens = sqliteTable(
  'login_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('login_tokens_user_idx').on(t.userId)],
);

export type User = typeof users.$inferSelect;
