import { type Answer, codePointLength, LIMITS, type Question } from '@samverka/contracts';
import { fail } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import type { Lang, Messages } from '$lib/i18n';
import type { ApiError } from './api.ts';
import { fieldOfDetail, failFromApi } from './field-errors.ts';
import { field } from './forms.ts';

/** The registration form as posted, kept as typed so a failed post shows it again. */
export interface RegistrationValues {
  name: string;
  email: string;
  organisation: string;
  county: string;
  cluster: string;
  dietaryNeeds: string;
  accessibilityNeeds: string;
  language: string;
  newsletter: string;
  consent: string;
  /** Answers to the event's own questions by form field (`answer-<question id>`): every kind as a list of the posted values. */
  answers: Record<string, string[]>;
}

/** The form field of a question's answer; the API's detail field is `answers/<question id>`. */
export const answerField = (questionId: number) => `answer-${questionId}`;

export function readRegistrationForm(data: FormData): RegistrationValues {
  return {
    name: field(data, 'name'),
    email: field(data, 'email'),
    organisation: field(data, 'organisation'),
    county: field(data, 'county'),
    cluster: field(data, 'cluster'),
    dietaryNeeds: field(data, 'dietaryNeeds'),
    accessibilityNeeds: field(data, 'accessibilityNeeds'),
    language: field(data, 'language'),
    newsletter: data.get('newsletter') === null ? '' : 'on',
    consent: data.get('consent') === null ? '' : 'on',
    answers: Object.fromEntries(
      [...new Set([...data.keys()].filter((k) => /^answer-\d+$/.test(k)))].map((k) => [
        k,
        data.getAll(k).filter((x): x is string => typeof x === 'string'),
      ]),
    ),
  };
}

/**
 * The answers as the API takes them: a text as typed, one choice, the chosen choices, and yes/no
 * ("yes"/"no" radio values) as true/false; a question left unanswered is not sent (core says
 * whether it was required). Fields of questions the event does not have are dropped.
 */
export function answersBody(answers: Record<string, string[]>, questions: readonly Question[]): Answer[] {
  const out: Answer[] = [];
  for (const q of questions) {
    const posted = answers[answerField(q.id)] ?? [];
    if (q.kind === 'multiple_choice') {
      if (posted.length) out.push({ question: q.id, value: posted });
    } else if (q.kind === 'yes_no') {
      if (posted[0] === 'yes' || posted[0] === 'no') out.push({ question: q.id, value: posted[0] === 'yes' });
    } else if (posted[0]?.trim()) out.push({ question: q.id, value: posted[0] });
  }
  return out;
}

// The API's limits (LIMITS in @samverka/contracts), checked here so the reader gets every
// message at once and in their language.
const MAX = {
  name: LIMITS.name,
  email: LIMITS.email,
  organisation: LIMITS.organisation,
  dietaryNeeds: LIMITS.needs,
  accessibilityNeeds: LIMITS.needs,
} as const;

/** Field errors of a new registration (`participant`) or a change of one (`update`: no email, no consent). */
export function checkRegistration(v: RegistrationValues, m: Messages, kind: 'participant' | 'update'): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.name) errors.name = m.errRequired;
  if (kind === 'participant' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) errors.email = v.email ? m.reg.errEmail : m.errRequired;
  if (!v.organisation) errors.organisation = m.errRequired;
  for (const [k, max] of Object.entries(MAX)) {
    if (codePointLength(v[k as keyof typeof MAX]) > max) errors[k] ??= m.reg.errTooLong(max);
  }
  if (kind === 'participant' && v.consent !== 'on') errors.consent = m.reg.errConsent;
  return errors;
}

/** Required questions left unanswered, by form field: checked here too so they show with the other fields' messages. */
export function checkAnswers(v: RegistrationValues, questions: readonly Question[], m: Messages): Record<string, string> {
  const answered = new Set(answersBody(v.answers, questions).map((a) => a.question));
  return Object.fromEntries(questions.filter((q) => q.required && !answered.has(q.id)).map((q) => [answerField(q.id), m.errRequired]));
}

const lang = (value: string, fallback: Lang): Lang => (value === 'sv' || value === 'en' ? value : fallback);

export function registrationBody(v: RegistrationValues, pageLang: Lang, questions: readonly Question[] = []) {
  return {
    answers: answersBody(v.answers, questions),
    name: v.name,
    email: v.email,
    organisation: v.organisation,
    county: v.county || null,
    cluster: v.cluster || null,
    dietaryNeeds: v.dietaryNeeds || null,
    accessibilityNeeds: v.accessibilityNeeds || null,
    consent: v.consent === 'on',
    newsletter: v.newsletter === 'on',
    language: lang(v.language, pageLang),
  };
}

/**
 * The manage page's change: without the event's `questions` (none, or not shown to this reader)
 * no answers are sent, so the stored ones stay; with them the form's answers replace them all.
 */
export function registrationPatch(v: RegistrationValues, pageLang: Lang, questions: readonly Question[] = []) {
  const { email: _email, consent: _consent, answers, ...patch } = registrationBody(v, pageLang, questions);
  return questions.length ? { ...patch, answers } : patch;
}

/** Stored answers as the form posts them (`answer-<question id>` → values; yes/no as "yes"/"no"), to fill the manage page's form. */
export function answersAsPosted(answers: readonly Answer[]): Record<string, string[]> {
  return Object.fromEntries(
    answers.map((a) => [
      answerField(a.question),
      typeof a.value === 'boolean' ? [a.value ? 'yes' : 'no'] : Array.isArray(a.value) ? [...a.value] : [a.value],
    ]),
  );
}

/** An API refusal of a registration form (field-errors.ts), tagged with the action it answers. */
export function registrationFailure<V>(error: ApiError, lang: Lang, action: string, values: V) {
  const failure = failFromApi(error, lang, values, (d) => {
    const answer = /^(?:body\/)?answers\/(\d+)/.exec(d.field ?? '');
    return answer ? answerField(Number(answer[1])) : fieldOfDetail(d);
  });
  return fail(failure.status, { ...failure.data, action });
}

/**
 * How long personal data is kept after an event, for the consent text. The API reads and
 * validates RETENTION_MONTHS at start (apps/api/src/config.ts, 1–120, default 12) and runs in
 * this process, so the same variable is read here with the same default.
 */
export function retentionMonths(): number {
  const n = Number(env.RETENTION_MONTHS);
  return Number.isInteger(n) && n >= 1 && n <= 120 ? n : 12;
}

/**
 * The Referrer-Policy of a page whose address holds a registration's secret: `same-origin` sends
 * no Referer at all to other sites, like `no-referrer`, and only this site gets one. Not
 * `no-referrer`: with it browsers send `Origin: null` on the page's own form posts (Fetch,
 * "append a request Origin header"), which SvelteKit's CSRF check refuses with 403, and the
 * manage page's forms are its only way to change, cancel or delete without JavaScript.
 */
export const PRIVATE_REFERRER_POLICY = 'same-origin';

/** A page whose address holds a registration's secret: never indexed or cached, its address never sent to another site. */
export function privatePageHeaders(setHeaders: (headers: Record<string, string>) => void): void {
  setHeaders({ 'referrer-policy': PRIVATE_REFERRER_POLICY, 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex, nofollow' });
}
