import { feedbackAnswers, feedbackInvitations, outbox, registrations } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import type { EventInput } from '../src/events/event-input.ts';
import { createEvent, publishEvent } from '../src/events/event-service.ts';
import {
  answerFeedback,
  feedbackChartSvg,
  feedbackResults,
  getFeedbackForm,
  getSurveySettings,
  optOutOfFeedback,
  saveSurveySettings,
  sendDueSurveyReminders,
  sendDueSurveys,
} from '../src/knowledge/feedback-service.ts';
import { deletePersonalData, register, setCheckIn } from '../src/registrations/registration-service.ts';
import { buildReport } from '../src/reports/report-service.ts';
import { freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome } from './helpers.ts';

const ORG = 'agro-orebro';
const DAY = 86_400_000;
/** Registrations happen on this day; the events are in March 2030. */
const BEFORE = new Date('2030-02-01T10:00:00Z');
const END = new Date('2030-03-10T14:00:00Z');
const at = (days: number, hours = 0) => new Date(END.getTime() + days * DAY + hours * 3_600_000);

let t: TestDb;
let org: Actor;
let other: Actor;
let admin: Actor;

beforeEach(() => {
  t = freshDb();
  org = loadActor(t.db, insertUser(t.db, { coordinatorOf: [ORG] }))!;
  other = loadActor(t.db, insertUser(t.db, { coordinatorOf: ['froda'] }))!;
  admin = loadActor(t.db, insertUser(t.db, { isAdmin: true }))!;
});
afterEach(() => t.dispose());

function event(input: Partial<EventInput> = {}): number {
  const id = createEvent(
    t.db,
    org,
    {
      leadCluster: ORG,
      title: 'Workshop om mark',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2030-03-10T09:00',
      end: '2030-03-10T15:00',
      venueName: 'Gården',
      ...input,
    } as EventInput,
    BEFORE,
  ).event.id;
  publishEvent(t.db, org, id, BEFORE);
  return id;
}

function person(eventId: number, email: string, language: 'sv' | 'en' = 'sv') {
  const r = register(t.db, eventId, { name: email.split('@')[0]!, email, organisation: 'Gården', consent: true, language }, BEFORE);
  return { id: r.registration.id, token: r.token!, status: r.registration.status };
}

/** Survey mails (and reminders) in the outbox, as [to, subject]. */
function surveyMails(): [string, string][] {
  return t.db
    .select()
    .from(outbox)
    .all()
    .filter((m) => /Hur var|How was|Påminnelse: hur|Reminder: how/.test(m.subject))
    .map((m) => [m.toAddress, m.subject]);
}

function tokenOf(registrationId: number): string {
  return t.db.select().from(feedbackInvitations).where(eq(feedbackInvitations.registrationId, registrationId)).get()!.token;
}

describe('sending the survey', () => {
  it('mails each eligible participant once when the event has ended, in their language; none to deleted, opted-out, waiting or cancelled people', () => {
    const id = event({ capacity: 4 });
    const sv = person(id, 'anna@example.se');
    const en = person(id, 'ben@example.com', 'en');
    const deleted = person(id, 'cecilia@example.se');
    const optedOut = person(id, 'david@example.se');
    person(id, 'eva@example.se');
    const waiting = person(id, 'filip@example.se');
    expect(waiting.status).toBe('waitlisted');
    deletePersonalData(t.db, deleted.token, at(0, 1));
    // Eva cancelled before the event; David opted out of surveys from an earlier event.
    t.db.update(registrations).set({ status: 'cancelled' }).where(eq(registrations.email, 'eva@example.se')).run();
    const earlier = event({ title: 'Förra', start: '2030-03-01T09:00', end: '2030-03-01T10:00' });
    const earlierDavid = person(earlier, 'david@example.se');
    expect(sendDueSurveys(t.db, new Date('2030-03-01T11:00:00Z'))).toBe(1);
    optOutOfFeedback(t.db, tokenOf(earlierDavid.id));
    t.db.delete(outbox).run();

    expect(sendDueSurveys(t.db, at(0, -1))).toBe(0);
    expect(sendDueSurveys(t.db, at(0, 2))).toBe(2);
    expect(surveyMails().sort()).toEqual([
      ['anna@example.se', 'Hur var Workshop om mark? Fem minuter om ditt utbyte'],
      ['ben@example.com', 'How was Workshop om mark? Five minutes on what you got out of it'],
    ]);
    const mail = t.db.select().from(outbox).where(eq(outbox.toAddress, 'anna@example.se')).get()!;
    expect(mail.text).toContain(`http://localhost:3000/aterkoppling/${tokenOf(sv.id)}`);
    expect(mail.headers).toEqual({
      'List-Unsubscribe': `<http://localhost:3000/api/feedback/${tokenOf(sv.id)}/opt-out>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    // Once: later runs send nothing more.
    expect(sendDueSurveys(t.db, at(0, 3))).toBe(0);
    expect(sendDueSurveys(t.db, at(3))).toBe(0);
    expect(surveyMails()).toHaveLength(2);
    expect(tokenOf(en.id)).not.toBe(tokenOf(sv.id));
    void optedOut;
  });

  it('only the checked-in participants when the organisers used check-in; nothing for events over 14 days ago or with the survey off', () => {
    const id = event();
    const came = person(id, 'kom@example.se');
    person(id, 'uteblev@example.se');
    setCheckIn(t.db, org, id, came.id, true, at(0, -2));
    const old = event({ title: 'Gammal', start: '2030-02-20T09:00', end: '2030-02-20T10:00' });
    person(old, 'gammal@example.se');
    const off = event({ title: 'Utan enkät' });
    person(off, 'utan@example.se');
    saveSurveySettings(t.db, org, off, { enabled: false, questions: [] });
    expect(sendDueSurveys(t.db, at(0, 1))).toBe(1);
    expect(surveyMails().map(([to]) => to)).toEqual(['kom@example.se']);
  });
});

describe('the reminder', () => {
  it('goes once, 5 days after the survey, to those who have not answered, and never after 14 days', () => {
    const id = event();
    const a = person(id, 'a@example.se');
    const b = person(id, 'b@example.se');
    const c = person(id, 'c@example.se');
    const d = person(id, 'd@example.se');
    sendDueSurveys(t.db, at(0, 1));
    answerFeedback(t.db, tokenOf(a.id), { overall: 4, usefulness: 4, willUse: 'yes' });
    deletePersonalData(t.db, c.token, at(2));
    optOutOfFeedback(t.db, tokenOf(d.id), at(2));
    expect(sendDueSurveyReminders(t.db, at(5, 0))).toBe(0);
    expect(sendDueSurveyReminders(t.db, at(5, 2))).toBe(1);
    expect(surveyMails().filter(([, s]) => s.startsWith('Påminnelse'))).toEqual([
      ['b@example.se', 'Påminnelse: hur var Workshop om mark?'],
    ]);
    expect(sendDueSurveyReminders(t.db, at(6))).toBe(0);
    void b;

    const late = event({ title: 'Sen', start: '2030-03-12T09:00', end: '2030-03-12T10:00' });
    person(late, 'sen@example.se');
    // The survey went out on time, but the reminder run comes only after the 14 days.
    sendDueSurveys(t.db, new Date('2030-03-12T11:00:00Z'));
    expect(sendDueSurveyReminders(t.db, new Date('2030-03-26T11:00:00Z'))).toBe(0);
  });
});

describe('answering', () => {
  it('stores one answer per link, without any link to the person', () => {
    const id = event();
    const people = ['a', 'b', 'c', 'd'].map((n) => person(id, `${n}@example.se`));
    sendDueSurveys(t.db, at(0, 1));
    const tok = tokenOf(people[0]!.id);
    expect(getFeedbackForm(t.db, tok, at(1)).state).toBe('open');
    answerFeedback(t.db, tok, { overall: 5, usefulness: 4, willUse: 'yes', comment: 'Bra dag' });
    expect(caught(() => answerFeedback(t.db, tok, { overall: 1, usefulness: 1, willUse: 'no' })).code).toBe('already_answered');
    expect(getFeedbackForm(t.db, tok, at(1)).state).toBe('answered');
    answerFeedback(t.db, tokenOf(people[1]!.id), { overall: 4, usefulness: 4, willUse: 'maybe' });
    answerFeedback(t.db, tokenOf(people[2]!.id), { overall: 2, usefulness: 5, willUse: 'yes', comment: 'För kort' });

    // The answer table has the event and the answers, nothing else: no registration, token,
    // address or time, and its only foreign key is the event.
    const columns = t.sqlite.prepare('pragma table_info(feedback_answers)').all() as { name: string }[];
    expect(columns.map((c) => c.name).sort()).toEqual(['comment', 'event_id', 'extra', 'id', 'overall', 'usefulness', 'will_use']);
    const fks = t.sqlite.prepare('pragma foreign_key_list(feedback_answers)').all() as { table: string }[];
    expect(fks.map((f) => f.table)).toEqual(['events']);
    // The only shared column is the event: joining on it pairs every answer with every answerer.
    const joined = t.sqlite
      .prepare('select count(*) as n from feedback_answers a join feedback_invitations i on i.event_id = a.event_id where i.answered = 1')
      .get() as { n: number };
    expect(joined.n).toBe(3 * 3);
    const invitationColumns = (t.sqlite.prepare('pragma table_info(feedback_invitations)').all() as { name: string }[]).map((c) => c.name);
    expect(invitationColumns).not.toContain('answered_at');
    // Ids are random, not a sequence that would follow the order of answering.
    const ids = t.db
      .select({ id: feedbackAnswers.id })
      .from(feedbackAnswers)
      .all()
      .map((r) => r.id);
    expect(ids.some((x) => x > 1000)).toBe(true);
  });

  it('checks every field and refuses after 14 days', () => {
    const id = event();
    const p = person(id, 'a@example.se');
    saveSurveySettings(t.db, org, id, { enabled: true, questions: [{ text: 'Vad ska vi göra nästa gång?', kind: 'text' }] });
    sendDueSurveys(t.db, at(0, 1));
    const tok = tokenOf(p.id);
    const err = caught(() => answerFeedback(t.db, tok, { overall: 6, usefulness: 0, willUse: 'kanske' as 'yes', answers: { okand: 3 } }));
    expect([err.code, err.details.map((d) => d.field).sort()]).toEqual([
      'invalid_feedback',
      ['answers/okand', 'overall', 'usefulness', 'willUse'],
    ]);
    expect(caught(() => answerFeedback(t.db, 'fel', { overall: 3, usefulness: 3, willUse: 'no' })).code).toBe('unknown_survey');
    expect(getFeedbackForm(t.db, tok, at(14)).state).toBe('closed');
  });
});

describe('results', () => {
  it('response rate, averages and distributions match hand-computed values; organisers only', () => {
    const id = event();
    const people = ['a', 'b', 'c', 'd', 'e'].map((n) => person(id, `${n}@example.se`));
    const settings = saveSurveySettings(t.db, org, id, {
      enabled: true,
      questions: [
        { text: 'Hur var lokalen?', kind: 'scale' },
        { text: 'Vad saknades?', kind: 'text' },
      ],
    });
    const [scaleQ, textQ] = settings.questions;
    sendDueSurveys(t.db, at(0, 1));
    const answers = [
      { overall: 5, usefulness: 4, willUse: 'yes', answers: { [scaleQ!.id]: 3, [textQ!.id]: 'Kaffe' } },
      { overall: 4, usefulness: 4, willUse: 'maybe', answers: { [scaleQ!.id]: 4 } },
      { overall: 2, usefulness: 5, willUse: 'yes', comment: 'Lärorikt' },
    ] as const;
    answers.forEach((a, i) => {
      answerFeedback(t.db, tokenOf(people[i]!.id), a);
    });
    const r = feedbackResults(t.db, org, id);
    // 3 of 5 answered; overall (5+4+2)/3 = 3.67; usefulness (4+4+5)/3 = 4.33; the room (3+4)/2 = 3.5.
    expect([r.invited, r.answered, r.responseRate]).toEqual([5, 3, 0.6]);
    expect(r.overall).toEqual({ average: 3.67, distribution: [0, 1, 0, 1, 1], count: 3 });
    expect(r.usefulness).toEqual({ average: 4.33, distribution: [0, 0, 0, 2, 1], count: 3 });
    expect(r.willUse).toEqual({ yes: 2, maybe: 1, no: 0 });
    expect(r.comments).toEqual(['Lärorikt']);
    expect(r.questions[0]!.scale).toEqual({ average: 3.5, distribution: [0, 0, 1, 1, 0], count: 2 });
    expect(r.questions[1]!.texts).toEqual(['Kaffe']);
    for (const actor of [other, null]) expect(outcome(() => feedbackResults(t.db, actor, id))).not.toBe('allowed');
    expect(outcome(() => feedbackResults(t.db, admin, id))).toBe('allowed');

    const svg = feedbackChartSvg(r, 'sv');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('Helhetsbetyg (medel 3,67, 3 svar)');
    expect(svg).toContain(
      '<desc id="feedback-chart-desc">Helhetsbetyg: 1: 0, 2: 1, 3: 0, 4: 1, 5: 1; Nytta i arbetet: 1: 0, 2: 0, 3: 0, 4: 2, 5: 1</desc>',
    );

    // The funder's report: the same figures by event, theme and cluster.
    const report = buildReport(t.db, admin, '2030-03-01', '2030-04-01');
    expect(report.feedback.total).toMatchObject({
      invited: 5,
      answered: 3,
      responseRate: 0.6,
      overallAverage: 3.67,
      usefulnessAverage: 4.33,
    });
    expect(report.feedback.byEvent.map((f) => [f.key, f.answered])).toEqual([[String(id), 3]]);
    expect(report.feedback.byTheme.map((f) => [f.key, f.responseRate])).toEqual([['krisberedskap', 0.6]]);
    expect(report.feedback.byCluster.map((f) => [f.key, f.overallAverage])).toEqual([[ORG, 3.67]]);
  });

  it('questions: at most five, kept once the survey has been sent', () => {
    const id = event();
    person(id, 'a@example.se');
    const five = Array.from({ length: 6 }, (_, i) => ({ text: `Fråga ${i}`, kind: 'scale' as const }));
    expect(caught(() => saveSurveySettings(t.db, org, id, { enabled: true, questions: five })).code).toBe('invalid_survey');
    const saved = saveSurveySettings(t.db, org, id, { enabled: true, questions: five.slice(0, 2) });
    expect(outcome(() => saveSurveySettings(t.db, other, id, { enabled: true, questions: [] }))).toBe('forbidden');
    sendDueSurveys(t.db, at(0, 1));
    expect(getSurveySettings(t.db, org, id)).toMatchObject({ sent: 1, locked: true });
    expect(caught(() => saveSurveySettings(t.db, org, id, { enabled: true, questions: [] })).code).toBe('survey_sent');
    expect(saveSurveySettings(t.db, org, id, { enabled: true, questions: saved.questions }).questions).toEqual(saved.questions);
  });
});
