import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { confirmSubscription, getSubscription, subscribe, unsubscribe, updateSubscription } from '@samverka/core';
import {
  errors,
  Message,
  OneClickBody,
  SubscribeBody,
  Subscription,
  SubscriptionTokenParams,
  SubscriptionUpdateBody,
} from '@samverka/contracts';

const tags = ['subscriptions'];

const subscriptionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // RFC 8058 one-click unsubscribe arrives as a form post from the mail provider.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post(
    '/',
    {
      config: { rateLimit: { max: app.config.loginRateLimit * 2, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Subscribe (double opt-in: a confirmation link is mailed; same answer for known addresses)',
        body: SubscribeBody,
        response: { 202: Message, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      subscribe(app.db, req.body);
      void app.mailer.kick();
      return reply.code(202).send({ message: 'Check your inbox: a link to confirm is on its way.' });
    },
  );
  app.post(
    '/:token/confirm',
    { schema: { tags, params: SubscriptionTokenParams, response: { 200: Subscription, ...errors(400, 404) } } },
    async (req) => confirmSubscription(app.db, req.params.token),
  );
  app.get(
    '/:token',
    { schema: { tags, params: SubscriptionTokenParams, response: { 200: Subscription, ...errors(400, 404) } } },
    async (req) => getSubscription(app.db, req.params.token),
  );
  app.put(
    '/:token',
    {
      schema: {
        tags,
        summary: 'Change what I follow',
        params: SubscriptionTokenParams,
        body: SubscriptionUpdateBody,
        response: { 200: Subscription, ...errors(400, 404) },
      },
    },
    async (req) => updateSubscription(app.db, req.params.token, req.body),
  );
  app.delete(
    '/:token',
    {
      schema: {
        tags,
        summary: 'Unsubscribe and delete my data',
        params: SubscriptionTokenParams,
        response: { 204: { type: 'null' }, ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      unsubscribe(app.db, req.params.token);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/:token/one-click',
    {
      schema: {
        tags,
        summary: 'RFC 8058 one-click unsubscribe (List-Unsubscribe-Post)',
        params: SubscriptionTokenParams,
        body: OneClickBody,
        response: { 200: Message, ...errors(400, 404) },
      },
    },
    async (req) => {
      unsubscribe(app.db, req.params.token);
      return { message: 'Unsubscribed.' };
    },
  );
};
export default subscriptionRoutes;
