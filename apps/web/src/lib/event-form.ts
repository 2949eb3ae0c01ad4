import type { Event } from '@samverka/contracts';
import { HOME_ZONE } from '$lib/datetime';

export type EventKind = Event['kind'];
export type EventVisibility = Event['visibility'];

const VISIBILITIES: Record<EventVisibility, true> = { public: true, unlisted: true, internal: true };
export const EVENT_VISIBILITIES = Object.keys(VISIBILITIES) as EventVisibility[];
export const isEventVisibility = (v: string): v is EventVisibility => Object.hasOwn(VISIBILITIES, v);

// A Record over the API's union: adding a kind to the API schema is a compile error here until
// it is listed (and the catalogues, whose `kinds` the pages index with it, name it).
const KINDS: Record<EventKind, true> = {
  workshop: true,
  network_meeting: true,
  webinar: true,
  study_visit: true,
  conference: true,
  other: true,
};
export const EVENT_KINDS = Object.keys(KINDS) as EventKind[];
export const isEventKind = (v: string): v is EventKind => Object.hasOwn(KINDS, v);

/** Zones offered in the form; an event in another zone keeps its own as an extra choice. */
export const TIME_ZONES = [HOME_ZONE, 'Europe/Helsinki', 'Europe/Oslo', 'Europe/Copenhagen', 'Europe/Berlin', 'Europe/London', 'UTC'];
export const EVENT_LANGUAGES = ['sv', 'en', 'fi'];

/** What the event forms (create, edit, series) hold: text as typed, so a failed post keeps it. */
export interface EventFormValues {
  leadCluster: string;
  title: string;
  description: string;
  kind: string;
  themes: string[];
  allDay: boolean;
  start: string;
  end: string;
  startDate: string;
  endDate: string;
  timeZone: string;
  venueName: string;
  address: string;
  county: string;
  lat: string;
  lng: string;
  onlineUrl: string;
  /** Show the meeting link to everyone; unchecked (the default) it is for confirmed participants. */
  onlineUrlPublic: boolean;
  visibility: EventVisibility;
  language: string;
  capacity: string;
  /** Editing: lowering the seats below those confirmed moves the latest to the top of the waiting list. */
  moveExcessToWaitlist: boolean;
  registrationEnabled: boolean;
  registrationOpens: string;
  registrationCloses: string;
  contactEmail: string;
  /** Series only. */
  rrule: string;
  firstDate: string;
  startTime: string;
  endTime: string;
  publish: boolean;
  /** Editing an occurrence of a series: this one, or this and the following ones. */
  scope: 'one' | 'following';
}

export function emptyEventValues(overrides: Partial<EventFormValues> = {}): EventFormValues {
  return {
    leadCluster: '',
    title: '',
    description: '',
    kind: 'workshop',
    themes: [],
    allDay: false,
    start: '',
    end: '',
    startDate: '',
    endDate: '',
    timeZone: HOME_ZONE,
    venueName: '',
    address: '',
    county: '',
    lat: '',
    lng: '',
    onlineUrl: '',
    onlineUrlPublic: false,
    visibility: 'public',
    language: 'sv',
    capacity: '',
    moveExcessToWaitlist: false,
    registrationEnabled: true,
    registrationOpens: '',
    registrationCloses: '',
    contactEmail: '',
    rrule: '',
    firstDate: '',
    startTime: '',
    endTime: '',
    publish: false,
    scope: 'one',
    ...overrides,
  };
}

/** Wall-clock time of an instant in a zone, "YYYY-MM-DDTHH:mm", as a datetime-local input wants it. */
function localInZone(iso: string, zone: string): string {
  const p: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const { type, value } of f.formatToParts(new Date(iso))) p[type] = value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

export function eventValues(e: Event): EventFormValues {
  return emptyEventValues({
    leadCluster: e.lead.slug,
    title: e.title,
    description: e.description,
    kind: e.kind,
    themes: e.themes,
    allDay: e.allDay,
    start: e.start,
    end: e.end,
    startDate: e.startDate ?? e.start.slice(0, 10),
    endDate: e.endDate ?? e.end.slice(0, 10),
    timeZone: e.timeZone,
    venueName: e.venueName ?? '',
    address: e.address ?? '',
    county: e.county?.slug ?? '',
    lat: e.lat === null ? '' : String(e.lat),
    lng: e.lng === null ? '' : String(e.lng),
    onlineUrl: e.onlineUrl ?? '',
    onlineUrlPublic: e.onlineUrlPublic,
    visibility: e.visibility,
    language: e.language,
    capacity: e.capacity === null ? '' : String(e.capacity),
    registrationEnabled: e.registrationEnabled,
    registrationOpens: e.registrationOpensAt ? localInZone(e.registrationOpensAt, e.timeZone) : '',
    registrationCloses: e.registrationClosesAt ? localInZone(e.registrationClosesAt, e.timeZone) : '',
    contactEmail: e.contactEmail ?? '',
  });
}
