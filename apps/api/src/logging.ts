import type { FastifyRequest, FastifyServerOptions } from 'fastify';

export const REDACTED = '[redacted]';

/**
 * Paths whose segment after the prefix is a secret: a registration's manage token, a personal
 * feed token, a subscription token. `bekrafta` is the subscription confirmation page, not a token.
 */
const SECRET_SEGMENTS: RegExp[] = [
  /^(\/api\/registrations\/)[^/?#]+/,
  /^(\/anmalan\/)[^/?#]+/,
  /^(\/feeds\/personal\/)[^/?#]+?(?=\.ics(?:[?#]|$)|[/?#]|$)/,
  /^(\/api\/subscriptions\/)[^/?#]+/,
  /^(\/prenumeration\/)(?!bekrafta(?:[/?#]|$))[^/?#]+/,
];

/** Any run this long of URL-safe base64 is taken for a token (ours are 43 characters), wherever it appears. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{40,}/g;

function redactPath(path: string): string {
  let out = path;
  for (const re of SECRET_SEGMENTS) out = out.replace(re, `$1${REDACTED}`);
  return out.replace(TOKEN_LIKE, REDACTED);
}

/**
 * A request URL as it may be written to the log: every secret in the path (manage, feed and
 * subscription tokens) and in the query (any parameter whose name holds "token", such as login
 * links' `?token=`; a return path holding a secret path) replaced by `[redacted]`. What remains
 * (route, ids, filters) still tells which page a log line is about.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (q === -1) return redactPath(path);
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair.replace(TOKEN_LIKE, REDACTED);
      const key = pair.slice(0, eq);
      let name = key;
      let value = pair.slice(eq + 1);
      try {
        name = decodeURIComponent(key.replace(/\+/g, ' '));
        value = decodeURIComponent(value.replace(/\+/g, ' '));
      } catch {
        // Not valid percent-encoding: judged as it is.
      }
      if (/token/i.test(name)) return `${key}=${REDACTED}`;
      const redacted = value.startsWith('/') ? redactPath(value) : value.replace(TOKEN_LIKE, REDACTED);
      return redacted === value ? pair : `${key}=${encodeURIComponent(redacted)}`;
    })
    .join('&');
  return `${redactPath(path)}?${query}`;
}

/**
 * Fastify's logger settings: pino at `level`, with request lines that carry the client address
 * Fastify derives (TRUST_PROXY decides whether X-Forwarded-For counts) and a redacted URL.
 */
export function loggerOptions(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        };
      },
    },
  };
}
