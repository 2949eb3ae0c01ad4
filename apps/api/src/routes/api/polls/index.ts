import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  addPollSlots,
  answerPoll,
  closePoll,
  commentOnPoll,
  createPoll,
  finalisePoll,
  getPoll,
  listPolls,
  removePollSlot,
  setPollDeadline,
} from '@samverka/core';
import { Type } from 'typebox';
import {
  errors,
  IdParams,
  Poll,
  PollAnswerBody,
  PollCommentBody,
  PollCreateBody,
  PollDeadlineBody,
  PollFinaliseBody,
  PollFinaliseResult,
  PollSlotParams,
  PollSlotsBody,
} from '@samverka/contracts';

const tags = ['polls'];
const security = [{ bearer: [] }];

const pollRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { schema: { tags, summary: 'Polls I organise or am invited to', security, response: { 200: Type.Array(Poll), ...errors(401) } } },
    async (req) => listPolls(app.db, req.actor),
  );
  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Start a scheduling poll for a joint meeting',
        security,
        body: PollCreateBody,
        response: { 201: Poll, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.code(201).send(createPoll(app.db, req.actor, req.body)),
  );
  app.get('/:id', { schema: { tags, security, params: IdParams, response: { 200: Poll, ...errors(400, 401, 404) } } }, async (req) =>
    getPoll(app.db, req.actor, req.params.id),
  );
  app.post(
    '/:id/answers',
    {
      schema: {
        tags,
        summary: 'Answer yes / if need be / no per slot for a cluster (until the poll closes)',
        security,
        params: IdParams,
        body: PollAnswerBody,
        response: { 200: Poll, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => answerPoll(app.db, req.actor, req.params.id, req.body.cluster, req.body.answers),
  );
  app.post(
    '/:id/finalise',
    {
      schema: {
        tags,
        summary: 'Choose the slot: creates the event and mails everyone who answered',
        security,
        params: IdParams,
        body: PollFinaliseBody,
        response: { 200: PollFinaliseResult, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const { slotId, ...choices } = req.body;
      const result = finalisePoll(app.db, req.actor, req.params.id, slotId, choices);
      void app.mailer.kick();
      return result;
    },
  );
  app.post(
    '/:id/slots',
    {
      schema: {
        tags,
        summary: 'Add candidate times to an undecided poll (organiser)',
        security,
        params: IdParams,
        body: PollSlotsBody,
        response: { 200: Poll, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => addPollSlots(app.db, req.actor, req.params.id, req.body.slots),
  );
  app.delete(
    '/:id/slots/:slotId',
    {
      schema: {
        tags,
        summary: 'Remove a candidate time (organiser): its answers go and those who gave them are mailed',
        security,
        params: PollSlotParams,
        response: { 200: Poll, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const poll = removePollSlot(app.db, req.actor, req.params.id, req.params.slotId);
      void app.mailer.kick();
      return poll;
    },
  );
  app.put(
    '/:id/deadline',
    {
      schema: {
        tags,
        summary: 'Move the closing time of an undecided poll (organiser); it must lie ahead',
        security,
        params: IdParams,
        body: PollDeadlineBody,
        response: { 200: Poll, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => setPollDeadline(app.db, req.actor, req.params.id, req.body.closes),
  );
  app.post(
    '/:id/close',
    {
      schema: {
        tags,
        summary: 'Close an open poll now (organiser)',
        security,
        params: IdParams,
        response: { 200: Poll, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => closePoll(app.db, req.actor, req.params.id),
  );
  app.post(
    '/:id/comments',
    {
      schema: {
        tags,
        summary: "Comment in the poll's thread (its organising and invited coordinators)",
        security,
        params: IdParams,
        body: PollCommentBody,
        response: { 200: Poll, ...errors(400, 401, 404) },
      },
    },
    async (req) => commentOnPoll(app.db, req.actor, req.params.id, req.body.body),
  );
};
export default pollRoutes;
