import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticate, endSession, logoutEverywhere, redeemLoginLink, requestLoginLink, requireActor, viewUser } from '@samverka/core';
import { errors, LoginBody, LoginLinkBody, Message, RedeemBody, Session } from '@samverka/contracts';

const auth: FastifyPluginAsyncTypebox = async (app) => {
  // Per client address: enough for a person who mistypes, far too few for guessing passwords.
  const loginRateLimit = { rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } };
  app.post(
    '/login',
    { config: loginRateLimit, schema: { tags: ['auth'], body: LoginBody, response: { 200: Session, ...errors(400, 401, 429) } } },
    async (req) => {
      const user = await authenticate(app.db, req.body.email, req.body.password);
      const { token, expiresAt } = app.issueSessionToken(user.id);
      return { token, expiresAt: expiresAt.toISOString(), user: viewUser(app.db, user) };
    },
  );

  app.post(
    '/login-link',
    {
      config: loginRateLimit,
      schema: {
        tags: ['auth'],
        summary: 'Mail a one-time login link; answers the same whether or not the address has an account',
        body: LoginLinkBody,
        response: { 202: Message, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      requestLoginLink(app.db, { email: req.body.email, linkFor: (token) => `${app.config.publicUrl}/logga-in/lank?token=${token}` });
      void app.mailer.kick();
      return reply.code(202).send({ message: 'If the address belongs to an account, a login link is on its way.' });
    },
  );

  app.post(
    '/login-link/redeem',
    { config: loginRateLimit, schema: { tags: ['auth'], body: RedeemBody, response: { 200: Session, ...errors(400, 401, 429) } } },
    async (req) => {
      const user = redeemLoginLink(app.db, req.body.token);
      const { token, expiresAt } = app.issueSessionToken(user.id);
      return { token, expiresAt: expiresAt.toISOString(), user: viewUser(app.db, user) };
    },
  );

  app.post(
    '/logout',
    { schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 204: { type: 'null' }, ...errors(401) } } },
    async (req, reply) => {
      // As declared (bearer, 401): a logout without a token is refused, not answered with a
      // success that would let a client believe a session it lost track of has ended.
      requireActor(req.actor);
      endSession(app.db, req.sessionId!);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/logout-everywhere',
    {
      schema: {
        tags: ['auth'],
        summary: 'End every login of mine, on every device, this one included',
        security: [{ bearer: [] }],
        response: { 204: { type: 'null' }, ...errors(401) },
      },
    },
    async (req, reply) => {
      logoutEverywhere(app.db, req.actor);
      return reply.code(204).send(null);
    },
  );
};
export default auth;
