import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { storageUsage } from '@samverka/core';
import { errors, StorageUsage } from '@samverka/contracts';

/** Routes under /api/admin: disk used by uploaded materials. */
const storageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/storage',
    {
      schema: {
        tags: ['admin'],
        summary: 'Disk used by uploaded files, in total and per event',
        security: [{ bearer: [] }],
        response: { 200: StorageUsage, ...errors(401, 403) },
      },
    },
    async (req) => storageUsage(app.db, req.actor),
  );
};

export default storageRoutes;
