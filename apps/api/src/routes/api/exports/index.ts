import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { attendeeSheet, buildReport, reportSheet, sheetToCsv, sheetToXlsx, textsFor, type Sheet } from '@samverka/core';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { AttendeeExportQuery, errors, IdParams, ReportExportQuery, XLSX } from '@samverka/contracts';

const security = [{ bearer: [] }];
const csvType = 'text/csv; charset=utf-8';

/** Sends a sheet as a download: .xlsx, or CSV for Excel with Swedish settings (`;`, BOM, CRLF). */
async function download(reply: FastifyReply, sheet: Sheet, file: string, format: 'xlsx' | 'csv') {
  const body = format === 'xlsx' ? await sheetToXlsx(sheet) : sheetToCsv(sheet);
  return reply
    .type(format === 'xlsx' ? XLSX : csvType)
    .header('content-disposition', `attachment; filename="${file}.${format}"`)
    .header('cache-control', 'no-store')
    .send(body);
}

/**
 * Spreadsheet exports made for people (Excel, LibreOffice, Numbers in Swedish or English): the
 * attendee list and the report, each as .xlsx and as CSV for Excel. The plain data CSVs
 * (registrations.csv, /api/reports/csv) stay as they are for programs.
 */
const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const format of ['xlsx', 'csv'] as const) {
    const suffix = format === 'xlsx' ? 'xlsx' : 'excel.csv';
    app.get(
      `/events/:id/registrations.${suffix}`,
      {
        schema: {
          tags: ['registrations'],
          summary: `The attendee list as ${format === 'xlsx' ? 'an .xlsx workbook' : 'CSV for Excel (; separated)'}: statuses in words, times in the event's zone (organisers)`,
          security,
          params: IdParams,
          querystring: AttendeeExportQuery,
          response: { 200: Type.String({ description: format === 'xlsx' ? XLSX : csvType }), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const { lang = 'sv', ...filter } = req.query;
        const sheet = attendeeSheet(app.db, req.actor, req.params.id, lang, filter);
        return download(reply, sheet, textsFor(lang).spreadsheets.attendeesFile(req.params.id), format);
      },
    );
    app.get(
      `/reports/${suffix}`,
      {
        schema: {
          tags: ['reports'],
          summary: `The report as ${format === 'xlsx' ? 'an .xlsx workbook' : 'CSV for Excel (; separated)'}, in the reader's language`,
          security,
          querystring: ReportExportQuery,
          response: { 200: Type.String({ description: format === 'xlsx' ? XLSX : csvType }), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const lang = req.query.lang ?? 'sv';
        const sheet = reportSheet(app.db, buildReport(app.db, req.actor, req.query.from, req.query.to), lang);
        return download(reply, sheet, textsFor(lang).spreadsheets.reportFile(req.query.from, req.query.to), format);
      },
    );
  }
};
export default exportRoutes;
