import { ERROR_DETAIL_CODES, hashPassword, type ErrorDetail } from '@samverka/core';
import { outbox, type Db } from '@samverka/db';
import { desc, eq } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { join } from 'node:path';
import { freshDb, insertUser, TEST_PASSWORD } from '../../../tests/support/fixtures.ts';
import { buildApp, type AppOptions } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';

export { TEST_PASSWORD };

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  dataDir: string;
  /** app.inject, and every answer is checked to carry no stack trace or server path. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Creates a user with the given role (coordinator of the given clusters) and returns a Bearer token. */
  login(
    role: 'admin' | 'coordinator' | 'participant',
    opts?: { clusters?: string[]; email?: string },
  ): Promise<{ token: string; userId: number; email: string }>;
  close(): Promise<void>;
}

let counter = 0;
/** Hashed once: every test user has the same password, and hashing is slow on purpose. */
let passwordHash: Promise<string> | undefined;

/** A fresh SQLite file in a temporary folder, migrated and seeded, and the app built on it. */
export async function makeTestApp(env: Record<string, string> = {}, opts: Partial<AppOptions> = {}): Promise<TestApp> {
  const data = freshDb('samverka-test-');
  const dataDir = data.dir;
  const config = loadConfig({
    DATA_DIR: dataDir,
    WEB_BUILD_DIR: '',
    PUBLIC_URL: 'http://samverka.test',
    LOGIN_RATE_LIMIT: '1000',
    REGISTRATION_RATE_LIMIT: '100000',
    ...env,
  });
  // The app runs on the fixture's database, which must be the one DATA_DIR names.
  if (config.databaseFile !== join(dataDir, 'samverka.db')) throw new Error('makeTestApp keeps its data in its own DATA_DIR');
  const app = await buildApp({ config, db: data.db, mailWorker: false, ...opts });
  await app.ready();

  async function login(role: 'admin' | 'coordinator' | 'participant', o: { clusters?: string[]; email?: string } = {}) {
    const email = o.email ?? `${role}-${++counter}@example.se`;
    passwordHash ??= hashPassword(TEST_PASSWORD);
    insertUser(data.db, {
      email,
      name: role === 'admin' ? `Admin ${counter}` : `${role} ${counter}`,
      isAdmin: role === 'admin',
      coordinatorOf: role === 'coordinator' ? (o.clusters ?? ['agro-orebro']) : [],
      passwordHash: await passwordHash,
    });
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    const body = res.json() as { token: string; user: { id: number } };
    return { token: body.token, userId: body.user.id, email };
  }

  async function inject(o: InjectOptions) {
    const res = await app.inject(o);
    assertNoInternals(res);
    return res;
  }

  return {
    app,
    inject,
    db: data.db,
    config,
    dataDir,
    login,
    async close() {
      await app.close();
      data.dispose();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Traces of internals that must never reach a client: stack frames, file paths, SQL errors. */
const INTERNALS = [
  /\bat (?:\S+ )?\(?(?:file:\/\/|node:)?\/?[\w./-]+:\d+:\d+\)?/,
  /node_modules/,
  /\/work\//,
  /\.ts:\d+/,
  /"stack"/,
  /SqliteError|SQLITE_/,
];

export function assertNoInternals(res: LightMyRequestResponse): void {
  for (const pattern of INTERNALS) expect(res.body, `${res.statusCode} answer leaks ${pattern}`).not.toMatch(pattern);
}

/**
 * Asserts the status and the one error shape `{ error: { code, message, details? } }`, every
 * detail with a code from the vocabulary, and returns the error.
 */
export function expectError(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { error: { code: string; message: string; details?: ErrorDetail[] } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  for (const k of Object.keys(body.error)) expect(['code', 'message', 'details']).toContain(k);
  if (body.error.details !== undefined) {
    expect(Array.isArray(body.error.details)).toBe(true);
    for (const d of body.error.details) {
      expect(typeof d.message).toBe('string');
      expect(ERROR_DETAIL_CODES, JSON.stringify(d)).toContain(d.code);
    }
  }
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

/** The login-link token in the newest outbox mail to the address. */
export function tokenFromOutbox(db: Db, to: string): string {
  const mail = db.select().from(outbox).where(eq(outbox.toAddress, to)).orderBy(desc(outbox.id)).get();
  if (!mail) throw new Error(`no mail to ${to}`);
  const m = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!m) throw new Error(`no token in mail to ${to}`);
  return m[1]!;
}
