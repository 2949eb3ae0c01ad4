import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => ({
  lang: locals.lang,
  /**
   * Only what the menu shows (and the calendar's "new event" link). A page that needs more of
   * the user reads locals.user in its own load.
   */
  user: locals.user ? { canCoordinate: locals.user.canCoordinate, isAdmin: locals.user.isAdmin } : null,
  path: url.pathname + url.search,
  /** For links that must be absolute (calendar subscriptions). */
  origin: url.origin,
  /** Embeddable pages (/inbaddning) are framed by other sites: no header, menu or footer. */
  embed: url.pathname === '/inbaddning' || url.pathname.startsWith('/inbaddning/'),
});
