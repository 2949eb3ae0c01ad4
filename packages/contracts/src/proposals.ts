import { Type, type Static } from 'typebox';
import { NamedRef, Slug, StrictObject } from './common.ts';
import { EventKind } from './events.ts';
import { LIMITS } from './limits.ts';

const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const LocalDateTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$' });

export const ProposalCreateBody = StrictObject({
  cluster: Slug,
  title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
  abstract: Type.String({ minLength: 1, maxLength: LIMITS.proposalAbstract, description: 'Markdown' }),
  themes: Type.Array(Slug, { minItems: 1, maxItems: LIMITS.themes, uniqueItems: true }),
  format: Type.String({ minLength: 1, maxLength: LIMITS.proposalFormat }),
  audience: Type.String({ minLength: 1, maxLength: LIMITS.proposalAudience }),
  preferredFrom: LocalDate,
  preferredTo: LocalDate,
});
export type ProposalCreateBody = Static<typeof ProposalCreateBody>;

/** A proposal's state, in the API's answers and the board's filter. */
export const ProposalStatus = Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('declined')]);
export type ProposalStatus = Static<typeof ProposalStatus>;
/**
 * The same states as a list, in the board's order, for forms and for packages/db, which checks
 * its status column against it. (A union built from this list would lose its literal types.)
 */
export const ProposalStatusNames = ['open', 'accepted', 'declined'] as const satisfies readonly ProposalStatus[];

export const Proposal = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  abstract: Type.String(),
  abstractHtml: Type.String(),
  themes: Type.Array(Type.String()),
  format: Type.String(),
  audience: Type.String(),
  preferredFrom: Type.String(),
  preferredTo: Type.String(),
  cluster: NamedRef,
  status: ProposalStatus,
  declineReason: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  interested: Type.Array(NamedRef),
  cohostOffers: Type.Array(NamedRef),
  comments: Type.Array(
    Type.Object({
      id: Type.Integer(),
      author: Type.Union([Type.String(), Type.Null()]),
      cluster: Type.Union([Type.String(), Type.Null()]),
      body: Type.String(),
      createdAt: Type.String(),
    }),
  ),
  canDecide: Type.Boolean(),
  respondAs: Type.Array(NamedRef),
});
export type Proposal = Static<typeof Proposal>;
export const ProposalList = Type.Array(Proposal);

/** One page of the proposals board (GET /api/proposals) and how many proposals the filter matched. */
export const ProposalBoard = Type.Object({
  matching: Type.Integer({ description: 'the proposals the filter matched, on every page together' }),
  proposals: Type.Array(Proposal, { description: 'the asked page of them, in the board order' }),
});
export type ProposalBoard = Static<typeof ProposalBoard>;

/**
 * GET /api/proposals: the board in its order (open first, newest first), narrowed by `status`
 * and `cluster`; `limit` rows per page (200 when left out), `page` from 1.
 */
export const ProposalQuery = StrictObject({
  status: Type.Optional(ProposalStatus),
  cluster: Type.Optional(Slug),
  page: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 10_000, description: 'the page of the matching proposals, from 1 (with limit)' }),
  ),
  /** At most this many, the first in the board's order (open first, newest first); 200 when left out. */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSize.max })),
});
export type ProposalQuery = Static<typeof ProposalQuery>;
export const CommentBody = StrictObject({ body: Type.String({ minLength: 1, maxLength: LIMITS.comment }) });
export const RespondBody = StrictObject({
  cluster: Slug,
  kind: Type.Union([Type.Literal('interest'), Type.Literal('cohost')]),
  on: Type.Boolean(),
});
export type RespondBody = Static<typeof RespondBody>;
export const AcceptBody = StrictObject({
  start: Type.Optional(LocalDateTime),
  end: Type.Optional(LocalDateTime),
  kind: Type.Optional(EventKind),
});
export type AcceptBody = Static<typeof AcceptBody>;
export const DeclineBody = StrictObject({ reason: Type.String({ minLength: 1, maxLength: LIMITS.reason }) });
export const AcceptResult = Type.Object({ proposal: Proposal, eventId: Type.Integer() });
export type AcceptResult = Static<typeof AcceptResult>;
