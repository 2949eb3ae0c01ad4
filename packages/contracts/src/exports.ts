import { Type, type Static } from 'typebox';
import { Lang, Slug, StrictObject } from './common.ts';
import { ReportQuery } from './network.ts';

const AttendeeFilterProps = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'words the name or organisation contains' })),
  status: Type.Optional(Type.Union([Type.Literal('confirmed'), Type.Literal('waitlisted'), Type.Literal('cancelled')])),
  cluster: Type.Optional(Slug),
};

/**
 * GET /api/events/:id/registrations: narrows the list (the counts stay those of everyone); with
 * `limit`, only that page of what the filter matched (`page` from 1), so a page of a long list
 * does not carry every registration.
 */
export const AttendeeQuery = StrictObject({
  ...AttendeeFilterProps,
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'the page of the matching rows, from 1 (with limit)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'rows per page; without it, every matching row' })),
});
export type AttendeeQuery = Static<typeof AttendeeQuery>;

/** The attendee spreadsheets (.xlsx and CSV for Excel): the reader's language and the list's filter. */
export const AttendeeExportQuery = StrictObject({ lang: Type.Optional(Lang), ...AttendeeFilterProps });
export type AttendeeExportQuery = Static<typeof AttendeeExportQuery>;

/** The report spreadsheets take the report's own query (from, to, lang). */
export const ReportExportQuery = ReportQuery;

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
