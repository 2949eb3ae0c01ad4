import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eventOverview } from '@samverka/core';
import { errors, EventOverview, EventOverviewQuery, IdParams } from '@samverka/contracts';

/** GET /api/events/:id/overview: the event page's data in one answer. */
const overviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:id/overview',
    {
      schema: {
        tags: ['events'],
        summary: 'The event with its registration summary, questions and materials, as the event page shows them',
        params: IdParams,
        querystring: EventOverviewQuery,
        response: { 200: EventOverview, ...errors(400, 404) },
      },
    },
    async (req) => eventOverview(app.db, req.actor, req.params.id, new Date(), req.query.audit === true),
  );
};

export default overviewRoutes;
