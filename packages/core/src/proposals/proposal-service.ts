import {
  type AcceptBody,
  type AcceptResult,
  LIMITS,
  type ProposalCreateBody,
  type ProposalBoard,
  type ProposalQuery,
  type Proposal as ProposalView,
} from '@samverka/contracts';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  clusters,
  eventOrganisers,
  proposalComments,
  proposalResponses,
  proposals,
  proposalThemes,
  themes,
  users,
  type Db,
  keptSql,
  keptStatement,
  rowReader,
  type Proposal,
} from '@samverka/db';
import { actsFor, assertActsFor, assertCanCoordinate, coordinatedClusters, requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { codePointLength, singleLine } from '../escape.ts';
import { resolveEventFields } from '../events/event-input.ts';
import { insertEvent } from '../events/event-service.ts';
import { concerned, emit, type Tx } from '../domain-events.ts';
import { renderMarkdown } from '../markdown.ts';
import { inThePast, todayIn } from '../past-dates.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { parseDate } from '../time.ts';

/** A new proposal as the API takes it; the preferred period is two dates, YYYY-MM-DD. */
export type ProposalInput = ProposalCreateBody;

function proposalRow(db: Db, id: number): Proposal {
  const p = db.select().from(proposals).where(eq(proposals.id, id)).get();
  if (!p) throw new DomainError('not_found', 'unknown_proposal', `There is no proposal ${id}`);
  return p;
}

/** Coordinators of any cluster (and admins) take part in the proposals board. */
function assertCoordinator(actor: Actor | null): Actor {
  return assertCanCoordinate(actor, 'Only cluster coordinators take part in workshop proposals');
}

/** The clusters a proposal's steps concern: the proposing one and every one that responded. */
function proposalClusters(tx: Tx, p: Proposal): number[] {
  const responders = tx
    .select({ clusterId: proposalResponses.clusterId })
    .from(proposalResponses)
    .where(eq(proposalResponses.proposalId, p.id))
    // Responses within the same millisecond keep the order they were made in (rowid).
    .orderBy(asc(proposalResponses.createdAt), sql`rowid`)
    .all();
  return concerned(p.clusterId, ...responders.map((r) => r.clusterId));
}

function canDecide(actor: Actor | null, p: Proposal): boolean {
  return actsFor(actor, p.clusterId);
}

function validate(db: Db, input: ProposalInput, now: Date): { themeIds: number[]; clusterId: number } {
  const details: ErrorDetail[] = [];
  const title = singleLine(input.title, Number.POSITIVE_INFINITY);
  if (!title) details.push({ field: 'title', code: 'required', message: 'a title is required' });
  else if (codePointLength(title) > LIMITS.title)
    details.push({ field: 'title', code: 'too_long', message: `at most ${LIMITS.title} characters`, params: { max: LIMITS.title } });
  if (!input.abstract.trim()) details.push({ field: 'abstract', code: 'required', message: 'an abstract is required' });
  if (codePointLength(input.abstract) > LIMITS.proposalAbstract)
    details.push({
      field: 'abstract',
      code: 'too_long',
      message: `at most ${LIMITS.proposalAbstract.toLocaleString('en')} characters`,
      params: { max: LIMITS.proposalAbstract },
    });
  if (!singleLine(input.format, LIMITS.proposalFormat))
    details.push({ field: 'format', code: 'required', message: 'say what format (e.g. half-day workshop, online)' });
  if (!singleLine(input.audience, LIMITS.proposalAudience))
    details.push({ field: 'audience', code: 'required', message: 'say who it is for' });
  const cluster = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, input.cluster)).get();
  if (!cluster) details.push({ field: 'cluster', code: 'unknown_choice', message: `unknown cluster "${input.cluster}"` });
  const slugs = [...new Set(input.themes)];
  const rows = slugs.length ? db.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, slugs)).all() : [];
  if (slugs.length === 0) details.push({ field: 'themes', code: 'required', message: 'choose at least one theme' });
  for (const s of slugs)
    if (!rows.some((r) => r.slug === s)) details.push({ field: 'themes', code: 'unknown_choice', message: `unknown theme "${s}"` });
  let from: ReturnType<typeof parseDate> | undefined;
  let to: ReturnType<typeof parseDate> | undefined;
  try {
    from = parseDate(input.preferredFrom, 'preferredFrom');
    to = parseDate(input.preferredTo, 'preferredTo');
  } catch (e) {
    details.push(...(e as DomainError).details);
  }
  if (from && to && to < from)
    details.push({ field: 'preferredTo', code: 'end_before_start', message: 'the period ends before it starts' });
  // Today still counts: a workshop can be proposed for the rest of the day's period.
  if (from && from.toISODate()! < todayIn(now)) details.push(inThePast('preferredFrom'));
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_proposal',
      `The proposal has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );
  return { themeIds: rows.map((r) => r.id), clusterId: cluster!.id };
}

/**
 * A coordinator proposes a workshop for a cluster they coordinate. The preferred period
 * (YYYY-MM-DD, inclusive) must not start before today in Sweden (inThePast, past-dates.ts);
 * all problems come back at once as DomainError invalid_proposal (400) with a detail per field.
 * Raises proposal.created.
 */
export function createProposal(db: Db, actor: Actor | null, input: ProposalInput, now = new Date()): ProposalView {
  const a = assertCoordinator(actor);
  const { themeIds, clusterId } = validate(db, input, now);
  assertActsFor(a, clusterId, 'You can only propose on behalf of a cluster you coordinate');
  const id = db.transaction((tx) => {
    const p = tx
      .insert(proposals)
      .values({
        title: singleLine(input.title, LIMITS.title),
        abstract: input.abstract.trim(),
        format: singleLine(input.format, LIMITS.proposalFormat),
        audience: singleLine(input.audience, LIMITS.proposalAudience),
        preferredFrom: input.preferredFrom,
        preferredTo: input.preferredTo,
        clusterId,
        createdBy: a.userId,
        createdAt: now,
      })
      .returning({ id: proposals.id })
      .get();
    for (const themeId of themeIds) tx.insert(proposalThemes).values({ proposalId: p.id, themeId }).run();
    emit(tx, 'proposal.created', { actorId: a.userId, clusterIds: [clusterId], now, proposalId: p.id, proposingClusterId: clusterId });
    return p.id;
  });
  return getProposal(db, a, id);
}

export function getProposal(db: Db, actor: Actor | null, id: number): ProposalView {
  requireActor(actor);
  const p = proposalRow(db, id);
  return listViews(db, actor, [p], true)[0]!;
}

/** The items of `list` by `key`, each group in the list's order. */
function groupBy<T, K>(list: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** `ids` as the JSON array the kept statements below take (`in (select value from json_each(:ids))`). */
function idList(ids: number[]): string {
  return JSON.stringify(ids);
}

/** Plain statements of the board's lists: integers and text only, so nothing to map. */
const VIEW_SQL = {
  clusters: 'select id, slug, name from clusters',
  themes:
    'select pt.proposal_id as proposalId, t.slug as slug from proposal_themes pt join themes t on t.id = pt.theme_id where pt.proposal_id in (select value from json_each(@ids))',
  responses:
    'select proposal_id as proposalId, cluster_id as clusterId, kind from proposal_responses where proposal_id in (select value from json_each(@ids)) order by created_at',
};

function clusterNamesById(db: Db): Map<number, { slug: string; name: string }> {
  const rows = keptSql<{ id: number; slug: string; name: string }>(db, VIEW_SQL.clusters).all();
  return new Map(rows.map((c) => [c.id, { slug: c.slug, name: c.name }]));
}

function listViews(db: Db, actor: Actor | null, rows: Proposal[], withComments: boolean): ProposalView[] {
  if (rows.length === 0) return [];
  // One kept statement per table whatever the number of proposals: the ids go in as one JSON array.
  const ids = { ids: idList(rows.map((r) => r.id)) };
  const clusterNames = clusterNamesById(db);
  const themeRows = keptSql<{ proposalId: number; slug: string }>(db, VIEW_SQL.themes).all(ids);
  const responses = keptSql<{ proposalId: number; clusterId: number; kind: 'interest' | 'cohost' }>(db, VIEW_SQL.responses).all(ids);
  const comments = withComments
    ? keptStatement(db, 'proposals.commentsOf', (d) =>
        d
          .select({
            id: proposalComments.id,
            proposalId: proposalComments.proposalId,
            body: proposalComments.body,
            createdAt: proposalComments.createdAt,
            clusterId: proposalComments.clusterId,
            author: sql<string | null>`(select name from users where users.id = ${proposalComments.userId})`,
          })
          .from(proposalComments)
          .where(sql`${proposalComments.proposalId} in (select value from json_each(${sql.placeholder('ids')}))`)
          .orderBy(asc(proposalComments.id))
          .prepare(),
      ).all(ids)
    : [];
  // Grouped once by proposal: filtering the whole lists for each of 200 proposals was quadratic.
  const themesOf = groupBy(themeRows, (t) => t.proposalId);
  const responsesOf = groupBy(responses, (r) => r.proposalId);
  const commentsOf = groupBy(comments, (c) => c.proposalId);
  return rows.map(
    (p): ProposalView => ({
      id: p.id,
      title: p.title,
      abstract: p.abstract,
      abstractHtml: withComments ? renderMarkdown(p.abstract) : '',
      themes: (themesOf.get(p.id) ?? []).map((t) => t.slug),
      format: p.format,
      audience: p.audience,
      preferredFrom: p.preferredFrom,
      preferredTo: p.preferredTo,
      cluster: clusterNames.get(p.clusterId)!,
      status: p.status,
      declineReason: p.declineReason,
      eventId: p.eventId,
      createdAt: p.createdAt.toISOString(),
      interested: (responsesOf.get(p.id) ?? []).filter((r) => r.kind === 'interest').map((r) => clusterNames.get(r.clusterId)!),
      cohostOffers: (responsesOf.get(p.id) ?? []).filter((r) => r.kind === 'cohost').map((r) => clusterNames.get(r.clusterId)!),
      comments: (commentsOf.get(p.id) ?? []).map((c): ProposalView['comments'][number] => ({
        id: c.id,
        author: c.author,
        cluster: c.clusterId ? (clusterNames.get(c.clusterId)?.name ?? null) : null,
        body: c.body,
        createdAt: c.createdAt.toISOString(),
      })),
      canDecide: canDecide(actor, p) && p.status === 'open',
      respondAs: coordinatedClusters(actor)
        .filter((c) => c !== p.clusterId)
        .map((c) => clusterNames.get(c)!)
        .filter(Boolean),
    }),
  );
}

/** The proposals' columns as the board reads them with a plain statement (drizzle's select() shape). */
const boardRow = rowReader(proposals);

/**
 * The board's filter: a null parameter leaves that part out, so one statement serves every
 * combination. The order is the board's (open first, newest first, the later id first); SQLite
 * sorts only the ids and keys of the matching proposals, then reads the whole rows of the page:
 * sorting whole rows copied every abstract of the board on every page.
 */
const BOARD_WHERE = `from proposals where (@status is null or status = @status) and (@cluster is null or cluster_id = @cluster)`;
const boardOrder = (t: string) => `case ${t}status when 'open' then 0 else 1 end, ${t}created_at desc, ${t}id desc`;
const BOARD_SQL = {
  rows: `select ${boardRow.columns} from (select id ${BOARD_WHERE} order by ${boardOrder('')} limit @limit offset @offset) page join proposals on proposals.id = page.id order by ${boardOrder('proposals.')}`,
  count: `select count(*) ${BOARD_WHERE}`,
};

/** The board's proposals under a filter: `limit` of them after `offset`, read without drizzle's per-value mapping. */
function boardRows(db: Db, status: Proposal['status'] | null, clusterId: number | null, limit: number, offset: number): Proposal[] {
  return keptSql<unknown[]>(db, BOARD_SQL.rows, true)
    .all({ status, cluster: clusterId, limit, offset })
    .map((r) => boardRow.read(r));
}

/** The proposals the filter matches, on every page together. */
function boardCount(db: Db, status: Proposal['status'] | null, clusterId: number | null): number {
  // count(*) always gives one row.
  return keptSql<[number]>(db, BOARD_SQL.count, true).get({ status, cluster: clusterId })![0];
}

/** The cluster a board filter names; DomainError unknown_cluster (404) when there is none. */
function boardCluster(db: Db, slug: string | undefined): number | null {
  if (!slug) return null;
  const c = keptStatement(db, 'proposals.clusterBySlug', (d) =>
    d
      .select({ id: clusters.id })
      .from(clusters)
      .where(eq(clusters.slug, sql.placeholder('slug')))
      .prepare(),
  ).get({ slug });
  if (!c) throw new DomainError('not_found', 'unknown_cluster', `There is no cluster "${slug}"`);
  return c.id;
}

/**
 * The proposals board: open proposals first, newest first; visible to every logged-in user.
 * At most `filter.limit` (200 when left out). An unknown `filter.cluster` is DomainError
 * unknown_cluster (404); 401 without an actor.
 */
export function listProposals(db: Db, actor: Actor | null, filter: ProposalQuery = {}): ProposalView[] {
  requireActor(actor);
  return boardViews(db, actor, filter, boardCluster(db, filter.cluster));
}

/** The asked page of the board as views, the filter's cluster already resolved to `clusterId`. */
function boardViews(db: Db, actor: Actor | null, filter: ProposalQuery, clusterId: number | null): ProposalView[] {
  const limit = filter.limit ?? 200;
  const rows = boardRows(db, filter.status ?? null, clusterId, limit, ((filter.page ?? 1) - 1) * limit);
  return listViews(db, actor, rows, false);
}

/**
 * One page of the proposals board (GET /api/proposals): page `query.page` (from 1; past the
 * end: no proposals) of `query.limit` (200 when left out) in the board's order, narrowed by
 * `status` and `cluster` as listProposals does, with `matching` = how many proposals the filter
 * matched on every page together. Only the asked page is read and built.
 *
 * @throws DomainError 401 without an actor, 404 `unknown_cluster` for an unknown `query.cluster`
 */
export function proposalBoard(db: Db, actor: Actor | null, query: ProposalQuery = {}): ProposalBoard {
  requireActor(actor);
  // The filter's cluster is looked up once, for the page and for the count.
  const clusterId = boardCluster(db, query.cluster);
  return { matching: boardCount(db, query.status ?? null, clusterId), proposals: boardViews(db, actor, query, clusterId) };
}

/** Any coordinator comments (1 to 5000 characters), signed with their first cluster; raises proposal.commented. */
export function commentOnProposal(db: Db, actor: Actor | null, id: number, body: string, now = new Date()): ProposalView {
  const a = assertCoordinator(actor);
  const p = proposalRow(db, id);
  const text = body.trim();
  if (!text)
    throw new DomainError('invalid', 'empty_comment', 'The comment is empty', [{ field: 'body', code: 'required', message: 'required' }]);
  if (codePointLength(text) > LIMITS.comment)
    throw new DomainError('invalid', 'comment_too_long', `A comment has at most ${LIMITS.comment} characters`, [
      { field: 'body', code: 'too_long', message: 'too long', params: { max: LIMITS.comment } },
    ]);
  db.transaction((tx) => {
    const comment = tx
      .insert(proposalComments)
      .values({ proposalId: id, userId: a.userId, clusterId: coordinatedClusters(a)[0] ?? null, body: text, createdAt: now })
      .returning({ id: proposalComments.id, clusterId: proposalComments.clusterId })
      .get();
    emit(tx, 'proposal.commented', {
      actorId: a.userId,
      clusterIds: proposalClusters(tx, p),
      now,
      proposalId: id,
      proposingClusterId: p.clusterId,
      commentId: comment.id,
      commenterClusterId: comment.clusterId,
    });
  });
  return getProposal(db, a, id);
}

/**
 * Marks interest in, or offers to co-host, a proposal on behalf of a cluster the actor
 * coordinates; on = false takes it back. Raises proposal.interestShown or proposal.cohostOffered
 * when that changed anything.
 */
export function respondToProposal(
  db: Db,
  actor: Actor | null,
  id: number,
  clusterSlug: string,
  kind: 'interest' | 'cohost',
  on: boolean,
  now = new Date(),
): ProposalView {
  const a = assertCoordinator(actor);
  const p = proposalRow(db, id);
  const cluster = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, clusterSlug)).get();
  if (!cluster)
    throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${clusterSlug}"`, [
      { field: 'cluster', code: 'unknown_choice', message: 'unknown cluster' },
    ]);
  assertActsFor(a, cluster.id, 'You can only respond for a cluster you coordinate');
  if (cluster.id === p.clusterId) throw new DomainError('rule', 'own_proposal', 'The proposing cluster cannot respond to its own proposal');
  if (p.status !== 'open') throw new DomainError('conflict', 'proposal_closed', `The proposal is already ${p.status}`);
  db.transaction((tx) => {
    const { changes } = on
      ? tx
          .insert(proposalResponses)
          .values({ proposalId: id, clusterId: cluster.id, kind, userId: a.userId, createdAt: now })
          .onConflictDoNothing()
          .run()
      : tx
          .delete(proposalResponses)
          .where(and(eq(proposalResponses.proposalId, id), eq(proposalResponses.clusterId, cluster.id), eq(proposalResponses.kind, kind)))
          .run();
    if (changes === 0) return;
    emit(tx, kind === 'interest' ? 'proposal.interestShown' : 'proposal.cohostOffered', {
      actorId: a.userId,
      clusterIds: concerned(p.clusterId, cluster.id),
      now,
      proposalId: id,
      proposingClusterId: p.clusterId,
      clusterId: cluster.id,
      on,
    });
  });
  return getProposal(db, a, id);
}

/**
 * The language a proposal is written in: its author's language ('sv' when the account is gone).
 * The event an accepted proposal becomes is in that language, with its labels from the catalogue.
 */
export function proposalLanguage(db: Db, p: Proposal): Lang {
  if (p.createdBy === null) return 'sv';
  return db.select({ language: users.language }).from(users).where(eq(users.id, p.createdBy)).get()?.language ?? 'sv';
}

/**
 * Accepting turns the proposal into a draft event led by the proposing cluster, with every
 * cluster that offered to co-host invited as a co-host. The proposal keeps a link to the event.
 * Without a start and end the workshop is on the first day of the preferred period, 10:00–15:00.
 * The event's description is the abstract with the format and audience under labels in the
 * proposal's language (proposalLanguage), which is also the event's language.
 * Raises event.created, cohost.invited (via 'proposal') for each offer, then proposal.accepted.
 */
export function acceptProposal(db: Db, actor: Actor | null, id: number, input: AcceptBody = {}, now = new Date()): AcceptResult {
  const a = requireActor(actor);
  const p = proposalRow(db, id);
  if (!canDecide(a, p)) throw forbidden('Only the proposing cluster or a network admin may accept the proposal');
  if (p.status !== 'open') throw new DomainError('conflict', 'proposal_closed', `The proposal is already ${p.status}`);
  const themeSlugs = db
    .select({ slug: themes.slug })
    .from(proposalThemes)
    .innerJoin(themes, eq(themes.id, proposalThemes.themeId))
    .where(eq(proposalThemes.proposalId, id))
    .all()
    .map((t) => t.slug);
  const lang = proposalLanguage(db, p);
  const cols = resolveEventFields(db, {
    title: p.title,
    description: textsFor(lang).proposals.eventDescription(p.abstract, p.format, p.audience),
    language: lang,
    kind: input.kind ?? 'workshop',
    themes: themeSlugs,
    start: input.start ?? `${p.preferredFrom}T10:00`,
    end: input.end ?? `${p.preferredFrom}T15:00`,
  });
  const offers = db
    .select({ clusterId: proposalResponses.clusterId })
    .from(proposalResponses)
    .where(and(eq(proposalResponses.proposalId, id), eq(proposalResponses.kind, 'cohost')))
    .all();
  const eventId = db.transaction((tx) => {
    const eventId = insertEvent(tx, a, p.clusterId, cols, now);
    for (const o of offers) {
      tx.insert(eventOrganisers)
        .values({ eventId, clusterId: o.clusterId, role: 'cohost', status: 'invited', invitedBy: a.userId, invitedAt: now })
        .run();
      emit(tx, 'cohost.invited', {
        actorId: a.userId,
        clusterIds: concerned(p.clusterId, o.clusterId),
        now,
        eventId,
        clusterId: o.clusterId,
        leadClusterId: p.clusterId,
        via: 'proposal',
      });
    }
    tx.update(proposals).set({ status: 'accepted', eventId, decidedAt: now }).where(eq(proposals.id, id)).run();
    emit(tx, 'proposal.accepted', {
      actorId: a.userId,
      clusterIds: proposalClusters(tx, p),
      now,
      proposalId: id,
      proposingClusterId: p.clusterId,
      eventId,
      cohostClusterIds: offers.map((o) => o.clusterId),
    });
    return eventId;
  });
  return { proposal: getProposal(db, a, id), eventId };
}

/** The proposing cluster (or an admin) declines an open proposal with a reason; raises proposal.declined. */
export function declineProposal(db: Db, actor: Actor | null, id: number, reason: string, now = new Date()): ProposalView {
  const a = requireActor(actor);
  const p = proposalRow(db, id);
  if (!canDecide(a, p)) throw forbidden('Only the proposing cluster or a network admin may decline the proposal');
  if (p.status !== 'open') throw new DomainError('conflict', 'proposal_closed', `The proposal is already ${p.status}`);
  const why = singleLine(reason, LIMITS.reason);
  if (!why)
    throw new DomainError('invalid', 'reason_required', 'Say why the proposal is declined', [
      { field: 'reason', code: 'required', message: 'required' },
    ]);
  db.transaction((tx) => {
    tx.update(proposals).set({ status: 'declined', declineReason: why, decidedAt: now }).where(eq(proposals.id, id)).run();
    emit(tx, 'proposal.declined', {
      actorId: a.userId,
      clusterIds: proposalClusters(tx, p),
      now,
      proposalId: id,
      proposingClusterId: p.clusterId,
      reason: why,
    });
  });
  return getProposal(db, a, id);
}
