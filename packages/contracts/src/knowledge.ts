import { Type, type Static } from 'typebox';
import { ErrorBody, Id, Lang, NamedRef, Slug, StrictObject } from './common.ts';
import { EventKind, EventTiming } from './events.ts';

// Documentation, materials, the knowledge bank, feedback surveys and embeds (issue 13).

const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{20,100}$' });
export const Visibility = Type.Union([Type.Literal('public'), Type.Literal('participants')], {
  description: 'public: everyone who may see the event; participants: organisers and confirmed participants (through their manage link)',
});

/** The refusals only uploads give: 413 (over 20 MB a file or 200 MB an event) and 415 (a type that is not accepted). */
export const uploadErrors = { 413: ErrorBody, 415: ErrorBody };

export const EventMaterialParams = StrictObject({ id: Id, materialId: Id });
export const TokenMaterialParams = StrictObject({ token: Token, materialId: Id });
export const FeedbackTokenParams = StrictObject({ token: Token });

export const Material = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('file'), Type.Literal('link')]),
  title: Type.String(),
  visibility: Visibility,
  href: Type.String({ description: 'links: the address; files: the download path on this site' }),
  contentType: N(Type.String()),
  size: N(Type.Integer({ description: 'bytes' })),
  filename: N(Type.String()),
  createdAt: Type.String(),
});
export type Material = Static<typeof Material>;

export const Documentation = Type.Object({
  body: Type.String({ description: 'Markdown as written' }),
  html: Type.String({ description: 'sanitised HTML rendered from the Markdown' }),
  updatedAt: Type.String(),
});
export type Documentation = Static<typeof Documentation>;

export const EventMaterials = Type.Object({
  eventId: Type.Integer(),
  documentation: N(Documentation),
  materials: Type.Array(Material),
  canManage: Type.Boolean(),
  usage: N(Type.Object({ bytes: Type.Integer(), limit: Type.Integer(), fileLimit: Type.Integer() })),
});
export type EventMaterials = Static<typeof EventMaterials>;

export const ParticipantMaterials = Type.Object({ ...EventMaterials.properties, confirmed: Type.Boolean() });
export type ParticipantMaterials = Static<typeof ParticipantMaterials>;

export const DocumentationBody = StrictObject({ body: Type.String({ maxLength: 60_000, description: 'Markdown; empty removes it' }) });
export type DocumentationBody = Static<typeof DocumentationBody>;
export const DocumentationAnswer = Type.Object({ documentation: N(Documentation) });

export const LinkBody = StrictObject({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ minLength: 1, maxLength: 1000, description: 'http or https' }),
  visibility: Type.Optional(Visibility),
});
export type LinkBody = Static<typeof LinkBody>;

export const MaterialPatch = StrictObject({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  visibility: Type.Optional(Visibility),
});
export type MaterialPatch = Static<typeof MaterialPatch>;

export const UploadDescription =
  'multipart/form-data: the fields `title` (optional) and `visibility` (public | participants) first, then one `file` part, at most 20 MB. Its type is decided from its content: PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, PNG, JPEG, GIF, WebP or UTF-8 plain text.';

// ---- Knowledge bank ----

export const KnowledgeQuery = StrictObject({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'words in titles, documentation and the text of public PDFs' })),
  theme: Type.Optional(Slug),
  cluster: Type.Optional(Slug),
  county: Type.Optional(Slug),
  kind: Type.Optional(EventKind),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});
export type KnowledgeQuery = Static<typeof KnowledgeQuery>;

export const KnowledgeEntry = Type.Object({
  event: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    kind: EventKind,
    allDay: Type.Boolean(),
    startsAt: Type.String(),
    endsAt: Type.String(),
    timeZone: Type.String(),
    start: Type.String(),
    startDate: N(Type.String()),
    endDate: N(Type.String()),
    lead: NamedRef,
    organisers: Type.Array(NamedRef),
    themes: Type.Array(Type.String()),
    county: N(NamedRef),
  }),
  excerpt: Type.String(),
  match: N(Type.String()),
  materials: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.Union([Type.Literal('file'), Type.Literal('link')]),
      title: Type.String(),
      href: Type.String(),
      contentType: N(Type.String()),
      size: N(Type.Integer()),
    }),
  ),
  documentedAt: Type.String(),
});
export type KnowledgeEntry = Static<typeof KnowledgeEntry>;
export const KnowledgePage = Type.Object({
  entries: Type.Array(KnowledgeEntry),
  total: Type.Integer(),
  page: Type.Integer(),
  pages: Type.Integer(),
  years: Type.Array(Type.Integer(), { description: 'years that have entries, newest first (for the year filter)' }),
});
export type KnowledgePage = Static<typeof KnowledgePage>;

export const KnowledgeFeedQuery = StrictObject({
  theme: Type.Optional(Slug),
  cluster: Type.Optional(Slug),
  county: Type.Optional(Slug),
  kind: Type.Optional(EventKind),
  lang: Type.Optional(Lang),
});

export const StorageUsage = Type.Object({
  totalBytes: Type.Integer(),
  files: Type.Integer(),
  events: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), bytes: Type.Integer(), files: Type.Integer() })),
});
export type StorageUsage = Static<typeof StorageUsage>;

// ---- Feedback ----

const Scale = Type.Integer({ minimum: 1, maximum: 5 });
export const QuestionKind = Type.Union([Type.Literal('scale'), Type.Literal('text')]);
export const FeedbackQuestion = Type.Object({ id: Type.String(), text: Type.String(), kind: QuestionKind });
export type FeedbackQuestion = Static<typeof FeedbackQuestion>;

export const SurveySettings = Type.Object({
  enabled: Type.Boolean(),
  questions: Type.Array(FeedbackQuestion),
  sent: Type.Integer(),
  locked: Type.Boolean({ description: 'the survey has been mailed; the questions no longer change' }),
});
export type SurveySettings = Static<typeof SurveySettings>;

export const SurveySettingsBody = StrictObject({
  enabled: Type.Boolean(),
  questions: Type.Array(
    StrictObject({
      id: Type.Optional(Type.String({ maxLength: 40 })),
      text: Type.String({ minLength: 1, maxLength: 300 }),
      kind: QuestionKind,
    }),
    { maxItems: 5 },
  ),
});
export type SurveySettingsBody = Static<typeof SurveySettingsBody>;

const ScaleResult = Type.Object({
  average: N(Type.Number()),
  distribution: Type.Array(Type.Integer(), { minItems: 5, maxItems: 5, description: 'answers giving 1, 2, 3, 4, 5' }),
  count: Type.Integer(),
});
export const FeedbackResults = Type.Object({
  eventId: Type.Integer(),
  invited: Type.Integer(),
  answered: Type.Integer(),
  responseRate: N(Type.Number({ description: '0–1' })),
  overall: ScaleResult,
  usefulness: ScaleResult,
  willUse: Type.Object({ yes: Type.Integer(), maybe: Type.Integer(), no: Type.Integer() }),
  comments: Type.Array(Type.String()),
  questions: Type.Array(Type.Object({ ...FeedbackQuestion.properties, scale: N(ScaleResult), texts: Type.Array(Type.String()) })),
});
export type FeedbackResults = Static<typeof FeedbackResults>;

export const FeedbackForm = Type.Object({
  event: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    startsAt: Type.String(),
    endsAt: Type.String(),
    allDay: Type.Boolean(),
    startDate: N(Type.String()),
    timeZone: Type.String(),
  }),
  questions: Type.Array(FeedbackQuestion),
  state: Type.Union([Type.Literal('open'), Type.Literal('answered'), Type.Literal('closed')]),
  language: Lang,
  closesAt: Type.String(),
});
export type FeedbackForm = Static<typeof FeedbackForm>;

export const FeedbackBody = StrictObject({
  overall: Scale,
  usefulness: Scale,
  willUse: Type.Union([Type.Literal('yes'), Type.Literal('maybe'), Type.Literal('no')]),
  comment: Type.Optional(N(Type.String({ maxLength: 3000 }))),
  answers: Type.Optional(
    Type.Record(Type.String({ maxLength: 40 }), Type.Union([Scale, Type.String({ maxLength: 2000 })]), {
      maxProperties: 5,
      description: "answers to the organisers' questions by question id",
    }),
  ),
});
export type FeedbackBody = Static<typeof FeedbackBody>;

/** RFC 8058 one-click posts `List-Unsubscribe=One-Click` as a form; the page's button posts nothing. */
export const OptOutBody = Type.Optional(
  Type.Object({ 'List-Unsubscribe': Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: true }),
);

// ---- The funder's report ----

export const FeedbackFigures = Type.Object({
  key: Type.String(),
  label: Type.String(),
  invited: Type.Integer({ description: 'participants sent the survey' }),
  answered: Type.Integer(),
  responseRate: N(Type.Number({ description: 'answered / invited, 0–1 with 3 decimals; null when nobody was sent it' })),
  overallAverage: N(Type.Number({ description: 'mean of the 1–5 answers, 2 decimals; null without answers' })),
  usefulnessAverage: N(Type.Number()),
});
export type FeedbackFigures = Static<typeof FeedbackFigures>;
export const ReportFeedback = Type.Object({
  total: FeedbackFigures,
  byEvent: Type.Array(FeedbackFigures),
  byTheme: Type.Array(FeedbackFigures),
  byCluster: Type.Array(FeedbackFigures),
});
export type ReportFeedback = Static<typeof ReportFeedback>;

// ---- Embeds ----

export const EmbedQuery = StrictObject({
  cluster: Type.Optional(Slug),
  theme: Type.Optional(Slug),
  county: Type.Optional(Slug),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
});
export type EmbedQuery = Static<typeof EmbedQuery>;

export const EmbedListing = Type.Object({
  scope: Type.Object({
    type: Type.Union([Type.Literal('network'), Type.Literal('cluster'), Type.Literal('theme'), Type.Literal('county')]),
    slug: N(Type.String()),
    nameSv: Type.String(),
    nameEn: Type.String(),
  }),
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      kind: Type.String(),
      ...EventTiming,
      place: N(Type.String()),
      online: Type.Boolean(),
      county: N(Type.String()),
      lead: Type.String(),
    }),
  ),
});
export type EmbedListing = Static<typeof EmbedListing>;
