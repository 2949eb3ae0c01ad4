import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { feedbackChartSvg, feedbackResults, getSurveySettings, saveSurveySettings } from '@samverka/core';
import { Type } from 'typebox';
import { errors, FeedbackResults, IdParams, Lang, StrictObject, SurveySettings, SurveySettingsBody } from '@samverka/contracts';

const tags = ['feedback'];
const security = [{ bearer: [] }];

/** Routes under /api/events/:id for the organisers' side of the participant survey. */
const eventFeedbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:id/feedback',
    {
      schema: {
        tags,
        summary: 'Response rate, averages, distributions and free texts of the survey (organisers)',
        security,
        params: IdParams,
        response: { 200: FeedbackResults, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => feedbackResults(app.db, req.actor, req.params.id),
  );

  app.get(
    '/:id/feedback/chart.svg',
    {
      schema: {
        tags,
        summary: 'The distributions of the 1–5 questions as an SVG chart with the numbers as text',
        security,
        params: IdParams,
        querystring: StrictObject({ lang: Type.Optional(Lang) }),
        response: { 200: Type.String({ description: 'image/svg+xml' }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .send(feedbackChartSvg(feedbackResults(app.db, req.actor, req.params.id), req.query.lang ?? 'sv')),
  );

  app.get(
    '/:id/feedback/settings',
    { schema: { tags, security, params: IdParams, response: { 200: SurveySettings, ...errors(400, 401, 403, 404) } } },
    async (req) => getSurveySettings(app.db, req.actor, req.params.id),
  );

  app.put(
    '/:id/feedback/settings',
    {
      schema: {
        tags,
        summary: 'Turn the survey on or off and set up to five own questions (until it has been sent)',
        security,
        params: IdParams,
        body: SurveySettingsBody,
        response: { 200: SurveySettings, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => saveSurveySettings(app.db, req.actor, req.params.id, req.body),
  );
};

export default eventFeedbackRoutes;
