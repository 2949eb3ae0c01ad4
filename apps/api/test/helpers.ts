import { createAdmin, hashPassword } from '@samverka/core';
import { clusters, coordinators, openDatabase, runMigrations, seedReferenceData, users, type Db } from '@samverka/db';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type AppOptions } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  dataDir: string;
  /** Creates a user with the given role (coordinator of the given clusters) and returns a Bearer token. */
  login(role: 'admin' | 'coordinator' | 'participant', opts?: { clusters?: string[]; email?: string }): Promise<{ token: string; userId: number; email: string }>;
  close(): Promise<void>;
}

let counter = 0;
export const TEST_PASSWORD = 'correct horse battery';

/** A fresh SQLite file in a temporary folder, migrated and seeded, and the app built on it. */
export async function makeTestApp(env: Record<string, string> = {}, opts: Partial<AppOptions> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samverka-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, WEB_BUILD_DIR: '', PUBLIC_URL: 'http://samverka.test', LOGIN_RATE_LIMIT: '1000', ...env });
  const handle = openDatabase(config.databaseFile);
  runMigrations(handle.db);
  seedReferenceData(handle.db);
  const app = await buildApp({ config, db: handle.db, mailWorker: false, ...opts });
  await app.ready();

  async function login(role: 'admin' | 'coordinator' | 'participant', o: { clusters?: string[]; email?: string } = {}) {
    const email = o.email ?? `${role}-${++counter}@example.se`;
    if (role === 'admin') {
      await createAdmin(handle.db, { email, name: `Admin ${counter}`, password: TEST_PASSWORD });
    } else {
      const user = handle.db
        .insert(users)
        .values({ email, name: `${role} ${counter}`, passwordHash: await hashPassword(TEST_PASSWORD), createdAt: new Date() })
        .returning()
        .get();
      for (const slug of role === 'coordinator' ? (o.clusters ?? ['agro-orebro']) : []) {
        const cluster = handle.db.select().from(clusters).where(eq(clusters.slug, slug)).get()!;
        handle.db.insert(coordinators).values({ userId: user.id, clusterId: cluster.id, grantedAt: new Date() }).run();
      }
    }
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    const body = res.json() as { token: string; user: { id: number } };
    return { token: body.token, userId: body.user.id, email };
  }

  return {
    app,
    db: handle.db,
    config,
    dataDir,
    login,
    async close() {
      await app.close();
      handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
