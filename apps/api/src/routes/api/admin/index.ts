import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inviteUser, listOutbox, listUsers, setAdmin, setCoordinator } from '@samverka/core';
import { errors, IdParams, InviteBody, OutboxPage, OutboxQuery, User, UserClusterParams, UserList, UserPatch } from '@samverka/contracts';

const security = [{ bearer: [] }];

const admin: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/users', { schema: { tags: ['admin'], security, response: { 200: UserList, ...errors(401, 403) } } }, async (req) =>
    listUsers(app.db, req.actor),
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Invite a user (mails a login link)',
        security,
        body: InviteBody,
        response: { 201: User, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const user = inviteUser(app.db, req.actor, req.body, (token) => `${app.config.publicUrl}/logga-in/lank?token=${token}`);
      void app.mailer.kick();
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: { tags: ['admin'], security, params: IdParams, body: UserPatch, response: { 200: User, ...errors(400, 401, 403, 404, 422) } },
    },
    async (req) => setAdmin(app.db, req.actor, req.params.id, req.body.isAdmin),
  );

  app.put(
    '/users/:id/clusters/:slug',
    {
      schema: {
        tags: ['admin'],
        summary: 'Make the user a coordinator of the cluster',
        security,
        params: UserClusterParams,
        response: { 200: User, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => setCoordinator(app.db, req.actor, req.params.id, req.params.slug, true),
  );

  app.delete(
    '/users/:id/clusters/:slug',
    {
      schema: {
        tags: ['admin'],
        summary: 'Remove the coordinator role for the cluster',
        security,
        params: UserClusterParams,
        response: { 200: User, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => setCoordinator(app.db, req.actor, req.params.id, req.params.slug, false),
  );

  app.get(
    '/outbox',
    {
      schema: {
        tags: ['admin'],
        summary: 'Mail in the outbox (read here when SMTP is not configured)',
        security,
        querystring: OutboxQuery,
        response: { 200: OutboxPage, ...errors(400, 401, 403) },
      },
    },
    async (req) => listOutbox(app.db, req.actor, { status: req.query.status }),
  );
};
export default admin;
