import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => ({
  lang: locals.lang,
  user: locals.user,
  path: url.pathname + url.search,
  /** For links that must be absolute (calendar subscriptions). */
  origin: url.origin,
  /** Embeddable pages (/inbaddning) are framed by other sites: no header, menu or footer. */
  embed: url.pathname === '/inbaddning' || url.pathname.startsWith('/inbaddning/'),
});
