import { subscribeAll } from './domain-events.ts';
import { notificationReactions } from './notifications/reactions.ts';
import { registrationReactions } from './registrations/registration-reactions.ts';

/**
 * The one place where modules subscribe to each other's domain events, in this order (handlers
 * of one event run in subscription order). Loaded once, for its effect, by index.ts (every app
 * and script) and by core's test helper (tests that import single service files).
 */
subscribeAll(registrationReactions);
// After the registrations' reactions: organisers are told of a step once its consequences (a seat
// given from the waiting list) are written.
let offNotifications = subscribeAll(notificationReactions);

/**
 * For tests of another module's own mails: takes the notifications' reactions off until the
 * returned function subscribes them again (last, as above).
 */
export function muteNotifications(): () => void {
  offNotifications();
  return () => {
    offNotifications = subscribeAll(notificationReactions);
  };
}
