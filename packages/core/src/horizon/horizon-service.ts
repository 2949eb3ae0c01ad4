import { type HorizonBody, type HorizonItem as HorizonView, type HorizonQuery, LIMITS } from '@samverka/contracts';
import { and, asc, desc, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import {
  clusters,
  horizonComments,
  horizonItems,
  horizonItemThemes,
  horizonRelevance,
  themes,
  type Db,
  type HorizonItem,
} from '@samverka/db';
import { actsFor, assertActsFor, assertCanCoordinate, canCoordinate, coordinatedClusters, requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { codePointLength, singleLine } from '../escape.ts';
import { inThePast, todayIn } from '../past-dates.ts';
import { parseDate } from '../time.ts';
import { concerned, emit } from '../domain-events.ts';

/** A new or changed item as the API takes it; the cluster is required for coordinators, optional for admins (the secretariat). */
export type HorizonInput = HorizonBody;

function assertCoordinator(actor: Actor | null): Actor {
  return assertCanCoordinate(actor, 'Only cluster coordinators post and discuss horizon-scanning items');
}

/**
 * Checks an item's fields. A deadline before today in Sweden is refused (inThePast) unless it is
 * `keptDeadline`, the one the item already has: an item whose deadline has passed can still be
 * corrected without moving it.
 */
function validate(
  db: Db,
  input: HorizonInput,
  now: Date,
  keptDeadline: string | null = null,
): { themeIds: number[]; clusterId: number | null; url: string | null } {
  const details: ErrorDetail[] = [];
  const title = singleLine(input.title, Number.POSITIVE_INFINITY);
  if (!title) details.push({ field: 'title', code: 'required', message: 'a title is required' });
  else if (codePointLength(title) > LIMITS.title)
    details.push({ field: 'title', code: 'too_long', message: `at most ${LIMITS.title} characters`, params: { max: LIMITS.title } });
  if (!input.summary.trim()) details.push({ field: 'summary', code: 'required', message: 'a short summary is required' });
  if (codePointLength(input.summary) > LIMITS.horizonSummary)
    details.push({
      field: 'summary',
      code: 'too_long',
      message: `at most ${LIMITS.horizonSummary} characters`,
      params: { max: LIMITS.horizonSummary },
    });
  if (!singleLine(input.source, LIMITS.horizonSource))
    details.push({ field: 'source', code: 'required', message: 'say where it comes from' });
  let url: string | null = null;
  if (input.url) {
    try {
      const u = new URL(input.url.trim());
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
      url = u.toString();
    } catch {
      details.push({ field: 'url', code: 'invalid_url', message: 'must be a web address starting with https://' });
    }
  }
  if (input.deadline) {
    try {
      parseDate(input.deadline, 'deadline');
      if (input.deadline !== keptDeadline && input.deadline < todayIn(now)) details.push(inThePast('deadline'));
    } catch (e) {
      details.push(...(e as DomainError).details);
    }
  }
  const slugs = [...new Set(input.themes)];
  const rows = slugs.length ? db.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, slugs)).all() : [];
  if (slugs.length === 0) details.push({ field: 'themes', code: 'required', message: 'choose at least one theme' });
  for (const s of slugs)
    if (!rows.some((r) => r.slug === s)) details.push({ field: 'themes', code: 'unknown_choice', message: `unknown theme "${s}"` });
  let clusterId: number | null = null;
  if (input.cluster) {
    const c = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, input.cluster)).get();
    if (!c) details.push({ field: 'cluster', code: 'unknown_choice', message: `unknown cluster "${input.cluster}"` });
    else clusterId = c.id;
  }
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_item',
      `The item has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );
  return { themeIds: rows.map((r) => r.id), clusterId, url };
}

/** The author, and whoever acts for the posting cluster (for the secretariat's items: admins). */
function canEdit(actor: Actor | null, item: HorizonItem): boolean {
  return !!actor && (item.createdBy === actor.userId || actsFor(actor, item.clusterId));
}

/**
 * A coordinator posts an item for a cluster they coordinate (an admin also for the secretariat,
 * no cluster). The optional deadline (YYYY-MM-DD) must not be before today in Sweden; all
 * problems come back at once as DomainError invalid_item (400) with a detail per field. Raises
 * horizon.itemCreated.
 */
export function createHorizonItem(db: Db, actor: Actor | null, input: HorizonInput, now = new Date()): HorizonView {
  const a = assertCoordinator(actor);
  const v = validate(db, input, now);
  // No cluster is the secretariat, for which only admins act; anyone else must name a cluster.
  if (!actsFor(a, v.clusterId)) {
    if (v.clusterId === null)
      throw new DomainError('invalid', 'cluster_required', 'Say which of your clusters posts the item', [
        { field: 'cluster', code: 'required', message: 'required' },
      ]);
    throw forbidden('You can only post for a cluster you coordinate');
  }
  const id = db.transaction((tx) => {
    const row = tx
      .insert(horizonItems)
      .values({
        uid: `deadline-${randomUUID()}@samverka`,
        title: singleLine(input.title, LIMITS.title),
        url: v.url,
        summary: input.summary.trim(),
        source: singleLine(input.source, LIMITS.horizonSource),
        deadline: input.deadline || null,
        clusterId: v.clusterId,
        createdBy: a.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: horizonItems.id })
      .get();
    for (const themeId of v.themeIds) tx.insert(horizonItemThemes).values({ itemId: row.id, themeId }).run();
    emit(tx, 'horizon.itemCreated', {
      actorId: a.userId,
      clusterIds: concerned(v.clusterId),
      now,
      itemId: row.id,
      clusterId: v.clusterId,
      deadline: input.deadline || null,
    });
    return row.id;
  });
  return getHorizonItem(db, a, id);
}

function itemRow(db: Db, id: number): HorizonItem {
  const item = db.select().from(horizonItems).where(eq(horizonItems.id, id)).get();
  if (!item) throw new DomainError('not_found', 'unknown_item', `There is no horizon-scanning item ${id}`);
  return item;
}

export function updateHorizonItem(db: Db, actor: Actor | null, id: number, input: HorizonInput, now = new Date()): HorizonView {
  const a = requireActor(actor);
  const item = itemRow(db, id);
  if (!canEdit(a, item)) throw forbidden('Only the posting cluster or an admin may change the item');
  const v = validate(db, { ...input, cluster: input.cluster === undefined ? null : input.cluster }, now, item.deadline);
  db.transaction((tx) => {
    tx.update(horizonItems)
      .set({
        title: singleLine(input.title, LIMITS.title),
        url: v.url,
        summary: input.summary.trim(),
        source: singleLine(input.source, LIMITS.horizonSource),
        deadline: input.deadline || null,
        revision: item.revision + 1,
        updatedAt: now,
      })
      .where(eq(horizonItems.id, id))
      .run();
    tx.delete(horizonItemThemes).where(eq(horizonItemThemes.itemId, id)).run();
    for (const themeId of v.themeIds) tx.insert(horizonItemThemes).values({ itemId: id, themeId }).run();
  });
  return getHorizonItem(db, a, id);
}

export function deleteHorizonItem(db: Db, actor: Actor | null, id: number): void {
  const a = requireActor(actor);
  const item = itemRow(db, id);
  if (!canEdit(a, item)) throw forbidden('Only the posting cluster or an admin may delete the item');
  db.delete(horizonItems).where(eq(horizonItems.id, id)).run();
}

/** One item; with its comments for coordinators and admins only (see HorizonView.comments). */
export function getHorizonItem(db: Db, actor: Actor | null, id: number): HorizonView {
  return views(db, actor, [itemRow(db, id)], canCoordinate(actor))[0]!;
}

function views(db: Db, actor: Actor | null, items: HorizonItem[], full: boolean): HorizonView[] {
  if (items.length === 0) return [];
  const ids = items.map((i) => i.id);
  const clusterRows = new Map(
    db
      .select({ id: clusters.id, slug: clusters.slug, name: clusters.name })
      .from(clusters)
      .all()
      .map((c) => [c.id, { slug: c.slug, name: c.name }]),
  );
  const themeRows = db
    .select({ itemId: horizonItemThemes.itemId, slug: themes.slug })
    .from(horizonItemThemes)
    .innerJoin(themes, eq(themes.id, horizonItemThemes.themeId))
    .where(inArray(horizonItemThemes.itemId, ids))
    .orderBy(asc(themes.id))
    .all();
  const relevance = db.select().from(horizonRelevance).where(inArray(horizonRelevance.itemId, ids)).all();
  const comments = full
    ? db
        .select({
          id: horizonComments.id,
          itemId: horizonComments.itemId,
          body: horizonComments.body,
          createdAt: horizonComments.createdAt,
          clusterId: horizonComments.clusterId,
          author: sql<string | null>`(select name from users where users.id = ${horizonComments.userId})`,
        })
        .from(horizonComments)
        .where(inArray(horizonComments.itemId, ids))
        .orderBy(asc(horizonComments.id))
        .all()
    : [];
  return items.map(
    (i): HorizonView => ({
      id: i.id,
      uid: i.uid,
      title: i.title,
      url: i.url,
      summary: i.summary,
      source: i.source,
      deadline: i.deadline,
      themes: themeRows.filter((t) => t.itemId === i.id).map((t) => t.slug),
      cluster: i.clusterId !== null ? (clusterRows.get(i.clusterId) ?? null) : null,
      relevantFor: relevance.filter((r) => r.itemId === i.id).map((r) => clusterRows.get(r.clusterId)!),
      comments: comments
        .filter((c) => c.itemId === i.id)
        .map((c): HorizonView['comments'][number] => ({
          id: c.id,
          author: c.author,
          cluster: c.clusterId !== null ? (clusterRows.get(c.clusterId)?.name ?? null) : null,
          body: c.body,
          createdAt: c.createdAt.toISOString(),
        })),
      createdAt: i.createdAt.toISOString(),
      updatedAt: i.updatedAt.toISOString(),
      canEdit: canEdit(actor, i),
      canDelete: canEdit(actor, i),
    }),
  );
}

/** The board's filters as the API takes them; `today` (YYYY-MM-DD) fixes the date in tests. */
export type HorizonFilter = HorizonQuery & { today?: string };

/** The board: items with an upcoming deadline first (soonest first), then the newest without one. */
export function listHorizonItems(db: Db, actor: Actor | null, f: HorizonFilter = {}): HorizonView[] {
  const where = [];
  if (f.theme) {
    const t = db.select({ id: themes.id }).from(themes).where(eq(themes.slug, f.theme)).get();
    if (!t) throw new DomainError('not_found', 'unknown_theme', `There is no theme "${f.theme}"`);
    where.push(
      inArray(
        horizonItems.id,
        db.select({ id: horizonItemThemes.itemId }).from(horizonItemThemes).where(eq(horizonItemThemes.themeId, t.id)),
      ),
    );
  }
  const today = f.today ?? new Date().toISOString().slice(0, 10);
  if (f.closingWithinDays !== undefined) {
    const until = new Date(`${today}T00:00:00Z`);
    until.setUTCDate(until.getUTCDate() + f.closingWithinDays);
    where.push(
      isNotNull(horizonItems.deadline),
      gte(horizonItems.deadline, today),
      lte(horizonItems.deadline, until.toISOString().slice(0, 10)),
    );
  }
  const rows = db
    .select()
    .from(horizonItems)
    .where(and(...where))
    .orderBy(
      sql`case when ${horizonItems.deadline} >= ${today} then 0 else 1 end`,
      asc(horizonItems.deadline),
      desc(horizonItems.createdAt),
    )
    .limit(300)
    .all();
  return views(db, actor, rows, false);
}

export function commentOnHorizonItem(db: Db, actor: Actor | null, id: number, body: string, now = new Date()): HorizonView {
  const a = assertCoordinator(actor);
  itemRow(db, id);
  const text = body.trim();
  if (!text || codePointLength(text) > LIMITS.comment)
    throw new DomainError('invalid', 'invalid_comment', `A comment has 1 to ${LIMITS.comment} characters`, [
      text
        ? { field: 'body', code: 'too_long', message: `required, at most ${LIMITS.comment} characters`, params: { max: LIMITS.comment } }
        : { field: 'body', code: 'required', message: `required, at most ${LIMITS.comment} characters` },
    ]);
  db.insert(horizonComments)
    .values({ itemId: id, userId: a.userId, clusterId: coordinatedClusters(a)[0] ?? null, body: text, createdAt: now })
    .run();
  return getHorizonItem(db, a, id);
}

/** "Relevant for us": marked per cluster by its coordinators; on = false takes it back. Raises horizon.markedRelevant when that changed anything. */
export function markHorizonRelevant(
  db: Db,
  actor: Actor | null,
  id: number,
  clusterSlug: string,
  on: boolean,
  now = new Date(),
): HorizonView {
  const a = assertCoordinator(actor);
  const item = itemRow(db, id);
  const c = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, clusterSlug)).get();
  if (!c)
    throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${clusterSlug}"`, [
      { field: 'cluster', code: 'unknown_choice', message: 'unknown cluster' },
    ]);
  assertActsFor(a, c.id, 'You can only mark items for a cluster you coordinate');
  db.transaction((tx) => {
    const { changes } = on
      ? tx.insert(horizonRelevance).values({ itemId: id, clusterId: c.id, userId: a.userId, createdAt: now }).onConflictDoNothing().run()
      : tx
          .delete(horizonRelevance)
          .where(and(eq(horizonRelevance.itemId, id), eq(horizonRelevance.clusterId, c.id)))
          .run();
    if (changes === 0) return;
    emit(tx, 'horizon.markedRelevant', {
      actorId: a.userId,
      clusterIds: concerned(c.id, item.clusterId),
      now,
      itemId: id,
      clusterId: c.id,
      on,
      postingClusterId: item.clusterId,
      postedBy: item.createdBy,
    });
  });
  return getHorizonItem(db, a, id);
}

/** Items with a deadline for the calendar feeds (see feeds/feed-service.ts), by theme and/or posting cluster. */
export function deadlineItems(
  db: Db,
  f: { themeId?: number; clusterId?: number; fromDate: string },
): (HorizonItem & { themeNames: { sv: string; en: string }[] })[] {
  const where = [isNotNull(horizonItems.deadline), gte(horizonItems.deadline, f.fromDate)];
  if (f.themeId !== undefined)
    where.push(
      inArray(
        horizonItems.id,
        db.select({ id: horizonItemThemes.itemId }).from(horizonItemThemes).where(eq(horizonItemThemes.themeId, f.themeId)),
      ),
    );
  if (f.clusterId !== undefined) where.push(eq(horizonItems.clusterId, f.clusterId));
  const rows = db
    .select()
    .from(horizonItems)
    .where(and(...where))
    .orderBy(asc(horizonItems.deadline), asc(horizonItems.id))
    .all();
  if (rows.length === 0) return [];
  const names = db
    .select({ itemId: horizonItemThemes.itemId, sv: themes.nameSv, en: themes.nameEn })
    .from(horizonItemThemes)
    .innerJoin(themes, eq(themes.id, horizonItemThemes.themeId))
    .where(
      inArray(
        horizonItemThemes.itemId,
        rows.map((r) => r.id),
      ),
    )
    .all();
  return rows.map((r) => ({ ...r, themeNames: names.filter((n) => n.itemId === r.id).map((n) => ({ sv: n.sv, en: n.en })) }));
}
