import type { User } from './api.ts';
import type { Option } from './reference.ts';
import { redirectTo } from './redirects.ts';

/** Pages for logged-in users send visitors to the login form, and back here afterwards. */
export function requireUser(locals: App.Locals, url: URL): User {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname + url.search)}`);
  return locals.user;
}

/** Coordinators of a cluster and network admins run events and proposals: the API's canCoordinate flag. */
export function coordinates(user: User | null): boolean {
  return !!user?.canCoordinate;
}

/** The clusters a user may act for, as form options: the API's actsFor (every cluster for an admin). */
export function actingClusters(user: User): Option[] {
  return user.actsFor.map((c) => ({ value: c.slug, label: c.name }));
}
