import { Type, type Static } from 'typebox';
import { Id, NamedRef, Slug, StrictObject } from './common.ts';
import { LIMITS } from './limits.ts';

export const EventKind = Type.Union(
  [
    Type.Literal('workshop'),
    Type.Literal('network_meeting'),
    Type.Literal('webinar'),
    Type.Literal('study_visit'),
    Type.Literal('conference'),
    Type.Literal('other'),
  ],
  { description: 'the kind of event' },
);
export const EventStatus = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('cancelled')]);
export const EventVisibility = Type.Union([Type.Literal('public'), Type.Literal('unlisted'), Type.Literal('internal')], {
  description: 'public: in every list and feed; unlisted: only by its link; internal: coordinators and admins only',
});
export type EventVisibility = Static<typeof EventVisibility>;

const LocalDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$',
  description: 'wall-clock time in the event zone, YYYY-MM-DDTHH:mm',
});
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const eventFields = {
  title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
  description: Type.Optional(Type.String({ maxLength: LIMITS.eventDescription, description: 'Markdown' })),
  kind: EventKind,
  themes: Type.Array(Slug, { minItems: 1, maxItems: LIMITS.themes, uniqueItems: true }),
  allDay: Type.Optional(Type.Boolean()),
  start: Type.Optional(LocalDateTime),
  end: Type.Optional(LocalDateTime),
  startDate: Type.Optional(LocalDate),
  endDate: Type.Optional(LocalDate),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.timeZone, description: 'IANA zone; default Europe/Stockholm' })),
  venueName: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.venueName }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.address }))),
  county: Type.Optional(Nullable(Slug)),
  lat: Type.Optional(Nullable(Type.Number({ minimum: -LIMITS.latitude, maximum: LIMITS.latitude }))),
  lng: Type.Optional(Nullable(Type.Number({ minimum: -LIMITS.longitude, maximum: LIMITS.longitude }))),
  onlineUrl: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.url }))),
  onlineUrlPublic: Type.Optional(
    Type.Boolean({ description: 'show the meeting link to everyone; by default only confirmed participants and organisers get it' }),
  ),
  visibility: Type.Optional(EventVisibility),
  language: Type.Optional(Type.String({ pattern: '^[a-z]{2}$' })),
  capacity: Type.Optional(Nullable(Type.Integer({ minimum: LIMITS.capacity.min, maximum: LIMITS.capacity.max }))),
  registrationEnabled: Type.Optional(Type.Boolean({ description: 'takes registrations (default true)' })),
  registrationOpens: Type.Optional(Nullable(LocalDateTime)),
  registrationCloses: Type.Optional(Nullable(LocalDateTime)),
  contactEmail: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.email }))),
};

export const EventCreateBody = StrictObject({ leadCluster: Slug, ...eventFields });
export type EventCreateBody = Static<typeof EventCreateBody>;

export const EventPatchBody = StrictObject({
  ...eventFields,
  moveExcessToWaitlist: Type.Optional(
    Type.Boolean({
      description:
        'lowering capacity below the confirmed count: move the latest confirmed registrations to the top of the waiting list instead of refusing',
    }),
  ),
  title: Type.Optional(eventFields.title),
  kind: Type.Optional(EventKind),
  themes: Type.Optional(eventFields.themes),
});
export type EventPatchBody = Static<typeof EventPatchBody>;

export const Organiser = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('lead'), Type.Literal('cohost')]),
  status: Type.Union([Type.Literal('invited'), Type.Literal('accepted'), Type.Literal('declined')]),
});
export type Organiser = Static<typeof Organiser>;

const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Event = Type.Object({
  id: Type.Integer(),
  uid: Type.String(),
  title: Type.String(),
  description: Type.String(),
  descriptionHtml: Type.String({ description: 'sanitised HTML rendered from the Markdown (empty in lists)' }),
  kind: EventKind,
  status: EventStatus,
  cancelReason: N(Type.String()),
  allDay: Type.Boolean(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  timeZone: Type.String(),
  start: Type.String({ description: 'wall-clock start in the event zone, YYYY-MM-DDTHH:mm' }),
  end: Type.String({ description: 'wall-clock end in the event zone, YYYY-MM-DDTHH:mm' }),
  startDate: N(Type.String()),
  endDate: N(Type.String()),
  venueName: N(Type.String()),
  address: N(Type.String()),
  county: N(NamedRef),
  lat: N(Type.Number()),
  lng: N(Type.Number()),
  onlineUrl: N(Type.String({ description: 'the meeting link; null for those it is not for (see hasOnlineUrl)' })),
  hasOnlineUrl: Type.Boolean({ description: 'the event has a meeting link, shown or not' }),
  onlineUrlPublic: Type.Boolean({ description: 'the meeting link is shown to everyone' }),
  visibility: EventVisibility,
  language: Type.String(),
  capacity: N(Type.Integer()),
  registrationEnabled: Type.Boolean(),
  registrationOpensAt: N(Type.String()),
  registrationClosesAt: N(Type.String()),
  contactEmail: N(Type.String()),
  lead: NamedRef,
  organisers: Type.Array(Organiser),
  themes: Type.Array(Type.String()),
  seriesId: N(Type.Integer()),
  revision: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  canEdit: Type.Boolean({ description: 'manages the event (also when cancelled, though changes are then refused)' }),
  canInvite: Type.Boolean({ description: 'may invite and remove co-hosts: the lead, and the event is not cancelled' }),
  canUpdate: Type.Boolean({ description: 'may change the event now: manages it and it is not cancelled' }),
  canPublish: Type.Boolean({ description: 'may publish: manages the event and it is a draft' }),
  canCancel: Type.Boolean({ description: 'may cancel: manages the event and it is published (a draft is deleted instead)' }),
  canDelete: Type.Boolean({ description: 'may delete: a draft for its organisers, any event for an admin' }),
  canSeeAttendees: Type.Boolean({ description: 'may list the registrations and download them' }),
  canCopy: Type.Boolean({ description: 'may copy the event into a new draft (the lead cluster coordinators and admins)' }),
  canAnswerAs: Type.Array(NamedRef, { description: 'invited co-hosts whose invitation I may accept or decline' }),
  inviteOptions: Type.Array(NamedRef, { description: 'clusters I may invite as co-hosts now (empty in lists)' }),
  announceAs: Type.Array(NamedRef, { description: 'organising clusters I may mail and share the announcement for' }),
});
export type Event = Static<typeof Event>;

export const Clash = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  lead: Type.String(),
});
export type Clash = Static<typeof Clash>;
export const EventWithClashes = Type.Object({ event: Event, clashes: Type.Array(Clash) });
export type EventWithClashes = Static<typeof EventWithClashes>;

export const EventPage = Type.Object({ events: Type.Array(Event), nextCursor: N(Type.String()) });
export type EventPage = Static<typeof EventPage>;

const Boundary = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?$',
  description: 'a date (midnight in Stockholm) or an ISO date-time',
});
export const EventQuery = StrictObject({
  from: Type.Optional(Boundary),
  to: Type.Optional(Boundary),
  cluster: Type.Optional(Slug),
  theme: Type.Optional(Slug),
  kind: Type.Optional(EventKind),
  county: Type.Optional(Slug),
  status: Type.Optional(EventStatus),
  q: Type.Optional(Type.String({ maxLength: LIMITS.search })),
  cursor: Type.Optional(Type.String({ maxLength: LIMITS.cursor, pattern: '^[A-Za-z0-9_-]+$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSize.max })),
});
export type EventQuery = Static<typeof EventQuery>;
export const EventBriefQuery = StrictObject({
  ...EventQuery.properties,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSize.briefMax })),
});
export type EventBriefQuery = Static<typeof EventBriefQuery>;

/** When an event is, as every list shows it: instants (UTC), its zone, wall-clock times in that zone, and the dates of an all-day event. */
export const EventTiming = {
  allDay: Type.Boolean(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  timeZone: Type.String(),
  start: Type.String(),
  end: Type.String(),
  startDate: N(Type.String()),
  endDate: N(Type.String()),
};
export type EventTiming = Static<ReturnType<typeof Type.Object<typeof EventTiming>>>;

export const EventBrief = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  kind: EventKind,
  status: EventStatus,
  ...EventTiming,
});
export type EventBrief = Static<typeof EventBrief>;
export const EventBriefPage = Type.Object({ events: Type.Array(EventBrief), nextCursor: N(Type.String()) });
export type EventBriefPage = Static<typeof EventBriefPage>;

/**
 * An event as a list of events shows it (the calendar list, lib/components/EventSummary.svelte):
 * the brief item with its place and organisers, without description, rights or timestamps.
 */
export const EventSummary = Type.Object({
  ...EventBrief.properties,
  venueName: N(Type.String()),
  hasOnlineUrl: Type.Boolean({ description: 'the event has a meeting link, shown or not' }),
  visibility: EventVisibility,
  county: N(NamedRef),
  lead: NamedRef,
  organisers: Type.Array(Organiser),
});
export type EventSummary = Static<typeof EventSummary>;
export const EventSummaryPage = Type.Object({ events: Type.Array(EventSummary), nextCursor: N(Type.String()) });
export type EventSummaryPage = Static<typeof EventSummaryPage>;

export const PublishQuery = StrictObject({
  evenIfPast: Type.Optional(Type.Boolean({ description: 'publish an event that is already over (otherwise 422 in_the_past)' })),
});
export const CancelBody = StrictObject({ reason: Type.String({ minLength: 1, maxLength: LIMITS.reason }) });
export const InviteCohostBody = StrictObject({ cluster: Slug });
export const AnswerCohostInvitationBody = StrictObject({ accept: Type.Boolean() });
export const EventClusterParams = StrictObject({ id: Id, slug: Slug });

export const AuditEntry = Type.Object({
  at: Type.String(),
  action: Type.String(),
  user: N(Type.String()),
  changes: Type.Record(Type.String(), Type.Array(Type.Unknown())),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditLog = Type.Array(AuditEntry);

export const PendingCohostInvitation = Type.Object({
  event: Type.Object({ id: Type.Integer(), title: Type.String(), startsAt: Type.String(), status: EventStatus, lead: Type.String() }),
  cluster: NamedRef,
  invitedAt: Type.String(),
});
export type PendingCohostInvitation = Static<typeof PendingCohostInvitation>;

const TimeOfDay = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:mm' });
const { start: _s, end: _e, startDate: _sd, endDate: _ed, allDay: _ad, ...seriesFields } = eventFields;
export const SeriesCreateBody = StrictObject({
  leadCluster: Slug,
  ...seriesFields,
  rrule: Type.String({
    minLength: LIMITS.rruleMin,
    maxLength: LIMITS.rrule,
    description: 'RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=+2TU;COUNT=10',
  }),
  firstDate: LocalDate,
  startTime: TimeOfDay,
  endTime: TimeOfDay,
  publish: Type.Optional(Type.Boolean()),
  evenIfPast: Type.Optional(
    Type.Boolean({ description: 'publish although some meetings are already over (otherwise 422 in_the_past when publish is true)' }),
  ),
});
export type SeriesCreateBody = Static<typeof SeriesCreateBody>;
export const SeriesPatchBody = StrictObject({
  ...seriesFields,
  title: Type.Optional(eventFields.title),
  kind: Type.Optional(EventKind),
  themes: Type.Optional(eventFields.themes),
  startTime: Type.Optional(TimeOfDay),
  endTime: Type.Optional(TimeOfDay),
});
export type SeriesPatchBody = Static<typeof SeriesPatchBody>;
export const SeriesResult = Type.Object({ seriesId: Type.Integer(), eventIds: Type.Array(Type.Integer()), clashes: Type.Array(Clash) });
export type SeriesResult = Static<typeof SeriesResult>;
/** The occurrences a change "from this one on" touched. */
export const SeriesUpdateResult = Type.Object({ eventIds: Type.Array(Type.Integer()) });
export type SeriesUpdateResult = Static<typeof SeriesUpdateResult>;
export const Series = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  rrule: Type.String(),
  timeZone: Type.String(),
  occurrences: Type.Array(Type.Object({ id: Type.Integer(), startsAt: Type.String(), status: EventStatus })),
});
export type Series = Static<typeof Series>;
export const SeriesFromParams = StrictObject({
  id: Id,
  eventId: Id,
});
