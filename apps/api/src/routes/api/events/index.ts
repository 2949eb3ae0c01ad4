import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  answerCohostInvitation,
  boundaryToDate,
  cancelEvent,
  createEvent,
  deleteEvent,
  eventAuditLog,
  getEvent,
  inviteCohost,
  listEventBriefs,
  listEventSummaries,
  listEvents,
  publishEvent,
  removeCohost,
  updateEvent,
} from '@samverka/core';
import {
  AnswerCohostInvitationBody,
  AuditLog,
  CancelBody,
  errors,
  Event,
  EventBriefPage,
  EventBriefQuery,
  EventClusterParams,
  EventCreateBody,
  EventPage,
  EventPatchBody,
  EventQuery,
  EventSummaryPage,
  EventWithClashes,
  IdParams,
  InviteCohostBody,
  PublishQuery,
} from '@samverka/contracts';

const tags = ['events'];

function filtersOf({ from, to, ...rest }: EventQuery) {
  return { ...rest, from: from ? boundaryToDate(from, 'from') : undefined, to: to ? boundaryToDate(to, 'to') : undefined };
}
const security = [{ bearer: [] }];

const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Events, ordered by start; filters combine; text search over title and description',
        querystring: EventQuery,
        response: { 200: EventPage, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => app.cachedJson(req, reply, () => listEvents(app.db, req.actor, filtersOf(req.query))),
  );

  app.get(
    '/brief',
    {
      schema: {
        tags,
        summary: 'The same list with only what a calendar grid needs, up to 1000 a page',
        querystring: EventBriefQuery,
        response: { 200: EventBriefPage, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => app.cachedJson(req, reply, () => listEventBriefs(app.db, req.actor, filtersOf(req.query))),
  );

  app.get(
    '/summaries',
    {
      schema: {
        tags,
        summary: 'The same list with what a list of events shows: timing, place and organisers (no descriptions or rights)',
        querystring: EventQuery,
        response: { 200: EventSummaryPage, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => app.cachedJson(req, reply, () => listEventSummaries(app.db, req.actor, filtersOf(req.query))),
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create a draft event; the answer lists other network events at the same time',
        security,
        body: EventCreateBody,
        response: { 201: EventWithClashes, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.code(201).send(createEvent(app.db, req.actor, req.body)),
  );

  app.get('/:id', { schema: { tags, params: IdParams, response: { 200: Event, ...errors(400, 404) } } }, async (req) =>
    getEvent(app.db, req.actor, req.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: EventPatchBody,
        response: { 200: EventWithClashes, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => updateEvent(app.db, req.actor, req.params.id, req.body),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Delete a draft (admins: any event)',
        security,
        params: IdParams,
        response: { 204: { type: 'null' }, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      deleteEvent(app.db, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/publish',
    {
      schema: {
        tags,
        summary: 'Publish a draft; an event that is already over needs evenIfPast=true',
        security,
        params: IdParams,
        querystring: PublishQuery,
        response: { 200: Event, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => publishEvent(app.db, req.actor, req.params.id, new Date(), { evenIfPast: req.query.evenIfPast }),
  );

  app.post(
    '/:id/cancel',
    { schema: { tags, security, params: IdParams, body: CancelBody, response: { 200: Event, ...errors(400, 401, 403, 404, 409) } } },
    async (req) => cancelEvent(app.db, req.actor, req.params.id, req.body.reason),
  );

  app.get(
    '/:id/audit',
    {
      schema: {
        tags,
        summary: 'Who changed what and when (organisers only)',
        security,
        params: IdParams,
        response: { 200: AuditLog, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => eventAuditLog(app.db, req.actor, req.params.id),
  );

  app.post(
    '/:id/organisers',
    {
      schema: {
        tags,
        summary: 'Invite a cluster as co-host (lead cluster only)',
        security,
        params: IdParams,
        body: InviteCohostBody,
        response: { 200: Event, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => inviteCohost(app.db, req.actor, req.params.id, req.body.cluster),
  );

  app.post(
    '/:id/organisers/:slug/answer',
    {
      schema: {
        tags,
        summary: 'Accept or decline a co-host invitation (the invited cluster)',
        security,
        params: EventClusterParams,
        body: AnswerCohostInvitationBody,
        response: { 200: Event, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => answerCohostInvitation(app.db, req.actor, req.params.id, req.params.slug, req.body.accept),
  );

  app.delete(
    '/:id/organisers/:slug',
    {
      schema: {
        tags,
        summary: 'Remove a co-host or withdraw an invitation (lead cluster only)',
        security,
        params: EventClusterParams,
        response: { 200: Event, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => removeCohost(app.db, req.actor, req.params.id, req.params.slug),
  );
};
export default eventRoutes;
