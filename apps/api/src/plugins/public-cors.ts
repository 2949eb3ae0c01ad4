import type { FastifyInstance, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Lists of public events that any website may read from its visitors' browsers (CORS, Fetch
 * standard): only GET, only these routes, and no credentials. `*` makes browsers send no cookie,
 * and the preflight allows no Authorization header, so a cross-origin read is always anonymous
 * and sees public events only (drafts need a login). Every other route stays same-origin.
 */
export const PUBLIC_LISTS = new Set(['/api/events', '/api/events/brief', '/api/events/:id', '/api/embed/events', '/api/knowledge']);

export default fp(
  async function publicCors(app: FastifyInstance) {
    // On these routes only (a hook of their own, added as each is declared), not a global hook
    // that every other answer would pay for.
    const allowAnyOrigin: onSendHookHandler = (_req, reply, payload, done) => {
      reply.header('access-control-allow-origin', '*');
      done(null, payload);
    };
    app.addHook('onRoute', (route) => {
      // HEAD too: Fastify declares each GET route's HEAD route through onRoute as well.
      if (!PUBLIC_LISTS.has(route.url) || (route.method !== 'GET' && route.method !== 'HEAD')) return;
      route.onSend = [...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []), allowAnyOrigin];
    });
    // Preflights: a script that adds a header of its own asks first; the answer allows GET and nothing more.
    app.addHook('onRoute', (route) => {
      if (!PUBLIC_LISTS.has(route.url) || route.method !== 'GET') return;
      app.options(route.url, { schema: { hide: true } }, async (_req, reply) =>
        reply
          .code(204)
          .headers({
            'access-control-allow-origin': '*',
            'access-control-allow-methods': 'GET',
            'access-control-max-age': '86400',
          })
          .send(),
      );
    });
  },
  { name: 'public-cors' },
);
