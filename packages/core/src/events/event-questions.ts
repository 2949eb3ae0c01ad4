import { LIMITS, type Question, type QuestionsBody } from '@samverka/contracts';
import { and, asc, eq, notInArray, sql } from 'drizzle-orm';
import {
  eventAudit,
  eventQuestions,
  events,
  keptStatement,
  type Db,
  type EventQuestion,
  type RegistrationQuestionKind,
} from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import type { Tx } from '../domain-events.ts';
import { DomainError, type ErrorDetail, forbidden } from '../errors.ts';
import { codePointLength, singleLine } from '../escape.ts';
import { canManageEvent, canSeeEvent } from './event-access.ts';
import { organiserRefs } from './event-view.ts';

type DbOrTx = Db | Tx;

/** The kinds whose answer is one or several of the offered choices. */
const CHOICE_KINDS: readonly RegistrationQuestionKind[] = ['single_choice', 'multiple_choice'];

export function toQuestion(q: EventQuestion): Question {
  return { id: q.id, kind: q.kind, label: q.label, required: q.required, choices: q.choices };
}

/** An event's own registration questions in form order (none: an empty list); no access check. */
export function eventQuestionList(db: DbOrTx, eventId: number): Question[] {
  // Kept: every registration reads it (to check the answers), most often finding none.
  return keptStatement(db, 'events.questionList', (d) =>
    d
      .select()
      .from(eventQuestions)
      .where(eq(eventQuestions.eventId, sql.placeholder('eventId')))
      .orderBy(asc(eventQuestions.position), asc(eventQuestions.id))
      .prepare(),
  )
    .all({ eventId })
    .map(toQuestion);
}

function eventRow(db: DbOrTx, id: number) {
  const row = keptStatement(db, 'events.questions.eventRow', (d) =>
    d
      .select({ id: events.id, status: events.status, visibility: events.visibility })
      .from(events)
      .where(eq(events.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
  if (!row) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  return row;
}

/** The questions of an event for whoever may see the event (404 for a draft they may not see, as getEvent). */
export function getQuestions(db: Db, actor: Actor | null, eventId: number): Question[] {
  const row = eventRow(db, eventId);
  if (!canSeeEvent(actor, row.status, organiserRefs(db, eventId), row.visibility))
    throw new DomainError('not_found', 'unknown_event', `There is no event ${eventId}`);
  return eventQuestionList(db, eventId);
}

interface CheckedQuestion {
  id: number | undefined;
  kind: RegistrationQuestionKind;
  label: string;
  required: boolean;
  choices: string[];
}

/**
 * The questions as they will be stored, or 400 invalid_questions with every problem, each on
 * `questions/<index>/<property>`: more than LIMITS.questions (`questions`, too_many), a label
 * empty (required) or over LIMITS.questionLabel (too_long); for the choice kinds fewer than two
 * choices (too_short, params.min 2), more than LIMITS.questionChoices (too_many), a choice over
 * LIMITS.questionChoice (too_long) or given twice (duplicate); an `id` that is not a question of
 * this event (unknown_choice) or is given twice (duplicate). Choices of the other kinds are dropped.
 */
function checkQuestions(body: QuestionsBody, existingIds: ReadonlySet<number>): CheckedQuestion[] {
  const details: ErrorDetail[] = [];
  if (body.questions.length > LIMITS.questions)
    details.push({
      field: 'questions',
      code: 'too_many',
      message: `at most ${LIMITS.questions} questions`,
      params: { max: LIMITS.questions },
    });
  const seen = new Set<number>();
  const out = body.questions.map((q, i): CheckedQuestion => {
    const at = (p: string) => `questions/${i}/${p}`;
    const label = singleLine(q.label, Number.MAX_SAFE_INTEGER);
    if (!label) details.push({ field: at('label'), code: 'required', message: 'the question needs a text' });
    else if (codePointLength(label) > LIMITS.questionLabel)
      details.push({
        field: at('label'),
        code: 'too_long',
        message: `at most ${LIMITS.questionLabel} characters`,
        params: { max: LIMITS.questionLabel },
      });
    if (q.id !== undefined) {
      if (!existingIds.has(q.id)) details.push({ field: at('id'), code: 'unknown_choice', message: `the event has no question ${q.id}` });
      else if (seen.has(q.id)) details.push({ field: at('id'), code: 'duplicate', message: 'the same question twice' });
      seen.add(q.id);
    }
    let choices: string[] = [];
    if (CHOICE_KINDS.includes(q.kind)) {
      choices = (q.choices ?? []).map((c) => singleLine(c, Number.MAX_SAFE_INTEGER)).filter(Boolean);
      if (choices.length < 2)
        details.push({ field: at('choices'), code: 'too_short', message: 'give at least two choices', params: { min: 2 } });
      else if (choices.length > LIMITS.questionChoices)
        details.push({
          field: at('choices'),
          code: 'too_many',
          message: `at most ${LIMITS.questionChoices} choices`,
          params: { max: LIMITS.questionChoices },
        });
      else if (choices.some((c) => codePointLength(c) > LIMITS.questionChoice))
        details.push({
          field: at('choices'),
          code: 'too_long',
          message: `a choice has at most ${LIMITS.questionChoice} characters`,
          params: { max: LIMITS.questionChoice },
        });
      else if (new Set(choices).size !== choices.length)
        details.push({ field: at('choices'), code: 'duplicate', message: 'the same choice twice' });
    }
    return { id: q.id, kind: q.kind, label, required: q.required ?? false, choices };
  });
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_questions',
      `The questions have invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );
  return out;
}

/**
 * Replaces an event's registration questions with `body.questions`, in that order, for its
 * organisers (canManageEvent; 401, 404 for a draft they may not see, else 403), until it is
 * cancelled (409 event_cancelled). A question given with its `id` keeps its id and answers; one
 * left out is deleted with its answers; a question whose kind changes becomes a new question with
 * a new id, without the old answers (they no longer fit it). Answers naming a choice that was
 * renamed keep the old wording. Validation: see
 * checkQuestions (400 invalid_questions). Recorded in the event's audit log.
 */
export function setQuestions(db: Db, actor: Actor | null, eventId: number, body: QuestionsBody, now = new Date()): Question[] {
  const row = eventRow(db, eventId);
  const a = requireActor(actor);
  const refs = organiserRefs(db, eventId);
  if (!canManageEvent(a, refs)) {
    if (!canSeeEvent(a, row.status, refs, row.visibility))
      throw new DomainError('not_found', 'unknown_event', `There is no event ${eventId}`);
    throw forbidden('Only the organising clusters of this event may change its questions');
  }
  if (row.status === 'cancelled') throw new DomainError('conflict', 'event_cancelled', 'A cancelled event cannot be changed');
  const before = db.select().from(eventQuestions).where(eq(eventQuestions.eventId, eventId)).all();
  const next = checkQuestions(body, new Set(before.map((q) => q.id)));
  // A question whose kind changes is a new question: its answers no longer fit it, and go with the old one.
  const keeps = (q: CheckedQuestion): q is CheckedQuestion & { id: number } =>
    q.id !== undefined && before.find((b) => b.id === q.id)?.kind === q.kind;
  db.transaction((tx) => {
    const kept = next.filter(keeps).map((q) => q.id);
    // Answers to the questions that go are deleted with them (ON DELETE CASCADE).
    tx.delete(eventQuestions)
      .where(and(eq(eventQuestions.eventId, eventId), kept.length ? notInArray(eventQuestions.id, kept) : undefined))
      .run();
    next.forEach((q, position) => {
      const values = { kind: q.kind, label: q.label, required: q.required, choices: q.choices, position };
      if (keeps(q)) tx.update(eventQuestions).set(values).where(eq(eventQuestions.id, q.id)).run();
      else
        tx.insert(eventQuestions)
          .values({ eventId, ...values })
          .run();
    });
    const labels = (qs: { label: string }[]) => qs.map((q) => q.label);
    tx.insert(eventAudit)
      .values({ eventId, userId: a.userId, at: now, action: 'questions_updated', changes: { questions: [labels(before), labels(next)] } })
      .run();
  });
  return eventQuestionList(db, eventId);
}

/** Copies an event's questions to another event, in the same order (new ids, no answers), inside the caller's transaction. */
export function copyQuestions(tx: Tx, fromEventId: number, toEventId: number): void {
  eventQuestionList(tx, fromEventId).forEach(({ id: _id, ...q }, position) => {
    tx.insert(eventQuestions)
      .values({ eventId: toEventId, position, ...q })
      .run();
  });
}
