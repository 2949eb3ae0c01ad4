import type { User } from './api.ts';
import { redirectTo } from './redirects.ts';

/** Pages for logged-in users send visitors to the login form, and back here afterwards. */
export function requireUser(locals: App.Locals, url: URL): User {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname + url.search)}`);
  return locals.user;
}

/** Coordinators of a cluster and network admins run events and proposals. */
export function coordinates(user: User | null): boolean {
  return !!user && (user.isAdmin || user.clusters.length > 0);
}

/** The clusters a user may act for: their own, or every cluster for a network admin. */
export function ownClusters(user: User, all: readonly { value: string; label: string }[]): { value: string; label: string }[] {
  return user.isAdmin ? [...all] : user.clusters.map((c) => ({ value: c.slug, label: c.name }));
}
