import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { startPage } from '@samverka/core';
import { StartPage } from '@samverka/contracts';

const startRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/start',
    {
      schema: {
        tags: ['start'],
        summary: 'The start page: next events, deadlines closing soon, the latest newsletter, and what waits for a coordinator',
        response: { 200: StartPage },
      },
    },
    async (req) => startPage(app.db, req.actor),
  );
};
export default startRoutes;
