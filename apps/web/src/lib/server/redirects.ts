import { redirect } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';

/** C0 and C1 control characters (browsers drop a tab or newline, reading `/\t/host` as `//host`) and backslashes (read as `/`). */
function unsafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x5c) return true;
  }
  return false;
}

/**
 * Where a redirect may go: `value` resolved against the site's own origin (PUBLIC_URL, which
 * SvelteKit takes as its ORIGIN), accepted only when the result has that origin, then reduced
 * to path, query and fragment, so the Location header never names a host. Refused, for
 * `fallback`: control characters and backslashes in the value or in any percent-decoded layer
 * of it (`%09`, `%5C`, `%252F`…), another origin, a scheme such as `javascript:`, and anything
 * whose path would start with `//` (`/.//host` resolves to `//host`), which browsers take as a host.
 */
export function safeRedirectTarget(value: string | null | undefined, origin: string, fallback = '/'): string {
  if (!value) return fallback;
  let layer = value;
  for (let i = 0; i < 4; i++) {
    if (unsafe(layer) || /^\s*\/\s*\//.test(layer)) return fallback;
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      return fallback;
    }
    if (decoded === layer) break;
    layer = decoded;
  }
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin) return fallback;
  const target = `${url.pathname}${url.search}${url.hash}`;
  return target.startsWith('//') ? fallback : target;
}

/** The site's own origin for the request being answered (ORIGIN = PUBLIC_URL in production). */
function ownOrigin(): string {
  return getRequestEvent().url.origin;
}

/** A return path from a query or a form field (`tillbaka`, `back`), made safe (safeRedirectTarget). */
export function safeReturnPath(value: string | null | undefined, fallback = '/'): string {
  return safeRedirectTarget(value, ownOrigin(), fallback);
}

/**
 * The one way the web app redirects: SvelteKit's redirect to a target that safeRedirectTarget
 * accepted, or to `fallback`. Every redirect goes through here, fixed paths included, so no
 * change to a page can reintroduce an open redirect (Biome forbids importing `redirect` elsewhere).
 */
export function redirectTo(status: 301 | 302 | 303 | 307 | 308, target: string, fallback = '/'): never {
  redirect(status, safeRedirectTarget(target, ownOrigin(), fallback));
}

/**
 * Where a login leads when no return path was asked for: a coordinator to their clusters'
 * dashboard, where what waits for them is; everyone else (participants, admins without a
 * cluster of their own) to their account.
 */
export function landingPath(user: { clusters: readonly unknown[] }): string {
  return user.clusters.length > 0 ? '/mitt-kluster' : '/konto';
}
