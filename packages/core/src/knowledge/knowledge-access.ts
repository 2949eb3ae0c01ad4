import type { Actor } from '../access.ts';
import { canManageEvent, canSeeEvent, type OrganiserRef, type Visibility } from '../events/event-access.ts';

/** Organisers (lead, accepted co-hosts, admins) add, change and remove an event's documentation and materials. */
export function canManageMaterials(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return canManageEvent(actor, organisers);
}

/**
 * Who may see a material of an event: anyone who may see the event when it is public; only
 * organisers, and confirmed participants coming through their manage link, when it is for
 * participants.
 */
export function canSeeMaterial(
  actor: Actor | null,
  eventStatus: string,
  organisers: readonly OrganiserRef[],
  visibility: 'public' | 'participants',
  eventVisibility: Visibility,
  confirmedParticipant = false,
): boolean {
  if (canManageEvent(actor, organisers)) return true;
  if (!canSeeEvent(actor, eventStatus, organisers, eventVisibility)) return false;
  return visibility === 'public' || confirmedParticipant;
}

/** An event's survey results (free texts included) are for its organisers only. */
export function canSeeFeedback(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return canManageEvent(actor, organisers);
}
