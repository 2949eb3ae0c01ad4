import { coordinators, users } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeTestApp, TEST_PASSWORD, type TestApp } from './helpers.ts';

// A login proves what held when it was made: a new password or a role taken away ends the
// person's other logins; "log out everywhere" ends all of them.

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => {
  await t.close();
});

async function loginAgain(email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
}
const meStatus = async (token: string) => (await t.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode;

describe('sessions', () => {
  it('changing the password ends every other session of the user, not the one that changed it', async () => {
    const phone = await t.login('participant');
    const laptop = await loginAgain(phone.email);
    const stranger = await t.login('participant');
    const res = await t.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers: bearer(laptop),
      payload: { password: 'a brand new password' },
    });
    expect(res.statusCode).toBe(204);
    expect(await meStatus(laptop)).toBe(200);
    expect(await meStatus(phone.token)).toBe(401);
    expect(await meStatus(stranger.token)).toBe(200);
    expect(await meStatus(await loginAgain(phone.email, 'a brand new password'))).toBe(200);
  });

  it('an admin removing a coordinator role or the admin role ends that user’s sessions', async () => {
    const admin = await t.login('admin');
    const coordinator = await t.login('coordinator', { clusters: ['agro-orebro', 'froda'] });
    const second = await loginAgain(coordinator.email);
    // Granting keeps the sessions.
    await t.inject({ method: 'PUT', url: `/api/admin/users/${coordinator.userId}/clusters/gront-center`, headers: bearer(admin.token) });
    expect(await meStatus(coordinator.token)).toBe(200);
    const removed = await t.inject({
      method: 'DELETE',
      url: `/api/admin/users/${coordinator.userId}/clusters/froda`,
      headers: bearer(admin.token),
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await meStatus(coordinator.token)).toBe(401);
    expect(await meStatus(second)).toBe(401);
    expect(await meStatus(admin.token)).toBe(200);

    const otherAdmin = await t.login('admin');
    const demoted = await t.inject({
      method: 'PATCH',
      url: `/api/admin/users/${otherAdmin.userId}`,
      headers: bearer(admin.token),
      payload: { isAdmin: false },
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect(await meStatus(otherAdmin.token)).toBe(401);
  });

  it('log out everywhere ends every session of the caller, this one included', async () => {
    const a = await t.login('participant');
    const b = await loginAgain(a.email);
    const other = await t.login('participant');
    expect((await t.inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: bearer(b) })).statusCode).toBe(204);
    expect(await meStatus(a.token)).toBe(401);
    expect(await meStatus(b)).toBe(401);
    expect(await meStatus(other.token)).toBe(200);
    expect((await t.inject({ method: 'POST', url: '/api/auth/logout-everywhere' })).statusCode).toBe(401);
  });

  // A logged-in page calls the API several times with one token and the process keeps the login
  // it resolved: each of these uses the token first, so the change lands on a kept login.
  it('a role granted counts from the very next request of a token already in use', async () => {
    const admin = await t.login('admin');
    const person = await t.login('participant');
    const board = async () =>
      (await t.inject({ method: 'GET', url: '/api/reports?from=2026-01-01&to=2026-01-31', headers: bearer(person.token) })).statusCode;
    expect(await board()).toBe(403);
    const granted = await t.inject({
      method: 'PUT',
      url: `/api/admin/users/${person.userId}/clusters/froda`,
      headers: bearer(admin.token),
    });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(await board()).toBe(200);
  });

  it('a change written past the services (an admin tool, another process) counts from the very next request', async () => {
    const coordinator = await t.login('coordinator', { clusters: ['froda'] });
    const board = async () =>
      (await t.inject({ method: 'GET', url: '/api/reports?from=2026-01-01&to=2026-01-31', headers: bearer(coordinator.token) })).statusCode;
    expect(await board()).toBe(200);
    t.db.delete(coordinators).where(eq(coordinators.userId, coordinator.userId)).run();
    expect(await board()).toBe(403);
    t.db.update(users).set({ isAdmin: true }).where(eq(users.id, coordinator.userId)).run();
    expect(await board()).toBe(200);
    t.db.delete(users).where(eq(users.id, coordinator.userId)).run();
    expect(await meStatus(coordinator.token)).toBe(401);
  });

  it('logging out one session leaves the other logins of the same person kept and working', async () => {
    const a = await t.login('participant');
    const b = await loginAgain(a.email);
    expect(await meStatus(a.token)).toBe(200);
    expect(await meStatus(b)).toBe(200);
    expect((await t.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(a.token) })).statusCode).toBe(204);
    expect(await meStatus(a.token)).toBe(401);
    expect(await meStatus(b)).toBe(200);
  });
});
