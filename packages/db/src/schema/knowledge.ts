import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './accounts.ts';
import { events } from './events.ts';
import { registrations } from './registrations.ts';

// ---- Documentation and materials (the knowledge bank) ----

/** The organisers' written documentation of an event (Markdown, rendered and sanitised on output). */
export const eventDocumentation = sqliteTable('event_documentation', {
  eventId: integer('event_id')
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  body: text('body').notNull(),
  updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const MATERIAL_KINDS = ['file', 'link'] as const;
export const MATERIAL_VISIBILITIES = ['public', 'participants'] as const;
export type MaterialVisibility = (typeof MATERIAL_VISIBILITIES)[number];

/**
 * A file or a link added to an event. A file is stored once under DATA_DIR by the SHA-256 of its
 * content (`sha256`), so two materials with the same content share one file on disk.
 */
export const materials = sqliteTable(
  'materials',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MATERIAL_KINDS }).notNull(),
    title: text('title').notNull(),
    visibility: text('visibility', { enum: MATERIAL_VISIBILITIES }).notNull().default('public'),
    /** Links only: an http(s) address. */
    url: text('url'),
    /** Files only: hex SHA-256 of the content, the file's name on disk. */
    sha256: text('sha256'),
    /** Files only: bytes. */
    size: integer('size'),
    /** Files only: the media type decided from the content, never from the name. */
    contentType: text('content_type'),
    /** Files only: the name offered when downloading (the uploaded name, cleaned, with the extension of the detected type). */
    filename: text('filename'),
    /** PDFs only: the text inside, extracted once at upload, for search. */
    text: text('text'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('materials_event_idx').on(t.eventId, t.id), index('materials_sha_idx').on(t.sha256)],
);

// ---- Feedback surveys ----

export const FEEDBACK_QUESTION_KINDS = ['scale', 'text'] as const;
export type FeedbackQuestionKind = (typeof FEEDBACK_QUESTION_KINDS)[number];

/** The organisers' settings for an event's survey: whether it is sent, and their own questions (at most five). */
export const feedbackSurveys = sqliteTable('feedback_surveys', {
  eventId: integer('event_id')
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** JSON array of { id, text, kind }; ids stay stable so answers keep pointing at their question. */
  questions: text('questions', { mode: 'json' }).$type<{ id: string; text: string; kind: FeedbackQuestionKind }[]>().notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Who was sent the survey and whether they answered, keyed by registration. The answer itself
 * is in feedback_answers, which holds nothing that leads back here.
 */
export const feedbackInvitations = sqliteTable(
  'feedback_invitations',
  {
    registrationId: integer('registration_id')
      .primaryKey()
      .references(() => registrations.id, { onDelete: 'cascade' }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** Secret of the survey link in the mail. */
    token: text('token').notNull().unique(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull(),
    remindedAt: integer('reminded_at', { mode: 'timestamp_ms' }),
    /** Only whether, never when: a time could be matched with an answer. */
    answered: integer('answered', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('feedback_invitations_event_idx').on(t.eventId), index('feedback_invitations_due_idx').on(t.answered, t.sentAt)],
);

export const WILL_USE = ['yes', 'maybe', 'no'] as const;
export type WillUse = (typeof WILL_USE)[number];

/**
 * One anonymous answer. No registration, token or time is stored, and the id is random (it is
 * the rowid, so neither it nor the storage order says in which order people answered).
 */
export const feedbackAnswers = sqliteTable(
  'feedback_answers',
  {
    id: integer('id').primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** 1–5 */
    overall: integer('overall').notNull(),
    /** 1–5 */
    usefulness: integer('usefulness').notNull(),
    willUse: text('will_use', { enum: WILL_USE }).notNull(),
    comment: text('comment'),
    /** Answers to the organisers' questions by question id: 1–5 or text. */
    extra: text('extra', { mode: 'json' }).$type<Record<string, number | string>>().notNull(),
  },
  (t) => [index('feedback_answers_event_idx').on(t.eventId)],
);

/** Addresses that asked for no more surveys: only a SHA-256 of the lower-cased address is kept. */
export const feedbackOptOuts = sqliteTable(
  'feedback_opt_outs',
  {
    emailHash: text('email_hash').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.emailHash] })],
);

export type EventDocumentation = typeof eventDocumentation.$inferSelect;
export type Material = typeof materials.$inferSelect;
export type FeedbackSurvey = typeof feedbackSurveys.$inferSelect;
export type FeedbackInvitation = typeof feedbackInvitations.$inferSelect;
export type FeedbackAnswer = typeof feedbackAnswers.$inferSelect;
