import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { knowledgeAtom, type BuiltFeed } from '@samverka/core';
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { toErrorAnswer } from '../../plugins/error-handler.ts';
import { KnowledgeFeedQuery } from '@samverka/contracts';
import { sendFeed } from './conditional.ts';

/** /feeds/knowledge.atom: new entries of the knowledge bank, with the same ETag, 304 and compression as the calendar feeds. */
const knowledgeFeedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setErrorHandler((err, req, reply) => {
    const answer = toErrorAnswer(err as Error);
    if (answer.status >= 500) req.log.error({ err }, 'feed failed');
    return reply.code(answer.status).type('text/plain; charset=utf-8').send(`${answer.message}\n`);
  });
  app.get(
    '/feeds/knowledge.atom',
    {
      schema: {
        tags: ['feeds'],
        summary: 'Newly documented events (Atom); filters theme, cluster, county, kind',
        querystring: KnowledgeFeedQuery,
        response: {
          200: Type.String({ description: 'application/atom+xml (RFC 4287)' }),
          304: Type.Null({ description: 'not modified' }),
          404: Type.String({ description: 'plain-text message' }),
        },
      },
    },
    async (req, reply) => {
      const { lang, ...filters } = req.query;
      const { body, updated: exact } = knowledgeAtom(app.db, app.config.publicUrl, filters, lang ?? 'sv');
      // HTTP dates have whole seconds; If-Modified-Since compares against this.
      const updated = new Date(Math.floor(exact.getTime() / 1000) * 1000);
      const buffer = Buffer.from(body, 'utf8');
      const feed: BuiltFeed = {
        body: buffer,
        contentType: 'application/atom+xml; charset=utf-8',
        hash: createHash('sha256').update(buffer).digest('base64url').slice(0, 32),
        lastModified: updated,
        lastModifiedHttp: updated.toUTCString(),
        version: 0,
        horizon: Number.POSITIVE_INFINITY,
      };
      return sendFeed(req, reply, app.feeds, feed);
    },
  );
};

export default knowledgeFeedRoutes;
