import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { changeOwnPassword, getMe, pendingInvitations, setLanguage } from '@samverka/core';
import { Type } from 'typebox';
import { PendingInvitation } from '../../../schemas/events.ts';
import { errors } from '../../../schemas/common.ts';
import { MePatch, PasswordBody, User } from '../../../schemas/users.ts';

const me: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { schema: { tags: ['me'], security: [{ bearer: [] }], response: { 200: User, ...errors(401) } } }, async (req) => getMe(app.db, req.actor));

  app.patch(
    '/',
    { schema: { tags: ['me'], security: [{ bearer: [] }], body: MePatch, response: { 200: User, ...errors(400, 401) } } },
    async (req) => setLanguage(app.db, req.actor, req.body.language),
  );

  app.get(
    '/invitations',
    { schema: { tags: ['me'], summary: 'Co-host invitations waiting for the clusters I coordinate', security: [{ bearer: [] }], response: { 200: Type.Array(PendingInvitation), ...errors(401) } } },
    async (req) => pendingInvitations(app.db, req.actor),
  );

  app.put(
    '/password',
    { schema: { tags: ['me'], security: [{ bearer: [] }], body: PasswordBody, response: { 204: { type: 'null' }, ...errors(400, 401) } } },
    async (req, reply) => {
      await changeOwnPassword(app.db, req.actor, req.body.password);
      return reply.code(204).send(null);
    },
  );
};
export default me;
