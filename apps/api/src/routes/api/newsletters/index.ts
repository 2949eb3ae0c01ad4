import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createNewsletter, getNewsletter, listNewsletters, previewNewsletter, sendNewsletter, updateNewsletter } from '@samverka/core';
import { Type } from 'typebox';
import {
  errors,
  IdParams,
  Newsletter,
  NewsletterBody,
  NewsletterDetail,
  NewsletterPreview,
  NewsletterQuery,
  Recipients,
} from '@samverka/contracts';

const tags = ['newsletters'];
const security = [{ bearer: [] }];

const newsletterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'The archive of sent issues (drafts=true adds the drafts I may edit)',
        querystring: NewsletterQuery,
        response: { 200: Type.Array(Newsletter), ...errors(400) },
      },
    },
    async (req) => listNewsletters(app.db, req.actor, { drafts: req.query.drafts }),
  );
  app.post(
    '/',
    { schema: { tags, security, body: NewsletterBody, response: { 201: Newsletter, ...errors(400, 401, 403) } } },
    async (req, reply) => reply.code(201).send(createNewsletter(app.db, req.actor, req.body)),
  );
  app.get('/:id', { schema: { tags, params: IdParams, response: { 200: NewsletterDetail, ...errors(400, 404) } } }, async (req) =>
    getNewsletter(app.db, req.actor, req.params.id),
  );
  app.put(
    '/:id',
    {
      schema: { tags, security, params: IdParams, body: NewsletterBody, response: { 200: Newsletter, ...errors(400, 401, 403, 404, 409) } },
    },
    async (req) => updateNewsletter(app.db, req.actor, req.params.id, req.body),
  );
  app.get(
    '/:id/preview',
    {
      schema: {
        tags,
        summary: 'The issue as it will be sent, with the assembled lists and the number of recipients',
        security,
        params: IdParams,
        response: { 200: NewsletterPreview, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => previewNewsletter(app.db, req.actor, req.params.id),
  );
  app.post(
    '/:id/send',
    {
      schema: {
        tags,
        summary: 'Send to the matching subscribers through the outbox (once)',
        security,
        params: IdParams,
        response: { 202: Recipients, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const result = sendNewsletter(app.db, req.actor, req.params.id);
      void app.mailer.kick();
      return reply.code(202).send(result);
    },
  );
};
export default newsletterRoutes;
