import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './accounts.ts';
import { events } from './events.ts';
import { clusters, themes } from './reference.ts';

// ---- Scheduling polls for joint meetings ----

export const polls = sqliteTable('polls', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  durationMinutes: integer('duration_minutes').notNull(),
  timeZone: text('time_zone').notNull().default('Europe/Stockholm'),
  organiserClusterId: integer('organiser_cluster_id')
    .notNull()
    .references(() => clusters.id),
  venueName: text('venue_name'),
  onlineUrl: text('online_url'),
  closesAt: integer('closes_at', { mode: 'timestamp_ms' }).notNull(),
  finalSlotId: integer('final_slot_id'),
  eventId: integer('event_id').references(() => events.id, { onDelete: 'set null' }),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  finalisedAt: integer('finalised_at', { mode: 'timestamp_ms' }),
});

export const pollClusters = sqliteTable(
  'poll_clusters',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.clusterId] }), index('poll_clusters_cluster_idx').on(t.clusterId)],
);

export const pollSlots = sqliteTable(
  'poll_slots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('poll_slots_poll_idx').on(t.pollId, t.startsAt)],
);

export const POLL_ANSWERS = ['yes', 'maybe', 'no'] as const;

/** One answer per invited cluster and slot; a coordinator answers for their cluster and may change it until the poll closes. */
export const pollAnswers = sqliteTable(
  'poll_answers',
  {
    slotId: integer('slot_id')
      .notNull()
      .references(() => pollSlots.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    answer: text('answer', { enum: POLL_ANSWERS }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.slotId, t.clusterId] })],
);

/** The comment thread of a poll: its organising and invited coordinators (and admins) write, all of them read. */
export const pollComments = sqliteTable(
  'poll_comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    clusterId: integer('cluster_id').references(() => clusters.id),
    body: text('body').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('poll_comments_idx').on(t.pollId, t.id)],
);

// ---- Subscribers, invitations and newsletters ----

/** A person following clusters and themes without an account; nothing is sent before confirmedAt (double opt-in). */
export const subscribers = sqliteTable('subscribers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  language: text('language', { enum: ['sv', 'en'] })
    .notNull()
    .default('sv'),
  /** Secret of the manage/unsubscribe links. */
  token: text('token').notNull().unique(),
  confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const subscriberClusters = sqliteTable(
  'subscriber_clusters',
  {
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.clusterId] }), index('subscriber_clusters_cluster_idx').on(t.clusterId)],
);

export const subscriberThemes = sqliteTable(
  'subscriber_themes',
  {
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    themeId: integer('theme_id')
      .notNull()
      .references(() => themes.id),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.themeId] }), index('subscriber_themes_theme_idx').on(t.themeId)],
);

/** Each subscriber gets an event announcement (the invitation mailed to followers) at most once, whoever sends or passes it on. */
export const announcementDeliveries = sqliteTable(
  'announcement_deliveries',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    subscriberId: integer('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    viaClusterId: integer('via_cluster_id').references(() => clusters.id),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.subscriberId] })],
);

/** An event announcement shared with another cluster, which may pass it on to its own followers. */
export const announcementShares = sqliteTable(
  'announcement_shares',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    sharedByClusterId: integer('shared_by_cluster_id')
      .notNull()
      .references(() => clusters.id),
    sharedAt: integer('shared_at', { mode: 'timestamp_ms' }).notNull(),
    passedOnAt: integer('passed_on_at', { mode: 'timestamp_ms' }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.clusterId] })],
);

export const newsletters = sqliteTable('newsletters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  /** Whose newsletter it is; null for the network secretariat. */
  clusterId: integer('cluster_id').references(() => clusters.id),
  /** Filters for recipients and for the assembled lists: JSON arrays of slugs (empty = everyone). */
  themeSlugs: text('theme_slugs', { mode: 'json' }).$type<string[]>().notNull(),
  clusterSlugs: text('cluster_slugs', { mode: 'json' }).$type<string[]>().notNull(),
  status: text('status', { enum: ['draft', 'sent'] })
    .notNull()
    .default('draft'),
  /** The assembled content as sent, kept for the archive. */
  sentHtml: text('sent_html'),
  sentText: text('sent_text'),
  recipients: integer('recipients'),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
});

// ---- Horizon scanning ----

export const horizonItems = sqliteTable(
  'horizon_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uid: text('uid').notNull().unique(),
    title: text('title').notNull(),
    url: text('url'),
    summary: text('summary').notNull(),
    source: text('source').notNull(),
    /** Closing date (YYYY-MM-DD), e.g. of a funding call. */
    deadline: text('deadline'),
    clusterId: integer('cluster_id').references(() => clusters.id),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    revision: integer('revision').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('horizon_deadline_idx').on(t.deadline)],
);

export const horizonItemThemes = sqliteTable(
  'horizon_item_themes',
  {
    itemId: integer('item_id')
      .notNull()
      .references(() => horizonItems.id, { onDelete: 'cascade' }),
    themeId: integer('theme_id')
      .notNull()
      .references(() => themes.id),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.themeId] })],
);

export const horizonComments = sqliteTable('horizon_comments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  itemId: integer('item_id')
    .notNull()
    .references(() => horizonItems.id, { onDelete: 'cascade' }),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  clusterId: integer('cluster_id').references(() => clusters.id),
  body: text('body').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

export const horizonRelevance = sqliteTable(
  'horizon_relevance',
  {
    itemId: integer('item_id')
      .notNull()
      .references(() => horizonItems.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('horizon_relevance_pk').on(t.itemId, t.clusterId)],
);

export type Poll = typeof polls.$inferSelect;
export type Subscriber = typeof subscribers.$inferSelect;
export type Newsletter = typeof newsletters.$inferSelect;
export type HorizonItem = typeof horizonItems.$inferSelect;
