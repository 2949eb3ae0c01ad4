import { eq, sql } from 'drizzle-orm';
import { coordinators, keptStatement, users, type Db } from '@samverka/db';
import { DomainError, forbidden } from './errors.ts';

/**
 * Who is acting. Every access decision in the product is a function of this value and is
 * made here, in the domain core, never by the route that happens to call it.
 *
 * The vocabulary, from which every service and every permission flag in a view is built:
 * - `actsFor(actor, clusterId)`: may act on behalf of that cluster (its coordinators, and admins
 *   for every cluster); `clusterId` null is the secretariat, for which only admins act.
 * - `actsForAny`, `clustersActedFor`: the same over a set of clusters (an event's organisers, a
 *   poll's invitees).
 * - `actsForNetwork(actor)`: a network admin, who acts for the network as a whole.
 * - `canCoordinate(actor)`: a coordinator of some cluster, or an admin: may start events, polls,
 *   proposals, newsletters and horizon items and read the reports.
 * - `coordinatedClusters(actor)`: the clusters the actor coordinates themselves, for their own
 *   inboxes; never a permission (an admin acts for clusters they do not coordinate).
 * Each `can…` predicate has an `assert…` twin that throws `unauthenticated` (401) for nobody and
 * `forbidden` (403) with the caller's message for anyone else.
 */
export interface Actor {
  userId: number;
  isAdmin: boolean;
  /** Ids of the clusters this user coordinates. */
  coordinatorOf: readonly number[];
}

export type Role = 'admin' | 'coordinator' | 'participant';

export function rolesOf(actor: Actor): Role[] {
  const roles: Role[] = [];
  if (actor.isAdmin) roles.push('admin');
  if (actor.coordinatorOf.length > 0) roles.push('coordinator');
  if (roles.length === 0) roles.push('participant');
  return roles;
}

export function loadActor(db: Db, userId: number): Actor | null {
  const user = keptStatement(db, 'access.user', (d) =>
    d
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: userId });
  if (!user || user.disabledAt) return null;
  const rows = keptStatement(db, 'access.coordinatorOf', (d) =>
    d
      .select({ clusterId: coordinators.clusterId })
      .from(coordinators)
      .where(eq(coordinators.userId, sql.placeholder('id')))
      .prepare(),
  ).all({ id: userId });
  return { userId: user.id, isAdmin: user.isAdmin, coordinatorOf: rows.map((r) => r.clusterId) };
}

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new DomainError('unauthenticated', 'login_required', 'You need to log in to do this');
  return actor;
}

/** Coordinates the cluster themselves; an admin who does not is not its coordinator (see actsFor). */
export function isCoordinatorOf(actor: Actor | null, clusterId: number): boolean {
  return !!actor && actor.coordinatorOf.includes(clusterId);
}

/** The ids of the clusters the actor coordinates themselves (empty for nobody): whose inboxes they read. */
export function coordinatedClusters(actor: Actor | null): readonly number[] {
  return actor?.coordinatorOf ?? [];
}

/** A network admin: acts for every cluster and for the secretariat, and does what no cluster may. */
export function actsForNetwork(actor: Actor | null): boolean {
  return !!actor && actor.isAdmin;
}

/**
 * May act on behalf of the cluster: its coordinators, and network admins for every cluster.
 * `null` names the secretariat (newsletters and horizon items posted under no cluster), for which
 * only admins act.
 */
export function actsFor(actor: Actor | null, clusterId: number | null): boolean {
  if (actsForNetwork(actor)) return true;
  return clusterId !== null && isCoordinatorOf(actor, clusterId);
}

/** Throws unauthenticated (401) for nobody and forbidden (403) with `message` unless actsFor holds. */
export function assertActsFor(
  actor: Actor | null,
  clusterId: number | null,
  message = 'You can only act for a cluster you coordinate',
): Actor {
  const a = requireActor(actor);
  if (!actsFor(a, clusterId)) throw forbidden(message);
  return a;
}

/** May act for at least one of the clusters; an admin always may, even for none. */
export function actsForAny(actor: Actor | null, clusterIds: readonly number[]): boolean {
  return actsForNetwork(actor) || clusterIds.some((id) => isCoordinatorOf(actor, id));
}

/** Those of the clusters the actor may act for, in the order given. */
export function clustersActedFor<T extends number | { clusterId: number }>(actor: Actor | null, clusters: readonly T[]): T[] {
  return clusters.filter((c) => actsFor(actor, typeof c === 'number' ? c : c.clusterId));
}

/**
 * Coordinates some cluster, or is an admin: may start events, polls, workshop proposals,
 * newsletters and horizon-scanning items, take part in the boards and read the reports.
 */
export function canCoordinate(actor: Actor | null): boolean {
  return actsForNetwork(actor) || coordinatedClusters(actor).length > 0;
}

/** Throws unauthenticated (401) for nobody and forbidden (403) with `message` unless canCoordinate holds. */
export function assertCanCoordinate(actor: Actor | null, message = 'Only cluster coordinators and network admins may do this'): Actor {
  const a = requireActor(actor);
  if (!canCoordinate(a)) throw forbidden(message);
  return a;
}

/** Admins may edit every cluster; a coordinator only the clusters they coordinate. */
export function canEditCluster(actor: Actor | null, clusterId: number): boolean {
  return actsFor(actor, clusterId);
}

export function assertCanEditCluster(actor: Actor | null, clusterId: number): Actor {
  return assertActsFor(actor, clusterId, 'Only the coordinators of this cluster or a network admin may edit it');
}

/** Inviting users and granting roles, the outbox: network admins only. */
export function canManageUsers(actor: Actor | null): boolean {
  return actsForNetwork(actor);
}

export function assertAdmin(actor: Actor | null): Actor {
  const a = requireActor(actor);
  if (!actsForNetwork(a)) throw forbidden('Only a network admin may do this');
  return a;
}
