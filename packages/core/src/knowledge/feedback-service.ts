import { textsFor } from '../texts/index.ts';
import type {
  FeedbackForm as ContractFeedbackForm,
  FeedbackQuestion as ContractFeedbackQuestion,
  FeedbackResults as ContractFeedbackResults,
  SurveySettings as ContractSurveySettings,
} from '@samverka/contracts';
import { and, eq, gt, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import {
  events,
  feedbackAnswers,
  feedbackInvitations,
  feedbackOptOuts,
  feedbackSurveys,
  registrations,
  type Db,
  type Event,
  type FeedbackQuestionKind,
  type WillUse,
} from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { escapeHtml, normaliseEmail, singleLine } from '../escape.ts';
import { canSeeEvent } from '../events/event-access.ts';
import { organiserRefs } from '../events/event-view.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { hashToken, newToken } from '../tokens.ts';
import { optOutHeaders, surveyMail } from './feedback-mail.ts';
import { canManageMaterials, canSeeFeedback } from './knowledge-access.ts';

/** The survey goes out when the event has ended, a reminder 5 days later, and nothing (no mail, no answer) 14 days after the end. */
export const REMINDER_AFTER_MS = 5 * 86_400_000;
export const SURVEY_OPEN_MS = 14 * 86_400_000;
export const MAX_EXTRA_QUESTIONS = 5;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type FeedbackQuestion = ContractFeedbackQuestion;

export type SurveySettings = ContractSurveySettings;

function eventRow(db: Db | Tx, id: number): Event {
  const e = db.select().from(events).where(eq(events.id, id)).get();
  if (!e) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  return e;
}

function assertOrganiser(db: Db, actor: Actor | null, eventId: number): Event {
  const a = requireActor(actor);
  const e = eventRow(db, eventId);
  const refs = organiserRefs(db, eventId);
  if (!canSeeEvent(a, e.status, refs, e.visibility)) throw new DomainError('not_found', 'unknown_event', `There is no event ${eventId}`);
  if (!canSeeFeedback(a, refs)) throw forbidden("Only the event's organisers may see and change its survey");
  return e;
}

function settingsOf(db: Db | Tx, eventId: number): { enabled: boolean; questions: FeedbackQuestion[] } {
  const s = db.select().from(feedbackSurveys).where(eq(feedbackSurveys.eventId, eventId)).get();
  return s ? { enabled: s.enabled, questions: s.questions } : { enabled: true, questions: [] };
}

function sentCount(db: Db | Tx, eventId: number): number {
  return db.select({ n: sql<number>`count(*)` }).from(feedbackInvitations).where(eq(feedbackInvitations.eventId, eventId)).get()?.n ?? 0;
}

/** The event's survey settings. Organisers only. @throws DomainError 401, 403, 404 */
export function getSurveySettings(db: Db, actor: Actor | null, eventId: number): SurveySettings {
  assertOrganiser(db, actor, eventId);
  const sent = sentCount(db, eventId);
  return { ...settingsOf(db, eventId), sent, locked: sent > 0 };
}

/**
 * Turns the survey on or off and sets the organisers' own questions (at most five; each 1–5 or
 * free text). Questions can change until the first survey has been mailed.
 *
 * @throws DomainError 400 `invalid_survey`, 409 `survey_sent`, 401, 403, 404
 */
export function saveSurveySettings(
  db: Db,
  actor: Actor | null,
  eventId: number,
  input: { enabled: boolean; questions: { id?: string; text: string; kind: FeedbackQuestionKind }[] },
  now = new Date(),
): SurveySettings {
  const a = requireActor(actor);
  assertOrganiser(db, a, eventId);
  if (!canManageMaterials(a, organiserRefs(db, eventId))) throw forbidden("Only the event's organisers may change its survey");
  const current = settingsOf(db, eventId);
  const details: ErrorDetail[] = [];
  if (input.questions.length > MAX_EXTRA_QUESTIONS)
    details.push({
      field: 'questions',
      code: 'too_many',
      message: `at most ${MAX_EXTRA_QUESTIONS} questions`,
      params: { max: MAX_EXTRA_QUESTIONS },
    });
  const questions = input.questions.slice(0, MAX_EXTRA_QUESTIONS).map((q, i) => {
    const text = singleLine(q.text, 300);
    if (!text) details.push({ field: `questions/${i}/text`, code: 'required', message: 'the question needs a text' });
    if (q.kind !== 'scale' && q.kind !== 'text')
      details.push({ field: `questions/${i}/kind`, code: 'unknown_choice', message: 'scale or text' });
    const kept = q.id && current.questions.some((c) => c.id === q.id) ? q.id : randomBytes(6).toString('base64url');
    return { id: kept, text, kind: q.kind };
  });
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_survey',
      `The survey has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );
  const sent = sentCount(db, eventId);
  const changed = JSON.stringify(questions.map((q) => [q.text, q.kind])) !== JSON.stringify(current.questions.map((q) => [q.text, q.kind]));
  if (sent > 0 && changed) throw new DomainError('conflict', 'survey_sent', 'The survey has been sent; its questions can no longer change');
  db.insert(feedbackSurveys)
    .values({ eventId, enabled: input.enabled, questions, updatedAt: now })
    .onConflictDoUpdate({ target: feedbackSurveys.eventId, set: { enabled: input.enabled, questions, updatedAt: now } })
    .run();
  return { enabled: input.enabled, questions, sent, locked: sent > 0 };
}

// ---- Sending ----

function optedOut(db: Db | Tx, email: string): boolean {
  return !!db
    .select({ h: feedbackOptOuts.emailHash })
    .from(feedbackOptOuts)
    .where(eq(feedbackOptOuts.emailHash, hashToken(normaliseEmail(email))))
    .get();
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function whenText(e: Event, lang: 'sv' | 'en'): string {
  const key = `${lang}|${e.allDay ? 'UTC' : e.timeZone}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'long', timeZone: e.allDay ? 'UTC' : e.timeZone });
    dateFormats.set(key, f);
  }
  return f.format(e.allDay ? new Date(`${e.startDate}T00:00:00Z`) : e.startsAt);
}

/** Events whose survey is due: published, ended, not more than 14 days ago, survey not turned off. */
function dueEvents(tx: Tx, now: Date): Event[] {
  return tx
    .select()
    .from(events)
    .where(
      and(
        eq(events.status, 'published'),
        lte(events.endsAt, now),
        gt(events.endsAt, new Date(now.getTime() - SURVEY_OPEN_MS)),
        sql`coalesce((select s.enabled from feedback_surveys s where s.event_id = ${events.id}), 1) = 1`,
      ),
    )
    .all();
}

/**
 * Mails the survey once to every eligible participant of every event that has ended in the last
 * 14 days: confirmed, their data not deleted, not opted out of surveys; when the organisers used
 * check-in, only those checked in. Written to the outbox in the same transaction that records who
 * was sent it, so a restart or an overlapping run never mails anyone twice. Returns the mails queued.
 */
export function sendDueSurveys(db: Db, now = new Date()): number {
  return db.transaction(
    (tx) => {
      let sent = 0;
      for (const e of dueEvents(tx, now)) {
        const usedCheckIn = !!tx
          .select({ id: registrations.id })
          .from(registrations)
          .where(and(eq(registrations.eventId, e.id), isNotNull(registrations.checkedInAt)))
          .limit(1)
          .get();
        const rows = tx
          .select()
          .from(registrations)
          .where(
            and(
              eq(registrations.eventId, e.id),
              eq(registrations.status, 'confirmed'),
              isNull(registrations.anonymisedAt),
              isNotNull(registrations.email),
              usedCheckIn ? isNotNull(registrations.checkedInAt) : undefined,
              sql`not exists (select 1 from feedback_invitations i where i.registration_id = ${registrations.id})`,
            ),
          )
          .all();
        for (const r of rows) {
          if (!r.email || optedOut(tx, r.email)) continue;
          const token = newToken();
          tx.insert(feedbackInvitations).values({ registrationId: r.id, eventId: e.id, token, sentAt: now }).run();
          const mail = surveyMail(r.language, { name: r.name, eventTitle: e.title, when: whenText(e, r.language), token, reminder: false });
          enqueueMail(tx, { to: r.email, ...mail, headers: optOutHeaders(token) }, now);
          sent++;
        }
      }
      return sent;
    },
    { behavior: 'immediate' },
  );
}

/**
 * The one reminder, 5 days after the survey, to those who have not answered, while the survey is
 * open (14 days after the end) and they have neither deleted their data nor opted out.
 */
export function sendDueSurveyReminders(db: Db, now = new Date()): number {
  return db.transaction(
    (tx) => {
      const due = tx
        .select({ i: feedbackInvitations, r: registrations, e: events })
        .from(feedbackInvitations)
        .innerJoin(registrations, eq(registrations.id, feedbackInvitations.registrationId))
        .innerJoin(events, eq(events.id, feedbackInvitations.eventId))
        .where(
          and(
            eq(feedbackInvitations.answered, false),
            isNull(feedbackInvitations.remindedAt),
            lte(feedbackInvitations.sentAt, new Date(now.getTime() - REMINDER_AFTER_MS)),
            gt(events.endsAt, new Date(now.getTime() - SURVEY_OPEN_MS)),
            eq(events.status, 'published'),
            isNull(registrations.anonymisedAt),
            isNotNull(registrations.email),
          ),
        )
        .all();
      let sent = 0;
      for (const { i, r, e } of due) {
        // Marked even when skipped, so an opted-out address is not looked at again every run.
        tx.update(feedbackInvitations).set({ remindedAt: now }).where(eq(feedbackInvitations.registrationId, i.registrationId)).run();
        if (!r.email || optedOut(tx, r.email)) continue;
        const mail = surveyMail(r.language, {
          name: r.name,
          eventTitle: e.title,
          when: whenText(e, r.language),
          token: i.token,
          reminder: true,
        });
        enqueueMail(tx, { to: r.email, ...mail, headers: optOutHeaders(i.token) }, now);
        sent++;
      }
      return sent;
    },
    { behavior: 'immediate' },
  );
}

// ---- The participant's side ----

export type FeedbackForm = ContractFeedbackForm;

function invitationByToken(db: Db | Tx, token: string) {
  const row = db
    .select({ i: feedbackInvitations, e: events, language: registrations.language })
    .from(feedbackInvitations)
    .innerJoin(events, eq(events.id, feedbackInvitations.eventId))
    .innerJoin(registrations, eq(registrations.id, feedbackInvitations.registrationId))
    .where(eq(feedbackInvitations.token, token))
    .get();
  if (!row) throw new DomainError('not_found', 'unknown_survey', 'This survey link is not valid');
  return row;
}

/** What the survey page shows for a mailed link. @throws DomainError 404 `unknown_survey` */
export function getFeedbackForm(db: Db, token: string, now = new Date()): FeedbackForm {
  const { i, e, language } = invitationByToken(db, token);
  const closesAt = new Date(e.endsAt.getTime() + SURVEY_OPEN_MS);
  return {
    event: {
      id: e.id,
      title: e.title,
      startsAt: e.startsAt.toISOString(),
      endsAt: e.endsAt.toISOString(),
      allDay: e.allDay,
      startDate: e.startDate,
      timeZone: e.timeZone,
    },
    questions: settingsOf(db, e.id).questions,
    state: i.answered ? 'answered' : now >= closesAt ? 'closed' : 'open',
    language,
    closesAt: closesAt.toISOString(),
  };
}

export interface FeedbackInput {
  overall: number;
  usefulness: number;
  willUse: WillUse;
  comment?: string | null;
  /** Answers to the organisers' questions by question id: 1–5 for scale questions, text for text ones. */
  answers?: Record<string, number | string>;
}

const scale = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5;

/** A random 48-bit rowid: an answer's id says nothing about when it came. */
function randomId(): number {
  return randomBytes(6).readUIntBE(0, 6) || 1;
}

/**
 * Stores one answer per mailed link. The answer row holds the event and the answers only; the
 * invitation is marked answered in the same transaction, without a time.
 *
 * @throws DomainError 400 `invalid_feedback` (details per field), 404 `unknown_survey`,
 *   409 `already_answered` / `survey_closed`
 */
export function answerFeedback(db: Db, token: string, input: FeedbackInput): void {
  const details: ErrorDetail[] = [];
  if (!scale(input.overall))
    details.push({ field: 'overall', code: 'out_of_range', message: 'a whole number from 1 to 5', params: { min: 1, max: 5 } });
  if (!scale(input.usefulness))
    details.push({ field: 'usefulness', code: 'out_of_range', message: 'a whole number from 1 to 5', params: { min: 1, max: 5 } });
  if (input.willUse !== 'yes' && input.willUse !== 'maybe' && input.willUse !== 'no')
    details.push({ field: 'willUse', code: 'unknown_choice', message: 'yes, maybe or no' });
  const comment = (input.comment ?? '').replace(/\r\n?/g, '\n').trim();
  if (comment.length > 3000)
    details.push({ field: 'comment', code: 'too_long', message: 'at most 3000 characters', params: { max: 3000 } });
  const now = new Date();
  db.transaction(
    (tx) => {
      const { i, e } = invitationByToken(tx, token);
      if (i.answered) throw new DomainError('conflict', 'already_answered', 'This survey has already been answered through this link');
      if (now.getTime() >= e.endsAt.getTime() + SURVEY_OPEN_MS) throw new DomainError('conflict', 'survey_closed', 'The survey has closed');
      const questions = settingsOf(tx, e.id).questions;
      const extra: Record<string, number | string> = {};
      for (const [id, value] of Object.entries(input.answers ?? {})) {
        const q = questions.find((x) => x.id === id);
        if (!q) details.push({ field: `answers/${id}`, code: 'unknown_choice', message: 'no such question' });
        else if (q.kind === 'scale') {
          if (value === '' || value === null) continue;
          if (!scale(value))
            details.push({
              field: `answers/${id}`,
              code: 'out_of_range',
              message: 'a whole number from 1 to 5',
              params: { min: 1, max: 5 },
            });
          else extra[id] = value;
        } else {
          const text = String(value).replace(/\r\n?/g, '\n').trim();
          if (text.length > 2000)
            details.push({ field: `answers/${id}`, code: 'too_long', message: 'at most 2000 characters', params: { max: 2000 } });
          else if (text) extra[id] = text;
        }
      }
      if (details.length)
        throw new DomainError(
          'invalid',
          'invalid_feedback',
          `The answer has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
          details,
        );
      tx.insert(feedbackAnswers)
        .values({
          id: randomId(),
          eventId: e.id,
          overall: input.overall,
          usefulness: input.usefulness,
          willUse: input.willUse,
          comment: comment || null,
          extra,
        })
        .run();
      tx.update(feedbackInvitations).set({ answered: true }).where(eq(feedbackInvitations.registrationId, i.registrationId)).run();
    },
    { behavior: 'immediate' },
  );
}

/**
 * No more surveys to the address behind this link, from any event (also the reminder of this
 * one). Only a hash of the address is kept. Answers RFC 8058 one-click posts as well as the page's button.
 *
 * @throws DomainError 404 `unknown_survey`
 */
export function optOutOfFeedback(db: Db, token: string, now = new Date()): void {
  const { i } = invitationByToken(db, token);
  const r = db.select({ email: registrations.email }).from(registrations).where(eq(registrations.id, i.registrationId)).get();
  db.transaction((tx) => {
    if (r?.email)
      tx.insert(feedbackOptOuts)
        .values({ emailHash: hashToken(normaliseEmail(r.email)), createdAt: now })
        .onConflictDoNothing()
        .run();
    // Without an address (deleted data) there is nobody to write to anyway; no reminder either way.
    tx.update(feedbackInvitations)
      .set({ remindedAt: i.remindedAt ?? now })
      .where(eq(feedbackInvitations.registrationId, i.registrationId))
      .run();
  });
}

// ---- Results ----

export interface ScaleResult {
  /** Mean of the answers, 2 decimals; null without answers. */
  average: number | null;
  /** Answers giving 1, 2, 3, 4 and 5. */
  distribution: [number, number, number, number, number];
  count: number;
}

export type FeedbackResults = ContractFeedbackResults;

export function scaleResult(values: readonly number[]): ScaleResult {
  const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const v of values) distribution[v - 1]!++;
  const average = values.length ? Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 100) / 100 : null;
  return { average, distribution, count: values.length };
}

export function rate(answered: number, invited: number): number | null {
  return invited > 0 ? Math.round((answered / invited) * 1000) / 1000 : null;
}

/** Response rate, averages, distributions and free texts of an event's survey. Organisers only. @throws DomainError 401, 403, 404 */
export function feedbackResults(db: Db, actor: Actor | null, eventId: number): FeedbackResults {
  assertOrganiser(db, actor, eventId);
  const counts = db
    .select({ invited: sql<number>`count(*)`, answered: sql<number>`coalesce(sum(${feedbackInvitations.answered}), 0)` })
    .from(feedbackInvitations)
    .where(eq(feedbackInvitations.eventId, eventId))
    .get() ?? { invited: 0, answered: 0 };
  const answers = db.select().from(feedbackAnswers).where(eq(feedbackAnswers.eventId, eventId)).orderBy(feedbackAnswers.id).all();
  const willUse = { yes: 0, maybe: 0, no: 0 };
  for (const a of answers) willUse[a.willUse]++;
  const questions = settingsOf(db, eventId).questions.map((q) => {
    const values = answers.map((a) => a.extra[q.id]).filter((v) => v !== undefined);
    return {
      ...q,
      scale: q.kind === 'scale' ? scaleResult(values.filter((v): v is number => typeof v === 'number')) : null,
      texts: q.kind === 'text' ? values.filter((v): v is string => typeof v === 'string') : [],
    };
  });
  return {
    eventId,
    invited: counts.invited,
    answered: counts.answered,
    responseRate: rate(counts.answered, counts.invited),
    overall: scaleResult(answers.map((a) => a.overall)),
    usefulness: scaleResult(answers.map((a) => a.usefulness)),
    willUse,
    comments: answers.flatMap((a) => (a.comment ? [a.comment] : [])),
    questions,
  };
}

/** Answers per event, for the funder's report: counts and sums, never the answers themselves. */
export function feedbackTotals(
  db: Db,
  eventIds: readonly number[],
): Map<number, { invited: number; answered: number; overallSum: number; usefulnessSum: number; answers: number }> {
  const out = new Map<number, { invited: number; answered: number; overallSum: number; usefulnessSum: number; answers: number }>();
  const entry = (id: number) => {
    let v = out.get(id);
    if (!v) {
      v = { invited: 0, answered: 0, overallSum: 0, usefulnessSum: 0, answers: 0 };
      out.set(id, v);
    }
    return v;
  };
  for (let i = 0; i < eventIds.length; i += 900) {
    const chunk = eventIds.slice(i, i + 900);
    for (const r of db
      .select({
        eventId: feedbackInvitations.eventId,
        invited: sql<number>`count(*)`,
        answered: sql<number>`coalesce(sum(${feedbackInvitations.answered}), 0)`,
      })
      .from(feedbackInvitations)
      .where(inArray(feedbackInvitations.eventId, chunk))
      .groupBy(feedbackInvitations.eventId)
      .all()) {
      Object.assign(entry(r.eventId), { invited: r.invited, answered: r.answered });
    }
    for (const r of db
      .select({
        eventId: feedbackAnswers.eventId,
        n: sql<number>`count(*)`,
        overall: sql<number>`sum(${feedbackAnswers.overall})`,
        usefulness: sql<number>`sum(${feedbackAnswers.usefulness})`,
      })
      .from(feedbackAnswers)
      .where(inArray(feedbackAnswers.eventId, chunk))
      .groupBy(feedbackAnswers.eventId)
      .all()) {
      Object.assign(entry(r.eventId), { answers: r.n, overallSum: r.overall, usefulnessSum: r.usefulness });
    }
  }
  return out;
}

/**
 * The distributions of the two 1–5 questions as a bar chart in SVG, drawn on the server as the
 * report's monthly chart is, with a title, a description and every count written as text.
 */
export function feedbackChartSvg(results: FeedbackResults, lang: 'sv' | 'en'): string {
  const t = textsFor(lang).reports.feedbackChart;
  const groups = [
    { label: t.overall, r: results.overall, color: '#1d5c2e' },
    { label: t.usefulness, r: results.usefulness, color: '#b35900' },
  ];
  const w = 320;
  const barW = 36;
  const plot = 110;
  const h = groups.length * (plot + 70) + 10;
  const max = Math.max(1, ...groups.flatMap((g) => g.r.distribution));
  const parts = groups.map((g, gi) => {
    const top = 10 + gi * (plot + 70);
    const caption = `${g.label} (${t.avg} ${g.r.average === null ? '–' : g.r.average.toLocaleString(textsFor(lang).locale)}, ${g.r.count} ${t.n})`;
    const bars = g.r.distribution
      .map((n, i) => {
        const x = 30 + i * (barW + 18);
        const bh = Math.round((n / max) * plot);
        const y = top + 20 + plot - bh;
        return `<rect x="${x}" y="${y}" width="${barW}" height="${bh}" fill="${g.color}"/><text x="${x + barW / 2}" y="${y - 4}" font-size="12" text-anchor="middle" fill="#1a1a1a">${n}</text><text x="${x + barW / 2}" y="${top + plot + 36}" font-size="12" text-anchor="middle" fill="#1a1a1a">${i + 1}</text>`;
      })
      .join('');
    return `<g><text x="10" y="${top + 10}" font-size="13" font-weight="bold" fill="#1a1a1a">${escapeHtml(caption)}</text><line x1="25" y1="${top + 20 + plot}" x2="${w - 10}" y2="${top + 20 + plot}" stroke="#4a4f47"/>${bars}</g>`;
  });
  const desc = groups.map((g) => `${g.label}: ${g.r.distribution.map((n, i) => `${i + 1}: ${n}`).join(', ')}`).join('; ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px" role="img" aria-labelledby="feedback-chart-title feedback-chart-desc"><title id="feedback-chart-title">${escapeHtml(t.title)}</title><desc id="feedback-chart-desc">${escapeHtml(desc)}</desc>${parts.join('')}</svg>`;
}
