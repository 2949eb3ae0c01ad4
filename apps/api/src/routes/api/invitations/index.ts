import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { passOnInvitation, sendInvitation, shareInvitation, sharedWithMe } from '@samverka/core';
import { Type } from 'typebox';
import { errors, IdParams } from '../../../schemas/common.ts';
import { Recipients, SendInvitationBody, ShareInvitationBody, Shared, SharedInvitation } from '../../../schemas/network.ts';

const tags = ['invitations'];
const security = [{ bearer: [] }];

const invitationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/events/:id/invitations',
    {
      schema: {
        tags,
        summary: "Mail the invitation to the subscribers following the cluster or the event's themes (never twice to anyone)",
        security,
        params: IdParams,
        body: SendInvitationBody,
        response: { 202: Recipients, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const result = sendInvitation(app.db, req.actor, req.params.id, req.body.cluster);
      void app.mailer.kick();
      return reply.code(202).send(result);
    },
  );
  app.post(
    '/events/:id/invitations/share',
    {
      schema: {
        tags,
        summary: 'Share the invitation with other clusters',
        security,
        params: IdParams,
        body: ShareInvitationBody,
        response: { 200: Shared, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => shareInvitation(app.db, req.actor, req.params.id, req.body.fromCluster, req.body.clusters),
  );
  app.post(
    '/events/:id/invitations/pass-on',
    {
      schema: {
        tags,
        summary: "Pass a shared invitation on to my cluster's followers",
        security,
        params: IdParams,
        body: SendInvitationBody,
        response: { 202: Recipients, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const result = passOnInvitation(app.db, req.actor, req.params.id, req.body.cluster);
      void app.mailer.kick();
      return reply.code(202).send(result);
    },
  );
  app.get(
    '/me/shared-invitations',
    {
      schema: {
        tags,
        summary: 'Invitations shared with my clusters, not yet passed on',
        security,
        response: { 200: Type.Array(SharedInvitation), ...errors(401) },
      },
    },
    async (req) => sharedWithMe(app.db, req.actor),
  );
};
export default invitationRoutes;
