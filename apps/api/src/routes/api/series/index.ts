import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createSeries, getSeries, updateSeriesFrom } from '@samverka/core';
import {
  errors,
  IdParams,
  Series,
  SeriesCreateBody,
  SeriesFromParams,
  SeriesPatchBody,
  SeriesResult,
  SeriesUpdateResult,
} from '@samverka/contracts';

const tags = ['series'];
const security = [{ bearer: [] }];

const seriesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create recurring meetings from an RRULE (one event per occurrence)',
        security,
        body: SeriesCreateBody,
        response: { 201: SeriesResult, ...errors(400, 401, 403, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(createSeries(app.db, req.actor, req.body)),
  );

  app.get('/:id', { schema: { tags, params: IdParams, response: { 200: Series, ...errors(400, 404) } } }, async (req) =>
    getSeries(app.db, req.actor, req.params.id),
  );

  app.patch(
    '/:id/from/:eventId',
    {
      schema: {
        tags,
        summary: 'Change this occurrence and all later ones of the series',
        security,
        params: SeriesFromParams,
        body: SeriesPatchBody,
        response: { 200: SeriesUpdateResult, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => updateSeriesFrom(app.db, req.actor, req.params.id, req.params.eventId, req.body),
  );
};
export default seriesRoutes;
