import { actsFor, actsForAny, actsForNetwork, clustersActedFor, type Actor } from '../access.ts';

/**
 * Who may do what with one event, composed only of access.ts's primitives (actsFor and its
 * kin); the event service enforces these, and the event view turns them into its flags.
 */
export interface OrganiserRef {
  clusterId: number;
  role: 'lead' | 'cohost';
  status: 'invited' | 'accepted' | 'declined';
}

/** The clusters that run the event: the lead and every co-host that accepted. */
export function managingClusters(organisers: readonly OrganiserRef[]): number[] {
  return organisers.filter((o) => o.role === 'lead' || o.status === 'accepted').map((o) => o.clusterId);
}

/** Admins, and coordinators of the lead or of an accepted co-host, manage the event alike. */
export function canManageEvent(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return actsForAny(actor, managingClusters(organisers));
}

/** Only the lead cluster's coordinators (or an admin, even of an event without a lead) invite or remove co-hosts. */
export function canInviteCohosts(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return actsForAny(
    actor,
    organisers.filter((o) => o.role === 'lead').map((o) => o.clusterId),
  );
}

/** A coordinator of the invited cluster (or an admin) answers a co-host invitation. */
export function canAnswerCohostInvitation(actor: Actor | null, clusterId: number): boolean {
  return actsFor(actor, clusterId);
}

/** Drafts are seen by those who manage the event, and by invited co-hosts deciding whether to join. */
export function canSeeEvent(actor: Actor | null, status: string, organisers: readonly OrganiserRef[]): boolean {
  if (status !== 'draft') return true;
  return actsForAny(
    actor,
    organisers.filter((o) => o.status !== 'declined').map((o) => o.clusterId),
  );
}

/** Drafts may be deleted by those who manage them; an event that was ever public only by an admin. */
export function canDeleteEvent(actor: Actor | null, status: string, organisers: readonly OrganiserRef[]): boolean {
  return canManageEvent(actor, organisers) && (status === 'draft' || actsForNetwork(actor));
}

/**
 * The invited co-hosts whose invitation the actor may answer (their coordinators; an admin all
 * of them). None on a cancelled event: its invitations lapse, as pendingCohostInvitations says.
 */
export function cohostInvitationsToAnswer<T extends OrganiserRef>(actor: Actor | null, status: string, organisers: readonly T[]): T[] {
  if (status === 'cancelled') return [];
  return clustersActedFor(
    actor,
    organisers.filter((o) => o.role === 'cohost' && o.status === 'invited'),
  );
}

/** The organising clusters the actor may send a published event's announcement for (see mailings/announcement-service.ts). */
export function announcingClusters<T extends OrganiserRef>(actor: Actor | null, status: string, organisers: readonly T[]): T[] {
  if (status !== 'published') return [];
  return clustersActedFor(
    actor,
    organisers.filter((o) => o.role === 'lead' || o.status === 'accepted'),
  );
}

/**
 * Copying makes a new event led by the same cluster, so it is for those who may create events
 * for that cluster: the lead's coordinators and admins (as canInviteCohosts).
 */
export function canCopyEvent(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  return canInviteCohosts(actor, organisers);
}
