import { LIMITS } from '@samverka/contracts';
import type { Messages } from '$lib/i18n';
import { emptyEventValues, isEventKind, isEventVisibility, type EventFormValues, type EventKind } from '$lib/event-form';
import type { EventCreateBody, EventPatchBody, SeriesCreateBody, SeriesPatchBody } from './api.ts';
import { field } from './forms.ts';

const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}/;

/** A datetime-local or time input may send seconds ("…T10:00:00"); the API takes minutes. */
const minutes = (v: string, re: RegExp, len: number) => (re.test(v) ? v.slice(0, len) : v);

export function readEventForm(form: FormData): EventFormValues {
  const scope = field(form, 'scope');
  const visibility = field(form, 'visibility');
  return emptyEventValues({
    leadCluster: field(form, 'leadCluster'),
    title: field(form, 'title'),
    description: String(form.get('description') ?? ''),
    kind: field(form, 'kind'),
    themes: form.getAll('themes').filter((t): t is string => typeof t === 'string' && t !== ''),
    allDay: form.get('allDay') === 'on',
    start: minutes(field(form, 'start'), LOCAL_DATETIME, 16),
    end: minutes(field(form, 'end'), LOCAL_DATETIME, 16),
    startDate: field(form, 'startDate'),
    endDate: field(form, 'endDate'),
    timeZone: field(form, 'timeZone'),
    venueName: field(form, 'venueName'),
    address: field(form, 'address'),
    county: field(form, 'county'),
    lat: field(form, 'lat'),
    lng: field(form, 'lng'),
    onlineUrl: field(form, 'onlineUrl'),
    onlineUrlPublic: form.get('onlineUrlPublic') === 'on',
    visibility: isEventVisibility(visibility) ? visibility : 'public',
    language: field(form, 'language'),
    capacity: field(form, 'capacity'),
    moveExcessToWaitlist: form.get('moveExcessToWaitlist') === 'on',
    // A form without the field (the series forms) leaves registration on.
    registrationEnabled: form.has('registrationShown') ? form.get('registrationEnabled') === 'on' : true,
    registrationOpens: minutes(field(form, 'registrationOpens'), LOCAL_DATETIME, 16),
    registrationCloses: minutes(field(form, 'registrationCloses'), LOCAL_DATETIME, 16),
    contactEmail: field(form, 'contactEmail'),
    rrule: field(form, 'rrule'),
    firstDate: field(form, 'firstDate'),
    startTime: minutes(field(form, 'startTime'), TIME, 5),
    endTime: minutes(field(form, 'endTime'), TIME, 5),
    publish: form.get('publish') === 'on',
    scope: scope === 'following' ? 'following' : 'one',
  });
}

type Errors = Record<string, string>;
const orNull = (v: string) => (v === '' ? null : v);

/**
 * The fields every event form shares, checked here only for what the browser cannot send in the
 * API's types (numbers) and for what is plainly missing, so those messages are in the reader's
 * language and all of them show at once; every rule beyond that is the API's.
 */
function commonFields(v: EventFormValues, m: Messages, errors: Errors) {
  if (!v.title) errors.title = m.errRequired;
  if (!isEventKind(v.kind)) errors.kind = m.errRequired;
  if (v.themes.length === 0) errors.themes = m.errChooseTheme;
  else if (v.themes.length > LIMITS.themes) errors.themes = m.errTooManyThemes;
  const number = (name: 'lat' | 'lng' | 'capacity', whole: boolean): number | null => {
    const raw = v[name].replace(',', '.');
    if (raw === '') return null;
    const n = Number(raw);
    if (!Number.isFinite(n) || (whole && !Number.isInteger(n))) {
      errors[name] = whole ? m.errWholeNumber : m.errNumber;
      return null;
    }
    return n;
  };
  return {
    title: v.title,
    description: v.description,
    kind: v.kind as EventKind,
    themes: [...new Set(v.themes)],
    timeZone: v.timeZone || undefined,
    venueName: orNull(v.venueName),
    address: orNull(v.address),
    county: orNull(v.county),
    lat: number('lat', false),
    lng: number('lng', false),
    onlineUrl: orNull(v.onlineUrl),
    onlineUrlPublic: v.onlineUrlPublic,
    visibility: v.visibility,
    language: v.language || undefined,
    capacity: number('capacity', true),
    contactEmail: orNull(v.contactEmail),
  };
}

function timing(v: EventFormValues, m: Messages, errors: Errors) {
  if (v.allDay) {
    if (!DATE.test(v.startDate)) errors.startDate = m.errDate;
    if (v.endDate && !DATE.test(v.endDate)) errors.endDate = m.errDate;
    return { allDay: true, startDate: v.startDate, endDate: v.endDate || v.startDate };
  }
  if (!LOCAL_DATETIME.test(v.start)) errors.start = m.errDateTime;
  if (!LOCAL_DATETIME.test(v.end)) errors.end = m.errDateTime;
  return { allDay: false, start: v.start, end: v.end };
}

function registration(v: EventFormValues, m: Messages, errors: Errors) {
  if (v.registrationOpens && !LOCAL_DATETIME.test(v.registrationOpens)) errors.registrationOpens = m.errDateTime;
  if (v.registrationCloses && !LOCAL_DATETIME.test(v.registrationCloses)) errors.registrationCloses = m.errDateTime;
  return {
    registrationEnabled: v.registrationEnabled,
    registrationOpens: orNull(v.registrationOpens),
    registrationCloses: orNull(v.registrationCloses),
  };
}

export type Checked<T> = { ok: true; body: T } | { ok: false; errors: Errors };
const done = <T>(body: T, errors: Errors): Checked<T> => (Object.keys(errors).length ? { ok: false, errors } : { ok: true, body });

export function createBody(v: EventFormValues, m: Messages): Checked<EventCreateBody> {
  const errors: Errors = {};
  if (!v.leadCluster) errors.leadCluster = m.errRequired;
  const body = { leadCluster: v.leadCluster, ...commonFields(v, m, errors), ...timing(v, m, errors), ...registration(v, m, errors) };
  return done(body, errors);
}

export function patchBody(v: EventFormValues, m: Messages): Checked<EventPatchBody> {
  const errors: Errors = {};
  const body = {
    ...commonFields(v, m, errors),
    ...timing(v, m, errors),
    ...registration(v, m, errors),
    ...(v.moveExcessToWaitlist ? { moveExcessToWaitlist: true } : {}),
  };
  return done(body, errors);
}

/** "This and the following": the shared fields, with the times of day taken from the start and end. */
export function seriesPatchBody(v: EventFormValues, m: Messages): Checked<SeriesPatchBody> {
  const errors: Errors = {};
  if (v.allDay) errors.allDay = m.errSeriesAllDay;
  if (!LOCAL_DATETIME.test(v.start)) errors.start = m.errDateTime;
  if (!LOCAL_DATETIME.test(v.end)) errors.end = m.errDateTime;
  const body = { ...commonFields(v, m, errors), startTime: v.start.slice(11, 16), endTime: v.end.slice(11, 16) };
  return done(body, errors);
}

export function seriesCreateBody(v: EventFormValues, m: Messages): Checked<SeriesCreateBody> {
  const errors: Errors = {};
  if (!v.leadCluster) errors.leadCluster = m.errRequired;
  if (!v.rrule) errors.rrule = m.errRequired;
  if (!DATE.test(v.firstDate)) errors.firstDate = m.errDate;
  if (!TIME.test(v.startTime)) errors.startTime = m.errTime;
  if (!TIME.test(v.endTime)) errors.endTime = m.errTime;
  const body = {
    leadCluster: v.leadCluster,
    ...commonFields(v, m, errors),
    rrule: v.rrule,
    firstDate: v.firstDate,
    startTime: v.startTime,
    endTime: v.endTime,
    publish: v.publish,
  };
  return done(body, errors);
}
