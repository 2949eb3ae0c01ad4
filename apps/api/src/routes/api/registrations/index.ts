import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { cancelRegistration, deletePersonalData, exportPersonalData, getRegistration, updateRegistration } from '@samverka/core';
import { errors, PersonalData, Registration, RegistrationPatch, TokenParams } from '@samverka/contracts';

const tags = ['registrations'];

/** Routes under /api/registrations/:token: the participant's private manage link. */
const manageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:token',
    { schema: { tags, summary: 'View my registration', params: TokenParams, response: { 200: Registration, ...errors(400, 404) } } },
    async (req) => {
      return getRegistration(app.db, req.params.token);
    },
  );

  app.get(
    '/:token/personal-data',
    {
      schema: {
        tags,
        summary: 'Everything stored about my address: registrations with their answers, subscription, mails held (GDPR art. 15 and 20)',
        params: TokenParams,
        response: { 200: PersonalData, ...errors(400, 404) },
      },
    },
    async (req) => exportPersonalData(app.db, req.params.token),
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
export default manageRoutes;
