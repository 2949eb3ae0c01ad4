import { type EventCreateBody, type EventPatchBody, LIMITS } from '@samverka/contracts';
import { eq, inArray } from 'drizzle-orm';
import { clusters, counties, EVENT_KINDS, EVENT_VISIBILITIES, themes, type Db, type Event, type EventKind } from '@samverka/db';
import { DomainError, type ErrorDetail, type ErrorDetailCode, type ErrorDetailParams } from '../errors.ts';
import { codePointLength, isEmail, singleLine } from '../escape.ts';
import { assertZone, DEFAULT_ZONE, instantToLocal, localToInstant, parseDate, startOfDate } from '../time.ts';

/**
 * An event's fields as the API takes them in a change (PATCH /api/events/:id): all optional;
 * wall-clock times in the event's zone. The schema in @samverka/contracts is the one source.
 */
export type EventFields = Omit<EventPatchBody, 'moveExcessToWaitlist'>;

/** A new event as the API takes it (POST /api/events): lead cluster, title, kind and themes required. */
export type EventInput = EventCreateBody;

/** The columns of an event that the input determines (everything but ids, status and bookkeeping). */
export type EventColumns = Pick<
  Event,
  | 'title'
  | 'description'
  | 'kind'
  | 'allDay'
  | 'startsAt'
  | 'endsAt'
  | 'timeZone'
  | 'startDate'
  | 'endDate'
  | 'venueName'
  | 'address'
  | 'countyId'
  | 'lat'
  | 'lng'
  | 'onlineUrl'
  | 'onlineUrlPublic'
  | 'visibility'
  | 'language'
  | 'capacity'
  | 'registrationEnabled'
  | 'registrationOpensAt'
  | 'registrationClosesAt'
  | 'contactEmail'
> & { themeIds: number[] };

const MAX_DAYS = 31;

function safeUrl(value: string, field: string, details: ErrorDetail[]): string | null {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.toString();
  } catch {
    /* reported below */
  }
  details.push({ field, code: 'invalid_url', message: 'must be a web address starting with https://' });
  return null;
}

const optionalText = (v: string | null | undefined, max: number) => (v == null ? null : singleLine(v, max) || null);

/** The existing event's fields in input form, so a patch can be merged and validated whole. */
export function fieldsOf(event: Event, themeSlugs: string[], countySlug: string | null): Required<EventFields> {
  const zone = event.timeZone;
  return {
    title: event.title,
    description: event.description,
    kind: event.kind,
    themes: themeSlugs,
    allDay: event.allDay,
    start: instantToLocal(event.startsAt, zone),
    end: instantToLocal(event.endsAt, zone),
    startDate: event.startDate ?? instantToLocal(event.startsAt, zone).slice(0, 10),
    endDate: event.endDate ?? instantToLocal(event.endsAt, zone).slice(0, 10),
    timeZone: zone,
    venueName: event.venueName,
    address: event.address,
    county: countySlug,
    lat: event.lat,
    lng: event.lng,
    onlineUrl: event.onlineUrl,
    onlineUrlPublic: event.onlineUrlPublic,
    visibility: event.visibility,
    language: event.language,
    capacity: event.capacity,
    registrationEnabled: event.registrationEnabled,
    registrationOpens: event.registrationOpensAt ? instantToLocal(event.registrationOpensAt, zone) : null,
    registrationCloses: event.registrationClosesAt ? instantToLocal(event.registrationClosesAt, zone) : null,
    contactEmail: event.contactEmail,
  };
}

/**
 * Validates event fields and turns them into columns: wall-clock times become instants in the
 * event's zone, slugs become ids. Every problem is collected, so a form can mark all fields at once.
 * Themes are required (at least one) unless `opts.themesOptional`.
 */
export function resolveEventFields(
  db: Db,
  f: EventFields & { title: string; kind: EventKind; themes: string[] },
  opts: { themesOptional?: boolean } = {},
): EventColumns {
  const details: ErrorDetail[] = [];
  const fail = (field: string, code: ErrorDetailCode, message: string, params?: ErrorDetailParams) =>
    details.push({ field, code, message, ...(params ? { params } : {}) });
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof DomainError) details.push(...e.details);
      else throw e;
      return undefined;
    }
  };

  const title = singleLine(f.title, Number.POSITIVE_INFINITY);
  if (!title) fail('title', 'required', 'a title is required');
  else if (codePointLength(title) > LIMITS.title) fail('title', 'too_long', `at most ${LIMITS.title} characters`, { max: LIMITS.title });
  if (!EVENT_KINDS.includes(f.kind)) fail('kind', 'unknown_choice', `must be one of ${EVENT_KINDS.join(', ')}`);
  const description = (f.description ?? '').trim();
  if (codePointLength(description) > LIMITS.eventDescription)
    fail('description', 'too_long', `at most ${LIMITS.eventDescription.toLocaleString('en')} characters`, { max: LIMITS.eventDescription });

  const slugs = [...new Set(f.themes)];
  const themeRows = slugs.length
    ? db.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, slugs)).all()
    : [];
  // A decided poll's draft may have none yet: its organiser chooses one before editing further.
  if (slugs.length === 0 && !opts.themesOptional) fail('themes', 'required', 'choose at least one theme');
  for (const s of slugs) if (!themeRows.some((t) => t.slug === s)) fail('themes', 'unknown_choice', `unknown theme "${s}"`);

  const zone = attempt(() => assertZone(f.timeZone ?? DEFAULT_ZONE)) ?? DEFAULT_ZONE;
  let startsAt: Date | undefined;
  let endsAt: Date | undefined;
  let startDate: string | null = null;
  let endDate: string | null = null;
  if (f.allDay) {
    if (!f.startDate) fail('startDate', 'required', 'required for an all-day event');
    const s = f.startDate ? attempt(() => parseDate(f.startDate!, 'startDate')) : undefined;
    const e = f.endDate ? attempt(() => parseDate(f.endDate!, 'endDate')) : s;
    if (s && e) {
      if (e < s) fail('endDate', 'end_before_start', 'the last day is before the first day');
      else if (e.diff(s, 'days').days >= MAX_DAYS)
        fail('endDate', 'duration_too_long', `an event lasts at most ${MAX_DAYS} days`, { max: MAX_DAYS });
      startDate = s.toISODate()!;
      endDate = e.toISODate()!;
      startsAt = startOfDate(startDate, zone).toJSDate();
      endsAt = startOfDate(endDate, zone).plus({ days: 1 }).toJSDate();
    }
  } else {
    if (!f.start) fail('start', 'required', 'a start time is required');
    if (!f.end) fail('end', 'required', 'an end time is required');
    const s = f.start ? attempt(() => localToInstant(f.start!, zone, 'start')) : undefined;
    const e = f.end ? attempt(() => localToInstant(f.end!, zone, 'end')) : undefined;
    if (s && e) {
      if (e <= s) fail('end', 'end_before_start', 'the end is not after the start');
      else if (e.diff(s, 'days').days > MAX_DAYS)
        fail('end', 'duration_too_long', `an event lasts at most ${MAX_DAYS} days`, { max: MAX_DAYS });
      startsAt = s.toJSDate();
      endsAt = e.toJSDate();
    }
  }

  let countyId: number | null = null;
  if (f.county) {
    const c = db.select({ id: counties.id }).from(counties).where(eq(counties.slug, f.county)).get();
    if (!c) fail('county', 'unknown_choice', `unknown county "${f.county}"`);
    else countyId = c.id;
  }
  const lat = f.lat ?? null;
  const lng = f.lng ?? null;
  if ((lat === null) !== (lng === null)) fail(lat === null ? 'lat' : 'lng', 'required', 'give both latitude and longitude, or neither');
  if (lat !== null && Math.abs(lat) > LIMITS.latitude)
    fail('lat', 'out_of_range', `between -${LIMITS.latitude} and ${LIMITS.latitude}`, { min: -LIMITS.latitude, max: LIMITS.latitude });
  if (lng !== null && Math.abs(lng) > LIMITS.longitude)
    fail('lng', 'out_of_range', `between -${LIMITS.longitude} and ${LIMITS.longitude}`, { min: -LIMITS.longitude, max: LIMITS.longitude });
  const onlineUrl = f.onlineUrl ? safeUrl(f.onlineUrl.trim(), 'onlineUrl', details) : null;
  const visibility = f.visibility ?? 'public';
  if (!EVENT_VISIBILITIES.includes(visibility)) fail('visibility', 'unknown_choice', `must be one of ${EVENT_VISIBILITIES.join(', ')}`);
  const contactEmail = f.contactEmail?.trim() || null;
  if (contactEmail && !isEmail(contactEmail)) fail('contactEmail', 'invalid_email', 'not an email address');
  const capacity = f.capacity ?? null;
  if (capacity !== null && (!Number.isInteger(capacity) || capacity < LIMITS.capacity.min || capacity > LIMITS.capacity.max))
    fail(
      'capacity',
      Number.isInteger(capacity) ? 'out_of_range' : 'not_an_integer',
      `a whole number from ${LIMITS.capacity.min} to ${LIMITS.capacity.max}`,
      Number.isInteger(capacity) ? { min: LIMITS.capacity.min, max: LIMITS.capacity.max } : undefined,
    );
  const language = f.language ?? 'sv';
  if (!/^[a-z]{2}$/.test(language))
    fail('language', 'invalid_format', 'a two-letter language code such as sv or en', { format: 'ISO 639-1' });

  const opens = f.registrationOpens ? attempt(() => localToInstant(f.registrationOpens!, zone, 'registrationOpens')) : undefined;
  const closes = f.registrationCloses ? attempt(() => localToInstant(f.registrationCloses!, zone, 'registrationCloses')) : undefined;
  if (opens && closes && closes <= opens) fail('registrationCloses', 'end_before_start', 'registration closes before it opens');
  if (closes && endsAt && closes.toJSDate() > endsAt)
    fail('registrationCloses', 'after_event_end', 'registration must close before the event ends');

  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_event',
      `The event has ${details.length === 1 ? 'an invalid field' : 'invalid fields'}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );

  return {
    title,
    description,
    kind: f.kind,
    allDay: !!f.allDay,
    startsAt: startsAt!,
    endsAt: endsAt!,
    timeZone: zone,
    startDate,
    endDate,
    venueName: optionalText(f.venueName, LIMITS.venueName),
    address: optionalText(f.address, LIMITS.address),
    countyId,
    lat,
    lng,
    onlineUrl,
    onlineUrlPublic: !!f.onlineUrlPublic,
    visibility,
    language,
    capacity,
    registrationEnabled: f.registrationEnabled ?? true,
    registrationOpensAt: opens?.toJSDate() ?? null,
    registrationClosesAt: closes?.toJSDate() ?? null,
    contactEmail,
    themeIds: themeRows.map((t) => t.id),
  };
}

export function leadClusterId(db: Db, slug: string): number {
  const c = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, slug)).get();
  if (!c)
    throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${slug}"`, [
      { field: 'leadCluster', code: 'unknown_choice', message: 'unknown cluster' },
    ]);
  return c.id;
}

/** Fields whose change is a change of time, place or status: each raises the revision (ICS SEQUENCE). */
export const REVISION_FIELDS = [
  'allDay',
  'startsAt',
  'endsAt',
  'timeZone',
  'startDate',
  'endDate',
  'venueName',
  'address',
  'countyId',
  'lat',
  'lng',
  'onlineUrl',
  'status',
] as const;
