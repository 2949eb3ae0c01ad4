import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { events } from './events.ts';
import { registrations } from './registrations.ts';

export const REGISTRATION_QUESTION_KINDS = ['short_text', 'long_text', 'single_choice', 'multiple_choice', 'yes_no'] as const;
export type RegistrationQuestionKind = (typeof REGISTRATION_QUESTION_KINDS)[number];

/**
 * An organiser's own question on an event's registration form. The id stays when the question
 * is edited, so answers to it survive changes to the other questions; deleting the question
 * deletes its answers.
 */
export const eventQuestions = sqliteTable(
  'event_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** Order on the form, 0-based. */
    position: integer('position').notNull(),
    kind: text('kind', { enum: REGISTRATION_QUESTION_KINDS }).notNull(),
    label: text('label').notNull(),
    required: integer('required', { mode: 'boolean' }).notNull().default(false),
    /** The offered choices of a single or multiple choice question, as the organiser typed them; empty otherwise. */
    choices: text('choices', { mode: 'json' }).$type<string[]>().notNull(),
  },
  (t) => [index('event_questions_event_idx').on(t.eventId, t.position)],
);

/**
 * A participant's answer to one question: a string (texts, single choice), a list of strings
 * (multiple choice) or a boolean (yes/no). Personal data: deleted with the registration's other
 * personal fields.
 */
export const registrationAnswers = sqliteTable(
  'registration_answers',
  {
    registrationId: integer('registration_id')
      .notNull()
      .references(() => registrations.id, { onDelete: 'cascade' }),
    questionId: integer('question_id')
      .notNull()
      .references(() => eventQuestions.id, { onDelete: 'cascade' }),
    value: text('value', { mode: 'json' }).$type<string | string[] | boolean>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.registrationId, t.questionId] }), index('registration_answers_question_idx').on(t.questionId)],
);

export type EventQuestion = typeof eventQuestions.$inferSelect;
export type RegistrationAnswer = typeof registrationAnswers.$inferSelect;
