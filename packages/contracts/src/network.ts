import { Type, type Static } from 'typebox';
import { Id, Lang, NamedRef, Slug, StrictObject, Token } from './common.ts';
import { Clash, EventVisibility } from './events.ts';
import { LIMITS } from './limits.ts';
import { ReportFeedback } from './knowledge.ts';

const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const LocalDateTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$', description: 'wall-clock time, YYYY-MM-DDTHH:mm' });
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Slugs = (max: number = LIMITS.clusters) => Type.Array(Slug, { maxItems: max, uniqueItems: true });
export const SubscriptionTokenParams = StrictObject({ token: Token });
const Answer = Type.Union([Type.Literal('yes'), Type.Literal('maybe'), Type.Literal('no')]);

// ---- Polls ----
export const PollCreateBody = StrictObject({
  organiserCluster: Slug,
  title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
  description: Type.Optional(Type.String({ maxLength: LIMITS.pollDescription })),
  durationMinutes: Type.Integer({ minimum: LIMITS.pollMinutes.min, maximum: LIMITS.pollMinutes.max }),
  invitedClusters: Type.Array(Slug, { minItems: 1, maxItems: LIMITS.clusters, uniqueItems: true }),
  slots: Type.Array(LocalDateTime, { minItems: 1, maxItems: LIMITS.pollSlots }),
  closes: LocalDateTime,
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.timeZone })),
  venueName: Type.Optional(N(Type.String({ maxLength: LIMITS.venueName }))),
  onlineUrl: Type.Optional(N(Type.String({ maxLength: LIMITS.url }))),
});
export type PollCreateBody = Static<typeof PollCreateBody>;
export const Poll = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  durationMinutes: Type.Integer(),
  timeZone: Type.String(),
  organiser: NamedRef,
  invited: Type.Array(NamedRef),
  venueName: N(Type.String()),
  onlineUrl: N(Type.String()),
  closesAt: Type.String(),
  open: Type.Boolean(),
  finalSlotId: N(Type.Integer()),
  eventId: N(Type.Integer()),
  slots: Type.Array(
    Type.Object({
      id: Type.Integer(),
      startsAt: Type.String(),
      endsAt: Type.String(),
      start: Type.String(),
      /** by: the name of the coordinator who gave the cluster's answer (null once their account is gone); only invitees and the organiser read a poll. */
      answers: Type.Array(Type.Object({ cluster: NamedRef, answer: Answer, by: N(Type.String()) })),
      score: Type.Object({ yes: Type.Integer(), maybe: Type.Integer(), no: Type.Integer() }),
      clashes: Type.Array(Clash),
    }),
  ),
  /** The comment thread, oldest first; cluster: the cluster the author wrote for. */
  comments: Type.Array(
    Type.Object({ id: Type.Integer(), author: N(Type.String()), cluster: N(Type.String()), body: Type.String(), createdAt: Type.String() }),
  ),
  canAnswerFor: Type.Array(NamedRef),
  canFinalise: Type.Boolean(),
  /** The organiser may add and remove times and move or close the deadline until the poll is decided. */
  canEdit: Type.Boolean(),
  canComment: Type.Boolean(),
});
export type Poll = Static<typeof Poll>;
/** More candidate times, wall-clock in the poll's zone. */
export const PollSlotsBody = StrictObject({ slots: Type.Array(LocalDateTime, { minItems: 1, maxItems: LIMITS.pollSlots }) });
export const PollSlotParams = StrictObject({ id: Id, slotId: Id });
/** A new closing time, wall-clock in the poll's zone; it must lie ahead. */
export const PollDeadlineBody = StrictObject({ closes: LocalDateTime });
export const PollCommentBody = StrictObject({ body: Type.String({ minLength: 1, maxLength: LIMITS.comment }) });
export const PollAnswerBody = StrictObject({
  cluster: Slug,
  answers: Type.Array(StrictObject({ slotId: Id, answer: Answer }), { minItems: 1, maxItems: LIMITS.pollSlots }),
});
export const PollFinaliseBody = StrictObject({
  slotId: Id,
  /** The organiser's choices for the draft the decision makes; see finalisePoll for the defaults. */
  themes: Type.Optional(
    Type.Array(Slug, { minItems: 1, maxItems: LIMITS.themes, uniqueItems: true, description: 'left out: the draft has no theme yet' }),
  ),
  visibility: Type.Optional(EventVisibility),
  registrationEnabled: Type.Optional(Type.Boolean({ description: 'default false' })),
  venueName: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.venueName }), Type.Null()])),
  address: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.address }), Type.Null()])),
  onlineUrl: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.url }), Type.Null()])),
});
export const PollFinaliseResult = Type.Object({ poll: Poll, eventId: Type.Integer() });

// ---- Subscriptions ----
export const SubscribeBody = StrictObject({
  email: Type.String({ minLength: LIMITS.emailMin, maxLength: LIMITS.email }),
  language: Type.Optional(Lang),
  clusters: Slugs(),
  themes: Slugs(LIMITS.followedThemes),
});
export const SubscriptionUpdateBody = StrictObject({
  language: Type.Optional(Lang),
  clusters: Slugs(),
  themes: Slugs(LIMITS.followedThemes),
});
export const Subscription = Type.Object({
  email: Type.String(),
  language: Lang,
  confirmed: Type.Boolean(),
  clusters: Type.Array(Type.String()),
  themes: Type.Array(Type.String()),
});
export type Subscription = Static<typeof Subscription>;
export const OneClickBody = Type.Optional(
  Type.Object({ 'List-Unsubscribe': Type.Optional(Type.String({ maxLength: LIMITS.listUnsubscribe })) }, { additionalProperties: true }),
);

// ---- Invitations ----
export const SendAnnouncementBody = StrictObject({ cluster: Slug });
export const ShareAnnouncementBody = StrictObject({
  fromCluster: Slug,
  clusters: Type.Array(Slug, { minItems: 1, maxItems: LIMITS.clusters, uniqueItems: true }),
});
export const Recipients = Type.Object({ recipients: Type.Integer() });
export const Shared = Type.Object({ shared: Type.Array(Type.String()) });
export const SharedAnnouncement = Type.Object({
  event: Type.Object({ id: Type.Integer(), title: Type.String(), startsAt: Type.String() }),
  cluster: NamedRef,
  sharedBy: Type.String(),
  sharedAt: Type.String(),
  passedOnAt: N(Type.String()),
});
export type SharedAnnouncement = Static<typeof SharedAnnouncement>;

// ---- Newsletters ----
export const NewsletterBody = StrictObject({
  subject: Type.String({ minLength: 1, maxLength: LIMITS.subject }),
  body: Type.String({ minLength: 1, maxLength: LIMITS.newsletterBody, description: 'Markdown' }),
  themes: Slugs(LIMITS.followedThemes),
  clusters: Slugs(),
  cluster: Type.Optional(N(Slug)),
});
export type NewsletterBody = Static<typeof NewsletterBody>;
export const Newsletter = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  body: Type.String(),
  themes: Type.Array(Type.String()),
  clusters: Type.Array(Type.String()),
  from: N(NamedRef),
  status: Type.Union([Type.Literal('draft'), Type.Literal('sent')]),
  sentAt: N(Type.String()),
  recipients: N(Type.Integer()),
  createdAt: Type.String(),
  canEdit: Type.Boolean(),
});
export type Newsletter = Static<typeof Newsletter>;
export const NewsletterDetail = Type.Intersect([Newsletter, Type.Object({ html: N(Type.String()), text: N(Type.String()) })]);
export type NewsletterDetail = Static<typeof NewsletterDetail>;
export const NewsletterPreview = Type.Object({
  subject: Type.String(),
  html: Type.String(),
  text: Type.String(),
  events: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), startsAt: Type.String(), url: Type.String() })),
  deadlines: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), deadline: Type.String(), url: Type.String() })),
  recipients: Type.Integer(),
});
export type NewsletterPreview = Static<typeof NewsletterPreview>;
export const NewsletterQuery = StrictObject({ drafts: Type.Optional(Type.Boolean()) });

// ---- Horizon scanning ----
export const HorizonBody = StrictObject({
  title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
  url: Type.Optional(N(Type.String({ maxLength: LIMITS.url }))),
  summary: Type.String({ minLength: 1, maxLength: LIMITS.horizonSummary }),
  source: Type.String({ minLength: 1, maxLength: LIMITS.horizonSource }),
  themes: Type.Array(Slug, { minItems: 1, maxItems: LIMITS.themes, uniqueItems: true }),
  deadline: Type.Optional(N(LocalDate)),
  cluster: Type.Optional(N(Slug)),
});
export type HorizonBody = Static<typeof HorizonBody>;
export const HorizonItem = Type.Object({
  id: Type.Integer(),
  uid: Type.String(),
  title: Type.String(),
  url: N(Type.String()),
  summary: Type.String(),
  source: Type.String(),
  deadline: N(Type.String()),
  themes: Type.Array(Type.String()),
  cluster: N(NamedRef),
  relevantFor: Type.Array(NamedRef),
  comments: Type.Array(
    Type.Object({ id: Type.Integer(), author: N(Type.String()), cluster: N(Type.String()), body: Type.String(), createdAt: Type.String() }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  canEdit: Type.Boolean(),
  canDelete: Type.Boolean(),
});
export type HorizonItem = Static<typeof HorizonItem>;
export const HorizonQuery = StrictObject({
  theme: Type.Optional(Slug),
  closingWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.closingWithinDays })),
});
export const HorizonCommentBody = StrictObject({ body: Type.String({ minLength: 1, maxLength: LIMITS.comment }) });
export const RelevanceBody = StrictObject({ cluster: Slug, on: Type.Boolean() });

// ---- Reports ----
export const ReportQuery = StrictObject({ from: LocalDate, to: LocalDate, lang: Type.Optional(Lang) });
const Count = Type.Object({ key: Type.String(), label: Type.String(), count: Type.Integer() });
const RegCount = Type.Object({ key: Type.String(), label: Type.String(), count: Type.Integer(), checkedIn: Type.Integer() });
export const Report = Type.Object({
  from: Type.String(),
  to: Type.String(),
  events: Type.Object({
    total: Type.Integer(),
    cancelled: Type.Integer(),
    coHosted: Type.Integer(),
    byKind: Type.Array(Count),
    byTheme: Type.Array(Count),
    byCluster: Type.Array(Count),
  }),
  registrations: Type.Object({
    confirmed: Type.Integer(),
    checkedIn: Type.Integer(),
    byCluster: Type.Array(RegCount),
    byCounty: Type.Array(RegCount),
    byTheme: Type.Array(RegCount),
  }),
  proposals: Type.Object({ made: Type.Integer(), accepted: Type.Integer() }),
  months: Type.Array(Type.Object({ month: Type.String(), events: Type.Integer(), participants: Type.Integer() })),
  feedback: ReportFeedback,
});
export type Report = Static<typeof Report>;
/**
 * The report page's one call: the report and its monthly chart (SVG markup drawn on the server,
 * every text escaped) from the same build of the report, so the page does not build it twice.
 */
export const ReportPage = Type.Object({ report: Report, chart: Type.String({ description: 'image/svg+xml markup' }) });
export type ReportPage = Static<typeof ReportPage>;

// Types of the bodies and answers above, for the web app's API client (apps/web/src/lib/server/api.ts).
export type PollAnswerBody = Static<typeof PollAnswerBody>;
export type PollFinaliseBody = Static<typeof PollFinaliseBody>;
export type PollFinaliseResult = Static<typeof PollFinaliseResult>;
export type PollSlotsBody = Static<typeof PollSlotsBody>;
export type PollDeadlineBody = Static<typeof PollDeadlineBody>;
export type PollCommentBody = Static<typeof PollCommentBody>;
export type SubscribeBody = Static<typeof SubscribeBody>;
export type SubscriptionUpdateBody = Static<typeof SubscriptionUpdateBody>;
export type ShareAnnouncementBody = Static<typeof ShareAnnouncementBody>;
export type Recipients = Static<typeof Recipients>;
export type Shared = Static<typeof Shared>;
export type HorizonQuery = Static<typeof HorizonQuery>;
export type ReportQuery = Static<typeof ReportQuery>;
