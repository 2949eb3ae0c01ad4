import { Type, type Static } from 'typebox';
import { Event } from './events.ts';
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
});
export type EventOverview = Static<typeof EventOverview>;
