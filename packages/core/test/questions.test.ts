import { eventAudit, eventOrganisers, eventQuestions, events, registrationAnswers, registrations, type Db } from '@samverka/db';
import type { QuestionInput } from '@samverka/contracts';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.ts';
import { copyEvent } from '../src/events/event-copy.ts';
import { getQuestions, setQuestions } from '../src/events/event-questions.ts';
import { answerCohostInvitation, cancelEvent, createEvent, getEvent, inviteCohost, publishEvent } from '../src/events/event-service.ts';
import { setPublicUrl } from '../src/links.ts';
import { exportPersonalData } from '../src/registrations/personal-data.ts';
import {
  anonymiseExpired,
  attendeesCsv,
  deletePersonalData,
  getRegistration,
  listAttendees,
  register,
  type RegistrationInput,
  updateRegistration,
} from '../src/registrations/registration-service.ts';
import { eventInput, freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome } from './helpers.ts';

const CREATED = new Date('2030-01-01T10:00:00Z');
const NOW = new Date('2030-06-01T10:00:00Z');

let t: TestDb;
let admin: Actor;
let lead: Actor;
let cohost: Actor;
let other: Actor;
let participant: Actor;

beforeEach(() => {
  setPublicUrl('https://samverka.test');
  t = freshDb();
  admin = insertActor(t.db, { isAdmin: true });
  lead = insertActor(t.db, { coordinatorOf: ['agro-orebro'] });
  cohost = insertActor(t.db, { coordinatorOf: ['froda'] });
  other = insertActor(t.db, { coordinatorOf: ['gront-center'] });
  participant = insertActor(t.db);
});
afterEach(() => t.dispose());

/** A workshop of Agro Örebro on 10 June 2030 09:00–12:00, co-hosted by FRODA; published unless told otherwise. */
function makeEvent(o: { publish?: boolean; capacity?: number } = {}): number {
  const { event } = createEvent(
    t.db,
    lead,
    eventInput({ start: '2030-06-10T09:00', end: '2030-06-10T12:00', capacity: o.capacity ?? 30 }),
    CREATED,
  );
  inviteCohost(t.db, lead, event.id, 'froda', CREATED);
  answerCohostInvitation(t.db, cohost, event.id, 'froda', true, CREATED);
  if (o.publish ?? true) publishEvent(t.db, lead, event.id, CREATED);
  return event.id;
}

const FOUR: QuestionInput[] = [
  { kind: 'single_choice', label: 'Vilket pass?', required: true, choices: ['Förmiddag', 'Eftermiddag'] },
  { kind: 'multiple_choice', label: 'Vilka måltider?', choices: ['Lunch', 'Fika', 'Middag'] },
  { kind: 'yes_no', label: 'Driver du en gård?', required: true },
  { kind: 'short_text', label: 'Fakturareferens' },
];

function withQuestions(questions: QuestionInput[] = FOUR, o: { publish?: boolean } = {}) {
  const id = makeEvent(o);
  const qs = setQuestions(t.db, lead, id, { questions }, CREATED);
  return { id, qs };
}

let n = 0;
function person(o: Partial<RegistrationInput> = {}): RegistrationInput {
  n++;
  return { name: `Deltagare ${n}`, email: `deltagare-${n}@example.se`, organisation: 'Gården AB', consent: true, ...o };
}

const questionRows = (db: Db = t.db) => db.select().from(eventQuestions).orderBy(asc(eventQuestions.id)).all();
const answerRows = () => t.db.select().from(registrationAnswers).all();
const snapshot = () =>
  JSON.stringify([questionRows(), answerRows(), t.db.select().from(registrations).all(), t.db.select().from(events).all()]);

describe('setting the questions', () => {
  it('stores them in order with stable ids, drops the choices of kinds without choices, and records the change', () => {
    const id = makeEvent();
    const qs = setQuestions(t.db, lead, id, {
      questions: [...FOUR, { kind: 'long_text', label: '  Vad vill du  \n lära dig? ', choices: ['ignored', 'too'] }],
    });
    expect(qs.map((q) => [q.kind, q.label, q.required, q.choices])).toEqual([
      ['single_choice', 'Vilket pass?', true, ['Förmiddag', 'Eftermiddag']],
      ['multiple_choice', 'Vilka måltider?', false, ['Lunch', 'Fika', 'Middag']],
      ['yes_no', 'Driver du en gård?', true, []],
      ['short_text', 'Fakturareferens', false, []],
      ['long_text', 'Vad vill du lära dig?', false, []],
    ]);
    expect(getQuestions(t.db, null, id)).toEqual(qs);
    const audit = t.db.select().from(eventAudit).where(eq(eventAudit.eventId, id)).all();
    expect(audit.at(-1)?.action).toBe('questions_updated');

    // Reordered and one edited: the ids stay.
    const again = setQuestions(t.db, lead, id, {
      questions: [
        { ...FOUR[1]!, id: qs[1]!.id },
        { ...FOUR[0]!, id: qs[0]!.id, label: 'Vilket pass väljer du?' },
      ],
    });
    expect(again.map((q) => q.id)).toEqual([qs[1]!.id, qs[0]!.id]);
    expect(again[1]!.label).toBe('Vilket pass väljer du?');
  });

  it.each([
    ['admin', 'allowed', (): Actor | null => admin],
    ['lead coordinator', 'allowed', (): Actor | null => lead],
    ['co-host coordinator', 'allowed', (): Actor | null => cohost],
    ['other coordinator', 'forbidden', (): Actor | null => other],
    ['participant', 'forbidden', (): Actor | null => participant],
    ['anonymous', 'unauthenticated', (): Actor | null => null],
  ] as const)('on a published event: %s → %s', (_role, expected, who) => {
    const id = makeEvent();
    const before = snapshot();
    expect(outcome(() => setQuestions(t.db, who(), id, { questions: FOUR }))).toBe(expected);
    if (expected !== 'allowed') expect(snapshot()).toBe(before);
  });

  it('a draft is not acknowledged to those who may not see it (404), and a cancelled event refuses (409)', () => {
    const draft = makeEvent({ publish: false });
    expect(outcome(() => setQuestions(t.db, other, draft, { questions: FOUR }))).toBe('not_found');
    expect(outcome(() => getQuestions(t.db, null, draft))).toBe('not_found');
    expect(getQuestions(t.db, cohost, draft)).toEqual([]);
    const id = makeEvent();
    cancelEvent(t.db, lead, id, 'Sjukdom');
    const before = snapshot();
    const err = caught(() => setQuestions(t.db, lead, id, { questions: FOUR }));
    expect([err.kind, err.code]).toEqual(['conflict', 'event_cancelled']);
    expect(snapshot()).toBe(before);
  });

  const long = (n: number) => 'x'.repeat(n);
  it.each([
    [
      'more than 20 questions',
      Array.from({ length: 21 }, (_, i) => ({ kind: 'short_text' as const, label: `Fråga ${i}` })),
      'questions',
      'too_many',
      { max: 20 },
    ],
    ['an empty label', [{ kind: 'short_text' as const, label: ' \n ' }], 'questions/0/label', 'required', undefined],
    ['a label over 300 characters', [{ kind: 'short_text' as const, label: long(301) }], 'questions/0/label', 'too_long', { max: 300 }],
    [
      'a choice question with one choice',
      [{ kind: 'single_choice' as const, label: 'Pass', choices: ['A', ' '] }],
      'questions/0/choices',
      'too_short',
      { min: 2 },
    ],
    [
      'a choice question without choices',
      [{ kind: 'multiple_choice' as const, label: 'Pass' }],
      'questions/0/choices',
      'too_short',
      { min: 2 },
    ],
    [
      '21 choices',
      [{ kind: 'multiple_choice' as const, label: 'Pass', choices: Array.from({ length: 21 }, (_, i) => `Val ${i}`) }],
      'questions/0/choices',
      'too_many',
      { max: 20 },
    ],
    [
      'a choice over 200 characters',
      [{ kind: 'single_choice' as const, label: 'Pass', choices: ['A', long(201)] }],
      'questions/0/choices',
      'too_long',
      { max: 200 },
    ],
    [
      'the same choice twice',
      [{ kind: 'single_choice' as const, label: 'Pass', choices: ['A', ' A '] }],
      'questions/0/choices',
      'duplicate',
      undefined,
    ],
    ['an id of another event', [{ id: 999, kind: 'yes_no' as const, label: 'Gård?' }], 'questions/0/id', 'unknown_choice', undefined],
  ])('refuses %s (400, nothing changed)', (_what, questions, field, code, params) => {
    const { id } = withQuestions();
    const before = snapshot();
    const err = caught(() => setQuestions(t.db, lead, id, { questions }));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_questions']);
    expect(err.details).toContainEqual(expect.objectContaining({ field, code, ...(params ? { params } : {}) }));
    expect(snapshot()).toBe(before);
  });

  it('refuses the same question twice (duplicate)', () => {
    const { id, qs } = withQuestions();
    const before = snapshot();
    const q = { ...FOUR[2]!, id: qs[2]!.id };
    const err = caught(() => setQuestions(t.db, lead, id, { questions: [q, q] }));
    expect(err.details).toContainEqual(expect.objectContaining({ field: 'questions/1/id', code: 'duplicate' }));
    expect(snapshot()).toBe(before);
  });

  it('keeps the answers to the questions that remain; those of removed questions go, and of a question whose kind changed (a new question)', () => {
    const { id, qs } = withQuestions();
    const r = register(
      t.db,
      id,
      person({
        answers: [
          { question: qs[0]!.id, value: 'Förmiddag' },
          { question: qs[1]!.id, value: ['Fika'] },
          { question: qs[2]!.id, value: true },
          { question: qs[3]!.id, value: 'REF-1' },
        ],
      }),
      NOW,
    );
    setQuestions(t.db, lead, id, {
      questions: [
        { ...FOUR[0]!, id: qs[0]!.id, label: 'Pass' },
        { ...FOUR[2]!, id: qs[2]!.id },
        { id: qs[3]!.id, kind: 'long_text', label: 'Fakturareferens' },
        { kind: 'short_text', label: 'Ny fråga' },
      ],
    });
    const list = listAttendees(t.db, lead, id);
    expect(list.questions.map((q) => q.label)).toEqual(['Pass', 'Driver du en gård?', 'Fakturareferens', 'Ny fråga']);
    // Kept questions keep their ids; the one whose kind changed is a new question.
    expect(list.questions.slice(0, 2).map((q) => q.id)).toEqual([qs[0]!.id, qs[2]!.id]);
    expect(list.questions[2]!.id).not.toBe(qs[3]!.id);
    expect(list.attendees.find((a) => a.id === r.registration.id)?.answers).toEqual([
      { question: qs[0]!.id, value: 'Förmiddag' },
      { question: qs[2]!.id, value: true },
    ]);
    expect(
      answerRows()
        .map((a) => a.questionId)
        .sort(),
    ).toEqual([qs[0]!.id, qs[2]!.id].sort());
  });
});

describe('answering on the registration form', () => {
  it('stores checked answers: one line for short texts, choices in the offered order, unanswered optional questions left out', () => {
    const { id, qs } = withQuestions();
    const r = register(
      t.db,
      id,
      person({
        answers: [
          { question: qs[0]!.id, value: 'Eftermiddag' },
          { question: qs[1]!.id, value: ['Middag', 'Lunch'] },
          { question: qs[2]!.id, value: false },
          { question: qs[3]!.id, value: '  REF\n 12 ' },
        ],
      }),
      NOW,
    );
    expect(r.registration.answers).toEqual([
      { question: qs[0]!.id, value: 'Eftermiddag' },
      { question: qs[1]!.id, value: ['Lunch', 'Middag'] },
      { question: qs[2]!.id, value: false },
      { question: qs[3]!.id, value: 'REF 12' },
    ]);
    const minimal = register(
      t.db,
      id,
      person({
        answers: [
          { question: qs[0]!.id, value: 'Förmiddag' },
          { question: qs[1]!.id, value: [] },
          { question: qs[2]!.id, value: true },
          { question: qs[3]!.id, value: '  ' },
        ],
      }),
      NOW,
    );
    expect(minimal.registration.answers.map((a) => a.question)).toEqual([qs[0]!.id, qs[2]!.id]);
  });

  it('after the questions are reordered, a registration answers with its answers in the new form order, as its manage link reads them', () => {
    const { id, qs } = withQuestions();
    // The same questions (same ids) in reverse: form order is no longer id order.
    const reordered = setQuestions(t.db, lead, id, { questions: [...qs].reverse().map((q) => ({ ...q })) }, CREATED);
    expect(reordered.map((q) => q.id)).toEqual([qs[3]!.id, qs[2]!.id, qs[1]!.id, qs[0]!.id]);
    const r = register(
      t.db,
      id,
      person({
        answers: [
          { question: qs[0]!.id, value: 'Eftermiddag' },
          { question: qs[1]!.id, value: ['Lunch'] },
          { question: qs[2]!.id, value: true },
          { question: qs[3]!.id, value: 'REF 7' },
        ],
      }),
      NOW,
    );
    expect(r.registration.answers.map((a) => a.question)).toEqual(reordered.map((q) => q.id));
    expect(r.registration.answers).toEqual(getRegistration(t.db, r.token!).answers);
  });

  type Case = [string, (q: number[]) => RegistrationInput['answers'], string, string, object | undefined];
  const valid = (q: number[]) => [
    { question: q[0]!, value: 'Förmiddag' },
    { question: q[2]!, value: true },
  ];
  it.each<Case>([
    ['no answer to a required choice', (q) => [{ question: q[2]!, value: true }], 'answers/Q0', 'required', undefined],
    ['no answer to a required yes/no', (q) => [{ question: q[0]!, value: 'Förmiddag' }], 'answers/Q2', 'required', undefined],
    [
      'a choice that is not offered',
      (q) => [...valid(q).slice(1), { question: q[0]!, value: 'Natt' }],
      'answers/Q0',
      'unknown_choice',
      undefined,
    ],
    [
      'a multiple choice not offered',
      (q) => [...valid(q), { question: q[1]!, value: ['Lunch', 'Frukost'] }],
      'answers/Q1',
      'unknown_choice',
      undefined,
    ],
    [
      'a short text over 300 characters',
      (q) => [...valid(q), { question: q[3]!, value: 'x'.repeat(301) }],
      'answers/Q3',
      'too_long',
      { max: 300 },
    ],
    [
      'text for a yes/no question',
      (q) => [valid(q)[0]!, { question: q[2]!, value: 'ja' }],
      'answers/Q2',
      'wrong_type',
      { expected: 'boolean' },
    ],
    [
      'a single value for multiple choice',
      (q) => [...valid(q), { question: q[1]!, value: 'Lunch' }],
      'answers/Q1',
      'wrong_type',
      { expected: 'array' },
    ],
    [
      'a list for a text question',
      (q) => [...valid(q), { question: q[3]!, value: ['x'] }],
      'answers/Q3',
      'wrong_type',
      { expected: 'string' },
    ],
    ['a question answered twice', (q) => [...valid(q), valid(q)[0]!], 'answers/Q0', 'duplicate', undefined],
    ['a question of another event', (q) => [...valid(q), { question: 9999, value: 'x' }], 'answers', 'unknown_choice', undefined],
  ])('refuses %s (400, nothing stored)', (_what, answers, field, code, params) => {
    const { id, qs } = withQuestions();
    const ids = qs.map((q) => q.id);
    const before = snapshot();
    const err = caught(() => register(t.db, id, person({ answers: answers(ids) }), NOW));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_registration']);
    const expectedField = field.replace(/Q(\d)/, (_, i) => String(ids[Number(i)]));
    expect(err.details).toContainEqual(expect.objectContaining({ field: expectedField, code, ...(params ? { params } : {}) }));
    expect(snapshot()).toBe(before);
  });

  it('refuses a long text over 2000 characters and reports it with the other fields at once', () => {
    const { id, qs } = withQuestions([{ kind: 'long_text', label: 'Om dig' }]);
    const err = caught(() => register(t.db, id, person({ name: ' ', answers: [{ question: qs[0]!.id, value: 'x'.repeat(2001) }] }), NOW));
    expect(err.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'name', code: 'required' }),
        expect.objectContaining({ field: `answers/${qs[0]!.id}`, code: 'too_long', params: { max: 2000 } }),
      ]),
    );
  });
});

describe('changing the answers on the manage page', () => {
  function registered() {
    const { id, qs } = withQuestions();
    const r = register(
      t.db,
      id,
      person({
        answers: [
          { question: qs[0]!.id, value: 'Förmiddag' },
          { question: qs[2]!.id, value: true },
          { question: qs[3]!.id, value: 'REF 1' },
        ],
      }),
      NOW,
    );
    return { id, qs, token: r.token!, before: r.registration.answers };
  }

  it('replaces every answer with the checked new ones; without answers in the change they stay', () => {
    const { qs, token, before } = registered();
    const v = updateRegistration(
      t.db,
      token,
      {
        answers: [
          { question: qs[0]!.id, value: 'Eftermiddag' },
          { question: qs[1]!.id, value: ['Middag', 'Fika'] },
          { question: qs[2]!.id, value: false },
        ],
      },
      NOW,
    );
    const changed = [
      { question: qs[0]!.id, value: 'Eftermiddag' },
      { question: qs[1]!.id, value: ['Fika', 'Middag'] },
      { question: qs[2]!.id, value: false },
    ];
    expect(before).toHaveLength(3);
    expect(v.answers).toEqual(changed);
    expect(updateRegistration(t.db, token, { name: 'Nytt Namn' }, NOW).answers).toEqual(changed);
    expect(answerRows()).toHaveLength(3);
  });

  it.each([
    ['a required question left unanswered', (q: number[]) => [{ question: q[2]!, value: true }], 'Q0', 'required'],
    [
      'a choice that is not offered',
      (q: number[]) => [
        { question: q[0]!, value: 'Natt' },
        { question: q[2]!, value: true },
      ],
      'Q0',
      'unknown_choice',
    ],
    [
      'text for a yes/no question',
      (q: number[]) => [
        { question: q[0]!, value: 'Förmiddag' },
        { question: q[2]!, value: 'ja' },
      ],
      'Q2',
      'wrong_type',
    ],
  ] as const)('refuses %s with a detail on that question (400, nothing changed, the name either)', (_what, answers, q, code) => {
    const { qs, token } = registered();
    const ids = qs.map((x) => x.id);
    const before = snapshot();
    const err = caught(() => updateRegistration(t.db, token, { name: 'Nytt Namn', answers: answers(ids) }, NOW));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_registration']);
    expect(err.details).toContainEqual(expect.objectContaining({ field: `answers/${ids[Number(q.slice(1))]}`, code }));
    expect(snapshot()).toBe(before);
  });
});

describe('answers in the attendee list, the CSV and the personal data', () => {
  function registered() {
    const { id, qs } = withQuestions();
    const r = register(
      t.db,
      id,
      person({
        email: 'anna@example.se',
        language: 'en',
        answers: [
          { question: qs[0]!.id, value: 'Förmiddag' },
          { question: qs[1]!.id, value: ['Lunch', 'Fika'] },
          { question: qs[2]!.id, value: true },
        ],
      }),
      NOW,
    );
    return { id, qs, r };
  }

  it('the CSV has one column per question, headed by its label, yes/no in the reader language', () => {
    const { id } = registered();
    const csv = attendeesCsv(t.db, lead, id, 'sv');
    const [head, row] = csv.replace('\uFEFF', '').split('\r\n');
    expect(head?.split(',').slice(-4)).toEqual(['Vilket pass?', 'Vilka måltider?', 'Driver du en gård?', 'Fakturareferens']);
    expect(row).toContain('Förmiddag,"Lunch, Fika",Ja,');
    expect(attendeesCsv(t.db, lead, id, 'en')).toContain('"Lunch, Fika",Yes,');
  });

  it("the participant's own data export has the questions as asked and the answers as given", () => {
    const { r } = registered();
    const data = exportPersonalData(t.db, r.token!, NOW);
    expect(data.registrations[0]?.answers).toEqual([
      { question: 'Vilket pass?', answer: 'Förmiddag' },
      { question: 'Vilka måltider?', answer: 'Lunch, Fika' },
      { question: 'Driver du en gård?', answer: 'Yes' },
    ]);
  });

  it('the answers are erased when the participant deletes their data', () => {
    const { r } = registered();
    const other = registered();
    deletePersonalData(t.db, r.token!, NOW);
    expect(answerRows().map((a) => a.registrationId)).toEqual(Array(3).fill(other.r.registration.id));
  });

  it('the answers are erased at retention, with the rest of the personal data', () => {
    const { id } = registered();
    expect(answerRows()).toHaveLength(3);
    expect(anonymiseExpired(t.db, 12, new Date('2031-06-11T00:00:00Z'))).toBe(1);
    expect(answerRows()).toEqual([]);
    expect(t.db.select().from(eventQuestions).where(eq(eventQuestions.eventId, id)).all()).toHaveLength(4);
  });
});

describe('copying an event', () => {
  it('makes a draft with the same fields, organisers, questions and settings at the new start, without registrations', () => {
    const { id } = withQuestions();
    setQuestions(t.db, lead, id, { questions: FOUR });
    t.db
      .update(events)
      .set({ registrationClosesAt: new Date('2030-06-08T10:00:00Z') })
      .where(eq(events.id, id))
      .run();
    register(
      t.db,
      id,
      person({
        answers: [
          { question: getQuestions(t.db, lead, id)[0]!.id, value: 'Förmiddag' },
          { question: getQuestions(t.db, lead, id)[2]!.id, value: true },
        ],
      }),
      NOW,
    );
    const { event: copy } = copyEvent(t.db, lead, id, { start: '2031-06-09T13:00' }, NOW);
    const original = getEvent(t.db, lead, id);
    expect(copy.id).not.toBe(id);
    expect(copy.status).toBe('draft');
    expect([copy.start, copy.end]).toEqual(['2031-06-09T13:00', '2031-06-09T16:00']);
    const same = (e: typeof copy) => ({
      title: e.title,
      description: e.description,
      kind: e.kind,
      themes: e.themes,
      venueName: e.venueName,
      capacity: e.capacity,
      language: e.language,
      organisers: e.organisers,
    });
    expect(same(copy)).toEqual(same(original));
    // The registration window moves with the start (two days and a bit before it).
    expect(copy.registrationClosesAt).toBe('2031-06-07T14:00:00.000Z');
    expect(copy.uid).not.toBe(original.uid);
    const questions = (eventId: number) => getQuestions(t.db, lead, eventId).map(({ id: _, ...q }) => q);
    expect(questions(copy.id)).toEqual(questions(id));
    expect(listAttendees(t.db, lead, copy.id).attendees).toEqual([]);
    expect(
      t.db
        .select()
        .from(eventAudit)
        .where(eq(eventAudit.eventId, copy.id))
        .all()
        .map((a) => a.action),
    ).toEqual(['created', 'copied']);
  });

  it('an all-day event is copied by its first day, keeping its length', () => {
    const { event } = createEvent(
      t.db,
      lead,
      eventInput({ allDay: true, startDate: '2030-06-10', endDate: '2030-06-11', start: undefined, end: undefined }),
      CREATED,
    );
    const err = caught(() => copyEvent(t.db, lead, event.id, { start: '2031-01-01T10:00' }, NOW));
    expect(err.details).toContainEqual(expect.objectContaining({ field: 'startDate', code: 'required' }));
    const { event: copy } = copyEvent(t.db, lead, event.id, { startDate: '2031-09-01' }, NOW);
    expect([copy.allDay, copy.startDate, copy.endDate]).toEqual([true, '2031-09-01', '2031-09-02']);
  });

  it('refuses without a new start, or with one that is not a real time (400, nothing made)', () => {
    const id = makeEvent();
    const count = () => t.db.select().from(events).all().length;
    const before = count();
    const missing = caught(() => copyEvent(t.db, lead, id, {}, NOW));
    expect([missing.kind, missing.code]).toEqual(['invalid', 'copy_start_required']);
    expect(missing.details).toEqual([expect.objectContaining({ field: 'start', code: 'required' })]);
    const bad = caught(() => copyEvent(t.db, lead, id, { start: '2031-02-30T10:00' }, NOW));
    expect(bad.kind).toBe('invalid');
    expect(bad.details[0]?.field).toBe('start');
    expect(count()).toBe(before);
  });

  it.each([
    ['admin', 'allowed', (): Actor | null => admin],
    ['lead coordinator', 'allowed', (): Actor | null => lead],
    ['co-host coordinator', 'forbidden', (): Actor | null => cohost],
    ['other coordinator', 'forbidden', (): Actor | null => other],
    ['participant', 'forbidden', (): Actor | null => participant],
    ['anonymous', 'unauthenticated', (): Actor | null => null],
  ] as const)('of a published event: %s → %s', (_role, expected, who) => {
    const id = makeEvent();
    const before = t.db.select().from(events).all().length;
    expect(outcome(() => copyEvent(t.db, who(), id, { start: '2031-06-09T13:00' }, NOW))).toBe(expected);
    expect(t.db.select().from(events).all().length).toBe(expected === 'allowed' ? before + 1 : before);
    expect(getEvent(t.db, who(), id).canCopy).toBe(expected === 'allowed');
  });

  it('a draft of another cluster is not acknowledged (404); declined co-hosts are not copied', () => {
    const id = makeEvent({ publish: false });
    inviteCohost(t.db, lead, id, 'gront-center', CREATED);
    answerCohostInvitation(t.db, other, id, 'gront-center', false, CREATED);
    const stranger = insertActor(t.db, { coordinatorOf: ['agro-vast'] });
    expect(outcome(() => copyEvent(t.db, stranger, id, { start: '2031-06-09T13:00' }, NOW))).toBe('not_found');
    const { event: copy } = copyEvent(t.db, lead, id, { start: '2031-06-09T13:00' }, NOW);
    const orgs = t.db.select().from(eventOrganisers).where(eq(eventOrganisers.eventId, copy.id)).all();
    expect(orgs.map((o) => [o.role, o.status]).sort()).toEqual([
      ['cohost', 'accepted'],
      ['lead', 'accepted'],
    ]);
  });
});
