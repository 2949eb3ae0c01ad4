import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, makeTestApp, TEST_PASSWORD, type TestApp } from './helpers.ts';
import { createAdmin } from '@samverka/core';

// LOGIN_RATE_LIMIT=3: three attempts per client address and minute on each login route.
let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ LOGIN_RATE_LIMIT: '3' });
  await createAdmin(t.db, { email: 'limited@example.se', name: 'Limited', password: TEST_PASSWORD });
});
afterAll(() => t.close());

describe('login rate limit', () => {
  it('answers 429 after too many login attempts, even for the right password', async () => {
    for (let i = 0; i < 3; i++) {
      expectError(
        await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'limited@example.se', password: `wrong guess ${i}` } }),
        401,
        'invalid_credentials',
      );
    }
    const limited = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'limited@example.se', password: TEST_PASSWORD },
    });
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).not.toContain('token');
  });

  it('limits login-link requests too', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await t.inject({ method: 'POST', url: '/api/auth/login-link', payload: { email: `nobody${i}@example.se` } })).statusCode,
      ).toBe(202);
    }
    expectError(
      await t.inject({ method: 'POST', url: '/api/auth/login-link', payload: { email: 'nobody@example.se' } }),
      429,
      'rate_limited',
    );
  });

  it('counts per client address: another address may still log in', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '192.0.2.7',
      payload: { email: 'limited@example.se', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
  });

  it('does not limit the rest of the API', async () => {
    for (let i = 0; i < 6; i++) expect((await t.inject({ method: 'GET', url: '/api/clusters' })).statusCode).toBe(200);
  });
});
