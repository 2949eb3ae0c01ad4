// Scheduling polls, mailings, horizon scanning and reports (the network pages).
import type {
  HorizonBody,
  HorizonItem,
  HorizonQuery,
  Newsletter,
  NewsletterBody,
  NewsletterDetail,
  NewsletterPreview,
  Poll,
  PollAnswerBody,
  PollCommentBody,
  PollCreateBody,
  PollDeadlineBody,
  PollFinaliseBody,
  PollSlotsBody,
  PollFinaliseResult,
  Recipients,
  Report,
  ReportPage,
  ReportQuery,
  Shared,
  ShareAnnouncementBody,
  SharedAnnouncement,
  StartPage,
  SubscribeBody,
  Subscription,
  SubscriptionUpdateBody,
} from '@samverka/contracts';
export type {
  HorizonBody,
  HorizonItem,
  Newsletter,
  NewsletterBody,
  NewsletterDetail,
  NewsletterPreview,
  Poll,
  Report,
  SharedAnnouncement,
  Subscription,
} from '@samverka/contracts';
import type {
  AcceptBody,
  AcceptResult,
  AuditEntry,
  Cluster,
  ClusterDetail,
  ClusterPatch,
  County,
  Dashboard,
  ErrorBody,
  Event,
  EventCreateBody,
  EventPage,
  EventPatchBody,
  EventBriefPage,
  EventBriefQuery,
  EventQuery,
  EventSummaryPage,
  EventWithClashes,
  InviteBody,
  Message,
  NotificationSettings,
  NotificationSettingsBody,
  OutboxPage,
  PendingCohostInvitation,
  PersonalFeed,
  Proposal,
  ProposalCreateBody,
  ProposalBoard,
  ProposalQuery,
  RespondBody,
  Series,
  SeriesCreateBody,
  SeriesPatchBody,
  SeriesResult,
  SeriesUpdateResult,
  Session,
  Theme,
  User,
} from '@samverka/contracts';
import type {
  AttendeeExportQuery,
  AttendeeList,
  PersonalData,
  AttendeeQuery,
  CheckInBody,
  MessageBody,
  MessageResult,
  Registration,
  RegistrationBody,
  RegistrationPatch,
  RegistrationResult,
  RegistrationSummary,
} from '@samverka/contracts';
import type { CopyEventBody, Question, QuestionsBody } from '@samverka/contracts';
export type { Question } from '@samverka/contracts';
import type {
  DocumentationBody,
  EmbedListing,
  EmbedQuery,
  EventMaterials,
  EventOverview,
  FeedbackBody,
  FeedbackForm,
  FeedbackResults,
  KnowledgePage,
  KnowledgeQuery,
  LinkBody,
  Material,
  MaterialPatch,
  ParticipantMaterials,
  StorageUsage,
  SurveySettings,
  SurveySettingsBody,
} from '@samverka/contracts';
export type {
  EmbedListing,
  EventMaterials,
  FeedbackForm,
  FeedbackResults,
  KnowledgePage,
  Material,
  ParticipantMaterials,
  StorageUsage,
  SurveySettings,
} from '@samverka/contracts';
import { env } from '$env/dynamic/private';

/**
 * The one client the web app uses to reach the API. In production the API runs in the same
 * process: requests go through Fastify's inject (no socket, same validation and access rules).
 * In `vite dev` they go over HTTP to API_URL.
 */
export type ApiError = ErrorBody['error'] & { status: number };
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiError };

interface InjectResponse {
  statusCode: number;
  body: string;
}
interface InjectOptions {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  remoteAddress?: string;
  /** false: light-my-request skips checking these options against its JSON schema (they are ours, and right). */
  validate?: boolean;
}
interface InProcessApi {
  inject(opts: InjectOptions, done: (err: Error | null, res?: InjectResponse) => void): void;
}

const inProcess = () => (globalThis as Record<symbol, unknown>)[Symbol.for('samverka.api')] as InProcessApi | undefined;
/** The API's direct answer to GET /api/me for a token (apps/api/src/plugins/web.ts), null when it has none. */
const inProcessMe = () =>
  (globalThis as Record<symbol, unknown>)[Symbol.for('samverka.me')] as ((token: string) => User | null) | undefined;

/**
 * GET /api/me: every logged-in page starts with it, so in production the API answers it
 * directly (no request through inject, no JSON); a token it cannot resolve goes through the
 * request, so the error answer is the API's own.
 */
async function getMe(ctx: ApiContext): Promise<ApiResult<User>> {
  const user = ctx.token ? inProcessMe()?.(ctx.token) : null;
  if (user) return { ok: true, status: 200, data: user };
  return call<User>(ctx, 'GET', '/api/me');
}

/**
 * One request through Fastify's inject: every hook, schema and access rule of the API runs as
 * for a request over HTTP. The callback form, since the promise form builds a chain object and
 * waits a tick before it starts.
 */
function injected<R = InjectResponse>(api: InProcessApi, opts: InjectOptions): Promise<R> {
  opts.validate = false;
  return new Promise((resolve, reject) => api.inject(opts, (err, res) => (err ? reject(err) : resolve(res as R))));
}

export interface ApiContext {
  token: string | null;
  clientAddress: string;
  lang: string;
}

async function send(ctx: ApiContext, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'accept-language': ctx.lang };
  if (ctx.token) headers.authorization = `Bearer ${ctx.token}`;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = 'application/json';

  let status: number;
  let text: string;
  const api = inProcess();
  if (api) {
    // The client's own address, so per-address rate limits count people, not the web app.
    const res = await injected(api, { method, url: path, headers, payload, remoteAddress: ctx.clientAddress });
    status = res.statusCode;
    text = res.body;
  } else {
    const res = await fetch(`${env.API_URL ?? 'http://localhost:3001'}${path}`, { method, headers, body: payload });
    status = res.status;
    text = await res.text();
  }
  return { status, text };
}

async function call<T>(ctx: ApiContext, method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const { status, text } = await send(ctx, method, path, body);
  const json = text ? JSON.parse(text) : null;
  if (status >= 400) return { ok: false, status, error: { ...(json as ErrorBody).error, status } };
  return { ok: true, status, data: json as T };
}

/** A GET whose answer is not JSON (the report's CSV and SVG): the body as text; errors are JSON as always. */
async function callText(ctx: ApiContext, path: string): Promise<ApiResult<string>> {
  const { status, text } = await send(ctx, 'GET', path);
  if (status >= 400) return { ok: false, status, error: { ...(JSON.parse(text) as ErrorBody).error, status } };
  return { ok: true, status, data: text };
}

/**
 * A GET whose answer is not JSON (the attendee CSV), as a Response with the API's status and
 * headers for a +server.ts endpoint to pass on. Over HTTP the body streams through as it comes.
 */
async function passThrough(ctx: ApiContext, path: string): Promise<Response> {
  const headers: Record<string, string> = { 'accept-language': ctx.lang };
  if (ctx.token) headers.authorization = `Bearer ${ctx.token}`;
  const api = inProcess();
  if (!api) return fetch(`${env.API_URL ?? 'http://localhost:3001'}${path}`, { headers });
  const res = await injected<
    InjectResponse & {
      headers: Record<string, string | string[] | number | undefined>;
      rawPayload: Uint8Array;
    }
  >(api, { method: 'GET', url: path, headers, remoteAddress: ctx.clientAddress });
  const out = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : String(v));
  return new Response(new Uint8Array(res.rawPayload), { status: res.statusCode, headers: out });
}

const enc = encodeURIComponent;

/** A query string from the defined, non-empty values (so an unset filter is not sent as ""). */
function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export type {
  AuditEntry,
  Clash,
  Event,
  EventCreateBody,
  EventPatchBody,
  EventSummary,
  PendingCohostInvitation,
  Proposal,
  Series,
  SeriesCreateBody,
  SeriesPatchBody,
  Theme,
  User,
} from '@samverka/contracts';
export type EventKind = Event['kind'];
export type EventStatus = Event['status'];

export function createApi(ctx: ApiContext) {
  return {
    clusters: {
      list: () => call<Cluster[]>(ctx, 'GET', '/api/clusters'),
      get: (slug: string) => call<ClusterDetail>(ctx, 'GET', `/api/clusters/${enc(slug)}`),
      update: (slug: string, patch: ClusterPatch) => call<ClusterDetail>(ctx, 'PATCH', `/api/clusters/${enc(slug)}`, patch),
    },
    /** The start page's events, deadlines, newsletter and (for coordinators) what waits for them. */
    start: () => call<StartPage>(ctx, 'GET', '/api/start'),
    reference: {
      themes: () => call<Theme[]>(ctx, 'GET', '/api/themes'),
      counties: () => call<County[]>(ctx, 'GET', '/api/counties'),
    },
    auth: {
      login: (email: string, password: string) => call<Session>(ctx, 'POST', '/api/auth/login', { email, password }),
      requestLink: (email: string) => call<Message>(ctx, 'POST', '/api/auth/login-link', { email }),
      redeemLink: (token: string) => call<Session>(ctx, 'POST', '/api/auth/login-link/redeem', { token }),
      logout: () => call<null>(ctx, 'POST', '/api/auth/logout'),
      logoutEverywhere: () => call<null>(ctx, 'POST', '/api/auth/logout-everywhere'),
    },
    me: {
      get: () => getMe(ctx),
      setLanguage: (language: 'sv' | 'en') => call<User>(ctx, 'PATCH', '/api/me', { language }),
      setPassword: (password: string) => call<null>(ctx, 'PUT', '/api/me/password', { password }),
      feed: () => call<PersonalFeed>(ctx, 'GET', '/api/me/feed'),
      regenerateFeed: () => call<PersonalFeed>(ctx, 'POST', '/api/me/feed/regenerate'),
      revokeFeed: () => call<null>(ctx, 'DELETE', '/api/me/feed'),
      cohostInvitations: () => call<PendingCohostInvitation[]>(ctx, 'GET', '/api/me/cohost-invitations'),
      /** The coordinator dashboard's data in one call; `from` is the reader's today (YYYY-MM-DD). */
      dashboard: (from: string) => call<Dashboard>(ctx, 'GET', `/api/me/dashboard?from=${from}`),
      notificationSettings: () => call<NotificationSettings>(ctx, 'GET', '/api/me/notification-settings'),
      setNotificationSettings: (body: NotificationSettingsBody) =>
        call<NotificationSettings>(ctx, 'PUT', '/api/me/notification-settings', body),
    },
    events: {
      list: (q: EventQuery = {}) => call<EventPage>(ctx, 'GET', `/api/events${query(q)}`),
      brief: (q: EventBriefQuery = {}) => call<EventBriefPage>(ctx, 'GET', `/api/events/brief${query(q)}`),
      /** The list as EventSummary.svelte shows it (no descriptions or rights). */
      summaries: (q: EventQuery = {}) => call<EventSummaryPage>(ctx, 'GET', `/api/events/summaries${query(q)}`),
      get: (id: number) => call<Event>(ctx, 'GET', `/api/events/${id}`),
      /**
       * The event page's data: the event, its registration summary, questions and materials;
       * withAudit: also the change log when the reader may edit the event (else no `audit`).
       */
      overview: (id: number, withAudit = false) =>
        call<EventOverview>(ctx, 'GET', `/api/events/${id}/overview${withAudit ? '?audit=true' : ''}`),
      create: (body: EventCreateBody) => call<EventWithClashes>(ctx, 'POST', '/api/events', body),
      update: (id: number, patch: EventPatchBody) => call<EventWithClashes>(ctx, 'PATCH', `/api/events/${id}`, patch),
      remove: (id: number) => call<null>(ctx, 'DELETE', `/api/events/${id}`),
      /** evenIfPast: the organiser confirmed publishing an event that is already over (else 422 in_the_past). */
      publish: (id: number, evenIfPast = false) =>
        call<Event>(ctx, 'POST', `/api/events/${id}/publish${evenIfPast ? '?evenIfPast=true' : ''}`),
      cancel: (id: number, reason: string) => call<Event>(ctx, 'POST', `/api/events/${id}/cancel`, { reason }),
      audit: (id: number) => call<AuditEntry[]>(ctx, 'GET', `/api/events/${id}/audit`),
      inviteCohost: (id: number, cluster: string) => call<Event>(ctx, 'POST', `/api/events/${id}/organisers`, { cluster }),
      answerCohostInvitation: (id: number, slug: string, accept: boolean) =>
        call<Event>(ctx, 'POST', `/api/events/${id}/organisers/${enc(slug)}/answer`, { accept }),
      removeCohost: (id: number, slug: string) => call<Event>(ctx, 'DELETE', `/api/events/${id}/organisers/${enc(slug)}`),
      /** The event's own registration questions, in form order. */
      questions: (id: number) => call<Question[]>(ctx, 'GET', `/api/events/${id}/questions`),
      setQuestions: (id: number, body: QuestionsBody) => call<Question[]>(ctx, 'PUT', `/api/events/${id}/questions`, body),
      /** A new draft like the event, starting at the given start. */
      copy: (id: number, body: CopyEventBody) => call<EventWithClashes>(ctx, 'POST', `/api/events/${id}/copy`, body),
    },
    series: {
      create: (body: SeriesCreateBody) => call<SeriesResult>(ctx, 'POST', '/api/series', body),
      get: (id: number) => call<Series>(ctx, 'GET', `/api/series/${id}`),
      updateFrom: (id: number, eventId: number, patch: SeriesPatchBody) =>
        call<SeriesUpdateResult>(ctx, 'PATCH', `/api/series/${id}/from/${eventId}`, patch),
    },
    proposals: {
      list: (q: ProposalQuery = {}) => call<ProposalBoard>(ctx, 'GET', `/api/proposals${query(q)}`),
      get: (id: number) => call<Proposal>(ctx, 'GET', `/api/proposals/${id}`),
      create: (body: ProposalCreateBody) => call<Proposal>(ctx, 'POST', '/api/proposals', body),
      comment: (id: number, body: string) => call<Proposal>(ctx, 'POST', `/api/proposals/${id}/comments`, { body }),
      respond: (id: number, body: RespondBody) => call<Proposal>(ctx, 'POST', `/api/proposals/${id}/responses`, body),
      accept: (id: number, body: AcceptBody) => call<AcceptResult>(ctx, 'POST', `/api/proposals/${id}/accept`, body),
      decline: (id: number, reason: string) => call<Proposal>(ctx, 'POST', `/api/proposals/${id}/decline`, { reason }),
    },
    registrations: {
      summary: (eventId: number) => call<RegistrationSummary>(ctx, 'GET', `/api/events/${eventId}/registration-summary`),
      register: (eventId: number, body: RegistrationBody) =>
        call<RegistrationResult>(ctx, 'POST', `/api/events/${eventId}/registrations`, body),
      attendees: (eventId: number, filter: AttendeeQuery = {}) =>
        call<AttendeeList>(ctx, 'GET', `/api/events/${eventId}/registrations${query(filter)}`),
      attendeesCsv: (eventId: number, lang: 'sv' | 'en') => passThrough(ctx, `/api/events/${eventId}/registrations.csv?lang=${lang}`),
      /** The list as a spreadsheet for people: .xlsx, or CSV for Excel (`;`), in `lang`, narrowed as the page is. */
      attendeesSheet: (eventId: number, format: 'xlsx' | 'csv', q: AttendeeExportQuery) =>
        passThrough(ctx, `/api/events/${eventId}/registrations.${format === 'xlsx' ? 'xlsx' : 'excel.csv'}${query(q)}`),
      checkIn: (eventId: number, registrationId: number, checkedIn: boolean) =>
        call<Registration>(ctx, 'POST', `/api/events/${eventId}/registrations/${registrationId}/check-in`, {
          checkedIn,
        } satisfies CheckInBody),
      message: (eventId: number, body: MessageBody) => call<MessageResult>(ctx, 'POST', `/api/events/${eventId}/messages`, body),
      // The participant's private manage link: the token is the only key.
      get: (token: string) => call<Registration>(ctx, 'GET', `/api/registrations/${enc(token)}`),
      update: (token: string, patch: RegistrationPatch) => call<Registration>(ctx, 'PATCH', `/api/registrations/${enc(token)}`, patch),
      cancel: (token: string) => call<Registration>(ctx, 'POST', `/api/registrations/${enc(token)}/cancel`),
      deletePersonalData: (token: string) => call<null>(ctx, 'DELETE', `/api/registrations/${enc(token)}`),
      personalData: (token: string) => call<PersonalData>(ctx, 'GET', `/api/registrations/${enc(token)}/personal-data`),
    },
    admin: {
      users: () => call<User[]>(ctx, 'GET', '/api/admin/users'),
      invite: (body: InviteBody) => call<User>(ctx, 'POST', '/api/admin/users', body),
      setAdmin: (id: number, isAdmin: boolean) => call<User>(ctx, 'PATCH', `/api/admin/users/${id}`, { isAdmin }),
      grant: (id: number, slug: string) => call<User>(ctx, 'PUT', `/api/admin/users/${id}/clusters/${enc(slug)}`),
      revoke: (id: number, slug: string) => call<User>(ctx, 'DELETE', `/api/admin/users/${id}/clusters/${enc(slug)}`),
      outbox: (status?: string) => call<OutboxPage>(ctx, 'GET', `/api/admin/outbox${status ? `?status=${enc(status)}` : ''}`),
    },
    polls: {
      list: () => call<Poll[]>(ctx, 'GET', '/api/polls'),
      get: (id: number) => call<Poll>(ctx, 'GET', `/api/polls/${id}`),
      create: (body: PollCreateBody) => call<Poll>(ctx, 'POST', '/api/polls', body),
      answer: (id: number, body: PollAnswerBody) => call<Poll>(ctx, 'POST', `/api/polls/${id}/answers`, body),
      finalise: (id: number, body: PollFinaliseBody) => call<PollFinaliseResult>(ctx, 'POST', `/api/polls/${id}/finalise`, body),
      addSlots: (id: number, body: PollSlotsBody) => call<Poll>(ctx, 'POST', `/api/polls/${id}/slots`, body),
      removeSlot: (id: number, slotId: number) => call<Poll>(ctx, 'DELETE', `/api/polls/${id}/slots/${slotId}`),
      setDeadline: (id: number, body: PollDeadlineBody) => call<Poll>(ctx, 'PUT', `/api/polls/${id}/deadline`, body),
      close: (id: number) => call<Poll>(ctx, 'POST', `/api/polls/${id}/close`),
      comment: (id: number, body: PollCommentBody) => call<Poll>(ctx, 'POST', `/api/polls/${id}/comments`, body),
    },
    subscriptions: {
      subscribe: (body: SubscribeBody) => call<Message>(ctx, 'POST', '/api/subscriptions', body),
      get: (token: string) => call<Subscription>(ctx, 'GET', `/api/subscriptions/${enc(token)}`),
      confirm: (token: string) => call<Subscription>(ctx, 'POST', `/api/subscriptions/${enc(token)}/confirm`),
      update: (token: string, body: SubscriptionUpdateBody) => call<Subscription>(ctx, 'PUT', `/api/subscriptions/${enc(token)}`, body),
      remove: (token: string) => call<null>(ctx, 'DELETE', `/api/subscriptions/${enc(token)}`),
    },
    announcements: {
      send: (eventId: number, cluster: string) => call<Recipients>(ctx, 'POST', `/api/events/${eventId}/announcements`, { cluster }),
      share: (eventId: number, body: ShareAnnouncementBody) =>
        call<Shared>(ctx, 'POST', `/api/events/${eventId}/announcements/share`, body),
      passOn: (eventId: number, cluster: string) =>
        call<Recipients>(ctx, 'POST', `/api/events/${eventId}/announcements/pass-on`, { cluster }),
      shared: () => call<SharedAnnouncement[]>(ctx, 'GET', '/api/me/shared-announcements'),
    },
    newsletters: {
      list: (drafts = false) => call<Newsletter[]>(ctx, 'GET', `/api/newsletters${drafts ? '?drafts=true' : ''}`),
      get: (id: number) => call<NewsletterDetail>(ctx, 'GET', `/api/newsletters/${id}`),
      create: (body: NewsletterBody) => call<Newsletter>(ctx, 'POST', '/api/newsletters', body),
      update: (id: number, body: NewsletterBody) => call<Newsletter>(ctx, 'PUT', `/api/newsletters/${id}`, body),
      preview: (id: number) => call<NewsletterPreview>(ctx, 'GET', `/api/newsletters/${id}/preview`),
      send: (id: number) => call<Recipients>(ctx, 'POST', `/api/newsletters/${id}/send`),
    },
    horizon: {
      list: (q: HorizonQuery = {}) => call<HorizonItem[]>(ctx, 'GET', `/api/horizon${query(q)}`),
      get: (id: number) => call<HorizonItem>(ctx, 'GET', `/api/horizon/${id}`),
      create: (body: HorizonBody) => call<HorizonItem>(ctx, 'POST', '/api/horizon', body),
      update: (id: number, body: HorizonBody) => call<HorizonItem>(ctx, 'PUT', `/api/horizon/${id}`, body),
      remove: (id: number) => call<null>(ctx, 'DELETE', `/api/horizon/${id}`),
      comment: (id: number, body: string) => call<HorizonItem>(ctx, 'POST', `/api/horizon/${id}/comments`, { body }),
      relevance: (id: number, cluster: string, on: boolean) =>
        call<HorizonItem>(ctx, 'POST', `/api/horizon/${id}/relevance`, { cluster, on }),
    },
    reports: {
      get: (q: ReportQuery) => call<Report>(ctx, 'GET', `/api/reports${query(q)}`),
      csv: (q: ReportQuery) => callText(ctx, `/api/reports/csv${query(q)}`),
      /** The report as a spreadsheet for people: .xlsx, or CSV for Excel (`;`), in q.lang. */
      sheet: (format: 'xlsx' | 'csv', q: ReportQuery) =>
        passThrough(ctx, `/api/reports/${format === 'xlsx' ? 'xlsx' : 'excel.csv'}${query(q)}`),
      page: (q: ReportQuery) => call<ReportPage>(ctx, 'GET', `/api/reports/page${query(q)}`),
    },
    // ---- Knowledge bank: materials, documentation, surveys, embeds (issue 13) ----
    materials: {
      list: (eventId: number) => call<EventMaterials>(ctx, 'GET', `/api/events/${eventId}/materials`),
      saveDocumentation: (eventId: number, body: DocumentationBody) =>
        call<{ documentation: EventMaterials['documentation'] }>(ctx, 'PUT', `/api/events/${eventId}/documentation`, body),
      addLink: (eventId: number, body: LinkBody) => call<Material>(ctx, 'POST', `/api/events/${eventId}/materials/links`, body),
      update: (eventId: number, id: number, patch: MaterialPatch) =>
        call<Material>(ctx, 'PATCH', `/api/events/${eventId}/materials/${id}`, patch),
      remove: (eventId: number, id: number) => call<null>(ctx, 'DELETE', `/api/events/${eventId}/materials/${id}`),
      // Through a participant's manage link: the token is the only key.
      participant: (token: string) => call<ParticipantMaterials>(ctx, 'GET', `/api/registrations/${enc(token)}/materials`),
    },
    feedback: {
      results: (eventId: number) => call<FeedbackResults>(ctx, 'GET', `/api/events/${eventId}/feedback`),
      chart: (eventId: number, lang: 'sv' | 'en') => callText(ctx, `/api/events/${eventId}/feedback/chart.svg?lang=${lang}`),
      settings: (eventId: number) => call<SurveySettings>(ctx, 'GET', `/api/events/${eventId}/feedback/settings`),
      saveSettings: (eventId: number, body: SurveySettingsBody) =>
        call<SurveySettings>(ctx, 'PUT', `/api/events/${eventId}/feedback/settings`, body),
      form: (token: string) => call<FeedbackForm>(ctx, 'GET', `/api/feedback/${enc(token)}`),
      answer: (token: string, body: FeedbackBody) => call<null>(ctx, 'POST', `/api/feedback/${enc(token)}/answers`, body),
      optOut: (token: string) => call<null>(ctx, 'POST', `/api/feedback/${enc(token)}/opt-out`),
    },
    knowledge: {
      search: (q: KnowledgeQuery = {}) => call<KnowledgePage>(ctx, 'GET', `/api/knowledge${query(q)}`),
      embed: (q: EmbedQuery) => call<EmbedListing>(ctx, 'GET', `/api/embed/events${query(q)}`),
      storage: () => call<StorageUsage>(ctx, 'GET', '/api/admin/storage'),
    },
  };
}

export type Api = ReturnType<typeof createApi>;
