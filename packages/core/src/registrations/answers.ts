import { type Answer, type AnswerValue, LIMITS, type Question } from '@samverka/contracts';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { driverValues, eventQuestions, insertPlaceholders, keptStatement, registrationAnswers, type Db } from '@samverka/db';
import type { Tx } from '../domain-events.ts';
import type { ErrorDetail } from '../errors.ts';
import { codePointLength, singleLine } from '../escape.ts';
import { textsFor, type Lang } from '../texts/index.ts';

type DbOrTx = Db | Tx;

const fieldOf = (questionId: number) => `answers/${questionId}`;

/**
 * Checks a registration's answers against the event's questions and returns them as stored:
 * texts on one line (short) or trimmed (long), choices exactly as offered, multiple choices in
 * the offered order, unanswered questions left out. Problems go to `details`, each on the field
 * `answers/<question id>`: `required` (a required question without an answer; for yes/no, neither
 * chosen), `too_long` (params.max code points), `unknown_choice` (a choice not offered, or a
 * question the event does not have: field `answers`), `duplicate` (a question answered twice)
 * and `wrong_type` (params.expected: string, array or boolean).
 */
export function checkAnswers(questions: Question[], answers: readonly Answer[], details: ErrorDetail[]): Map<number, AnswerValue> {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const given = new Map<number, AnswerValue>();
  for (const a of answers) {
    if (!byId.has(a.question)) {
      details.push({ field: 'answers', code: 'unknown_choice', message: `the event has no question ${a.question}` });
    } else if (given.has(a.question)) {
      details.push({ field: fieldOf(a.question), code: 'duplicate', message: 'answered twice' });
    } else given.set(a.question, a.value);
  }
  const out = new Map<number, AnswerValue>();
  for (const q of questions) {
    const field = fieldOf(q.id);
    const wrongType = (expected: string) =>
      details.push({ field, code: 'wrong_type', message: `the answer must be a ${expected}`, params: { expected } });
    const raw = given.get(q.id);
    let value: AnswerValue | undefined;
    if (raw === undefined) value = undefined;
    else if (q.kind === 'yes_no') {
      if (typeof raw !== 'boolean') {
        wrongType('boolean');
        continue;
      }
      value = raw;
    } else if (q.kind === 'multiple_choice') {
      if (!Array.isArray(raw)) {
        wrongType('array');
        continue;
      }
      const unknown = raw.filter((c) => !q.choices.includes(c));
      if (unknown.length) {
        details.push({ field, code: 'unknown_choice', message: `not offered: ${unknown.join(', ')}` });
        continue;
      }
      value = q.choices.filter((c) => raw.includes(c));
      if (value.length === 0) value = undefined;
    } else {
      if (typeof raw !== 'string') {
        wrongType('string');
        continue;
      }
      if (q.kind === 'single_choice') {
        if (raw !== '' && !q.choices.includes(raw)) {
          details.push({ field, code: 'unknown_choice', message: `"${raw}" is not one of the choices` });
          continue;
        }
        value = raw || undefined;
      } else {
        const max = q.kind === 'short_text' ? LIMITS.shortAnswer : LIMITS.longAnswer;
        const text = q.kind === 'short_text' ? raw.replace(/\s+/g, ' ').trim() : raw.trim();
        if (codePointLength(text) > max) {
          details.push({ field, code: 'too_long', message: `at most ${max} characters`, params: { max } });
          continue;
        }
        value = q.kind === 'short_text' ? singleLine(text, max) || undefined : text || undefined;
      }
    }
    if (value === undefined) {
      if (q.required) details.push({ field, code: 'required', message: 'this question must be answered' });
    } else out.set(q.id, value);
  }
  return out;
}

/** Replaces a registration's answers with `values` (question id → checked value), inside the caller's transaction. */
export function saveAnswers(tx: Tx, registrationId: number, values: Map<number, AnswerValue>): void {
  // Kept: every registration runs this, in the burst when registration opens.
  keptStatement(tx, 'answers.deleteOf', (d) =>
    d
      .delete(registrationAnswers)
      .where(eq(registrationAnswers.registrationId, sql.placeholder('registrationId')))
      .prepare(),
  ).run({ registrationId });
  if (values.size === 0) return;
  const insert = keptStatement(tx, 'answers.insert', (d) =>
    d
      .insert(registrationAnswers)
      .values(insertPlaceholders(['registrationId', 'questionId', 'value'] as const))
      .prepare(),
  );
  for (const [questionId, value] of values) insert.run(driverValues(registrationAnswers, { registrationId, questionId, value }));
}

/** The answers of each registration, in the questions' form order; registrations without answers are absent. */
export function answersOf(db: DbOrTx, registrationIds: readonly number[]): Map<number, Answer[]> {
  const out = new Map<number, Answer[]>();
  for (let i = 0; i < registrationIds.length; i += 500) {
    const rows = db
      .select({
        registrationId: registrationAnswers.registrationId,
        question: registrationAnswers.questionId,
        value: registrationAnswers.value,
      })
      .from(registrationAnswers)
      .innerJoin(eventQuestions, eq(eventQuestions.id, registrationAnswers.questionId))
      .where(inArray(registrationAnswers.registrationId, registrationIds.slice(i, i + 500)))
      .orderBy(asc(eventQuestions.position), asc(eventQuestions.id))
      .all();
    for (const r of rows) {
      const list = out.get(r.registrationId) ?? [];
      list.push({ question: r.question, value: r.value });
      out.set(r.registrationId, list);
    }
  }
  return out;
}

/** Erases the answers of the registrations (personal data: deleted on request and at retention), inside the caller's transaction. */
export function eraseAnswers(db: DbOrTx, registrationIds: readonly number[]): void {
  for (let i = 0; i < registrationIds.length; i += 500)
    db.delete(registrationAnswers)
      .where(inArray(registrationAnswers.registrationId, registrationIds.slice(i, i + 500)))
      .run();
}

/** An answer as people read it in `lang`: yes/no as words, several choices joined by ", ", no answer as "". */
export function answerText(value: AnswerValue | undefined, lang: Lang): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? textsFor(lang).yesNo.yes : textsFor(lang).yesNo.no;
  return Array.isArray(value) ? value.join(', ') : value;
}
