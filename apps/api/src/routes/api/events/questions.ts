import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { copyEvent, getQuestions, setQuestions } from '@samverka/core';
import { CopyEventBody, errors, EventWithClashes, IdParams, QuestionList, QuestionsBody } from '@samverka/contracts';

const security = [{ bearer: [] }];

/** Routes under /api/events/:id/…: the event's own registration questions, and copying the event. */
const questionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:id/questions',
    {
      schema: {
        tags: ['registrations'],
        summary: "The event's own registration questions, in form order",
        params: IdParams,
        response: { 200: QuestionList, ...errors(400, 404) },
      },
    },
    async (req) => getQuestions(app.db, req.actor, req.params.id),
  );

  app.put(
    '/:id/questions',
    {
      schema: {
        tags: ['registrations'],
        summary: 'Replace the questions (organisers): a question sent with its id keeps its answers; one left out goes with its answers',
        security,
        params: IdParams,
        body: QuestionsBody,
        response: { 200: QuestionList, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => setQuestions(app.db, req.actor, req.params.id, req.body),
  );

  app.post(
    '/:id/copy',
    {
      schema: {
        tags: ['events'],
        summary: 'Copy the event into a new draft starting at a new time (the lead cluster coordinators and admins)',
        security,
        params: IdParams,
        body: CopyEventBody,
        response: { 201: EventWithClashes, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(copyEvent(app.db, req.actor, req.params.id, req.body)),
  );
};
export default questionRoutes;
