import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { passOnAnnouncement, sendAnnouncement, shareAnnouncement } from '@samverka/core';
import { errors, IdParams, Recipients, SendAnnouncementBody, ShareAnnouncementBody, Shared } from '@samverka/contracts';

const tags = ['announcements'];
const security = [{ bearer: [] }];

/** Event announcements mailed to followers and shared between clusters, under /api/events/:id/announcements. */
const announcementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:id/announcements',
    {
      schema: {
        tags,
        summary: "Mail the invitation to the subscribers following the cluster or the event's themes (never twice to anyone)",
        security,
        params: IdParams,
        body: SendAnnouncementBody,
        response: { 202: Recipients, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const result = sendAnnouncement(app.db, req.actor, req.params.id, req.body.cluster);
      void app.mailer.kick();
      return reply.code(202).send(result);
    },
  );
  app.post(
    '/:id/announcements/share',
    {
      schema: {
        tags,
        summary: 'Share the invitation with other clusters',
        security,
        params: IdParams,
        body: ShareAnnouncementBody,
        response: { 200: Shared, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => shareAnnouncement(app.db, req.actor, req.params.id, req.body.fromCluster, req.body.clusters),
  );
  app.post(
    '/:id/announcements/pass-on',
    {
      schema: {
        tags,
        summary: "Pass a shared invitation on to my cluster's followers",
        security,
        params: IdParams,
        body: SendAnnouncementBody,
        response: { 202: Recipients, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const result = passOnAnnouncement(app.db, req.actor, req.params.id, req.body.cluster);
      void app.mailer.kick();
      return reply.code(202).send(result);
    },
  );
};
export default announcementRoutes;
