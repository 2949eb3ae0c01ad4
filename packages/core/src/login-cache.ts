import { keptSql, type Db } from '@samverka/db';
import type { Actor } from './access.ts';
import { sessionLogin } from './auth-service.ts';

/** What a login token was verified to say: the user (as a decimal string), the session and, in seconds since 1970, its expiry. */
export interface TokenClaims {
  sub: string;
  sid: string;
  exp?: number;
}

/** Who a login token stands for: the actor and the session it names. */
export interface ResolvedLogin {
  actor: Actor;
  sessionId: string;
}

interface Entry {
  login: ResolvedLogin;
  /** Milliseconds since 1970 when the session or the token expires, whichever is first. */
  validUntil: number;
}

type VersionStatement = { get(): [number] | undefined };

/**
 * The logins one process has resolved, by token, so that a page that makes several API calls
 * verifies its token's signature and reads its session, user and coordinator rows once.
 *
 * An entry holds only while auth_state.version stays what it was when the entry was made (its
 * triggers raise it on every write to sessions, to a user's role, disabling or deletion, and to
 * coordinators, from any code or process) and until the session or the token expires: after a
 * logout, a revocation, a role change or an erasure the very next request resolves afresh. A
 * refused token is never kept. Without an auth_state row (a database not migrated) nothing is kept.
 */
export class LoginCache {
  private readonly entries = new Map<string, Entry>();
  private version: number | undefined;
  private readonly versionStmt: VersionStatement;

  /** `max`: the number of tokens kept; the oldest is forgotten first. */
  constructor(
    private readonly db: Db,
    private readonly max = 5_000,
  ) {
    // Read on every logged-in request: a plain better-sqlite3 statement, not drizzle's mapping.
    this.versionStmt = keptSql<[number]>(db, 'select version from auth_state where id = 1', true);
  }

  /**
   * The login `token` stands for, or null when it stands for nobody (a bad signature, an
   * expired token, a revoked or expired session, a disabled user, a token whose user is not its
   * session's). `verify` checks the token's signature and expiry and returns its claims, or
   * throws; it runs only when the token is not kept. `now`: milliseconds since 1970.
   */
  resolve(token: string, verify: (token: string) => TokenClaims, now = Date.now()): ResolvedLogin | null {
    const version = this.versionStmt.get()?.[0];
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const hit = this.entries.get(token);
    if (hit && now < hit.validUntil) return hit.login;
    if (hit) this.entries.delete(token);

    let claims: TokenClaims;
    try {
      claims = verify(token);
    } catch {
      return null;
    }
    const found = sessionLogin(this.db, claims.sid, new Date(now));
    if (!found || String(found.actor.userId) !== claims.sub) return null;
    // Shared by every request of the token while kept: frozen, so no caller can change it for the next.
    const login = Object.freeze({
      actor: Object.freeze({ ...found.actor, coordinatorOf: Object.freeze([...found.actor.coordinatorOf]) }),
      sessionId: claims.sid,
    });
    const validUntil = Math.min(found.expiresAt.getTime(), claims.exp === undefined ? Infinity : claims.exp * 1000);
    if (version !== undefined && now < validUntil) {
      this.entries.set(token, { login, validUntil });
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    return login;
  }
}
