import { eq } from 'drizzle-orm';
import { events, type Event } from '@samverka/db';
import type { DomainEventHandlers, Tx } from '../domain-events.ts';
import { activeRegistrations, moveExcessToWaitlist, notify, promoteFromWaitlist, withdrawInvitation } from './registration-service.ts';

/** The event as the change left it; handlers run after the write, in its transaction. */
function eventNow(tx: Tx, id: number): Event {
  const e = tx.select().from(events).where(eq(events.id, id)).get();
  if (!e) throw new Error(`Event ${id} raised a domain event but is not in its own transaction`);
  return e;
}

/**
 * What registrations do when an event changes, wired in reactions.ts. Every mail goes to the
 * outbox in the event's transaction, so a change that rolls back mails nobody.
 * - event.moved: every confirmed and waitlisted registrant gets the new time or place; those
 *   with a seat with an iTIP REQUEST (the event's UID, its raised revision as SEQUENCE); a change
 *   of the meeting link alone is told by event.updated's mail instead, to confirmed participants only.
 * - event.cancelled: every confirmed and waitlisted registrant is told, with an iTIP CANCEL.
 * - event.updated with a new meeting link of a published event: every confirmed participant gets
 *   it (waitlisted people get it when promoted; others never see a participant-only link).
 * - event.capacityChanged: seats beyond a lowered capacity go to the top of the waiting list when
 *   the organiser chose so (moveExcessToWaitlist); free seats are filled from the waiting list
 *   (see promoteFromWaitlist).
 * - event.deleted: raised before the row goes; everyone who has the event in their calendar gets
 *   an iTIP CANCEL (withdrawInvitation). The registrations then go with the event (ON DELETE CASCADE).
 */
export const registrationReactions: DomainEventHandlers = {
  'event.updated': (tx, { eventId, now, changes }) => {
    if (!('onlineUrl' in changes)) return;
    const e = eventNow(tx, eventId);
    if (e.status !== 'published' || !e.onlineUrl) return;
    for (const r of activeRegistrations(tx, e.id)) if (r.status === 'confirmed') notify(tx, 'link_changed', r, e, now);
  },
  'event.moved': (tx, { eventId, now, fields }) => {
    const e = eventNow(tx, eventId);
    if (e.onlineUrl && fields.every((f) => f === 'onlineUrl')) return;
    for (const r of activeRegistrations(tx, e.id)) notify(tx, 'event_changed', r, e, now);
  },
  'event.cancelled': (tx, { eventId, now }) => {
    const e = eventNow(tx, eventId);
    for (const r of activeRegistrations(tx, e.id)) notify(tx, 'event_cancelled', r, e, now);
  },
  'event.deleted': (tx, { eventId, now }) => {
    const e = eventNow(tx, eventId);
    for (const r of activeRegistrations(tx, e.id)) withdrawInvitation(tx, r, e, now);
  },
  'event.capacityChanged': (tx, { eventId, now, moveExcessToWaitlist: moveExcess }) => {
    const e = eventNow(tx, eventId);
    if (moveExcess) moveExcessToWaitlist(tx, e, now);
    promoteFromWaitlist(tx, e, now);
  },
};
