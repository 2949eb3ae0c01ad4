import { outbox, users } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError, makeTestApp, TEST_PASSWORD, tokenFromOutbox, type TestApp } from './helpers.ts';

let t: TestApp;
let admin: { token: string; userId: number };
const nonAdmins: [string, string][] = [];
beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.login('admin');
  nonAdmins.push(['coordinator', (await t.login('coordinator')).token], ['participant', (await t.login('participant')).token]);
});
afterAll(() => t.close());

const asAdmin = () => bearer(admin.token);
const invite = (payload: unknown, headers = asAdmin()) =>
  t.inject({ method: 'POST', url: '/api/admin/users', headers, payload: payload as object });
const userCount = () => t.db.select().from(users).all().length;
/** A fresh login of an existing test user: its token. */
const relogin = async (email: string) =>
  (await t.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } })).json().token as string;

/** Every admin route, called with a valid body so that only the role decides. */
const adminRoutes = () =>
  [
    { method: 'GET', url: '/api/admin/users' },
    {
      method: 'POST',
      url: '/api/admin/users',
      payload: { email: `refused-${Math.random().toString(36).slice(2)}@example.se`, name: 'Refused' },
    },
    { method: 'PATCH', url: `/api/admin/users/${admin.userId}`, payload: { isAdmin: true } },
    { method: 'PUT', url: `/api/admin/users/${admin.userId}/clusters/froda` },
    { method: 'DELETE', url: `/api/admin/users/${admin.userId}/clusters/froda` },
    { method: 'GET', url: '/api/admin/outbox' },
  ] as const;

describe('admin routes refuse everyone else', () => {
  it('401 without a token on every admin route, and nothing is written', async () => {
    const before = [userCount(), t.db.select().from(outbox).all().length];
    for (const r of adminRoutes()) expectError(await t.inject({ ...r }), 401, 'login_required');
    expect([userCount(), t.db.select().from(outbox).all().length]).toEqual(before);
  });

  it('403 for a coordinator and a participant on every admin route, and nothing is written', async () => {
    const before = [userCount(), t.db.select().from(outbox).all().length];
    for (const [, token] of nonAdmins) {
      for (const r of adminRoutes()) expectError(await t.inject({ ...r, headers: bearer(token) }), 403, 'forbidden');
    }
    expect([userCount(), t.db.select().from(outbox).all().length]).toEqual(before);
  });
});

describe('GET /api/admin/users', () => {
  it('lists the users for an admin', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/admin/users', headers: asAdmin() });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { id: number; roles: string[] }[];
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(list.find((u) => u.id === admin.userId)!.roles).toEqual(['admin']);
    expect(res.body).not.toContain('scrypt$');
  });
});

describe('POST /api/admin/users', () => {
  it('invites a user: 201, one invitation mail, and its link logs the new user in', async () => {
    const res = await invite({ email: 'New.Coordinator@Example.se', name: 'Ny Koordinator', coordinatorOf: ['froda'], language: 'en' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      email: 'new.coordinator@example.se',
      roles: ['coordinator'],
      clusters: [{ slug: 'froda' }],
      hasPassword: false,
      language: 'en',
    });
    const mails = t.db.select().from(outbox).where(eq(outbox.toAddress, 'new.coordinator@example.se')).all();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('You are invited to Samverka');
    const token = tokenFromOutbox(t.db, 'new.coordinator@example.se');
    const session = await t.inject({ method: 'POST', url: '/api/auth/login-link/redeem', payload: { token } });
    expect(session.statusCode).toBe(200);
    const edit = await t.inject({
      method: 'PATCH',
      url: '/api/clusters/froda',
      headers: bearer(session.json().token),
      payload: { summary: 'Från inbjuden' },
    });
    expect(edit.statusCode).toBe(200);
  });

  it('409 for an email that is taken, whatever its case; no second mail', async () => {
    expect((await invite({ email: 'dup@example.se', name: 'Dup' })).statusCode).toBe(201);
    const err = expectError(await invite({ email: 'DUP@example.se', name: 'Dup 2' }), 409, 'email_taken');
    expect(err.details).toEqual([{ field: 'email', code: 'duplicate', message: expect.any(String) }]);
    expect(t.db.select().from(outbox).where(eq(outbox.toAddress, 'dup@example.se')).all()).toHaveLength(1);
  });

  it('404 for an unknown cluster, and no user is created', async () => {
    const before = userCount();
    expectError(await invite({ email: 'nocluster@example.se', name: 'X', coordinatorOf: ['no-such-cluster'] }), 404, 'unknown_cluster');
    expect(userCount()).toBe(before);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', name: 'X' }],
    ['an unknown field', { email: 'x1@example.se', name: 'X', password: 'set-by-admin' }],
    ['a wrong type', { email: 'x2@example.se', name: 'X', isAdmin: 'yes' }],
    ['a missing name', { email: 'x3@example.se' }],
    ['an empty name', { email: 'x4@example.se', name: '' }],
    ['a bad cluster slug', { email: 'x5@example.se', name: 'X', coordinatorOf: ['Bad Slug'] }],
    ['duplicate clusters', { email: 'x6@example.se', name: 'X', coordinatorOf: ['froda', 'froda'] }],
    ['an unknown language', { email: 'x7@example.se', name: 'X', language: 'de' }],
  ])('400 for %s, and no user is created', async (_what, payload) => {
    const before = userCount();
    expectError(await invite(payload), 400);
    expect(userCount()).toBe(before);
  });

  it('400 invalid_name for a name that is only whitespace and line breaks', async () => {
    expectError(await invite({ email: 'blank@example.se', name: ' \r\n ' }), 400, 'invalid_name');
  });
});

describe('PATCH /api/admin/users/:id', () => {
  it('promotes and demotes another user', async () => {
    const { userId, token, email } = await t.login('participant');
    const up = await t.inject({ method: 'PATCH', url: `/api/admin/users/${userId}`, headers: asAdmin(), payload: { isAdmin: true } });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ id: userId, isAdmin: true, roles: ['admin'] });
    // The role applies to the user's existing session at once.
    expect((await t.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(token) })).statusCode).toBe(200);
    const down = await t.inject({ method: 'PATCH', url: `/api/admin/users/${userId}`, headers: asAdmin(), payload: { isAdmin: false } });
    expect(down.json().isAdmin).toBe(false);
    // Removing a role ends the user's sessions (sessions.test.ts); a new login has the new role.
    expectError(await t.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(await relogin(email)) }), 403);
  });

  it('422 when an admin removes their own admin role', async () => {
    expectError(
      await t.inject({ method: 'PATCH', url: `/api/admin/users/${admin.userId}`, headers: asAdmin(), payload: { isAdmin: false } }),
      422,
      'last_admin_guard',
    );
    expect((await t.inject({ method: 'GET', url: '/api/me', headers: asAdmin() })).json().isAdmin).toBe(true);
  });

  it('404 for an unknown user', async () => {
    expectError(
      await t.inject({ method: 'PATCH', url: '/api/admin/users/999999', headers: asAdmin(), payload: { isAdmin: true } }),
      404,
      'unknown_user',
    );
  });

  it.each([
    ['a string for a boolean', '1', { isAdmin: 'true' }],
    ['an unknown field', '1', { isAdmin: true, name: 'x' }],
    ['a non-numeric id', 'abc', { isAdmin: true }],
    ['id 0', '0', { isAdmin: true }],
    ['a negative id', '-1', { isAdmin: true }],
    ['an id beyond 2^31', '99999999999', { isAdmin: true }],
    ['a fractional id', '1.5', { isAdmin: true }],
  ])('400 for %s', async (_what, id, payload) => {
    expectError(await t.inject({ method: 'PATCH', url: `/api/admin/users/${id}`, headers: asAdmin(), payload }), 400);
  });
});

describe('PUT and DELETE /api/admin/users/:id/clusters/:slug', () => {
  it('grants the coordinator role, which takes effect at once, and revokes it', async () => {
    const { userId, token: first, email } = await t.login('participant');
    let token = first;
    const editFroda = () => t.inject({ method: 'PATCH', url: '/api/clusters/froda', headers: bearer(token), payload: { town: 'Falun' } });
    expectError(await editFroda(), 403, 'forbidden');

    const put = await t.inject({ method: 'PUT', url: `/api/admin/users/${userId}/clusters/froda`, headers: asAdmin() });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ roles: ['coordinator'], clusters: [{ slug: 'froda' }] });
    expect(
      (await t.inject({ method: 'PUT', url: `/api/admin/users/${userId}/clusters/froda`, headers: asAdmin() })).json().clusters,
    ).toHaveLength(1);
    expect((await editFroda()).statusCode).toBe(200);

    const del = await t.inject({ method: 'DELETE', url: `/api/admin/users/${userId}/clusters/froda`, headers: asAdmin() });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ roles: ['participant'], clusters: [] });
    // Removing a role ends the user's sessions (sessions.test.ts); a new login has the new role.
    token = await relogin(email);
    expectError(await editFroda(), 403, 'forbidden');
  });

  it('404 for an unknown user or cluster', async () => {
    const { userId } = await t.login('participant');
    expectError(await t.inject({ method: 'PUT', url: '/api/admin/users/999999/clusters/froda', headers: asAdmin() }), 404, 'unknown_user');
    expectError(
      await t.inject({ method: 'PUT', url: `/api/admin/users/${userId}/clusters/no-such-cluster`, headers: asAdmin() }),
      404,
      'unknown_cluster',
    );
    expectError(
      await t.inject({ method: 'DELETE', url: `/api/admin/users/${userId}/clusters/no-such-cluster`, headers: asAdmin() }),
      404,
      'unknown_cluster',
    );
  });

  it('400 for a bad slug or id', async () => {
    expectError(
      await t.inject({ method: 'PUT', url: '/api/admin/users/1/clusters/Not_A_Slug', headers: asAdmin() }),
      400,
      'invalid_request',
    );
    expectError(await t.inject({ method: 'DELETE', url: '/api/admin/users/x/clusters/froda', headers: asAdmin() }), 400, 'invalid_request');
  });
});

describe('GET /api/admin/outbox', () => {
  it('shows the mails with counts, newest first, filtered by status', async () => {
    await invite({ email: 'outbox-reader@example.se', name: 'Läsare' });
    const res = await t.inject({ method: 'GET', url: '/api/admin/outbox', headers: asAdmin() });
    expect(res.statusCode).toBe(200);
    const page = res.json() as { mails: { toAddress: string; status: string; text: string }[]; counts: Record<string, number> };
    expect(page.mails[0]).toMatchObject({
      toAddress: 'outbox-reader@example.se',
      status: 'pending',
      text: expect.stringContaining('token='),
    });
    expect(page.counts.pending).toBe(t.db.select().from(outbox).where(eq(outbox.status, 'pending')).all().length);
    const sent = await t.inject({ method: 'GET', url: '/api/admin/outbox?status=sent', headers: asAdmin() });
    expect(sent.json().mails).toEqual([]);
  });

  it.each(['?status=bogus', '?foo=1', '?status=pending&status=sent'])('400 for the query %s', async (q) => {
    expectError(await t.inject({ method: 'GET', url: `/api/admin/outbox${q}`, headers: asAdmin() }), 400, 'invalid_request');
  });
});
