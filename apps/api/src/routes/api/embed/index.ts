import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { embedListing } from '@samverka/core';
import { EmbedListing, EmbedQuery, errors } from '@samverka/contracts';

/** Routes under /api/embed: what the embeddable page (/inbaddning) lists, for sites that render it themselves. */
const embedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/events',
    {
      schema: {
        tags: ['embed'],
        summary: 'Upcoming published events of the network, a cluster, a theme or a county (CORS: any site may read it)',
        querystring: EmbedQuery,
        response: { 200: EmbedListing, ...errors(400, 404) },
      },
    },
    async (req) => embedListing(app.db, req.query, req.query.limit),
  );
};

export default embedRoutes;
