import { ProposalStatusNames } from '@samverka/contracts';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './accounts.ts';
import { clusters, counties, themes } from './reference.ts';

export const EVENT_KINDS = ['workshop', 'network_meeting', 'webinar', 'study_visit', 'conference', 'other'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_STATUSES = ['draft', 'published', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
/** Who finds the event: public (lists, feeds), unlisted (only by its link), internal (coordinators and admins). */
export const EVENT_VISIBILITIES = ['public', 'unlisted', 'internal'] as const;
export type EventVisibility = (typeof EVENT_VISIBILITIES)[number];

/** A recurring network meeting: the rule that made its occurrences (each one an event). */
export const series = sqliteTable('series', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  /** RFC 5545 RRULE body, e.g. FREQ=MONTHLY;BYDAY=+2TU;COUNT=10 */
  rrule: text('rrule').notNull(),
  timeZone: text('time_zone').notNull(),
  leadClusterId: integer('lead_cluster_id')
    .notNull()
    .references(() => clusters.id),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The iCalendar UID: set once, never changed, shared by feeds and mail attachments. */
    uid: text('uid').notNull().unique(),
    title: text('title').notNull(),
    /** Markdown as written by the organisers; rendered and sanitised on output. */
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: EVENT_KINDS }).notNull(),
    status: text('status', { enum: EVENT_STATUSES }).notNull().default('draft'),
    cancelReason: text('cancel_reason'),
    allDay: integer('all_day', { mode: 'boolean' }).notNull().default(false),
    /** UTC instants; for all-day events, midnight in the event's zone of the first day and of the day after the last. */
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    timeZone: text('time_zone').notNull().default('Europe/Stockholm'),
    /** All-day events: first and last day (inclusive), YYYY-MM-DD. */
    startDate: text('start_date'),
    endDate: text('end_date'),
    venueName: text('venue_name'),
    address: text('address'),
    countyId: integer('county_id').references(() => counties.id),
    lat: real('lat'),
    lng: real('lng'),
    onlineUrl: text('online_url'),
    /** False (the default): the meeting link is for confirmed participants and organisers only. */
    onlineUrlPublic: integer('online_url_public', { mode: 'boolean' }).notNull().default(false),
    visibility: text('visibility', { enum: EVENT_VISIBILITIES }).notNull().default('public'),
    language: text('language').notNull().default('sv'),
    capacity: integer('capacity'),
    /** False: the event takes no registrations (a decided poll's meeting until the organiser opens them). */
    registrationEnabled: integer('registration_enabled', { mode: 'boolean' }).notNull().default(true),
    registrationOpensAt: integer('registration_opens_at', { mode: 'timestamp_ms' }),
    registrationClosesAt: integer('registration_closes_at', { mode: 'timestamp_ms' }),
    contactEmail: text('contact_email'),
    leadClusterId: integer('lead_cluster_id')
      .notNull()
      .references(() => clusters.id),
    seriesId: integer('series_id').references(() => series.id, { onDelete: 'set null' }),
    /** Raised by every change of time, place or status; the ICS SEQUENCE. */
    revision: integer('revision').notNull().default(0),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('events_status_start_idx').on(t.status, t.startsAt, t.id),
    index('events_start_idx').on(t.startsAt, t.id),
    index('events_series_idx').on(t.seriesId, t.startsAt),
    index('events_county_idx').on(t.countyId),
  ],
);

export const eventThemes = sqliteTable(
  'event_themes',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    themeId: integer('theme_id')
      .notNull()
      .references(() => themes.id),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.themeId] }), index('event_themes_theme_idx').on(t.themeId, t.eventId)],
);

export const ORGANISER_ROLES = ['lead', 'cohost'] as const;
export const ORGANISER_STATUSES = ['invited', 'accepted', 'declined'] as const;

/** The lead cluster (accepted from the start) and every co-host cluster with its invitation state. */
export const eventOrganisers = sqliteTable(
  'event_organisers',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    role: text('role', { enum: ORGANISER_ROLES }).notNull(),
    status: text('status', { enum: ORGANISER_STATUSES }).notNull(),
    invitedBy: integer('invited_by').references(() => users.id, { onDelete: 'set null' }),
    invitedAt: integer('invited_at', { mode: 'timestamp_ms' }).notNull(),
    respondedAt: integer('responded_at', { mode: 'timestamp_ms' }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.clusterId] }), index('event_organisers_cluster_idx').on(t.clusterId, t.status, t.eventId)],
);

/** Who changed what and when. `changes` maps a field to [before, after]. */
export const eventAudit = sqliteTable(
  'event_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    action: text('action').notNull(),
    changes: text('changes', { mode: 'json' }).$type<Record<string, [unknown, unknown]>>().notNull(),
  },
  (t) => [index('event_audit_event_idx').on(t.eventId, t.id)],
);

/** The API's list (packages/contracts), so the column is checked against the states the API names. */
export const PROPOSAL_STATUSES = ProposalStatusNames;

export const proposals = sqliteTable(
  'proposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    abstract: text('abstract').notNull(),
    format: text('format').notNull(),
    audience: text('audience').notNull(),
    /** Preferred period, YYYY-MM-DD, inclusive. */
    preferredFrom: text('preferred_from').notNull(),
    preferredTo: text('preferred_to').notNull(),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    status: text('status', { enum: PROPOSAL_STATUSES }).notNull().default('open'),
    declineReason: text('decline_reason'),
    eventId: integer('event_id').references(() => events.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('proposals_status_idx').on(t.status, t.createdAt)],
);

export const proposalThemes = sqliteTable(
  'proposal_themes',
  {
    proposalId: integer('proposal_id')
      .notNull()
      .references(() => proposals.id, { onDelete: 'cascade' }),
    themeId: integer('theme_id')
      .notNull()
      .references(() => themes.id),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.themeId] })],
);

export const proposalComments = sqliteTable(
  'proposal_comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    proposalId: integer('proposal_id')
      .notNull()
      .references(() => proposals.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    clusterId: integer('cluster_id').references(() => clusters.id),
    body: text('body').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('proposal_comments_idx').on(t.proposalId, t.id)],
);

/** A cluster's reaction to a proposal: interested, or offering to co-host (one of each per cluster). */
export const proposalResponses = sqliteTable(
  'proposal_responses',
  {
    proposalId: integer('proposal_id')
      .notNull()
      .references(() => proposals.id, { onDelete: 'cascade' }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    kind: text('kind', { enum: ['interest', 'cohost'] }).notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('proposal_responses_pk').on(t.proposalId, t.clusterId, t.kind)],
);

export type Event = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;
export type EventOrganiser = typeof eventOrganisers.$inferSelect;
export type Proposal = typeof proposals.$inferSelect;
export type Series = typeof series.$inferSelect;
