import { sessions } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../src/auth-service.ts';
import { LoginCache, type TokenClaims } from '../src/login-cache.ts';
import { freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';

let t: TestDb;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.dispose());

const HOUR = 3_600_000;

/** A stand-in for the signature check: the token is the claims as JSON; counts how often it ran. */
function verifier() {
  const seen = { count: 0 };
  const verify = (token: string): TokenClaims => {
    seen.count++;
    if (!token.startsWith('{')) throw new Error('bad signature');
    return JSON.parse(token) as TokenClaims;
  };
  return { seen, verify };
}

describe('LoginCache', () => {
  it('verifies a token once while nothing changes, and again after a write to sessions', () => {
    const userId = insertUser(t.db);
    const now = Date.now();
    const grant = startSession(t.db, userId, HOUR, new Date(now));
    const cache = new LoginCache(t.db);
    const { seen, verify } = verifier();
    const token = JSON.stringify({ sub: String(userId), sid: grant.sessionId });
    expect(cache.resolve(token, verify, now)).toEqual({ actor: { userId, isAdmin: false, coordinatorOf: [] }, sessionId: grant.sessionId });
    expect(cache.resolve(token, verify, now + 1)?.actor.userId).toBe(userId);
    expect(seen.count).toBe(1);
    endSession(t.db, grant.sessionId);
    expect(cache.resolve(token, verify, now + 2)).toBeNull();
    expect(seen.count).toBe(2);
  });

  it('a kept login ends when its session or its token expires, with nothing written', () => {
    const userId = insertUser(t.db);
    const now = Date.now();
    const grant = startSession(t.db, userId, HOUR, new Date(now));
    const cache = new LoginCache(t.db);
    const { verify } = verifier();
    const token = JSON.stringify({ sub: String(userId), sid: grant.sessionId });
    expect(cache.resolve(token, verify, now)).not.toBeNull();
    expect(cache.resolve(token, verify, now + HOUR - 1)).not.toBeNull();
    expect(cache.resolve(token, verify, now + HOUR)).toBeNull();

    const shortToken = JSON.stringify({ sub: String(userId), sid: grant.sessionId, exp: Math.floor(now / 1000) + 60 });
    expect(cache.resolve(shortToken, verify, now)).not.toBeNull();
    const later = Math.floor(now / 1000) * 1000 + 60_000;
    // The stand-in verifier does not check exp: only the kept entry's own limit refuses here.
    expect(cache.resolve(shortToken, verify, later - 1)).not.toBeNull();
    expect(t.db.select().from(sessions).where(eq(sessions.id, grant.sessionId)).get()?.revokedAt).toBeNull();
  });

  it('refuses a token that fails verification or names another user, and keeps no refusal', () => {
    const userId = insertUser(t.db);
    const other = insertUser(t.db);
    const now = Date.now();
    const grant = startSession(t.db, userId, HOUR, new Date(now));
    const cache = new LoginCache(t.db);
    const { seen, verify } = verifier();
    expect(cache.resolve('not-a-token', verify, now)).toBeNull();
    const forged = JSON.stringify({ sub: String(other), sid: grant.sessionId });
    expect(cache.resolve(forged, verify, now)).toBeNull();
    expect(cache.resolve(forged, verify, now)).toBeNull();
    expect(seen.count).toBe(3);
  });

  it('the login it hands out cannot be changed by one request for the next', () => {
    const userId = insertUser(t.db, { coordinatorOf: ['froda'] });
    const grant = startSession(t.db, userId, HOUR);
    const cache = new LoginCache(t.db);
    const login = cache.resolve(JSON.stringify({ sub: String(userId), sid: grant.sessionId }), verifier().verify)!;
    expect(Object.isFrozen(login.actor)).toBe(true);
    expect(Object.isFrozen(login.actor.coordinatorOf)).toBe(true);
  });
});
