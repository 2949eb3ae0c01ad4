import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { attendeesCsv, listAttendees, messageRegistrants, register, visibleRegistrationSummary, setCheckIn } from '@samverka/core';
import { Type } from 'typebox';
import {
  AttendeeList,
  CheckInBody,
  CheckInParams,
  CsvQuery,
  errors,
  IdParams,
  MessageBody,
  MessageResult,
  Registration,
  RegistrationBody,
  RegistrationResult,
  RegistrationSummary,
  AttendeeQuery,
} from '@samverka/contracts';

const tags = ['registrations'];
const security = [{ bearer: [] }];

/** Routes under /api/events/:id/… (organisers and public registration). */
const eventRegistrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:id/registrations',
    {
      config: { rateLimit: { max: app.config.registrationRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Register without an account (a seat, or a place on the waiting list)',
        params: IdParams,
        body: RegistrationBody,
        response: { 201: RegistrationResult, 200: RegistrationResult, ...errors(400, 404, 409, 429) },
      },
    },
    async (req, reply) => {
      const result = register(app.db, req.params.id, req.body, new Date(), req.actor);
      void app.mailer.kick();
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/:id/registration-summary',
    {
      schema: {
        tags,
        summary: 'Seats, waiting list and whether registration is open',
        params: IdParams,
        response: { 200: RegistrationSummary, ...errors(400, 404) },
      },
    },
    async (req) => visibleRegistrationSummary(app.db, req.actor, req.params.id),
  );

  app.get(
    '/:id/registrations',
    {
      schema: {
        tags,
        summary:
          'The attendee list (organisers); q, status and cluster narrow the list, the counts stay those of everyone; limit and page give one page of it',
        security,
        params: IdParams,
        querystring: AttendeeQuery,
        response: { 200: AttendeeList, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => listAttendees(app.db, req.actor, req.params.id, req.query),
  );

  app.get(
    '/:id/registrations.csv',
    {
      schema: {
        tags,
        summary: 'The attendee list as CSV (organisers)',
        security,
        params: IdParams,
        querystring: CsvQuery,
        response: { 200: Type.String({ description: 'text/csv' }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const csv = attendeesCsv(app.db, req.actor, req.params.id, req.query.lang ?? 'sv');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="deltagare-${req.params.id}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );

  app.post(
    '/:id/registrations/:registrationId/check-in',
    {
      schema: {
        tags,
        summary: 'Mark (or unmark) a participant as arrived',
        security,
        params: CheckInParams,
        body: CheckInBody,
        response: { 200: Registration, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => setCheckIn(app.db, req.actor, req.params.id, req.params.registrationId, req.body.checkedIn),
  );

  app.post(
    '/:id/messages',
    {
      schema: {
        tags,
        summary: 'Mail every registered participant (confirmed and waiting)',
        security,
        params: IdParams,
        body: MessageBody,
        response: { 202: MessageResult, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const recipients = messageRegistrants(app.db, req.actor, req.params.id, req.body);
      void app.mailer.kick();
      return reply.code(202).send({ recipients });
    },
  );
};
export default eventRegistrationRoutes;
