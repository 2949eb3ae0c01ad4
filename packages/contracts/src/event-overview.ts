import { Type, type Static } from 'typebox';
import { AuditLog, Event } from './events.ts';
import { EventMaterials } from './knowledge.ts';
import { QuestionList } from './questions.ts';
import { RegistrationSummary } from './registrations.ts';

/**
 * Everything the event page shows, in one answer: the event as GET /api/events/:id gives it, its
 * registration summary (GET …/registration-summary), its own questions (GET …/questions) and its
 * documentation and materials (GET …/materials), each exactly as those answer for the same
 * reader, with the access to the event decided once.
 */
export const EventOverview = Type.Object({
  event: Event,
  registrationSummary: RegistrationSummary,
  questions: QuestionList,
  materials: EventMaterials,
  /** The change log as GET …/audit answers it: only when asked for (audit=true) and the reader may edit the event. */
  audit: Type.Optional(AuditLog),
});
export type EventOverview = Static<typeof EventOverview>;

/** GET /api/events/:id/overview's query. Not strict: other parameters are ignored, as before there was one. */
export const EventOverviewQuery = Type.Object({
  audit: Type.Optional(Type.Boolean({ description: "add the event's change log when the reader may edit the event" })),
});
export type EventOverviewQuery = Static<typeof EventOverviewQuery>;
