import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { answerFeedback, getFeedbackForm, optOutOfFeedback } from '@samverka/core';
import { Type } from 'typebox';
import { errors, FeedbackBody, FeedbackForm, FeedbackTokenParams, OptOutBody } from '@samverka/contracts';

const tags = ['feedback'];

/** Routes under /api/feedback/:token: the participant's survey link from the mail. */
const feedbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // RFC 8058 one-click opt-out arrives as a form post from the mail provider.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_req, reply) => {
    // The address is a key: never cached, never indexed.
    reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex');
  });

  app.get(
    '/:token',
    {
      schema: {
        tags,
        summary: 'The survey for a mailed link',
        params: FeedbackTokenParams,
        response: { 200: FeedbackForm, ...errors(400, 404) },
      },
    },
    async (req) => getFeedbackForm(app.db, req.params.token),
  );
  app.post(
    '/:token/answers',
    {
      schema: {
        tags,
        summary: 'Answer (once per link; stored without any link to you)',
        params: FeedbackTokenParams,
        body: FeedbackBody,
        response: { 204: Type.Null(), ...errors(400, 404, 409) },
      },
    },
    async (req, reply) => {
      answerFeedback(app.db, req.params.token, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/:token/opt-out',
    {
      schema: {
        tags,
        summary: 'No more surveys to my address (RFC 8058 one-click as well)',
        params: FeedbackTokenParams,
        body: OptOutBody,
        response: { 204: Type.Null(), ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      optOutOfFeedback(app.db, req.params.token);
      return reply.code(204).send(null);
    },
  );
};

export default feedbackRoutes;
