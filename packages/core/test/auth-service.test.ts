import { loginTokens, outbox, sessions, users } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  actorForSession,
  authenticate,
  changeOwnPassword,
  endSession,
  LOGIN_LINK_MINUTES,
  redeemLoginLink,
  requestLoginLink,
  startSession,
} from '../src/auth-service.ts';
import { DomainError } from '../src/errors.ts';
import { hashPassword, verifyPassword } from '../src/passwords.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught } from './helpers.ts';

let t: TestDb;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.dispose());

const PASSWORD = 'correct horse battery';
const HOUR = 3_600_000;

async function caughtAsync(fn: () => Promise<unknown>): Promise<DomainError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('authenticate', () => {
  it('returns the user for the right password, with the email matched case-insensitively', async () => {
    const id = insertUser(t.db, { email: 'anna@example.se', passwordHash: await hashPassword(PASSWORD) });
    expect((await authenticate(t.db, 'anna@example.se', PASSWORD)).id).toBe(id);
    expect((await authenticate(t.db, '  Anna@Example.SE ', PASSWORD)).id).toBe(id);
  });

  it('gives the same error for a wrong password, an unknown email, a user without password and a disabled user', async () => {
    const hash = await hashPassword(PASSWORD);
    insertUser(t.db, { email: 'anna@example.se', passwordHash: hash });
    insertUser(t.db, { email: 'nopass@example.se', passwordHash: null });
    insertUser(t.db, { email: 'gone@example.se', passwordHash: hash, disabledAt: new Date() });
    const errs = await Promise.all([
      caughtAsync(() => authenticate(t.db, 'anna@example.se', 'wrong password!')),
      caughtAsync(() => authenticate(t.db, 'nobody@example.se', PASSWORD)),
      caughtAsync(() => authenticate(t.db, 'nopass@example.se', PASSWORD)),
      caughtAsync(() => authenticate(t.db, 'gone@example.se', PASSWORD)),
    ]);
    for (const e of errs) {
      expect({ kind: e.kind, code: e.code, message: e.message }).toEqual({
        kind: 'unauthenticated',
        code: 'invalid_credentials',
        message: errs[0]!.message,
      });
    }
  });
});

describe('sessions', () => {
  it('a fresh session resolves to its actor', () => {
    const id = insertUser(t.db, { coordinatorOf: ['froda'] });
    const now = new Date('2026-03-01T10:00:00Z');
    const grant = startSession(t.db, id, HOUR, now);
    expect(grant.expiresAt.getTime()).toBe(now.getTime() + HOUR);
    expect(grant.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(actorForSession(t.db, grant.sessionId, now)).toEqual({ userId: id, isAdmin: false, coordinatorOf: [clusterId(t.db, 'froda')] });
  });

  it('a revoked session resolves to nobody, and revoking twice keeps the first time', () => {
    const id = insertUser(t.db);
    const grant = startSession(t.db, id, HOUR);
    const first = new Date(Date.now() + 1000);
    endSession(t.db, grant.sessionId, first);
    expect(actorForSession(t.db, grant.sessionId)).toBeNull();
    endSession(t.db, grant.sessionId, new Date(Date.now() + 5000));
    expect(t.db.select().from(sessions).where(eq(sessions.id, grant.sessionId)).get()!.revokedAt!.getTime()).toBe(first.getTime());
  });

  it('an expired session resolves to nobody from the instant it expires', () => {
    const id = insertUser(t.db);
    const now = new Date('2026-03-01T10:00:00Z');
    const grant = startSession(t.db, id, HOUR, now);
    expect(actorForSession(t.db, grant.sessionId, new Date(now.getTime() + HOUR - 1))).not.toBeNull();
    expect(actorForSession(t.db, grant.sessionId, new Date(now.getTime() + HOUR))).toBeNull();
  });

  it('a session of a user who has since been disabled resolves to nobody', () => {
    const id = insertUser(t.db);
    const grant = startSession(t.db, id, HOUR);
    expect(actorForSession(t.db, grant.sessionId)).not.toBeNull();
    t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, id)).run();
    expect(actorForSession(t.db, grant.sessionId)).toBeNull();
  });

  it('an unknown session id resolves to nobody', () => {
    expect(actorForSession(t.db, 'no-such-session')).toBeNull();
  });
});

describe('login links', () => {
  const now = new Date('2026-03-01T10:00:00Z');

  function request(email: string, at = now): string | undefined {
    let token: string | undefined;
    requestLoginLink(t.db, {
      email,
      linkFor: (tok) => {
        token = tok;
        return `https://samverka.test/logga-in/lank?token=${tok}`;
      },
      now: at,
    });
    return token;
  }

  it('mails a link to a known address and stores only the SHA-256 of the token', () => {
    const id = insertUser(t.db, { email: 'anna@example.se' });
    const token = request('ANNA@example.se ')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = t.db.select().from(loginTokens).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: id, tokenHash: createHash('sha256').update(token).digest('hex') });
    expect(rows[0]!.expiresAt.getTime() - now.getTime()).toBe(LOGIN_LINK_MINUTES * 60_000);
    // The raw token appears nowhere in the token table.
    expect(JSON.stringify(t.sqlite.prepare('select * from login_tokens').all())).not.toContain(token);
    const mails = t.db.select().from(outbox).all();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ toAddress: 'anna@example.se', status: 'pending' });
    expect(mails[0]!.text).toContain(`https://samverka.test/logga-in/lank?token=${token}`);
  });

  it('does nothing for an unknown or disabled address, and refuses a malformed one', () => {
    insertUser(t.db, { email: 'gone@example.se', disabledAt: new Date() });
    expect(request('nobody@example.se')).toBeUndefined();
    expect(request('gone@example.se')).toBeUndefined();
    expect(t.db.select().from(loginTokens).all()).toHaveLength(0);
    expect(t.db.select().from(outbox).all()).toHaveLength(0);
    const err = caught(() => request('not an address'));
    expect([err.kind, err.code]).toEqual(['invalid', 'invalid_email']);
  });

  it('works once: the second redeem of the same token is refused', () => {
    const id = insertUser(t.db, { email: 'anna@example.se' });
    const token = request('anna@example.se')!;
    expect(redeemLoginLink(t.db, token, new Date(now.getTime() + 60_000)).id).toBe(id);
    const err = caught(() => redeemLoginLink(t.db, token, new Date(now.getTime() + 120_000)));
    expect([err.kind, err.code]).toEqual(['unauthenticated', 'invalid_login_link']);
  });

  it('is refused from the instant it expires', () => {
    insertUser(t.db, { email: 'anna@example.se' });
    const token = request('anna@example.se')!;
    const expiry = now.getTime() + LOGIN_LINK_MINUTES * 60_000;
    const err = caught(() => redeemLoginLink(t.db, token, new Date(expiry)));
    expect(err.code).toBe('invalid_login_link');
    // Refusing an expired link does not spend it; it was never usable anyway.
    expect(t.db.select().from(loginTokens).get()!.usedAt).toBeNull();
  });

  it('is accepted just before it expires', () => {
    const id = insertUser(t.db, { email: 'anna@example.se' });
    const token = request('anna@example.se')!;
    expect(redeemLoginLink(t.db, token, new Date(now.getTime() + LOGIN_LINK_MINUTES * 60_000 - 1)).id).toBe(id);
  });

  it('refuses an unknown token, and the stored hash itself', () => {
    insertUser(t.db, { email: 'anna@example.se' });
    request('anna@example.se');
    const stored = t.db.select().from(loginTokens).get()!.tokenHash;
    expect(caught(() => redeemLoginLink(t.db, 'x'.repeat(43), now)).code).toBe('invalid_login_link');
    expect(caught(() => redeemLoginLink(t.db, stored, now)).code).toBe('invalid_login_link');
  });

  it('refuses the link of a user disabled after it was sent', () => {
    const id = insertUser(t.db, { email: 'anna@example.se' });
    const token = request('anna@example.se')!;
    t.db.update(users).set({ disabledAt: now }).where(eq(users.id, id)).run();
    expect(caught(() => redeemLoginLink(t.db, token, now)).code).toBe('invalid_login_link');
  });

  it('two links for the same user are independent', () => {
    const id = insertUser(t.db, { email: 'anna@example.se' });
    const a = request('anna@example.se')!;
    const b = request('anna@example.se')!;
    expect(a).not.toBe(b);
    expect(redeemLoginLink(t.db, b, now).id).toBe(id);
    expect(redeemLoginLink(t.db, a, now).id).toBe(id);
  });
});

describe('changeOwnPassword', () => {
  it('sets a password that then verifies, and refuses a short one or nobody', async () => {
    const id = insertUser(t.db);
    const actor = { userId: id, isAdmin: false, coordinatorOf: [] };
    expect((await caughtAsync(() => changeOwnPassword(t.db, actor, 'short'))).code).toBe('weak_password');
    expect((await caughtAsync(() => changeOwnPassword(t.db, null, PASSWORD))).kind).toBe('unauthenticated');
    expect(t.db.select().from(users).where(eq(users.id, id)).get()!.passwordHash).toBeNull();
    await changeOwnPassword(t.db, actor, PASSWORD);
    const stored = t.db.select().from(users).where(eq(users.id, id)).get()!.passwordHash!;
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });
});
