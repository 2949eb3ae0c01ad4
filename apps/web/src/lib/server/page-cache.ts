/**
 * A short-lived cache of whole pages for visitors who are not logged in. A page is kept while
 * the data version of the API (feed_state.version, raised on every change to events,
 * organisers, clusters and themes) stays the same, and at most a minute, since "today" and
 * "upcoming" move with the clock. Only pages whose content depends on nothing but the URL, the
 * language and that data are listed: event pages show seats left, which change with every
 * registration, and are not cached.
 */
const CACHEABLE = /^\/(?:|kalender|kluster|kluster\/[a-z0-9-]+)$/;
const TTL_MS = 60_000;
const MAX_ENTRIES = 300;
/**
 * Characters of page bodies kept over all entries: bounds the memory these copies hold, since V8
 * keeps Latin-1 text (Swedish included) at a byte a character.
 */
const MAX_CHARS = 16 * 1024 * 1024;

interface Entry {
  version: number;
  at: number;
  body: string;
  headers: [string, string][];
}

const entries = new Map<string, Entry>();
let chars = 0;

function forget(key: string): void {
  const entry = entries.get(key);
  if (!entry) return;
  entries.delete(key);
  chars -= entry.body.length;
}

/** The API's data version when it runs in this process (production); undefined in `vite dev`. */
function dataVersion(): number | undefined {
  const fn = (globalThis as Record<symbol, unknown>)[Symbol.for('samverka.dataVersion')] as (() => number) | undefined;
  return fn?.();
}

export function cacheKey(request: Request, url: URL, lang: string, loggedIn: boolean): string | null {
  if (loggedIn || request.method !== 'GET' || !CACHEABLE.test(url.pathname)) return null;
  return `${lang}|${url.pathname}${url.search}`;
}

export function cachedPage(key: string): Response | null {
  const hit = entries.get(key);
  const version = dataVersion();
  if (!hit || version === undefined || hit.version !== version || Date.now() - hit.at > TTL_MS) return null;
  return new Response(hit.body, { status: 200, headers: hit.headers });
}

/** Keeps a fresh 200 answer that sets no cookie; gives back an equivalent Response to send. */
export async function storePage(key: string, response: Response): Promise<Response> {
  const version = dataVersion();
  if (version === undefined || response.status !== 200 || response.headers.has('set-cookie')) return response;
  const body = await response.text();
  const headers = [...response.headers.entries()];
  forget(key);
  entries.set(key, { version, at: Date.now(), body, headers });
  chars += body.length;
  // The oldest go first; the page just stored stays.
  while (entries.size > 1 && (entries.size > MAX_ENTRIES || chars > MAX_CHARS)) forget(entries.keys().next().value!);
  return new Response(body, { status: 200, headers });
}
