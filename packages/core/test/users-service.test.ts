import { coordinators, loginTokens, outbox, users } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import { authenticate, redeemLoginLink } from '../src/auth-service.ts';
import { hashToken } from '../src/tokens.ts';
import { createAdmin, getMe, INVITATION_DAYS, inviteUser, setAdmin, setCoordinator, setLanguage } from '../src/users-service.ts';
import { clusterId, freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught } from './helpers.ts';

let t: TestDb;
let admin: Actor;
beforeEach(() => {
  t = freshDb();
  admin = loadActor(t.db, insertUser(t.db, { isAdmin: true }))!;
});
afterEach(() => t.dispose());

const link = (token: string) => `https://samverka.test/logga-in/lank?token=${token}`;
const count = (table: typeof users | typeof outbox | typeof loginTokens | typeof coordinators) => t.db.select().from(table).all().length;

describe('inviteUser', () => {
  it('creates the user with their clusters and enqueues one invitation mail holding a week-long login link', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    let token = '';
    const view = inviteUser(
      t.db,
      admin,
      { email: 'Ny.Person@Example.se', name: 'Ny Person', coordinatorOf: ['froda', 'agro-vast'] },
      (tok) => {
        token = tok;
        return link(tok);
      },
      now,
    );
    expect(view).toMatchObject({
      email: 'ny.person@example.se',
      name: 'Ny Person',
      isAdmin: false,
      roles: ['coordinator'],
      hasPassword: false,
      language: 'sv',
    });
    expect(view.clusters.map((c) => c.slug).sort()).toEqual(['agro-vast', 'froda']);

    const mails = t.db.select().from(outbox).all();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ toAddress: 'ny.person@example.se', status: 'pending', subject: 'Du är inbjuden till Samverka' });
    expect(mails[0]!.text).toContain(link(token));
    expect(mails[0]!.html).toContain(`href="${link(token)}"`);

    const row = t.db
      .select()
      .from(loginTokens)
      .where(eq(loginTokens.tokenHash, hashToken(token)))
      .get()!;
    expect(row.userId).toBe(view.id);
    expect(row.expiresAt.getTime() - now.getTime()).toBe(INVITATION_DAYS * 86_400_000);
    // The link in the mail logs the new user in.
    expect(redeemLoginLink(t.db, token, new Date(now.getTime() + 6 * 86_400_000)).id).toBe(view.id);
  });

  it('writes the mail in English for an English-speaking invitee', () => {
    inviteUser(t.db, admin, { email: 'en@example.se', name: 'Eng', language: 'en' }, link);
    expect(t.db.select().from(outbox).get()!.subject).toBe('You are invited to Samverka');
  });

  it('refuses an email that is already taken (in any letter case) as a conflict, and writes nothing', () => {
    inviteUser(t.db, admin, { email: 'anna@example.se', name: 'Anna' }, link);
    const before = [count(users), count(outbox), count(loginTokens)];
    const err = caught(() => inviteUser(t.db, admin, { email: 'ANNA@example.se', name: 'Anna again' }, link));
    expect([err.kind, err.code]).toEqual(['conflict', 'email_taken']);
    expect(err.details).toEqual([{ field: 'email', code: 'duplicate', message: 'already registered' }]);
    expect([count(users), count(outbox), count(loginTokens)]).toEqual(before);
  });

  it('refuses an unknown cluster as not found, and writes nothing', () => {
    const before = [count(users), count(outbox), count(coordinators)];
    const err = caught(() =>
      inviteUser(t.db, admin, { email: 'b@example.se', name: 'B', coordinatorOf: ['froda', 'no-such-cluster'] }, link),
    );
    expect([err.kind, err.code]).toEqual(['not_found', 'unknown_cluster']);
    expect([count(users), count(outbox), count(coordinators)]).toEqual(before);
  });

  it('refuses an invalid email and a name that is empty once flattened', () => {
    expect(caught(() => inviteUser(t.db, admin, { email: 'a@b', name: 'A' }, link)).code).toBe('invalid_email');
    expect(caught(() => inviteUser(t.db, admin, { email: 'x@example.se\r\nBcc: evil@x.se', name: 'A' }, link)).code).toBe('invalid_email');
    expect(caught(() => inviteUser(t.db, admin, { email: 'a@example.se', name: ' \r\n\t ' }, link)).code).toBe('invalid_name');
    expect(count(outbox)).toBe(0);
  });

  it('stores a name with line breaks as one line', () => {
    const view = inviteUser(t.db, admin, { email: 'evil@example.se', name: 'Eve\r\nBcc: evil@x.se' }, link);
    expect(view.name).toBe('Eve Bcc: evil@x.se');
  });
});

describe('setCoordinator', () => {
  it('grants and revokes, both idempotent', () => {
    const id = insertUser(t.db);
    const froda = clusterId(t.db, 'froda');
    expect(setCoordinator(t.db, admin, id, 'froda', true).clusters).toEqual([{ slug: 'froda', name: expect.any(String) }]);
    expect(setCoordinator(t.db, admin, id, 'froda', true).roles).toEqual(['coordinator']);
    expect(loadActor(t.db, id)!.coordinatorOf).toEqual([froda]);
    expect(setCoordinator(t.db, admin, id, 'froda', false).clusters).toEqual([]);
    expect(setCoordinator(t.db, admin, id, 'froda', false).roles).toEqual(['participant']);
  });

  it('answers not found for an unknown user or cluster', () => {
    const id = insertUser(t.db);
    expect(caught(() => setCoordinator(t.db, admin, 99_999, 'froda', true)).code).toBe('unknown_user');
    expect(caught(() => setCoordinator(t.db, admin, id, 'nowhere', true)).code).toBe('unknown_cluster');
  });
});

describe('setAdmin', () => {
  it('promotes and demotes another user', () => {
    const id = insertUser(t.db);
    expect(setAdmin(t.db, admin, id, true).roles).toEqual(['admin']);
    expect(setAdmin(t.db, admin, id, false).isAdmin).toBe(false);
  });

  it('refuses to let an admin remove their own admin role (a rule, 422-kind)', () => {
    const err = caught(() => setAdmin(t.db, admin, admin.userId, false));
    expect([err.kind, err.code]).toEqual(['rule', 'last_admin_guard']);
    expect(loadActor(t.db, admin.userId)!.isAdmin).toBe(true);
  });

  it('answers not found for an unknown user', () => {
    expect(caught(() => setAdmin(t.db, admin, 99_999, true)).kind).toBe('not_found');
  });
});

describe('createAdmin', () => {
  it('creates an admin who can log in with the password', async () => {
    const view = await createAdmin(t.db, { email: 'Boss@Example.se', name: 'Boss', password: 'correct horse battery' });
    expect(view).toMatchObject({ email: 'boss@example.se', isAdmin: true, hasPassword: true, roles: ['admin'] });
    expect((await authenticate(t.db, 'boss@example.se', 'correct horse battery')).id).toBe(view.id);
  });

  it('promotes and re-enables an existing user instead of creating a second one', async () => {
    const id = insertUser(t.db, { email: 'old@example.se', disabledAt: new Date() });
    const before = count(users);
    const view = await createAdmin(t.db, { email: 'old@example.se', name: 'ignored', password: 'correct horse battery' });
    expect(view.id).toBe(id);
    expect(count(users)).toBe(before);
    expect(loadActor(t.db, id)).toMatchObject({ isAdmin: true });
  });

  it('refuses a weak password and an invalid email', async () => {
    await expect(createAdmin(t.db, { email: 'a@example.se', name: 'A', password: 'short' })).rejects.toMatchObject({
      code: 'weak_password',
    });
    await expect(createAdmin(t.db, { email: 'nope', name: 'A', password: 'correct horse battery' })).rejects.toMatchObject({
      code: 'invalid_email',
    });
  });
});

describe('getMe and setLanguage', () => {
  it('show and change the own account, and refuse nobody', () => {
    const id = insertUser(t.db, { coordinatorOf: ['froda'] });
    const me = loadActor(t.db, id)!;
    expect(getMe(t.db, me)).toMatchObject({ id, roles: ['coordinator'], language: 'sv' });
    expect(setLanguage(t.db, me, 'en').language).toBe('en');
    expect(getMe(t.db, me).language).toBe('en');
    expect(caught(() => getMe(t.db, null)).kind).toBe('unauthenticated');
    expect(caught(() => setLanguage(t.db, null, 'en')).kind).toBe('unauthenticated');
  });
});
