import { FeedService } from '@samverka/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    feeds: FeedService;
  }
}

/** One feed cache per process, shared by every feed route (and by mail attachments). */
export default fp(
  async function feeds(app: FastifyInstance) {
    app.decorate('feeds', new FeedService(app.db, app.config.publicUrl));
  },
  { name: 'feeds' },
);
