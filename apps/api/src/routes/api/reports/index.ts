import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { buildReport, monthlyChartSvg, reportCsv } from '@samverka/core';
import { Type } from 'typebox';
import { errors, Report, ReportPage, ReportQuery } from '@samverka/contracts';

const tags = ['reports'];
const security = [{ bearer: [] }];

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Figures for the funder over a date range',
        security,
        querystring: ReportQuery,
        response: { 200: Report, ...errors(400, 401, 403) },
      },
    },
    async (req) => buildReport(app.db, req.actor, req.query.from, req.query.to),
  );
  app.get(
    '/page',
    {
      schema: {
        tags,
        summary: 'The report and its monthly chart (SVG) from one build of the report, for the report page',
        security,
        querystring: ReportQuery,
        response: { 200: ReportPage, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const report = buildReport(app.db, req.actor, req.query.from, req.query.to);
      return { report, chart: monthlyChartSvg(report, req.query.lang ?? 'sv') };
    },
  );
  app.get(
    '/csv',
    {
      schema: {
        tags,
        security,
        querystring: ReportQuery,
        response: { 200: Type.String({ description: 'text/csv' }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="samverka-rapport-${req.query.from}-${req.query.to}.csv"`)
        .send(reportCsv(buildReport(app.db, req.actor, req.query.from, req.query.to))),
  );
  app.get(
    '/chart.svg',
    {
      schema: {
        tags,
        security,
        querystring: ReportQuery,
        response: { 200: Type.String({ description: 'image/svg+xml' }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .send(monthlyChartSvg(buildReport(app.db, req.actor, req.query.from, req.query.to), req.query.lang ?? 'sv')),
  );
};
export default reportRoutes;
