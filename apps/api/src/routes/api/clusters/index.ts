import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getCluster, listClusters, updateClusterProfile } from '@samverka/core';
import { ClusterDetail, ClusterList, ClusterPatch, errors, SlugParams } from '@samverka/contracts';

const clusters: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { schema: { tags: ['clusters'], summary: 'All clusters of the network', response: { 200: ClusterList } } }, async () =>
    listClusters(app.db),
  );

  app.get(
    '/:slug',
    { schema: { tags: ['clusters'], params: SlugParams, response: { 200: ClusterDetail, ...errors(400, 404) } } },
    async (req) => getCluster(app.db, req.params.slug, req.actor),
  );

  app.patch(
    '/:slug',
    {
      schema: {
        tags: ['clusters'],
        summary: "Edit a cluster's profile (its coordinators or an admin)",
        security: [{ bearer: [] }],
        params: SlugParams,
        body: ClusterPatch,
        response: { 200: ClusterDetail, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      updateClusterProfile(app.db, req.actor, req.params.slug, req.body);
      return getCluster(app.db, req.params.slug, req.actor);
    },
  );
};
export default clusters;
