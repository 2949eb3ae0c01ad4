import { eq } from 'drizzle-orm';
import { coordinators, users, type Db } from '@samverka/db';
import { DomainError, forbidden } from './errors.ts';

/**
 * Who is acting. Every access decision in the product is a function of this value and is
 * made here, in the domain core, never by the route that happens to call it.
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
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || user.disabledAt) return null;
  const rows = db.select({ clusterId: coordinators.clusterId }).from(coordinators).where(eq(coordinators.userId, userId)).all();
  return { userId: user.id, isAdmin: user.isAdmin, coordinatorOf: rows.map((r) => r.clusterId) };
}

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new DomainError('unauthenticated', 'login_required', 'You need to log in to do this');
  return actor;
}

export function isCoordinatorOf(actor: Actor | null, clusterId: number): boolean {
  return !!actor && actor.coordinatorOf.includes(clusterId);
}

/** Admins may edit every cluster; a coordinator only the clusters they coordinate. */
export function canEditCluster(actor: Actor | null, clusterId: number): boolean {
  return !!actor && (actor.isAdmin || isCoordinatorOf(actor, clusterId));
}

export function assertCanEditCluster(actor: Actor | null, clusterId: number): Actor {
  const a = requireActor(actor);
  if (!canEditCluster(a, clusterId)) throw forbidden('Only the coordinators of this cluster or a network admin may edit it');
  return a;
}

export function canManageUsers(actor: Actor | null): boolean {
  return !!actor && actor.isAdmin;
}

export function assertAdmin(actor: Actor | null): Actor {
  const a = requireActor(actor);
  if (!a.isAdmin) throw forbidden('Only a network admin may do this');
  return a;
}
