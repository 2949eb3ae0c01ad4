import { outbox, sessions, users } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, TEST_PASSWORD, tokenFromOutbox, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const me = (headers: Record<string, string> = {}) => t.inject({ method: 'GET', url: '/api/me', headers });
const outboxTo = (to: string) => t.db.select().from(outbox).where(eq(outbox.toAddress, to)).all();

describe('POST /api/auth/login', () => {
  it('answers a session token that works, valid for SESSION_HOURS', async () => {
    const { email } = await t.login('participant');
    const before = Date.now();
    const res = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ email, roles: ['participant'], hasPassword: true });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(Date.parse(body.expiresAt) - before).toBeGreaterThanOrEqual(t.config.sessionHours * 3_600_000 - 1000);
    expect(Date.parse(body.expiresAt) - before).toBeLessThanOrEqual(t.config.sessionHours * 3_600_000 + 5000);
    const mine = await me(bearer(body.token));
    expect(mine.statusCode).toBe(200);
    expect(mine.json().email).toBe(email);
  });

  it('gives the very same 401 answer for an unknown email and a wrong password', async () => {
    const { email } = await t.login('participant');
    const wrong = await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'not the password' } });
    const unknown = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.se', password: 'not the password' },
    });
    expectError(wrong, 401, 'invalid_credentials');
    expectError(unknown, 401, 'invalid_credentials');
    expect(unknown.body).toBe(wrong.body);
    expect(unknown.headers['content-type']).toBe(wrong.headers['content-type']);
  });

  it('refuses a disabled user with the same answer', async () => {
    const { email, userId } = await t.login('participant');
    t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, userId)).run();
    const res = await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } });
    expectError(res, 401, 'invalid_credentials');
  });

  it('refuses bodies with unknown fields, wrong types or missing fields with 400', async () => {
    const { email } = await t.login('participant');
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD, remember: true } }),
      400,
      'invalid_request',
    );
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 12345678901 } }),
      400,
      'invalid_request',
    );
    expectError(await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email } }), 400, 'invalid_request');
  });
});

describe('Bearer tokens', () => {
  it('401 without a token on a route that needs a login', async () => {
    expectError(await me(), 401, 'login_required');
  });

  it.each([
    ['garbage', 'Bearer garbage'],
    ['a malformed header', 'Bearer a b c'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare token', 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
    ['an empty bearer', 'Bearer '],
  ])('401 with %s, never treated as anonymous', async (_what, header) => {
    expectError(await me({ authorization: header }), 401, 'invalid_token');
    // Not even on a public route: a bad token is an error, not "anonymous".
    expectError(await t.inject({ method: 'GET', url: '/api/clusters', headers: { authorization: header } }), 401, 'invalid_token');
  });

  it('401 with a token whose signature was tampered with, or signed with another key', async () => {
    const { token } = await t.login('participant');
    const [h, p, s] = token.split('.');
    const flipped = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BB' : 'AA'}`;
    expectError(await me(bearer(flipped)), 401, 'invalid_token');
    const other = await makeTestApp();
    try {
      const foreign = await other.login('admin');
      expectError(await me(bearer(foreign.token)), 401, 'invalid_token');
    } finally {
      await other.close();
    }
  });

  it('401 with a JWT that has expired', async () => {
    const { userId } = await t.login('participant');
    const sid = t.db.select().from(sessions).where(eq(sessions.userId, userId)).get()!.id;
    const now = Math.floor(Date.now() / 1000);
    const expired = t.app.jwt.sign({ sub: String(userId), sid, iat: now - 7200, exp: now - 3600 } as never);
    expectError(await me(bearer(expired)), 401, 'invalid_token');
  });

  it('401 when the session row has expired, though the JWT has not', async () => {
    const { token, userId } = await t.login('participant');
    expect((await me(bearer(token))).statusCode).toBe(200);
    t.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, userId))
      .run();
    expectError(await me(bearer(token)), 401, 'invalid_token');
  });

  it('401 for a validly signed token naming a session of another user', async () => {
    const a = await t.login('participant');
    const b = await t.login('admin');
    const sidOfB = t.db.select().from(sessions).where(eq(sessions.userId, b.userId)).get()!.id;
    const forged = t.app.jwt.sign({ sub: String(a.userId), sid: sidOfB });
    expectError(await me(bearer(forged)), 401, 'invalid_token');
    const unknownSession = t.app.jwt.sign({ sub: String(a.userId), sid: 'no-such-session' });
    expectError(await me(bearer(unknownSession)), 401, 'invalid_token');
  });

  it('401 once the user is disabled', async () => {
    const { token, userId } = await t.login('coordinator');
    t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, userId)).run();
    expectError(await me(bearer(token)), 401, 'invalid_token');
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the token at once: the same token then gets 401, other sessions keep working', async () => {
    const { token, email } = await t.login('participant');
    const second = (await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } })).json()
      .token as string;
    expect((await me(bearer(token))).statusCode).toBe(200);
    const out = await t.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expectError(await me(bearer(token)), 401, 'invalid_token');
    expectError(await t.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) }), 401, 'invalid_token');
    expect((await me(bearer(second))).statusCode).toBe(200);
  });

  it('401 without a token', async () => {
    expectError(await t.inject({ method: 'POST', url: '/api/auth/logout' }), 401, 'login_required');
  });
});

describe('login links', () => {
  const ask = (email: string) => t.inject({ method: 'POST', url: '/api/auth/login-link', payload: { email } });
  const redeem = (token: string) => t.inject({ method: 'POST', url: '/api/auth/login-link/redeem', payload: { token } });

  it('answers 202 identically for a known and an unknown address, and mails only the known one', async () => {
    const { email } = await t.login('participant');
    const mailsBefore = t.db.select().from(outbox).all().length;
    const known = await ask(email);
    const unknown = await ask('nobody-here@example.se');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(known.json()).toEqual({ message: expect.any(String) });
    expect(outboxTo(email)).toHaveLength(1);
    expect(outboxTo('nobody-here@example.se')).toHaveLength(0);
    expect(t.db.select().from(outbox).all().length).toBe(mailsBefore + 1);
    expect(outboxTo(email)[0]!.text).toContain(`${t.config.publicUrl}/logga-in/lank?token=`);
  });

  it('the token from the mail logs in once; the second time it is refused', async () => {
    const { email, userId } = await t.login('coordinator');
    expect((await ask(email)).statusCode).toBe(202);
    const token = tokenFromOutbox(t.db, email);
    const first = await redeem(token);
    expect(first.statusCode).toBe(200);
    expect(first.json().user).toMatchObject({ id: userId, email, roles: ['coordinator'] });
    expect((await me(bearer(first.json().token))).json().id).toBe(userId);
    expectError(await redeem(token), 401, 'invalid_login_link');
  });

  it('refuses an unknown token with 401 and a token of the wrong shape with 400', async () => {
    expectError(await redeem('x'.repeat(43)), 401, 'invalid_login_link');
    expectError(await redeem('short'), 400, 'invalid_request');
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login-link/redeem', payload: { token: 'x'.repeat(43), extra: 1 } }),
      400,
      'invalid_request',
    );
  });

  it('refuses a malformed address with 400, whether or not it could be an account', async () => {
    expectError(await ask('not an address'), 400, 'invalid_email');
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login-link', payload: { email: ['a@example.se'] } }),
      400,
      'invalid_request',
    );
  });
});
