import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  attendeesCsv,
  cancelRegistration,
  deletePersonalData,
  getRegistration,
  links,
  listAttendees,
  messageRegistrants,
  register,
  visibleRegistrationSummary,
  setCheckIn,
  updateRegistration,
} from '@samverka/core';
import { Type } from 'typebox';
import { errors, IdParams } from '../../../schemas/common.ts';
import {
  AttendeeList,
  CheckInBody,
  CheckInParams,
  CsvQuery,
  MessageBody,
  MessageResult,
  Registration,
  RegistrationBody,
  RegistrationPatch,
  RegistrationResult,
  RegistrationSummary,
  TokenParams,
} from '../../../schemas/registrations.ts';

const tags = ['registrations'];
const security = [{ bearer: [] }];

/** Routes under /api/events/:id/… (organisers and public registration). */
export const eventRegistrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      const result = register(app.db, req.params.id, req.body);
      void app.mailer.kick();
      return reply.code(result.created ? 201 : 200).send({ ...result, manageUrl: result.token ? links.manage(result.token) : null });
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
        summary: 'The attendee list (organisers)',
        security,
        params: IdParams,
        response: { 200: AttendeeList, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => listAttendees(app.db, req.actor, req.params.id),
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

/** Routes under /api/registrations/:token: the participant's private manage link. */
export const manageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:token',
    { schema: { tags, summary: 'View my registration', params: TokenParams, response: { 200: Registration, ...errors(400, 404) } } },
    async (req) => {
      return getRegistration(app.db, req.params.token);
    },
  );

  app.patch(
    '/:token',
    {
      schema: {
        tags,
        summary: 'Change my registration',
        params: TokenParams,
        body: RegistrationPatch,
        response: { 200: Registration, ...errors(400, 404, 409) },
      },
    },
    async (req) => updateRegistration(app.db, req.params.token, req.body),
  );

  app.post(
    '/:token/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel my registration or leave the waiting list',
        params: TokenParams,
        response: { 200: Registration, ...errors(400, 404, 409) },
      },
    },
    async (req) => {
      const result = cancelRegistration(app.db, req.params.token);
      void app.mailer.kick();
      return result;
    },
  );

  app.delete(
    '/:token',
    {
      schema: {
        tags,
        summary: 'Delete my personal data (also gives up the seat)',
        params: TokenParams,
        response: { 204: { type: 'null' }, ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      deletePersonalData(app.db, req.params.token);
      void app.mailer.kick();
      return reply.code(204).send(null);
    },
  );
};
