import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  acceptProposal,
  commentOnProposal,
  createProposal,
  declineProposal,
  getProposal,
  proposalBoard,
  respondToProposal,
} from '@samverka/core';
import {
  AcceptBody,
  AcceptResult,
  CommentBody,
  DeclineBody,
  errors,
  IdParams,
  Proposal,
  ProposalCreateBody,
  ProposalBoard,
  ProposalQuery,
  RespondBody,
} from '@samverka/contracts';

const tags = ['proposals'];
const security = [{ bearer: [] }];

const proposalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'The proposals board (logged-in users), a page at a time with how many matched',
        security,
        querystring: ProposalQuery,
        response: { 200: ProposalBoard, ...errors(400, 401, 404) },
      },
    },
    async (req) => proposalBoard(app.db, req.actor, req.query),
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Propose a workshop on behalf of a cluster you coordinate',
        security,
        body: ProposalCreateBody,
        response: { 201: Proposal, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.code(201).send(createProposal(app.db, req.actor, req.body)),
  );

  app.get('/:id', { schema: { tags, security, params: IdParams, response: { 200: Proposal, ...errors(400, 401, 404) } } }, async (req) =>
    getProposal(app.db, req.actor, req.params.id),
  );

  app.post(
    '/:id/comments',
    { schema: { tags, security, params: IdParams, body: CommentBody, response: { 201: Proposal, ...errors(400, 401, 403, 404) } } },
    async (req, reply) => reply.code(201).send(commentOnProposal(app.db, req.actor, req.params.id, req.body.body)),
  );

  app.post(
    '/:id/responses',
    {
      schema: {
        tags,
        summary: 'Mark interest or offer to co-host (on: false takes it back)',
        security,
        params: IdParams,
        body: RespondBody,
        response: { 200: Proposal, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => respondToProposal(app.db, req.actor, req.params.id, req.body.cluster, req.body.kind, req.body.on),
  );

  app.post(
    '/:id/accept',
    {
      schema: {
        tags,
        summary: 'Accept: creates a draft event with the offering clusters invited as co-hosts',
        security,
        params: IdParams,
        body: AcceptBody,
        response: { 200: AcceptResult, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => acceptProposal(app.db, req.actor, req.params.id, req.body),
  );

  app.post(
    '/:id/decline',
    { schema: { tags, security, params: IdParams, body: DeclineBody, response: { 200: Proposal, ...errors(400, 401, 403, 404, 409) } } },
    async (req) => declineProposal(app.db, req.actor, req.params.id, req.body.reason),
  );
};
export default proposalRoutes;
