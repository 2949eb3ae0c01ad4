import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BoundedCache } from '@samverka/core';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Answers an anonymous GET from a cache of its serialised JSON, kept while feed_state.version
     * (raised by triggers on every change to events, organisers, themes and clusters) stays the
     * same. Logged-in callers are not cached: their answers carry their own permissions.
     */
    cachedJson(req: FastifyRequest, reply: FastifyReply, build: () => unknown): Promise<FastifyReply> | FastifyReply;
  }
}

const MAX_ENTRIES = 500;
/** Bytes of cached JSON kept: a list answer is tens to a few hundred KB, so this holds the pages people go through while large answers cannot pile up. */
const MAX_BYTES = 16 * 1024 * 1024;

export default fp(
  async function listCache(app: FastifyInstance) {
    // Buffers, not strings: a cached string would be encoded to UTF-8 again on every send.
    const entries = new BoundedCache<{ version: number; body: Buffer }>(MAX_ENTRIES, MAX_BYTES);
    app.decorate('cachedJson', (req: FastifyRequest, reply: FastifyReply, build: () => unknown) => {
      if (req.actor || !app.config.answerCache) return reply.send(build());
      const version = app.feeds.version();
      const key = req.url;
      let hit = entries.get(key);
      if (!hit || hit.version !== version) {
        // Serialised with the route's response schema, the same as an uncached answer.
        const body = Buffer.from(reply.serialize(build()) as string, 'utf8');
        hit = { version, body };
        entries.set(key, hit, body.length);
      }
      return reply.type('application/json; charset=utf-8').send(hit.body);
    });
  },
  { name: 'list-cache', dependencies: ['feeds'] },
);
