import { Type, type Static } from 'typebox';
import { Id, StrictObject } from './common.ts';
import { LIMITS } from './limits.ts';

export const RegistrationQuestionKind = Type.Union(
  [
    Type.Literal('short_text'),
    Type.Literal('long_text'),
    Type.Literal('single_choice'),
    Type.Literal('multiple_choice'),
    Type.Literal('yes_no'),
  ],
  { description: 'the kind of answer: one line, several lines, one of the choices, any of the choices, or yes/no' },
);
export type RegistrationQuestionKind = Static<typeof RegistrationQuestionKind>;

/** One question as organisers write it; `id` keeps an existing question (and its answers), none makes a new one. */
export const QuestionInput = StrictObject({
  id: Type.Optional(Id),
  kind: RegistrationQuestionKind,
  label: Type.String({ maxLength: LIMITS.questionLabel }),
  required: Type.Optional(Type.Boolean()),
  choices: Type.Optional(
    Type.Array(Type.String({ maxLength: LIMITS.questionChoice }), {
      maxItems: LIMITS.questionChoices,
      description: 'the offered choices, at least two, for single and multiple choice; ignored otherwise',
    }),
  ),
});
export type QuestionInput = Static<typeof QuestionInput>;

/** PUT /api/events/:id/questions: the whole list, in form order; questions left out are removed with their answers. */
export const QuestionsBody = StrictObject({
  questions: Type.Array(QuestionInput, { maxItems: LIMITS.questions }),
});
export type QuestionsBody = Static<typeof QuestionsBody>;

export const Question = Type.Object({
  id: Type.Integer(),
  kind: RegistrationQuestionKind,
  label: Type.String(),
  required: Type.Boolean(),
  choices: Type.Array(Type.String()),
});
export type Question = Static<typeof Question>;
export const QuestionList = Type.Array(Question);

/** An answer: text for the text kinds and single choice, the chosen choices for multiple choice, true/false for yes/no. */
export const AnswerValue = Type.Union([
  Type.String({ maxLength: LIMITS.longAnswer }),
  Type.Array(Type.String({ maxLength: LIMITS.questionChoice }), { maxItems: LIMITS.questionChoices }),
  Type.Boolean(),
]);
export type AnswerValue = Static<typeof AnswerValue>;

export const Answer = StrictObject({ question: Id, value: AnswerValue });
export type Answer = Static<typeof Answer>;
export const Answers = Type.Array(Answer, { maxItems: LIMITS.questions });

const LocalDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$',
  description: 'wall-clock time in the event zone, YYYY-MM-DDTHH:mm',
});
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

/** POST /api/events/:id/copy: the copy's new start (`start` for a timed event, `startDate` for an all-day one); the length stays. */
export const CopyEventBody = StrictObject({
  start: Type.Optional(LocalDateTime),
  startDate: Type.Optional(LocalDate),
});
export type CopyEventBody = Static<typeof CopyEventBody>;
