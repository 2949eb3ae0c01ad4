import { NotificationCategoryNames } from '@samverka/contracts';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './accounts.ts';
import { themes } from './reference.ts';

/**
 * The kinds of collaboration step people are told about (packages/core/src/notifications): the
 * API's list, so the settings column is checked against the names the API takes. The defaults
 * and texts live in core.
 */
export const NOTIFICATION_CATEGORIES = NotificationCategoryNames;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** At once (one mail per step), in the 07:00 daily summary, or not at all. */
export const NOTIFICATION_MODES = ['immediate', 'daily', 'off'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];

/** A user's choice for one category; no row means the category's default. */
export const notificationSettings = sqliteTable(
  'notification_settings',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    category: text('category', { enum: NOTIFICATION_CATEGORIES }).notNull(),
    mode: text('mode', { enum: NOTIFICATION_MODES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.category] })],
);

/**
 * A coordinator who chose the themes they follow (for new proposals and horizon deadlines);
 * without a row they follow every theme. The chosen themes are in notification_themes.
 */
export const notificationThemeChoices = sqliteTable('notification_theme_choices', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const notificationThemes = sqliteTable(
  'notification_themes',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    themeId: integer('theme_id')
      .notNull()
      .references(() => themes.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.themeId] })],
);

/**
 * A step waiting for its recipient's daily summary, written in the recipient's language when it
 * happened; sentAt is set when the summary that lists it is put in the outbox.
 */
export const notificationPending = sqliteTable(
  'notification_pending',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    category: text('category', { enum: NOTIFICATION_CATEGORIES }).notNull(),
    /** One line saying what happened, in the recipient's language. */
    line: text('line').notNull(),
    url: text('url').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('notification_pending_unsent_idx').on(t.sentAt, t.userId, t.id)],
);

/** Reminders a job sends once per subject (a poll closing, a horizon deadline): the key says which. */
export const notificationReminders = sqliteTable(
  'notification_reminders',
  {
    kind: text('kind', { enum: ['poll_closing', 'horizon_deadline'] }).notNull(),
    /** polls.id or horizon_items.id. */
    subjectId: integer('subject_id').notNull(),
    /** The horizon item's deadline it was sent for (a moved deadline is reminded of again); '' for polls. */
    variant: text('variant').notNull().default(''),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.subjectId, t.variant] })],
);
