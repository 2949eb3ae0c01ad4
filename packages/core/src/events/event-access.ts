import type { Actor } from '../access.ts';

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
  if (!actor) return false;
  if (actor.isAdmin) return true;
  return managingClusters(organisers).some((id) => actor.coordinatorOf.includes(id));
}

/** Only the lead cluster's coordinators (or an admin) invite or remove co-hosts. */
export function canInviteCohosts(actor: Actor | null, organisers: readonly OrganiserRef[]): boolean {
  if (!actor) return false;
  if (actor.isAdmin) return true;
  const lead = organisers.find((o) => o.role === 'lead');
  return !!lead && actor.coordinatorOf.includes(lead.clusterId);
}

/** A coordinator of the invited cluster (or an admin) answers a co-host invitation. */
export function canAnswerCohostInvitation(actor: Actor | null, clusterId: number): boolean {
  return !!actor && (actor.isAdmin || actor.coordinatorOf.includes(clusterId));
}

/** Drafts are seen by those who manage the event, and by invited co-hosts deciding whether to join. */
export function canSeeEvent(actor: Actor | null, status: string, organisers: readonly OrganiserRef[]): boolean {
  if (status !== 'draft') return true;
  if (!actor) return false;
  if (actor.isAdmin) return true;
  return organisers.some((o) => o.status !== 'declined' && actor.coordinatorOf.includes(o.clusterId));
}
