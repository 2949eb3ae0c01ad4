import type { svQuestions } from './questions-sv.ts';

/** English for questions-sv.ts; `satisfies` makes a missing or misnamed key a compile error. */
export const enQuestions = {
  questionsLink: 'Registration questions',
  questionsHeading: 'Registration questions',
  questionsIntro: (max: number) =>
    `Your own questions that participants answer when they register, at most ${max}. Empty a question's text to remove it; answers to the questions that remain are kept.`,
  questionsBack: 'Back to the event',
  questionsSaved: 'The questions are saved.',
  questionNumber: (n: number) => `Question ${n}`,
  questionLabel: 'The question',
  questionKind: 'Kind of answer',
  questionKinds: {
    short_text: 'Short text',
    long_text: 'Long text',
    single_choice: 'One choice',
    multiple_choice: 'Several choices',
    yes_no: 'Yes or no',
  },
  questionRequired: 'An answer is required',
  questionChoices: 'Choices, one per line',
  questionChoicesHint: 'Only for “One choice” and “Several choices”: at least two.',
  questionChoicesTooFew: 'Write at least two choices, one per line.',
  questionChoicesTooMany: (max: number) => `At most ${max} choices.`,
  questionChoicesDuplicate: 'The same choice is there twice.',
  questionsTooMany: (max: number) => `At most ${max} questions.`,
  questionsAddRow: 'Add another question',
  questionsSave: 'Save the questions',
  answerYes: 'Yes',
  answerNo: 'No',
  answersHeading: 'Answers to the questions',

  eventCopy: 'Copy the event',
  copyHeading: (title: string) => `Copy “${title}”`,
  copyIntro:
    'The copy is a draft with the same details, organisers, questions and settings, but no registrations. Choose when the copy starts: its length and the registration period move with it. You can change everything before publishing.',
  copyOriginal: (when: string) => `The event you are copying: ${when}.`,
  copyStart: 'The copy starts',
  copyStartDate: 'First day of the copy',
  copySubmit: 'Create the copy',
} satisfies typeof svQuestions;
