import { eq } from 'drizzle-orm';
import { events, type Event } from '@samverka/db';
import type { DomainEventHandlers, Tx } from '../domain-events.ts';
import { activeRegistrations, notify, promoteFromWaitlist, withdrawInvitation } from './registration-service.ts';

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
 *   with a seat with an iTIP REQUEST (the event's UID, its raised revision as SEQUENCE).
 * - event.cancelled: every confirmed and waitlisted registrant is told, with an iTIP CANCEL.
 * - event.capacityChanged: free seats are filled from the waiting list (see promoteFromWaitlist).
 * - event.deleted: raised before the row goes; everyone who has the event in their calendar gets
 *   an iTIP CANCEL (withdrawInvitation). The registrations then go with the event (ON DELETE CASCADE).
 */
export const registrationReactions: DomainEventHandlers = {
  'event.moved': (tx, { eventId, now }) => {
    const e = eventNow(tx, eventId);
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
  'event.capacityChanged': (tx, { eventId, now }) => {
    promoteFromWaitlist(tx, eventNow(tx, eventId), now);
  },
};
