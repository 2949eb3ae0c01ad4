import { Type, type Static } from 'typebox';
import { Id, Lang, NamedRef, Slug, StrictObject, Token } from './common.ts';
import { EventStatus } from './events.ts';
import { LIMITS } from './limits.ts';
import { Answer, Answers, Question } from './questions.ts';

const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RegistrationBody = StrictObject({
  name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
  email: Type.String({ minLength: LIMITS.emailMin, maxLength: LIMITS.email }),
  organisation: Type.String({ minLength: 1, maxLength: LIMITS.organisation }),
  county: Type.Optional(N(Slug)),
  cluster: Type.Optional(N(Slug)),
  dietaryNeeds: Type.Optional(N(Type.String({ maxLength: LIMITS.needs }))),
  accessibilityNeeds: Type.Optional(N(Type.String({ maxLength: LIMITS.needs }))),
  consent: Type.Boolean({ description: 'must be true: the participant agrees to the storing of their data' }),
  newsletter: Type.Optional(Type.Boolean()),
  language: Type.Optional(Lang),
  answers: Type.Optional(Answers),
});
export type RegistrationBody = Static<typeof RegistrationBody>;

export const RegistrationPatch = StrictObject({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
  organisation: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.organisation })),
  county: Type.Optional(N(Slug)),
  cluster: Type.Optional(N(Slug)),
  dietaryNeeds: Type.Optional(N(Type.String({ maxLength: LIMITS.needs }))),
  accessibilityNeeds: Type.Optional(N(Type.String({ maxLength: LIMITS.needs }))),
  language: Type.Optional(Lang),
  newsletter: Type.Optional(Type.Boolean()),
  answers: Type.Optional(Answers),
});
export type RegistrationPatch = Static<typeof RegistrationPatch>;

export const Registration = Type.Object({
  id: Type.Integer(),
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('waitlisted'), Type.Literal('cancelled')]),
  position: N(Type.Integer({ description: '1-based place on the waiting list; null unless waitlisted' })),
  name: N(Type.String()),
  email: N(Type.String()),
  organisation: N(Type.String()),
  county: N(NamedRef),
  cluster: N(NamedRef),
  dietaryNeeds: N(Type.String()),
  accessibilityNeeds: N(Type.String()),
  language: Lang,
  newsletter: Type.Boolean(),
  consentAt: Type.String(),
  checkedInAt: N(Type.String()),
  createdAt: Type.String(),
  answers: Type.Array(Answer, { description: "answers to the event's own questions that still exist" }),
  event: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    startsAt: Type.String(),
    endsAt: Type.String(),
    timeZone: Type.String(),
    allDay: Type.Boolean(),
    startDate: N(Type.String()),
    endDate: N(Type.String()),
    status: EventStatus,
    hasOnlineUrl: Type.Boolean({ description: 'the event has a meeting link, shown here or not' }),
    onlineUrl: N(Type.String({ description: 'the meeting link: only with a confirmed seat, unless the organisers made it public' })),
  }),
});
export type Registration = Static<typeof Registration>;

export const RegistrationResult = Type.Object({
  registration: Registration,
  token: N(Type.String({ description: 'secret of the manage link; only when the registration was created by this request' })),
  manageUrl: N(Type.String()),
  created: Type.Boolean(),
});
export type RegistrationResult = Static<typeof RegistrationResult>;

export const RegistrationSummary = Type.Object({
  capacity: N(Type.Integer()),
  confirmed: Type.Integer(),
  waitlisted: Type.Integer(),
  seatsLeft: N(Type.Integer()),
  open: Type.Boolean(),
  closedReason: N(Type.String({ description: 'why registration is closed: draft, cancelled, disabled, not_open_yet, closed or ended' })),
  opensAt: N(Type.String()),
  closesAt: N(Type.String()),
});
export type RegistrationSummary = Static<typeof RegistrationSummary>;

export const AttendeeList = Type.Object({
  capacity: N(Type.Integer()),
  confirmed: Type.Integer(),
  waitlisted: Type.Integer(),
  cancelled: Type.Integer(),
  checkedIn: Type.Integer(),
  questions: Type.Array(Question, { description: "the event's own questions, in form order" }),
  matching: Type.Integer({ description: 'the registrations the filter matched, on every page together' }),
  attendees: Type.Array(Registration, { description: 'the matching registrations, or the asked page of them' }),
});
export type AttendeeList = Static<typeof AttendeeList>;

export const TokenParams = StrictObject({ token: Token });
export const CheckInParams = StrictObject({
  id: Id,
  registrationId: Id,
});
export const CheckInBody = StrictObject({ checkedIn: Type.Boolean() });
export type CheckInBody = Static<typeof CheckInBody>;
export const MessageBody = StrictObject({
  subject: Type.String({ minLength: 1, maxLength: LIMITS.subject }),
  body: Type.String({ minLength: 1, maxLength: LIMITS.message }),
  aboutCancellation: Type.Optional(
    Type.Boolean({ description: 'explains the cancellation: the only message a cancelled event takes; its subject says so' }),
  ),
});
export type MessageBody = Static<typeof MessageBody>;
export const MessageResult = Type.Object({ recipients: Type.Integer() });
export type MessageResult = Static<typeof MessageResult>;
export const CsvQuery = StrictObject({ lang: Type.Optional(Lang) });
