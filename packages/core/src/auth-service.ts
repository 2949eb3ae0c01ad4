import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { keptStatement, loginTokens, sessions, users, type Db, type User } from '@samverka/db';
import { loadActor, requireActor, type Actor } from './access.ts';
import { DomainError } from './errors.ts';
import { codePointLength, isEmail, normaliseEmail } from './escape.ts';
import { loginLinkMail } from './outbox/compose.ts';
import { enqueueMail } from './outbox/outbox.ts';
import { dummyPasswordHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import { hashToken, newToken } from './tokens.ts';

export const LOGIN_LINK_MINUTES = 20;

/** The same answer for an unknown email and a wrong password, so neither reveals which accounts exist. */
const invalidCredentials = () => new DomainError('unauthenticated', 'invalid_credentials', 'Invalid email or password');

export async function authenticate(db: Db, email: string, password: string): Promise<User> {
  const user = db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .get();
  if (!user?.passwordHash || user.disabledAt) {
    await verifyPassword(password, await dummyPasswordHash()); // same cost as a real check
    throw invalidCredentials();
  }
  if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
  return user;
}

export interface SessionGrant {
  sessionId: string;
  userId: number;
  expiresAt: Date;
}

export function startSession(db: Db, userId: number, ttlMs: number, now = new Date()): SessionGrant {
  const sessionId = newToken();
  const expiresAt = new Date(now.getTime() + ttlMs);
  db.insert(sessions).values({ id: sessionId, userId, createdAt: now, expiresAt }).run();
  return { sessionId, userId, expiresAt };
}

export function endSession(db: Db, sessionId: string, now = new Date()): void {
  db.update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .run();
}

/**
 * Revokes every live session of a user except `keep` (the caller's own, or null for all).
 * Used when what a login proved may no longer hold: a new password, a role taken away, or the
 * person asking to be logged out everywhere. Returns how many sessions ended.
 */
export function endSessionsOf(db: Pick<Db, 'update'>, userId: number, keep: string | null, now = new Date()): number {
  return db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep === null ? undefined : ne(sessions.id, keep)))
    .run().changes;
}

/** "Log out everywhere": every session of the caller ends, this one included. Returns how many ended. */
export function logoutEverywhere(db: Db, actor: Actor | null, now = new Date()): number {
  const a = requireActor(actor);
  return endSessionsOf(db, a.userId, null, now);
}

/** The actor behind a session, or null when it is unknown, revoked, expired, or its user is disabled. */
export function actorForSession(db: Db, sessionId: string, now = new Date()): Actor | null {
  return sessionLogin(db, sessionId, now)?.actor ?? null;
}

/**
 * actorForSession with the instant the session ends (`expiresAt`), after which it stands for
 * nobody even if nothing is written: what a cache of resolved logins (LoginCache) may keep it until.
 */
export function sessionLogin(db: Db, sessionId: string, now = new Date()): { actor: Actor; expiresAt: Date } | null {
  // Every logged-in request and every in-process call of a logged-in page runs this: kept.
  const session = keptStatement(db, 'auth.session', (d) =>
    d
      .select()
      .from(sessions)
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: sessionId });
  if (!session || session.revokedAt || session.expiresAt.getTime() <= now.getTime()) return null;
  const actor = loadActor(db, session.userId);
  return actor ? { actor, expiresAt: session.expiresAt } : null;
}

export interface LoginLinkRequest {
  email: string;
  /** Builds the URL the mail links to from the raw token. */
  linkFor: (token: string) => string;
  now?: Date;
}

/**
 * Mails a one-time login link when the address belongs to an active user. Answers nothing
 * either way: the caller tells every requester the same thing.
 */
export function requestLoginLink(db: Db, req: LoginLinkRequest): void {
  const now = req.now ?? new Date();
  const email = normaliseEmail(req.email);
  if (!isEmail(email))
    throw new DomainError('invalid', 'invalid_email', 'That is not a valid email address', [
      { field: 'email', code: 'invalid_email', message: 'not an email address' },
    ]);
  const user = db.select().from(users).where(eq(users.email, email)).get();
  if (!user || user.disabledAt) return;
  db.transaction((tx) => {
    const token = issueLoginToken(tx, user.id, LOGIN_LINK_MINUTES * 60_000, now);
    enqueueMail(tx, { to: user.email, ...loginLinkMail(user.language, user.name, req.linkFor(token), LOGIN_LINK_MINUTES) }, now);
  });
}

export function issueLoginToken(db: Pick<Db, 'insert'>, userId: number, ttlMs: number, now: Date): string {
  const token = newToken();
  db.insert(loginTokens)
    .values({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) })
    .run();
  return token;
}

/** Spends a login link: valid once, before it expires, for an active user. */
export function redeemLoginLink(db: Db, token: string, now = new Date()): User {
  const invalid = new DomainError(
    'unauthenticated',
    'invalid_login_link',
    'This login link is invalid, used or expired. Ask for a new one.',
  );
  return db.transaction((tx) => {
    const row = tx
      .select()
      .from(loginTokens)
      .where(eq(loginTokens.tokenHash, hashToken(token)))
      .get();
    if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) throw invalid;
    const user = tx.select().from(users).where(eq(users.id, row.userId)).get();
    if (!user || user.disabledAt) throw invalid;
    tx.update(loginTokens).set({ usedAt: now }).where(eq(loginTokens.tokenHash, row.tokenHash)).run();
    return user;
  });
}

export function validatePassword(password: string): void {
  if (codePointLength(password) < MIN_PASSWORD_LENGTH) {
    throw new DomainError('invalid', 'weak_password', `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`, [
      { field: 'password', code: 'too_short', message: `at least ${MIN_PASSWORD_LENGTH} characters`, params: { min: MIN_PASSWORD_LENGTH } },
    ]);
  }
}

/**
 * Sets the caller's password and ends every other session of theirs (whoever learnt the old
 * password, or holds a token from it, is out); the session `currentSession` that made the change
 * stays logged in. Without it, all sessions end.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor | null,
  password: string,
  currentSession: string | null = null,
): Promise<void> {
  const a = requireActor(actor);
  validatePassword(password);
  const hash = await hashPassword(password);
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash: hash }).where(eq(users.id, a.userId)).run();
    endSessionsOf(tx, a.userId, currentSession);
  });
}
