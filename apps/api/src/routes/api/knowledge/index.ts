import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { knowledgeYears, searchKnowledge } from '@samverka/core';
import { errors, KnowledgePage, KnowledgeQuery } from '@samverka/contracts';

/** Routes under /api/knowledge: the knowledge bank of documented events. */
const knowledgeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'Documented events with their public materials: newest first, or by relevance to q; filters combine',
        querystring: KnowledgeQuery,
        response: { 200: KnowledgePage, ...errors(400, 404) },
      },
    },
    async (req) => ({ ...searchKnowledge(app.db, req.query), years: knowledgeYears(app.db) }),
  );
};

export default knowledgeRoutes;
