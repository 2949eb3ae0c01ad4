import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Two years; only when PUBLIC_URL is https (RFC 6797 §7.2: not over plain HTTP). Without
 * includeSubDomains: other hosts under the same domain are not this server's to decide for.
 */
const HSTS = 'max-age=63072000';

/**
 * Headers every answer carries, the web app's pages and files included (web.ts sets them on
 * the raw response before SvelteKit writes): nosniff, so a browser never runs a feed or a JSON
 * answer as something else, and HSTS when the site is served over https.
 */
export function baseSecurityHeaders(publicUrl: string): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    ...(publicUrl.startsWith('https:') ? { 'strict-transport-security': HSTS } : {}),
  };
}

/**
 * API paths that answer with a person's data to whoever holds the link (manage and
 * subscription tokens): kept out of every cache, like answers to a logged-in caller.
 */
const PERSONAL_API = /^\/api\/(?:registrations|subscriptions)\/[^/?]+|^\/api\/me(?:[/?]|$)|^\/api\/admin(?:[/?]|$)/;

/** The base headers on every API and feed answer, and `private, no-store` on answers about a person. */
export default fp(
  async function securityHeaders(app: FastifyInstance) {
    const base = Object.entries(baseSecurityHeaders(app.config.publicUrl));
    app.addHook('onSend', (request, reply, payload, done) => {
      for (const [k, v] of base) reply.header(k, v);
      if (!reply.hasHeader('cache-control') && (request.headers.authorization || PERSONAL_API.test(request.url))) {
        reply.header('cache-control', 'private, no-store');
      }
      done(null, payload);
    });
  },
  { name: 'security-headers' },
);
