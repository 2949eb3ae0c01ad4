import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  commentOnHorizonItem,
  createHorizonItem,
  deleteHorizonItem,
  getHorizonItem,
  listHorizonItems,
  markHorizonRelevant,
  updateHorizonItem,
} from '@samverka/core';
import { Type } from 'typebox';
import { errors, HorizonBody, HorizonCommentBody, HorizonItem, HorizonQuery, IdParams, RelevanceBody } from '@samverka/contracts';

const tags = ['horizon'];
const security = [{ bearer: [] }];

const horizonRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'The horizon-scanning board: soonest deadlines first',
        querystring: HorizonQuery,
        response: { 200: Type.Array(HorizonItem), ...errors(400, 404) },
      },
    },
    async (req) => listHorizonItems(app.db, req.actor, req.query),
  );
  app.post(
    '/',
    { schema: { tags, security, body: HorizonBody, response: { 201: HorizonItem, ...errors(400, 401, 403) } } },
    async (req, reply) => reply.code(201).send(createHorizonItem(app.db, req.actor, req.body)),
  );
  app.get('/:id', { schema: { tags, params: IdParams, response: { 200: HorizonItem, ...errors(400, 404) } } }, async (req) =>
    getHorizonItem(app.db, req.actor, req.params.id),
  );
  app.put(
    '/:id',
    { schema: { tags, security, params: IdParams, body: HorizonBody, response: { 200: HorizonItem, ...errors(400, 401, 403, 404) } } },
    async (req) => updateHorizonItem(app.db, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/:id',
    { schema: { tags, security, params: IdParams, response: { 204: { type: 'null' }, ...errors(400, 401, 403, 404) } } },
    async (req, reply) => {
      deleteHorizonItem(app.db, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/:id/comments',
    {
      schema: { tags, security, params: IdParams, body: HorizonCommentBody, response: { 201: HorizonItem, ...errors(400, 401, 403, 404) } },
    },
    async (req, reply) => reply.code(201).send(commentOnHorizonItem(app.db, req.actor, req.params.id, req.body.body)),
  );
  app.post(
    '/:id/relevance',
    {
      schema: {
        tags,
        summary: 'Mark (or unmark) "relevant for us" for a cluster',
        security,
        params: IdParams,
        body: RelevanceBody,
        response: { 200: HorizonItem, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => markHorizonRelevant(app.db, req.actor, req.params.id, req.body.cluster, req.body.on),
  );
};
export default horizonRoutes;
