import { type InviteBody, LIMITS, type User as UserView } from '@samverka/contracts';
import { and, asc, eq, sql } from 'drizzle-orm';
import { clusters, coordinators, keptStatement, users, type Db, type User } from '@samverka/db';
import { actsFor, actsForNetwork, assertAdmin, canCoordinate, rolesOf, loadActor, type Actor } from './access.ts';
import { endSessionsOf, issueLoginToken, validatePassword } from './auth-service.ts';
import { DomainError, notFound } from './errors.ts';
import { isEmail, normaliseEmail, singleLine } from './escape.ts';
import { accountInvitationMail } from './outbox/compose.ts';
import type { Lang } from './texts/index.ts';
import { enqueueMail } from './outbox/outbox.ts';
import { hashPassword } from './passwords.ts';

export const INVITATION_DAYS = 7;

const byName = new Intl.Collator('sv');

export function viewUser(db: Db, user: User): UserView {
  // Every logged-in page asks for its user (GET /api/me): the statements are kept.
  const rows = keptStatement(db, 'users.coordinatorOf', (d) =>
    d
      .select({ slug: clusters.slug, name: clusters.name, id: clusters.id })
      .from(coordinators)
      .innerJoin(clusters, eq(clusters.id, coordinators.clusterId))
      .where(eq(coordinators.userId, sql.placeholder('userId')))
      .orderBy(asc(clusters.name))
      .prepare(),
  ).all({ userId: user.id });
  const actor: Actor = { userId: user.id, isAdmin: user.isAdmin, coordinatorOf: rows.map((r) => r.id) };
  const own = rows.map(({ slug, name }) => ({ slug, name }));
  // An admin acts for every cluster, not only those on their own list.
  const actingFor = actsForNetwork(actor)
    ? keptStatement(db, 'users.allClusters', (d) => d.select({ slug: clusters.slug, name: clusters.name }).from(clusters).prepare())
        .all()
        .sort((a, b) => byName.compare(a.name, b.name))
    : own;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    language: user.language,
    isAdmin: user.isAdmin,
    roles: rolesOf(actor),
    clusters: own,
    hasPassword: !!user.passwordHash,
    createdAt: user.createdAt.toISOString(),
    canCoordinate: canCoordinate(actor),
    actsFor: actingFor,
    actsForNetwork: actsFor(actor, null),
  };
}

export function getMe(db: Db, actor: Actor | null): UserView {
  if (!actor) throw new DomainError('unauthenticated', 'login_required', 'You need to log in to do this');
  const user = keptStatement(db, 'users.me', (d) =>
    d
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: actor.userId });
  if (!user) throw notFound('User');
  return viewUser(db, user);
}

export function listUsers(db: Db, actor: Actor | null): UserView[] {
  assertAdmin(actor);
  return db
    .select()
    .from(users)
    .orderBy(asc(users.name))
    .all()
    .map((u) => viewUser(db, u));
}

function clusterBySlug(db: Db, slug: string) {
  const cluster = db.select().from(clusters).where(eq(clusters.slug, slug)).get();
  if (!cluster)
    throw new DomainError('not_found', 'unknown_cluster', `There is no cluster "${slug}"`, [
      { field: 'cluster', code: 'unknown_choice', message: 'unknown cluster' },
    ]);
  return cluster;
}

/** An admin adds a user and mails them a login link valid for a week. */
export function inviteUser(db: Db, actor: Actor | null, input: InviteBody, linkFor: (token: string) => string, now = new Date()): UserView {
  assertAdmin(actor);
  const email = normaliseEmail(input.email);
  if (!isEmail(email))
    throw new DomainError('invalid', 'invalid_email', 'That is not a valid email address', [
      { field: 'email', code: 'invalid_email', message: 'not an email address' },
    ]);
  const name = singleLine(input.name, LIMITS.name);
  if (!name)
    throw new DomainError('invalid', 'invalid_name', 'A name is required', [{ field: 'name', code: 'required', message: 'required' }]);
  const clusterIds = (input.coordinatorOf ?? []).map((slug) => clusterBySlug(db, slug).id);
  const user = db.transaction((tx) => {
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
      throw new DomainError('conflict', 'email_taken', 'A user with this email already exists', [
        { field: 'email', code: 'duplicate', message: 'already registered' },
      ]);
    }
    const created = tx
      .insert(users)
      .values({ email, name, language: input.language ?? 'sv', isAdmin: input.isAdmin ?? false, createdAt: now })
      .returning()
      .get();
    for (const clusterId of clusterIds) tx.insert(coordinators).values({ userId: created.id, clusterId, grantedAt: now }).run();
    const token = issueLoginToken(tx, created.id, INVITATION_DAYS * 86_400_000, now);
    enqueueMail(tx, { to: email, ...accountInvitationMail(created.language, name, linkFor(token), INVITATION_DAYS) }, now);
    return created;
  });
  return viewUser(db, user);
}

function userById(db: Db, id: number): User {
  const user = db.select().from(users).where(eq(users.id, id)).get();
  if (!user) throw notFound('User', 'unknown_user');
  return user;
}

export function setCoordinator(
  db: Db,
  actor: Actor | null,
  userId: number,
  clusterSlug: string,
  granted: boolean,
  now = new Date(),
): UserView {
  const a = assertAdmin(actor);
  const user = userById(db, userId);
  const cluster = clusterBySlug(db, clusterSlug);
  if (granted) {
    db.insert(coordinators).values({ userId, clusterId: cluster.id, grantedAt: now }).onConflictDoNothing().run();
  } else {
    const removed = db
      .delete(coordinators)
      .where(and(eq(coordinators.userId, userId), eq(coordinators.clusterId, cluster.id)))
      .run().changes;
    // A role taken away ends the person's logins (they log in again to the access they have now).
    if (removed > 0 && userId !== a.userId) endSessionsOf(db, userId, null, now);
  }
  return viewUser(db, user);
}

export function setAdmin(db: Db, actor: Actor | null, userId: number, isAdmin: boolean): UserView {
  const a = assertAdmin(actor);
  if (a.userId === userId && !isAdmin) {
    throw new DomainError('rule', 'last_admin_guard', 'You cannot remove your own admin role; ask another admin');
  }
  const before = userById(db, userId);
  db.update(users).set({ isAdmin }).where(eq(users.id, userId)).run();
  if (before.isAdmin && !isAdmin) endSessionsOf(db, userId, null);
  return viewUser(db, userById(db, userId));
}

/** For the command-line tool: creates (or promotes) an admin with a password. Not reachable over HTTP. */
export async function createAdmin(db: Db, input: { email: string; name: string; password: string }, now = new Date()): Promise<UserView> {
  const email = normaliseEmail(input.email);
  if (!isEmail(email)) throw new DomainError('invalid', 'invalid_email', 'That is not a valid email address');
  validatePassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const existing = db.select().from(users).where(eq(users.email, email)).get();
  const user = existing
    ? db.update(users).set({ isAdmin: true, passwordHash, disabledAt: null }).where(eq(users.id, existing.id)).returning().get()
    : db
        .insert(users)
        .values({ email, name: singleLine(input.name, LIMITS.name) || email, isAdmin: true, passwordHash, createdAt: now })
        .returning()
        .get();
  return viewUser(db, user);
}

export function setLanguage(db: Db, actor: Actor | null, language: Lang): UserView {
  const me = loadActor(db, actor?.userId ?? -1);
  if (!me) throw new DomainError('unauthenticated', 'login_required', 'You need to log in to do this');
  db.update(users).set({ language }).where(eq(users.id, me.userId)).run();
  return viewUser(db, userById(db, me.userId));
}
