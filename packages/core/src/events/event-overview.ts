import type { EventOverview } from '@samverka/contracts';
import type { Db } from '@samverka/db';
import type { Actor } from '../access.ts';
import { eventMaterialsFor } from '../knowledge/material-service.ts';
import { registrationSummary } from '../registrations/registration-service.ts';
import { eventQuestionList } from './event-questions.ts';
import { auditEntries, getEvent } from './event-service.ts';
import { organiserRefs } from './event-view.ts';

/**
 * What the event page shows (contracts' EventOverview): getEvent, registrationSummary,
 * eventQuestionList and the materials `actor` may see, as GET /api/events/:id, …/registration-summary,
 * …/questions and …/materials answer. Whether the actor may see the event is decided once, by
 * getEvent, instead of once per part; the page then costs one call instead of four. `now`
 * decides whether registration is open. `withAudit`: also the change log (as eventAuditLog gives
 * it) when the actor may edit the event, so an organiser's page needs no second call.
 *
 * @throws DomainError 404 `unknown_event` (also for a draft or an internal event the actor may not see)
 */
export function eventOverview(db: Db, actor: Actor | null, id: number, now = new Date(), withAudit = false): EventOverview {
  const event = getEvent(db, actor, id);
  const overview: EventOverview = {
    event,
    registrationSummary: registrationSummary(db, id, now),
    questions: eventQuestionList(db, id),
    materials: eventMaterialsFor(db, actor, id, organiserRefs(db, id)),
  };
  // canEdit is eventAuditLog's rule (the actor manages the event), decided by getEvent above.
  if (withAudit && event.canEdit) overview.audit = auditEntries(db, id);
  return overview;
}
