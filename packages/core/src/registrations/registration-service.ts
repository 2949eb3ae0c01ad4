import {
  type Answer,
  type AttendeeList,
  LIMITS,
  type Question,
  type RegistrationBody,
  type RegistrationPatch,
  type RegistrationResult,
  type RegistrationSummary,
  type Registration as RegistrationView,
} from '@samverka/contracts';
import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql, gte } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import {
  clusters,
  counties,
  events,
  driverValues,
  insertPlaceholders,
  keptSql,
  keptStatement,
  keptTransaction,
  registrations,
  users,
  type Db,
  type Event,
  type MailAddress,
  type MailAttachment,
  type MailIcalEvent,
  type Registration,
} from '@samverka/db';
import type { Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { codePointLength, isEmail, normaliseEmail, singleLine, truncate } from '../escape.ts';
import { canManageEvent, canSeeEvent, seesInternalEvents } from '../events/event-access.ts';
import { organiserRefs, organisingClusterIds } from '../events/event-view.ts';
import { emit, type Tx } from '../domain-events.ts';
import { singleEventCalendar } from '../feeds/feed-service.ts';
import { BoundedCache } from '../bounded-cache.ts';
import { links } from '../links.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { eraseMailsCarrying } from '../outbox/retention.ts';
import { newToken } from '../tokens.ts';
import { calendarMethod, icsAttachment, registrationMail, type RegistrationMailKind } from './registration-mail.ts';
import { registrantInvitation } from './invitation-template.ts';
import { takeRepeatMailSlot } from '../outbox/throttle.ts';
import { eventQuestionList } from '../events/event-questions.ts';
import { answersOf, answerText, checkAnswers, eraseAnswers, saveAnswers } from './answers.ts';
import { filterAttendees, type AttendeeFilter } from './attendee-filter.ts';

type DbOrTx = Db | Tx;

/** A registration as the API takes it; `consent` must be true. */
export type RegistrationInput = RegistrationBody;

// ---- Reading ----

function waitlistPosition(db: DbOrTx, r: Registration): number | null {
  if (r.status !== 'waitlisted' || !r.waitlistedAt) return null;
  const row = keptStatement(
    db,
    'registrations.waitlistPosition',
    (d) =>
      d
        .select({ n: count() })
        .from(registrations)
        .where(
          and(
            eq(registrations.eventId, sql.placeholder('eventId')),
            eq(registrations.status, 'waitlisted'),
            or(
              lt(registrations.waitlistedAt, sql.placeholder('at')),
              and(eq(registrations.waitlistedAt, sql.placeholder('at')), sql`${registrations.id} <= ${sql.placeholder('id')}`),
            ),
          ),
        )
        .prepare(),
    // A placeholder in a comparison is bound as given (not through the column): milliseconds.
  ).get({ eventId: r.eventId, at: r.waitlistedAt.getTime(), id: r.id });
  return row?.n ?? null;
}

/** `answers`: what the caller has just saved, so it is not read back. */
function view(db: DbOrTx, r: Registration, e: Event, answers?: Answer[]): RegistrationView {
  const county =
    r.countyId === null
      ? undefined
      : keptStatement(db, 'registrations.countyById', (d) =>
          d
            .select({ slug: counties.slug, name: counties.name })
            .from(counties)
            .where(eq(counties.id, sql.placeholder('id')))
            .prepare(),
        ).get({ id: r.countyId });
  const cluster =
    r.clusterId === null
      ? undefined
      : keptStatement(db, 'registrations.clusterById', (d) =>
          d
            .select({ slug: clusters.slug, name: clusters.name })
            .from(clusters)
            .where(eq(clusters.id, sql.placeholder('id')))
            .prepare(),
        ).get({ id: r.clusterId });
  return {
    id: r.id,
    status: r.status,
    position: waitlistPosition(db, r),
    name: r.name,
    email: r.email,
    organisation: r.organisation,
    county: county ?? null,
    cluster: cluster ?? null,
    dietaryNeeds: r.dietaryNeeds,
    accessibilityNeeds: r.accessibilityNeeds,
    language: r.language,
    newsletter: r.newsletter,
    consentAt: r.consentAt.toISOString(),
    checkedInAt: r.checkedInAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    answers: answers ?? answersOf(db, [r.id]).get(r.id) ?? [],
    event: { ...registeredEvent(e), onlineUrl: meetingLinkFor(r.status, e) },
  };
}

/** The event as a registration view carries it, but for the meeting link, which depends on the registration's status. */
function registeredEvent(e: Event): Omit<RegistrationView['event'], 'onlineUrl'> {
  return {
    id: e.id,
    title: e.title,
    startsAt: e.startsAt.toISOString(),
    endsAt: e.endsAt.toISOString(),
    timeZone: e.timeZone,
    allDay: e.allDay,
    startDate: e.startDate,
    endDate: e.endDate,
    status: e.status,
    hasOnlineUrl: e.onlineUrl !== null,
  };
}

/**
 * The meeting link a registrant may read: a public one for everyone, a participant-only one
 * (the default) only with a confirmed seat; null otherwise. Used by the manage page, the mails
 * and the calendar data they carry.
 */
export function meetingLinkFor(status: Registration['status'], e: Event): string | null {
  if (!e.onlineUrl) return null;
  return e.onlineUrlPublic || status === 'confirmed' ? e.onlineUrl : null;
}

function eventRow(db: DbOrTx, id: number): Event {
  const e = keptStatement(db, 'registrations.event', (d) =>
    d
      .select()
      .from(events)
      .where(eq(events.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
  if (!e) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  return e;
}

/**
 * The registration row behind a manage link.
 *
 * @throws DomainError 404 `unknown_registration`
 */
export function registrationByToken(db: DbOrTx, token: string): Registration {
  const r = db.select().from(registrations).where(eq(registrations.token, token)).get();
  if (!r)
    throw new DomainError(
      'not_found',
      'unknown_registration',
      'This registration link is not valid (the registration may have been deleted)',
    );
  return r;
}

export function getRegistration(db: Db, token: string): RegistrationView {
  const r = registrationByToken(db, token);
  return view(db, r, eventRow(db, r.eventId));
}

export function registrationSummary(db: Db, eventId: number, now = new Date()): RegistrationSummary {
  const e = eventRow(db, eventId);
  const counts = statusCounts(db, eventId);
  const reason = closedReason(e, now);
  return {
    capacity: e.capacity,
    confirmed: counts.confirmed,
    waitlisted: counts.waitlisted,
    seatsLeft: e.capacity === null ? null : Math.max(0, e.capacity - counts.confirmed),
    open: reason === null,
    closedReason: reason,
    opensAt: e.registrationOpensAt?.toISOString() ?? null,
    closesAt: (e.registrationClosesAt ?? e.startsAt).toISOString(),
  };
}

/** The summary as the API shows it: a draft is not acknowledged to anyone who may not see it. */
export function visibleRegistrationSummary(db: Db, actor: Actor | null, eventId: number, now = new Date()): RegistrationSummary {
  const e = eventRow(db, eventId);
  if (!canSeeEvent(actor, e.status, organiserRefs(db, eventId), e.visibility))
    throw new DomainError('not_found', 'unknown_event', `There is no event ${eventId}`);
  return registrationSummary(db, eventId, now);
}

function statusCounts(db: DbOrTx, eventId: number): { confirmed: number; waitlisted: number } {
  const out = { confirmed: 0, waitlisted: 0 };
  const counted = keptStatement(db, 'registrations.statusCounts', (d) =>
    d
      .select({ status: registrations.status, n: count() })
      .from(registrations)
      .where(eq(registrations.eventId, sql.placeholder('eventId')))
      .groupBy(registrations.status)
      .prepare(),
  ).all({ eventId });
  for (const row of counted) {
    if (row.status === 'confirmed' || row.status === 'waitlisted') out[row.status] = row.n;
  }
  return out;
}

/**
 * Seats taken in an event (confirmed registrations): what deciding a new registration's status
 * needs. Counts only the confirmed entries of the (event, status) index, not every status as
 * statusCounts does, so a registration into a long waiting list does not count the list.
 */
function confirmedCount(db: DbOrTx, eventId: number): number {
  const row = keptStatement(db, 'registrations.confirmedCount', (d) =>
    d
      .select({ n: count() })
      .from(registrations)
      .where(and(eq(registrations.eventId, sql.placeholder('eventId')), eq(registrations.status, 'confirmed')))
      .prepare(),
  ).get({ eventId });
  return row?.n ?? 0;
}

/** Registration is open for a published event inside its window, which closes at the start unless set earlier. */
function closedReason(e: Event, now: Date): string | null {
  if (e.status === 'draft') return 'draft';
  if (e.status === 'cancelled') return 'cancelled';
  if (!e.registrationEnabled) return 'disabled';
  if (e.registrationOpensAt && now < e.registrationOpensAt) return 'not_open_yet';
  if (now >= (e.registrationClosesAt ?? e.startsAt)) return now >= e.endsAt ? 'ended' : 'closed';
  return null;
}

const CLOSED_MESSAGES: Record<string, string> = {
  draft: 'The event is not published; registration is not open',
  cancelled: 'The event is cancelled; registration is closed',
  disabled: 'The event takes no registrations',
  not_open_yet: 'Registration has not opened yet',
  closed: 'Registration for this event has closed',
  ended: 'The event has ended',
};

// ---- Mail ----

// Building an Intl.DateTimeFormat costs far more than using one (it was the largest single cost
// of a registration in tests/bench/registrations-bench.mjs): one per locale, style and zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, style: 'date' | 'dateTime' | 'time', timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      style === 'date' ? { dateStyle: 'full' } : style === 'dateTime' ? { dateStyle: 'full', timeStyle: 'short' } : { timeStyle: 'short' };
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** The time line of the mails, kept per language and event time: a burst of registrations for one event formats it once. */
const whenTexts = new BoundedCache<string>(1_000, 1_000_000);

function whenText(e: Event, lang: Lang): string {
  const key = `${lang}|${e.allDay}|${e.startDate}|${e.endDate}|${e.startsAt.getTime()}|${e.endsAt.getTime()}|${e.timeZone}`;
  let text = whenTexts.get(key);
  if (text === undefined) {
    text = formatWhen(e, lang);
    whenTexts.set(key, text, key.length + text.length * 2);
  }
  return text;
}

function formatWhen(e: Event, lang: Lang): string {
  const locale = textsFor(lang).locale;
  if (e.allDay) {
    const f = formatter(locale, 'date', 'UTC');
    const a = f.format(new Date(`${e.startDate}T00:00:00Z`));
    return e.endDate && e.endDate !== e.startDate ? `${a} – ${f.format(new Date(`${e.endDate}T00:00:00Z`))}` : a;
  }
  const f = formatter(locale, 'dateTime', e.timeZone);
  const t = formatter(locale, 'time', e.timeZone);
  const sameDay = e.endsAt.getTime() - e.startsAt.getTime() < 86_400_000;
  return `${f.format(e.startsAt)} – ${sameDay ? t.format(e.endsAt) : f.format(e.endsAt)} (${e.timeZone})`;
}

function whereText(e: Event, lang: Lang, status: Registration['status']): string {
  const place = [e.venueName, e.address].filter(Boolean).join(', ');
  const link = meetingLinkFor(status, e);
  const t = textsFor(lang);
  const online = link ? `${t.online}: ${link}` : e.onlineUrl ? t.linkForParticipants : '';
  return [place, online].filter(Boolean).join(' · ') || '–';
}

/**
 * Whether a registration has the event in its calendar: it was sent a REQUEST as its last iTIP
 * message, or (written before iTIP messages were recorded) it held a seat, as every confirmation
 * and promotion carried the event. Such a registration is owed a CANCEL when it ends.
 */
function inCalendar(r: Registration, previousStatus: Registration['status'] = r.status): boolean {
  return r.calendarInvited || (r.calendarSequence === null && previousStatus === 'confirmed');
}

/**
 * The SEQUENCE (RFC 5546 §2.1.4) of the next iTIP message to one registrant: a REQUEST carries
 * the event's revision, a CANCEL one more than the REQUEST it withdraws (or the revision the
 * cancellation raised, whichever is higher), and a REQUEST after a CANCEL (registered again) one
 * more than that CANCEL, so a calendar never takes a message for an older one.
 */
function nextSequence(r: Registration, e: Event, method: 'REQUEST' | 'CANCEL'): number {
  const last = r.calendarSequence;
  if (method === 'REQUEST') return last === null ? e.revision : Math.max(e.revision, r.calendarInvited ? last : last + 1);
  return Math.max(e.revision, (last ?? e.revision) + 1);
}

/** What a caller already holds of a registration's answers and its event's questions (register), so notify reads neither again. */
interface KnownAnswers {
  given: Answer[];
  questions: Question[];
}

/** The registration's answers with the questions as asked, answers in the registrant's language (yes/no as words). */
function answersAsRead(db: DbOrTx, r: Registration, eventId: number, known?: KnownAnswers): { question: string; answer: string }[] {
  const given = known ? known.given : (answersOf(db, [r.id]).get(r.id) ?? []);
  if (!given.length) return [];
  const labels = new Map((known ? known.questions : eventQuestionList(db, eventId)).map((q) => [q.id, q.label]));
  return given.map((a) => ({ question: labels.get(a.question) ?? '', answer: answerText(a.value, r.language) }));
}

/**
 * Puts one registration mail in the outbox, inside the caller's transaction. Its calendar, if
 * the kind has one (calendarMethod), goes as the mail's iTIP icalEvent: ORGANIZER the event's or
 * lead cluster's contact address else MAIL_FROM, the registrant as ATTENDEE, the event's UID.
 * No REQUEST goes to a person without a seat, and no CANCEL to one who never had the event in
 * their calendar (`calendar: false`), except when the event itself is cancelled: everyone told
 * of that gets the CANCEL, as before. The SEQUENCE sent is recorded on the registration.
 */
export function notify(
  db: DbOrTx,
  kind: RegistrationMailKind,
  r: Registration,
  e: Event,
  now: Date,
  extra: {
    position?: number;
    message?: { subject: string; body: string };
    calendar?: boolean;
    replyTo?: MailAddress;
    answers?: KnownAnswers;
  } = {},
): void {
  if (!r.email || !r.token) return; // anonymised: nobody to write to
  const { calendar, replyTo, answers, ...texts } = extra;
  const mail = registrationMail({
    answers: kind === 'confirmed' || kind === 'waitlisted' ? answersAsRead(db, r, e.id, answers) : undefined,
    kind,
    event: e,
    registration: r,
    manageUrl: links.manage(r.token),
    eventUrl: links.event(e.id),
    when: whenText(e, r.language),
    where: whereText(e, r.language, r.status),
    ...texts,
  });
  const method = calendarMethod(kind);
  const send = method !== null && (calendar ?? (method === 'REQUEST' ? r.status === 'confirmed' : true));
  let icalEvent: MailIcalEvent | undefined;
  let attachments: MailAttachment[] | undefined;
  if (method === 'REQUEST' && !send) {
    // A waiting person told of a new time gets the event as a plain file, as before: nothing
    // that would put it in their calendar while they have no seat.
    attachments = [icsAttachment(singleEventCalendar(db as Db, e, r.language, links.base, now, false), false)];
  } else if (method && send) {
    const sequence = nextSequence(r, e, method);
    const content = registrantInvitation(db as Db, e, r.language, links.base, {
      method,
      attendee: { name: r.name ?? '', email: r.email },
      sequence,
      now,
      // The participant's own calendar data carries the meeting link only with a confirmed seat.
      withLink: meetingLinkFor(r.status, e) !== null,
    });
    icalEvent = { method, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content };
    keptStatement(db, 'registrations.calendarSent', (d) =>
      d
        .update(registrations)
        // drizzle types no placeholder in set(), but maps it through the column like a value.
        .set({ calendarSequence: sql.placeholder('sequence') as never, calendarInvited: sql.placeholder('invited') as never })
        .where(eq(registrations.id, sql.placeholder('id')))
        .prepare(),
    ).run({ sequence, invited: method === 'REQUEST', id: r.id });
  }
  enqueueMail(db, { to: r.email, ...mail, attachments, icalEvent, replyTo }, now);
}

/**
 * Withdraws the event from the calendar of a registrant who has it there (inCalendar), before
 * the registration goes (its data erased, or its event deleted): METHOD:CANCEL with a mail that
 * holds no manage link, which would no longer work.
 */
export function withdrawInvitation(db: DbOrTx, r: Registration, e: Event, now: Date): void {
  if (!r.email || !r.token || !inCalendar(r)) return;
  // Without the name: the mail outlives the erasing of the person's data until it is sent.
  notify(db, 'withdrawn', { ...r, name: null }, e, now);
}

// ---- Participant actions ----

/** Checks the fields, and the answers against `questions` when given (a new registration); every problem at once. */
function validateInput(
  db: DbOrTx,
  input: RegistrationInput,
  questions?: ReturnType<typeof eventQuestionList>,
): { email: string; countyId: number | null; clusterId: number | null; answers: ReturnType<typeof checkAnswers> } {
  const details: ErrorDetail[] = [];
  const email = normaliseEmail(input.email);
  if (!singleLine(input.name, LIMITS.name)) details.push({ field: 'name', code: 'required', message: 'your name is required' });
  if (!isEmail(email)) details.push({ field: 'email', code: email ? 'invalid_email' : 'required', message: 'not a valid email address' });
  if (!singleLine(input.organisation, LIMITS.organisation))
    details.push({ field: 'organisation', code: 'required', message: 'your organisation is required' });
  if (input.consent !== true)
    details.push({ field: 'consent', code: 'required', message: 'you must agree to the storing of your data to register' });
  let countyId: number | null = null;
  let clusterId: number | null = null;
  if (input.county) {
    const c = keptStatement(db, 'registrations.countyBySlug', (d) =>
      d
        .select({ id: counties.id })
        .from(counties)
        .where(eq(counties.slug, sql.placeholder('slug')))
        .prepare(),
    ).get({ slug: input.county });
    if (!c) details.push({ field: 'county', code: 'unknown_choice', message: `unknown county "${input.county}"` });
    else countyId = c.id;
  }
  if (input.cluster) {
    const c = keptStatement(db, 'registrations.clusterBySlug', (d) =>
      d
        .select({ id: clusters.id })
        .from(clusters)
        .where(eq(clusters.slug, sql.placeholder('slug')))
        .prepare(),
    ).get({ slug: input.cluster });
    if (!c) details.push({ field: 'cluster', code: 'unknown_choice', message: `unknown cluster "${input.cluster}"` });
    else clusterId = c.id;
  }
  for (const field of ['dietaryNeeds', 'accessibilityNeeds'] as const)
    if (codePointLength(input[field] ?? '') > LIMITS.needs)
      details.push({ field, code: 'too_long', message: `at most ${LIMITS.needs} characters`, params: { max: LIMITS.needs } });
  const answers = questions ? checkAnswers(questions, input.answers ?? [], details) : new Map();
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_registration',
      `The registration has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );
  return { email, countyId, clusterId, answers };
}

const optional = (v: string | null | undefined, max: number) => (v ? truncate(v.trim(), max) || null : null);

/**
 * Registers for an event. Runs in one IMMEDIATE transaction, so counting the confirmed seats and
 * taking one can never interleave with another registration: with N seats, never more than N
 * are confirmed. The same email twice returns the existing registration (and mails its link to
 * that address) instead of taking a second seat. A new registration raises registration.created.
 * Answers to the event's own questions are checked by checkAnswers (answers.ts): 400
 * invalid_registration with a detail per question (`answers/<question id>`).
 * An internal event is 404 unknown_event unless `actor` may see internal events.
 */
export function register(
  db: Db,
  eventId: number,
  input: RegistrationInput,
  now = new Date(),
  actor: Actor | null = null,
): RegistrationResult {
  const questions = eventQuestionList(db, eventId);
  const { email, countyId, clusterId, answers } = validateInput(db, input, questions);
  // Kept: a burst of registrations is a burst of transactions, each of which would build drizzle's transaction object anew.
  return keptTransaction(
    db,
    (tx) => {
      const e = eventRow(tx, eventId);
      // An internal event takes registrations only from those who may see it; to others it does not exist.
      if (e.visibility === 'internal' && !seesInternalEvents(actor))
        throw new DomainError('not_found', 'unknown_event', `There is no event ${eventId}`);
      const reason = closedReason(e, now);
      if (reason) throw new DomainError('conflict', `registration_${reason}`, CLOSED_MESSAGES[reason]!);
      const existing = keptStatement(tx, 'registrations.byEmail', (d) =>
        d
          .select()
          .from(registrations)
          .where(and(eq(registrations.eventId, sql.placeholder('eventId')), eq(registrations.email, sql.placeholder('email'))))
          .prepare(),
      ).get({ eventId, email });
      if (existing && existing.status !== 'cancelled') {
        // Anyone can post any address: its owner gets the link at most once per 15 minutes.
        if (takeRepeatMailSlot(tx, 'registration_link', email, now)) notify(tx, 'manage_link', existing, e, now);
        // Knowing an address proves nothing: the caller learns that it is registered (and where
        // in the queue), never the person's details, which only the mailed link shows.
        const personal = {
          name: null,
          email: null,
          organisation: null,
          county: null,
          cluster: null,
          dietaryNeeds: null,
          accessibilityNeeds: null,
          answers: [],
        };
        return { registration: { ...view(tx, existing, e), ...personal }, token: null, manageUrl: null, created: false };
      }
      const status = e.capacity === null || confirmedCount(tx, eventId) < e.capacity ? 'confirmed' : 'waitlisted';
      const values = {
        eventId,
        token: newToken(),
        status,
        name: singleLine(input.name, LIMITS.name),
        email,
        organisation: singleLine(input.organisation, LIMITS.organisation),
        countyId,
        clusterId,
        dietaryNeeds: optional(input.dietaryNeeds, LIMITS.needs),
        accessibilityNeeds: optional(input.accessibilityNeeds, LIMITS.needs),
        language: input.language ?? 'sv',
        newsletter: input.newsletter ?? false,
        consentAt: now,
        waitlistedAt: status === 'waitlisted' ? now : null,
        promotedAt: null,
        checkedInAt: null,
        reminderSentAt: null,
        cancelledAt: null,
        createdAt: now,
        updatedAt: now,
      } as const;
      // A cancelled registration is taken up again with a fresh link (the old one stops working).
      const row = existing
        ? tx.update(registrations).set(values).where(eq(registrations.id, existing.id)).returning().get()
        : keptStatement(tx, 'registrations.insert', (d) =>
            d
              .insert(registrations)
              .values(insertPlaceholders(Object.keys(values) as (keyof typeof values)[]))
              .returning()
              .prepare(),
          ).get(driverValues(registrations, values));
      saveAnswers(tx, row.id, answers);
      // What was just saved, in the questions' order as answersOf reads it: not read back.
      const given = [...answers].map(([question, value]) => ({ question, value }));
      const v = view(tx, row, e, given);
      notify(tx, status === 'confirmed' ? 'confirmed' : 'waitlisted', row, e, now, {
        position: v.position ?? undefined,
        answers: { given, questions },
      });
      emit(tx, 'registration.created', {
        actorId: null,
        clusterIds: organisingClusterIds(tx, eventId),
        now,
        registrationId: row.id,
        eventId,
        status,
        position: v.position,
      });
      return { registration: v, token: row.token, manageUrl: row.token ? links.manage(row.token) : null, created: true };
    },
    'immediate',
  );
}

/**
 * Fills free seats of a published event from the waiting list, first come first served, inside
 * the caller's transaction: mails each person promoted and raises registration.promoted for
 * each. Returns how many were promoted (0 for a draft or cancelled event).
 */
export function promoteFromWaitlist(tx: Tx, e: Event, now: Date): number {
  if (e.status !== 'published') return 0;
  let promoted = 0;
  let clusterIds: number[] | undefined;
  for (;;) {
    const { confirmed } = statusCounts(tx, e.id);
    if (e.capacity !== null && confirmed >= e.capacity) return promoted;
    const next = tx
      .select()
      .from(registrations)
      .where(and(eq(registrations.eventId, e.id), eq(registrations.status, 'waitlisted')))
      .orderBy(asc(registrations.waitlistedAt), asc(registrations.id))
      .limit(1)
      .get();
    if (!next) return promoted;
    const row = tx
      .update(registrations)
      .set({ status: 'confirmed', promotedAt: now, waitlistedAt: null, updatedAt: now })
      .where(eq(registrations.id, next.id))
      .returning()
      .get();
    notify(tx, 'promoted', row, e, now);
    clusterIds ??= organisingClusterIds(tx, e.id);
    emit(tx, 'registration.promoted', { actorId: null, clusterIds, now, registrationId: row.id, eventId: e.id });
    promoted++;
  }
}

/**
 * Moves the confirmed registrations beyond the event's capacity to the top of the waiting list,
 * inside the caller's transaction: those who got their seat last move, keeping their order, ahead
 * of everyone already waiting, and each is mailed their place. Runs on event.capacityChanged when
 * the organiser chose it. Returns how many moved.
 */
export function moveExcessToWaitlist(tx: Tx, e: Event, now: Date): number {
  if (e.capacity === null) return 0;
  const { confirmed } = statusCounts(tx, e.id);
  const excess = confirmed - e.capacity;
  if (excess <= 0) return 0;
  const latest = tx
    .select()
    .from(registrations)
    .where(and(eq(registrations.eventId, e.id), eq(registrations.status, 'confirmed')))
    .orderBy(desc(sql`coalesce(${registrations.promotedAt}, ${registrations.createdAt})`), desc(registrations.id))
    .limit(excess)
    .all()
    .reverse();
  const first = tx
    .select({ at: sql<number | null>`min(${registrations.waitlistedAt})` })
    .from(registrations)
    .where(and(eq(registrations.eventId, e.id), eq(registrations.status, 'waitlisted')))
    .get()?.at;
  // Distinct instants before the first one waiting keep the moved people's order at the top.
  const top = Math.min(first ?? now.getTime(), now.getTime()) - latest.length;
  latest.forEach((r, i) => {
    const row = tx
      .update(registrations)
      .set({ status: 'waitlisted', waitlistedAt: new Date(top + i), promotedAt: null, updatedAt: now })
      .where(eq(registrations.id, r.id))
      .returning()
      .get();
    notify(tx, 'waitlisted', row, e, now, { position: i + 1 });
  });
  return latest.length;
}

function assertNotEnded(e: Event, now: Date) {
  if (now >= e.endsAt) throw new DomainError('conflict', 'event_ended', 'The event has ended; the registration can no longer be changed');
}

/**
 * The participant gives up their seat or place through their link; raises registration.cancelled,
 * and a freed seat goes to the waiting list. 409 when already cancelled or the event has ended.
 */
export function cancelRegistration(db: Db, token: string, now = new Date()): RegistrationView {
  return db.transaction(
    (tx) => {
      const r = registrationByToken(tx, token);
      const e = eventRow(tx, r.eventId);
      if (r.status === 'cancelled') throw new DomainError('conflict', 'already_cancelled', 'The registration is already cancelled');
      assertNotEnded(e, now);
      const row = tx
        .update(registrations)
        .set({ status: 'cancelled', cancelledAt: now, waitlistedAt: null, updatedAt: now })
        .where(eq(registrations.id, r.id))
        .returning()
        .get();
      notify(tx, 'cancelled_by_participant', row, e, now, { calendar: inCalendar(r) });
      emit(tx, 'registration.cancelled', {
        actorId: null,
        clusterIds: organisingClusterIds(tx, e.id),
        now,
        registrationId: r.id,
        eventId: e.id,
        previousStatus: r.status,
      });
      if (r.status === 'confirmed') promoteFromWaitlist(tx, e, now);
      return view(tx, row, e);
    },
    { behavior: 'immediate' },
  );
}

/**
 * The participant changes their registration by its token: fields left out keep their values.
 * `answers`, when given, replace all stored answers and are checked as at registration
 * (checkAnswers): 400 invalid_registration with a detail per question (`answers/<question id>`),
 * and then nothing is changed. 409 when the event has ended.
 */
export function updateRegistration(db: Db, token: string, patch: RegistrationPatch, now = new Date()): RegistrationView {
  const r = registrationByToken(db, token);
  const e = eventRow(db, r.eventId);
  assertNotEnded(e, now);
  const merged = {
    name: patch.name ?? r.name ?? '',
    email: r.email ?? '',
    organisation: patch.organisation ?? r.organisation ?? '',
    county:
      patch.county === undefined
        ? r.countyId !== null
          ? db.select({ slug: counties.slug }).from(counties).where(eq(counties.id, r.countyId)).get()?.slug
          : null
        : patch.county,
    cluster:
      patch.cluster === undefined
        ? r.clusterId !== null
          ? db.select({ slug: clusters.slug }).from(clusters).where(eq(clusters.id, r.clusterId)).get()?.slug
          : null
        : patch.cluster,
    consent: true,
  };
  // Without `answers` the stored ones stay; with them they replace all of them, checked as at registration.
  const { countyId, clusterId, answers } = validateInput(
    db,
    { ...merged, answers: patch.answers },
    patch.answers === undefined ? undefined : eventQuestionList(db, r.eventId),
  );
  const row = db.transaction((tx) => {
    if (patch.answers !== undefined) saveAnswers(tx, r.id, answers);
    return tx
      .update(registrations)
      .set({
        name: singleLine(merged.name, LIMITS.name),
        organisation: singleLine(merged.organisation, LIMITS.organisation),
        countyId,
        clusterId,
        dietaryNeeds: patch.dietaryNeeds === undefined ? r.dietaryNeeds : optional(patch.dietaryNeeds, LIMITS.needs),
        accessibilityNeeds:
          patch.accessibilityNeeds === undefined ? r.accessibilityNeeds : optional(patch.accessibilityNeeds, LIMITS.needs),
        language: patch.language ?? r.language,
        newsletter: patch.newsletter ?? r.newsletter,
        updatedAt: now,
      })
      .where(eq(registrations.id, r.id))
      .returning()
      .get();
  });
  return view(db, row, e);
}

const anonymous = { token: null, name: null, email: null, organisation: null, dietaryNeeds: null, accessibilityNeeds: null } as const;

/**
 * The participant deletes their personal data: the seat is given up (and passed on to the
 * waiting list) and every personal field is erased, with every mail about the registration in
 * the outbox, waiting or sent (they hold the name, the address and the manage link). What
 * remains (status, county, cluster) counts in statistics only. Raises registration.cancelled
 * when a seat or place was given up, then registration.erased.
 */
export function deletePersonalData(db: Db, token: string, now = new Date()): void {
  db.transaction(
    (tx) => {
      const r = registrationByToken(tx, token);
      const e = eventRow(tx, r.eventId);
      const active = r.status !== 'cancelled' && now < e.endsAt;
      // The CANCEL is written before the erasing, which removes every mail that holds the
      // token: it holds none (a `withdrawn` mail has no manage link), so it stays and goes out.
      if (active) withdrawInvitation(tx, r, e, now);
      tx.update(registrations)
        .set({
          ...anonymous,
          status: active ? 'cancelled' : r.status,
          cancelledAt: active ? now : r.cancelledAt,
          anonymisedAt: now,
          updatedAt: now,
        })
        .where(eq(registrations.id, r.id))
        .run();
      eraseAnswers(tx, [r.id]);
      const base = { actorId: null, clusterIds: organisingClusterIds(tx, e.id), now, registrationId: r.id, eventId: e.id };
      if (active && r.status !== 'cancelled') emit(tx, 'registration.cancelled', { ...base, previousStatus: r.status });
      emit(tx, 'registration.erased', base);
      if (active && r.status === 'confirmed') promoteFromWaitlist(tx, e, now);
      eraseMailsCarrying(tx, token);
    },
    { behavior: 'immediate' },
  );
}

// ---- Organisers ----

function assertOrganiser(db: Db, actor: Actor | null, eventId: number): Event {
  const e = eventRow(db, eventId);
  if (!actor) throw new DomainError('unauthenticated', 'login_required', 'You need to log in to do this');
  if (!canManageEvent(actor, organiserRefs(db, eventId)))
    throw forbidden('Only the organisers of this event may see or manage its registrations');
  return e;
}

interface AttendeeRow {
  id: number;
  status: Registration['status'];
  waitlisted_at: number | null;
  name: string | null;
  email: string | null;
  organisation: string | null;
  county_id: number | null;
  cluster_id: number | null;
  dietary_needs: string | null;
  accessibility_needs: string | null;
  language: Registration['language'];
  newsletter: number;
  consent_at: number;
  checked_in_at: number | null;
  created_at: number;
}

const ATTENDEES_SQL = {
  // The list's order: confirmed, then the waiting list in its order, then cancelled; anonymised rows are left out.
  rows: `select id, status, waitlisted_at, name, email, organisation, county_id, cluster_id, dietary_needs, accessibility_needs, language, newsletter, consent_at, checked_in_at, created_at from registrations where event_id = ? and anonymised_at is null order by case status when 'confirmed' then 0 when 'waitlisted' then 1 else 2 end, waitlisted_at, id`,
  // Waiting-list positions as waitlistPosition counts them (anonymised rows hold their places).
  waiting: `select id from registrations where event_id = ? and status = 'waitlisted' and waitlisted_at is not null order by waitlisted_at, id`,
  answers:
    'select a.registration_id as registrationId, a.question_id as question, a.value as value from registration_answers a join event_questions q on q.id = a.question_id join registrations r on r.id = a.registration_id where r.event_id = ? and r.anonymised_at is null order by q.position, q.id',
  counties: 'select id, slug, name from counties',
  clusters: 'select id, slug, name from clusters',
};

/**
 * The registrations of an event for its organisers (and network admins): confirmed first, then
 * the waiting list in order, then cancelled, with the counts (of everyone) and the event's
 * questions. `query` narrows the rows as filterAttendees does (`matching` counts them); with
 * `query.limit`, only page `query.page` (from 1; past the end: no rows) of them is built and
 * returned, so a page of a long list costs one page of views.
 *
 * @throws DomainError 404 `unknown_event`, 401 without an actor, 403 for others than the organisers
 */
export function listAttendees(
  db: Db,
  actor: Actor | null,
  eventId: number,
  query: AttendeeFilter & { page?: number; limit?: number } = {},
): AttendeeList {
  const e = assertOrganiser(db, actor, eventId);
  const rows = keptSql<AttendeeRow>(db, ATTENDEES_SQL.rows).all(eventId);
  const positions = new Map<number, number>();
  for (const [i, w] of keptSql<{ id: number }>(db, ATTENDEES_SQL.waiting).all(eventId).entries()) positions.set(w.id, i + 1);
  const byId = (list: { id: number; slug: string; name: string }[]) => new Map(list.map((r) => [r.id, { slug: r.slug, name: r.name }]));
  const countyOf = byId(keptSql<{ id: number; slug: string; name: string }>(db, ATTENDEES_SQL.counties).all());
  const clusterOf = byId(keptSql<{ id: number; slug: string; name: string }>(db, ATTENDEES_SQL.clusters).all());
  const answers = new Map<number, Answer[]>();
  for (const a of keptSql<{ registrationId: number; question: number; value: string }>(db, ATTENDEES_SQL.answers).all(eventId)) {
    const list = answers.get(a.registrationId);
    const answer = { question: a.question, value: JSON.parse(a.value) as Answer['value'] };
    if (list) list.push(answer);
    else answers.set(a.registrationId, [answer]);
  }
  // One event object for every row: the rows share it, as they share the event.
  const event = registeredEvent(e);
  const linkFor = { confirmed: meetingLinkFor('confirmed', e), other: meetingLinkFor('waitlisted', e) };
  let confirmed = 0;
  let waitlisted = 0;
  let cancelled = 0;
  let checkedIn = 0;
  for (const r of rows) {
    if (r.status === 'confirmed') confirmed++;
    else if (r.status === 'waitlisted') waitlisted++;
    else cancelled++;
    if (r.checked_in_at !== null) checkedIn++;
  }
  const narrowed = query.q || query.status || query.cluster;
  const matched = narrowed
    ? filterAttendees(
        rows.map((r) => ({
          row: r,
          name: r.name,
          organisation: r.organisation,
          status: r.status,
          cluster: r.cluster_id === null ? null : (clusterOf.get(r.cluster_id) ?? null),
        })),
        query,
      ).map((x) => x.row)
    : rows;
  const shown = query.limit === undefined ? matched : matched.slice(((query.page ?? 1) - 1) * query.limit, (query.page ?? 1) * query.limit);
  const attendees: RegistrationView[] = shown.map((r) => {
    return {
      id: r.id,
      status: r.status,
      position: r.status === 'waitlisted' && r.waitlisted_at !== null ? (positions.get(r.id) ?? null) : null,
      name: r.name,
      email: r.email,
      organisation: r.organisation,
      county: r.county_id === null ? null : (countyOf.get(r.county_id) ?? null),
      cluster: r.cluster_id === null ? null : (clusterOf.get(r.cluster_id) ?? null),
      dietaryNeeds: r.dietary_needs,
      accessibilityNeeds: r.accessibility_needs,
      language: r.language,
      newsletter: r.newsletter === 1,
      consentAt: new Date(r.consent_at).toISOString(),
      checkedInAt: r.checked_in_at === null ? null : new Date(r.checked_in_at).toISOString(),
      createdAt: new Date(r.created_at).toISOString(),
      answers: answers.get(r.id) ?? [],
      event: { ...event, onlineUrl: r.status === 'confirmed' ? linkFor.confirmed : linkFor.other },
    };
  });
  return {
    capacity: e.capacity,
    confirmed,
    waitlisted,
    cancelled,
    checkedIn,
    questions: eventQuestionList(db, eventId),
    matching: matched.length,
    attendees,
  };
}

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab/CR) as a formula (CSV injection,
 * OWASP): such a cell gets a leading apostrophe, which spreadsheets show as text.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function attendeesCsv(db: Db, actor: Actor | null, eventId: number, lang: Lang = 'sv'): string {
  const list = listAttendees(db, actor, eventId);
  const col = textsFor(lang).reports.attendees;
  const head = [
    col.status,
    col.position,
    col.name,
    col.email,
    col.organisation,
    col.county,
    col.cluster,
    col.dietaryNeeds,
    col.accessibilityNeeds,
    col.checkedIn,
    col.registered,
    ...list.questions.map((q) => q.label),
  ];
  const rows = list.attendees.map((a) =>
    [
      a.status,
      a.position?.toString() ?? '',
      a.name ?? '',
      a.email ?? '',
      a.organisation ?? '',
      a.county?.name ?? '',
      a.cluster?.name ?? '',
      a.dietaryNeeds ?? '',
      a.accessibilityNeeds ?? '',
      a.checkedInAt ?? '',
      a.createdAt,
      ...list.questions.map((q) => answerText(a.answers.find((x) => x.question === q.id)?.value, lang)),
    ].map(neutraliseCell),
  );
  // A BOM so that spreadsheet programs read the UTF-8 (å, ä, ö) correctly. A field with a line
  // break is quoted (RFC 4180 §2.6): csv-stringify quotes only the whole CRLF by itself.
  return `\uFEFF${stringify([head, ...rows], { record_delimiter: '\r\n', quoted_match: /[\r\n]/ })}`;
}

export function setCheckIn(
  db: Db,
  actor: Actor | null,
  eventId: number,
  registrationId: number,
  checkedIn: boolean,
  now = new Date(),
): RegistrationView {
  const e = assertOrganiser(db, actor, eventId);
  const r = db
    .select()
    .from(registrations)
    .where(and(eq(registrations.id, registrationId), eq(registrations.eventId, eventId)))
    .get();
  if (!r) throw new DomainError('not_found', 'unknown_registration', `Event ${eventId} has no registration ${registrationId}`);
  if (e.status === 'cancelled') throw new DomainError('conflict', 'event_cancelled', 'The event is cancelled; nobody can be checked in');
  if (r.status !== 'confirmed')
    throw new DomainError('conflict', 'not_confirmed', 'Only participants with a confirmed seat can be checked in');
  const row = db
    .update(registrations)
    .set({ checkedInAt: checkedIn ? now : null, updatedAt: now })
    .where(eq(registrations.id, r.id))
    .returning()
    .get();
  return view(db, row, e);
}

/**
 * A message from the organisers to everyone registered (confirmed and waiting), through the
 * outbox, with Reply-To: the sending coordinator (name and address of the acting user). Returns
 * how many were written to. A cancelled event takes only a message that explains the
 * cancellation, marked `aboutCancellation` (its subject then says the event is cancelled): any
 * other is 409 event_cancelled, and `aboutCancellation` on an event that is not cancelled is
 * 409 not_cancelled.
 *
 * @throws DomainError 400 `invalid_message` (subject or body missing, body over LIMITS.message),
 *   401/403 as assertOrganiser
 */
export function messageRegistrants(
  db: Db,
  actor: Actor | null,
  eventId: number,
  message: { subject: string; body: string; aboutCancellation?: boolean },
  now = new Date(),
): number {
  const e = assertOrganiser(db, actor, eventId);
  const aboutCancellation = !!message.aboutCancellation;
  if (e.status === 'cancelled' && !aboutCancellation)
    throw new DomainError(
      'conflict',
      'event_cancelled',
      'The event is cancelled: only a message explaining the cancellation can be sent (mark it as about the cancellation)',
    );
  if (e.status !== 'cancelled' && aboutCancellation)
    throw new DomainError('conflict', 'not_cancelled', 'The event is not cancelled; send an ordinary message');
  const subject = singleLine(message.subject, LIMITS.subject);
  const body = message.body.trim();
  const details: ErrorDetail[] = [];
  if (!subject) details.push({ field: 'subject', code: 'required', message: 'required' });
  if (!body) details.push({ field: 'body', code: 'required', message: 'required' });
  if (codePointLength(body) > LIMITS.message)
    details.push({
      field: 'body',
      code: 'too_long',
      message: `at most ${LIMITS.message.toLocaleString('en')} characters`,
      params: { max: LIMITS.message },
    });
  if (details.length) throw new DomainError('invalid', 'invalid_message', 'The message needs a subject and a text', details);
  // Replies reach the coordinator who wrote, not the platform's no-reply address. An address
  // object, never a header line: nodemailer encodes the name, so no name can add a header.
  const sender = db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, actor!.userId)).get();
  const replyTo = sender && isEmail(sender.email) ? { name: singleLine(sender.name, LIMITS.name), address: sender.email } : undefined;
  return db.transaction((tx) => {
    const rows = activeRegistrations(tx, eventId);
    const kind = aboutCancellation ? 'cancellation_message' : 'organiser_message';
    for (const r of rows) notify(tx, kind, r, e, now, { message: { subject, body }, replyTo });
    return rows.length;
  });
}

/** The confirmed and waitlisted registrations of an event: those told of its changes. */
export function activeRegistrations(db: DbOrTx, eventId: number): Registration[] {
  return db
    .select()
    .from(registrations)
    .where(and(eq(registrations.eventId, eventId), inArray(registrations.status, ['confirmed', 'waitlisted'])))
    .all();
}

// ---- Scheduled jobs ----

/** The reminder the day before: once per confirmed participant, for events starting within 24 hours. */
export function sendDueReminders(db: Db, now = new Date()): number {
  return db.transaction((tx) => {
    const due = tx
      .select({ r: registrations, e: events })
      .from(registrations)
      .innerJoin(events, eq(events.id, registrations.eventId))
      .where(
        and(
          eq(events.status, 'published'),
          gte(events.startsAt, now),
          lt(events.startsAt, new Date(now.getTime() + 86_400_000)),
          eq(registrations.status, 'confirmed'),
          isNull(registrations.reminderSentAt),
          isNull(registrations.anonymisedAt),
        ),
      )
      .all();
    for (const { r, e } of due) {
      tx.update(registrations).set({ reminderSentAt: now }).where(eq(registrations.id, r.id)).run();
      notify(tx, 'reminder', r, e, now);
    }
    return due.length;
  });
}

/** Erases personal data of registrations for events that ended more than `months` ago; the counts remain. */
export function anonymiseExpired(db: Db, months: number, now = new Date()): number {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const ids = db
    .select({ id: registrations.id })
    .from(registrations)
    .innerJoin(events, eq(events.id, registrations.eventId))
    .where(and(lt(events.endsAt, cutoff), isNull(registrations.anonymisedAt)))
    .all()
    .map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    db.update(registrations)
      .set({ ...anonymous, anonymisedAt: now, updatedAt: now })
      .where(inArray(registrations.id, ids.slice(i, i + 500)))
      .run();
  }
  eraseAnswers(db, ids);
  return ids.length;
}
