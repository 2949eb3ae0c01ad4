/**
 * What is wrong with one field, as a machine code: the closed vocabulary of error details.
 * Clients choose their own text by code (and field); the detail's `message` is English for
 * developers and may change. Numbers a text needs come in the detail's `params`.
 */
export const ERROR_DETAIL_CODES = [
  'required',
  'too_long',
  'too_short',
  'too_many',
  'invalid_email',
  'invalid_url',
  'invalid_format',
  'invalid_date',
  'invalid_time_zone',
  'nonexistent_local_time',
  'out_of_range',
  'not_an_integer',
  'wrong_type',
  'end_before_start',
  'in_the_past',
  'after_event_end',
  'duration_too_long',
  'unknown_choice',
  'unknown_field',
  'duplicate',
  'not_invited',
  'unsupported',
  'unbounded',
  'no_occurrences',
  'several_per_day',
  'file_type_not_accepted',
  'file_too_large',
  'below_confirmed',
] as const;

export type ErrorDetailCode = (typeof ERROR_DETAIL_CODES)[number];

/** What each code means, for the OpenAPI document (common.ts) and for readers of this file. */
export const ERROR_DETAIL_CODE_DESCRIPTIONS: Record<ErrorDetailCode, string> = {
  required: 'missing or empty; for a list, nothing chosen (params.property names a missing property when field is the object)',
  too_long: 'longer than params.max characters',
  too_short: 'shorter than params.min characters (or fewer list items)',
  too_many: 'more than params.max items (list items, or the meetings a recurrence rule gives)',
  invalid_email: 'not an email address',
  invalid_url: 'not a web address starting with https:// or http://',
  invalid_format: 'does not have the expected form (params.format when known, e.g. YYYY-MM-DD, HH:mm, RRULE)',
  invalid_date: 'not a date or date-time that exists in the calendar (e.g. 2027-02-30)',
  invalid_time_zone: 'not an IANA time zone',
  nonexistent_local_time: 'a wall-clock time skipped by the change to summer time in the zone',
  out_of_range: 'a number outside params.min to params.max',
  not_an_integer: 'a number that is not a whole number',
  wrong_type: 'a value of the wrong JSON type (params.expected)',
  end_before_start: 'an end (date, time or period) that is not after its start',
  in_the_past: 'a time that has already passed',
  after_event_end: 'registration closing after the event ends',
  duration_too_long: 'an event lasting longer than params.max days',
  unknown_choice: 'not one of the allowed values (unknown theme, cluster, county, kind, slot…)',
  unknown_field: 'a property the request does not take (params.property)',
  duplicate: 'already taken, or given twice in a list',
  not_invited: 'the cluster is not invited to the poll',
  unsupported: 'a recurrence rule part that meeting series do not support',
  unbounded: 'a recurrence rule without COUNT or UNTIL',
  no_occurrences: 'a recurrence rule that gives no dates',
  several_per_day: 'a recurrence rule that gives more than one meeting on a day',
  file_type_not_accepted: 'an uploaded file whose content is not of an accepted type (PDF, Office, OpenDocument, images, plain text)',
  file_too_large: 'an uploaded file over params.max bytes, or over the room left for the event',
  below_confirmed: 'a capacity below the params.min seats already confirmed (move the excess to the waiting list explicitly)',
};

/** Numbers and names the text for a code needs; each is present only where it says so. */
export interface ErrorDetailParams {
  /** The least allowed length, count or value. */
  min?: number;
  /** The most allowed length, count or value (characters for too_long, items for too_many, days for duration_too_long). */
  max?: number;
  /** The property a required or unknown_field detail is about, when `field` names the object holding it. */
  property?: string;
  /** The expected form for invalid_format or invalid_date, e.g. "YYYY-MM-DD". */
  format?: string;
  /** The expected JSON type for wrong_type, e.g. "string". */
  expected?: string;
}

/**
 * One thing wrong with the input. `field` is the field's name ("title"), an item of a list
 * ("slots/2"), or, for schema validation, the part of the request and the path ("body/title",
 * "querystring/from"); `message` is English for developers.
 */
export interface ErrorDetail {
  field?: string;
  code: ErrorDetailCode;
  message: string;
  params?: ErrorDetailParams;
}
