import type { Event, MailAttachment, Registration } from '@samverka/db';
import { composeMail, type ComposedMail } from '../outbox/compose.ts';
import { textsFor, type Texts } from '../texts/index.ts';

export type RegistrationMailKind =
  | 'confirmed'
  | 'waitlisted'
  | 'promoted'
  | 'cancelled_by_participant'
  | 'event_changed'
  | 'event_cancelled'
  | 'reminder'
  | 'organiser_message'
  | 'cancellation_message'
  | 'link_changed'
  | 'manage_link'
  | 'withdrawn';

export interface RegistrationMailInput {
  kind: RegistrationMailKind;
  event: Event;
  registration: Pick<Registration, 'name' | 'language' | 'status'>;
  manageUrl: string;
  eventUrl: string;
  position?: number;
  /** For event_changed: what changed, in words. */
  when: string;
  where: string;
  message?: { subject: string; body: string };
  /** For confirmed and waitlisted: the answers to the event's questions (question as asked, answer in the recipient's language). */
  answers?: readonly { question: string; answer: string }[];
}

/** The paragraph of answers, or none when nothing was answered (or asked). */
const given = (input: RegistrationMailInput, r: Texts['mail']['registration']) =>
  input.answers?.length ? [r.yourAnswers(input.answers)] : [];

/** Subject and the paragraphs particular to the kind; the rest of the mail is the same for every kind. */
function kindText(input: RegistrationMailInput, r: Texts['mail']['registration']): { subject: string; lines: string[] } {
  const title = input.event.title;
  switch (input.kind) {
    case 'confirmed':
      return { subject: r.confirmed.subject(title), lines: [r.confirmed.body, ...given(input, r)] };
    case 'waitlisted':
      return { subject: r.waitlisted.subject(title), lines: [r.waitlisted.body(input.position ?? 0), ...given(input, r)] };
    case 'promoted':
      return { subject: r.promoted.subject(title), lines: [r.promoted.body] };
    case 'cancelled_by_participant':
      return { subject: r.cancelledByParticipant.subject(title), lines: [r.cancelledByParticipant.body] };
    case 'event_changed':
      return { subject: r.eventChanged.subject(title), lines: [r.eventChanged.body] };
    case 'event_cancelled':
      return { subject: r.eventCancelled.subject(title), lines: [r.eventCancelled.body(input.event.cancelReason ?? '')] };
    case 'reminder':
      return { subject: r.reminder.subject(title), lines: [r.reminder.body] };
    case 'manage_link':
      return { subject: r.manageLink.subject(title), lines: [r.manageLink.body] };
    case 'withdrawn':
      return { subject: r.withdrawn.subject(title), lines: [r.withdrawn.body] };
    case 'organiser_message':
      return {
        subject: r.organiserMessage.subject(title, input.message!.subject),
        lines: [r.organiserMessage.lead, input.message!.body],
      };
    case 'cancellation_message':
      return {
        subject: r.cancellationMessage.subject(title, input.message!.subject),
        lines: [r.cancellationMessage.lead, input.message!.body],
      };
    case 'link_changed':
      return { subject: r.linkChanged.subject(title), lines: [r.linkChanged.body(input.event.onlineUrl ?? '')] };
  }
}

/**
 * The mail for one registration event, in the participant's language, always with the event's
 * time, place and page and the manage link (texts: `mail.registration` in texts/sv.ts).
 * `organiser_message` and `cancellation_message` need `message`; `waitlisted` shows `position`;
 * `link_changed` (to confirmed participants only) carries the event's new meeting link;
 * `confirmed` and `waitlisted` list `answers`, one "question: answer" line each.
 */
export function registrationMail(input: RegistrationMailInput): ComposedMail {
  const lang = input.registration.language;
  const t = textsFor(lang);
  const { subject, lines } = kindText(input, t.mail.registration);
  return composeMail(lang, {
    subject,
    greeting: t.mail.greeting(input.registration.name ?? ''),
    paragraphs: [...lines, `${t.mail.when(input.when)}\n${t.mail.where(input.where)}`, input.eventUrl],
    // A withdrawn registration is gone (erased, or its event deleted): no link would work.
    action: input.kind === 'withdrawn' ? undefined : { label: t.mail.registration.manage, url: input.manageUrl },
    footer: t.mail.registration.footer,
  });
}

/**
 * The iTIP method (RFC 5546) a kind of mail carries as its calendar, sent as the mail's
 * text/calendar alternative: REQUEST puts or updates the event in the participant's calendar
 * (confirmation, promotion, change, reminder), CANCEL takes it out (event cancelled, own
 * cancellation, registration withdrawn). null: no calendar. The service sends none to people
 * without a seat: a waiting person was never invited (see notify in registration-service.ts).
 */
export function calendarMethod(kind: RegistrationMailKind): 'REQUEST' | 'CANCEL' | null {
  switch (kind) {
    case 'confirmed':
    case 'promoted':
    case 'event_changed':
    case 'reminder':
      return 'REQUEST';
    case 'event_cancelled':
    case 'cancelled_by_participant':
    case 'withdrawn':
      return 'CANCEL';
    default:
      return null;
  }
}

/** Which mails carry the event as a calendar (same UID as the feeds). */
export function withCalendar(kind: RegistrationMailKind): boolean {
  return calendarMethod(kind) !== null;
}

/** A PUBLISH (or, cancelled, CANCEL) calendar as a plain attachment: what the poll decision mail carries. */
export function icsAttachment(ics: string, cancelled: boolean): MailAttachment {
  return {
    filename: cancelled ? 'cancel.ics' : 'invite.ics',
    contentType: `text/calendar; charset=utf-8; method=${cancelled ? 'CANCEL' : 'PUBLISH'}`,
    content: ics,
  };
}
