import type { Event, MailAttachment, Registration } from '@samverka/db';
import { composeMail, type ComposedMail, type Lang } from '../outbox/compose.ts';

export type RegistrationMailKind =
  | 'confirmed'
  | 'waitlisted'
  | 'promoted'
  | 'cancelled_by_participant'
  | 'event_changed'
  | 'event_cancelled'
  | 'reminder'
  | 'organiser_message'
  | 'manage_link';

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
}

const T = {
  sv: {
    greeting: (n: string) => `Hej ${n}!`,
    manage: 'Visa, ändra eller avboka din anmälan',
    footer:
      'Du får det här mejlet för att du anmält dig till ett evenemang på Samverka. Via länken kan du avboka och radera dina uppgifter.',
    whenWhere: (when: string, where: string) => `Tid: ${when}\nPlats: ${where}`,
    confirmed: (t: string) => [`Anmälan bekräftad: ${t}`, 'Du har en plats. Evenemanget finns i bifogad kalenderfil.'],
    waitlisted: (t: string, p: number) => [
      `Väntelista: ${t}`,
      `Evenemanget är fullbokat. Du står som nummer ${p} på väntelistan och får ett mejl om en plats blir ledig.`,
    ],
    promoted: (t: string) => [
      `Du har fått en plats: ${t}`,
      'En plats blev ledig och du har flyttats från väntelistan. Välkommen! Evenemanget finns i bifogad kalenderfil.',
    ],
    cancelledByParticipant: (t: string) => [`Avbokad: ${t}`, 'Din anmälan är avbokad. Välkommen tillbaka en annan gång.'],
    changed: (t: string) => [`Ändrat: ${t}`, 'Arrangörerna har ändrat tid eller plats. Den uppdaterade kalenderfilen är bifogad.'],
    eventCancelled: (t: string, why: string) => [`Inställt: ${t}`, `Evenemanget är inställt. Skäl: ${why}`],
    reminder: (t: string) => [`Påminnelse: ${t} i morgon`, 'Välkommen i morgon!'],
    manageLink: (t: string) => [`Din anmälan: ${t}`, 'Du är redan anmäld till det här evenemanget. Här är länken till din anmälan.'],
    message: 'Meddelande från arrangörerna',
  },
  en: {
    greeting: (n: string) => `Hello ${n},`,
    manage: 'View, change or cancel your registration',
    footer: 'You receive this email because you registered for an event on Samverka. Through the link you can cancel and delete your data.',
    whenWhere: (when: string, where: string) => `When: ${when}\nWhere: ${where}`,
    confirmed: (t: string) => [`Registration confirmed: ${t}`, 'You have a seat. The event is in the attached calendar file.'],
    waitlisted: (t: string, p: number) => [
      `Waiting list: ${t}`,
      `The event is full. You are number ${p} on the waiting list and will get an email if a seat becomes free.`,
    ],
    promoted: (t: string) => [
      `You have a seat: ${t}`,
      'A seat became free and you have moved up from the waiting list. Welcome! The event is in the attached calendar file.',
    ],
    cancelledByParticipant: (t: string) => [`Cancelled: ${t}`, 'Your registration is cancelled. Welcome back another time.'],
    changed: (t: string) => [`Changed: ${t}`, 'The organisers changed the time or place. The updated calendar file is attached.'],
    eventCancelled: (t: string, why: string) => [`Cancelled: ${t}`, `The event is cancelled. Reason: ${why}`],
    reminder: (t: string) => [`Reminder: ${t} tomorrow`, 'Welcome tomorrow!'],
    manageLink: (t: string) => [
      `Your registration: ${t}`,
      'You are already registered for this event. Here is the link to your registration.',
    ],
    message: 'A message from the organisers',
  },
} satisfies Record<Lang, unknown>;

/** The mail for one registration event, in the participant's language, always with the manage link. */
export function registrationMail(input: RegistrationMailInput): ComposedMail {
  const lang = input.registration.language;
  const t = T[lang];
  const title = input.event.title;
  let subject: string;
  let lines: string[];
  switch (input.kind) {
    case 'confirmed':
      [subject, ...lines] = t.confirmed(title);
      break;
    case 'waitlisted':
      [subject, ...lines] = t.waitlisted(title, input.position ?? 0);
      break;
    case 'promoted':
      [subject, ...lines] = t.promoted(title);
      break;
    case 'cancelled_by_participant':
      [subject, ...lines] = t.cancelledByParticipant(title);
      break;
    case 'event_changed':
      [subject, ...lines] = t.changed(title);
      break;
    case 'event_cancelled':
      [subject, ...lines] = t.eventCancelled(title, input.event.cancelReason ?? '');
      break;
    case 'reminder':
      [subject, ...lines] = t.reminder(title);
      break;
    case 'manage_link':
      [subject, ...lines] = t.manageLink(title);
      break;
    case 'organiser_message':
      subject = `${title}: ${input.message!.subject}`;
      lines = [`${t.message}:`, input.message!.body];
      break;
  }
  return composeMail(lang, {
    subject: subject!,
    greeting: t.greeting(input.registration.name ?? ''),
    paragraphs: [...lines!, t.whenWhere(input.when, input.where), input.eventUrl],
    action: { label: t.manage, url: input.manageUrl },
    footer: t.footer,
  });
}

/** Which mails carry the event as an .ics file (same UID as the feeds). */
export function withCalendar(kind: RegistrationMailKind): boolean {
  return kind === 'confirmed' || kind === 'promoted' || kind === 'event_changed' || kind === 'event_cancelled' || kind === 'reminder';
}

export function icsAttachment(ics: string, cancelled: boolean): MailAttachment {
  return {
    filename: cancelled ? 'cancel.ics' : 'invite.ics',
    contentType: `text/calendar; charset=utf-8; method=${cancelled ? 'CANCEL' : 'PUBLISH'}`,
    content: ics,
  };
}
