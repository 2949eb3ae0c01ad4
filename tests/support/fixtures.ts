/**
 * Test fixtures for every tier (core, API, end to end): temporary folders, a fresh SQLite file
 * migrated and seeded as in production, users and the actors of each role, and event input.
 * Imported by relative path: the repository root has no workspace dependencies of its own.
 */
// Services raise domain events; their reactions are wired once, as in the apps.
import '../../packages/core/src/reactions.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadActor, type Actor } from '../../packages/core/src/access.ts';
import type { EventInput } from '../../packages/core/src/events/event-input.ts';
import {
  clusters,
  coordinators,
  openDatabase,
  runMigrations,
  seedReferenceData,
  users,
  type DatabaseHandle,
  type Db,
} from '../../packages/db/src/index.ts';

/** The password test users get where a tier logs in with one. */
export const TEST_PASSWORD = 'correct horse battery';

export interface TempDir {
  path: string;
  /** Removes the folder and everything in it. */
  remove(): void;
}

/** A new empty folder under the system's temporary folder, named `<prefix>XXXXXX`. */
export function tempDir(prefix = 'samverka-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestDb extends DatabaseHandle {
  /** The folder holding the database file, `samverka.db` as in DATA_DIR. */
  dir: string;
  /** Closes the database and removes its folder. */
  dispose(): void;
}

/** A migrated, seeded SQLite file (on disk, as in production: WAL, foreign keys) in a fresh temporary folder. */
export function freshDb(prefix = 'samverka-test-'): TestDb {
  const dir = tempDir(prefix);
  const handle = openDatabase(join(dir.path, 'samverka.db'));
  runMigrations(handle.db);
  seedReferenceData(handle.db);
  return {
    ...handle,
    dir: dir.path,
    dispose() {
      handle.close();
      dir.remove();
    },
  };
}

/** The id of a seeded cluster by slug; throws for an unknown slug. */
export function clusterId(db: Db, slug: string): number {
  // Filtered here rather than in SQL: the root has no drizzle-orm to build the condition with.
  const row = db
    .select({ id: clusters.id, slug: clusters.slug })
    .from(clusters)
    .all()
    .find((c) => c.slug === slug);
  if (!row) throw new Error(`no cluster ${slug}`);
  return row.id;
}

export interface UserFixture {
  /** Default: user-<n>@example.se, unique in the process. */
  email?: string;
  /** Default: User <n>. */
  name?: string;
  language?: 'sv' | 'en';
  isAdmin?: boolean;
  /** Slugs of the clusters the user coordinates. */
  coordinatorOf?: string[];
  /** None (no password login) unless given. */
  passwordHash?: string | null;
  disabledAt?: Date | null;
}

let counter = 0;

/** Inserts a user straight into the database, with coordinator rows for the given clusters; returns the user's id. */
export function insertUser(db: Db, o: UserFixture = {}): number {
  const n = ++counter;
  const user = db
    .insert(users)
    .values({
      email: o.email ?? `user-${n}@example.se`,
      name: o.name ?? `User ${n}`,
      ...(o.language ? { language: o.language } : {}),
      isAdmin: o.isAdmin ?? false,
      passwordHash: o.passwordHash ?? null,
      disabledAt: o.disabledAt ?? null,
      createdAt: new Date(),
    })
    .returning()
    .get();
  for (const slug of o.coordinatorOf ?? []) {
    db.insert(coordinators)
      .values({ userId: user.id, clusterId: clusterId(db, slug), grantedAt: new Date() })
      .run();
  }
  return user.id;
}

/** A new user as the Actor that core's services take (throws for a disabled user, who has none). */
export function insertActor(db: Db, o: UserFixture = {}): Actor {
  const actor = loadActor(db, insertUser(db, o));
  if (!actor) throw new Error('actor did not load');
  return actor;
}

export type RoleName = 'admin' | 'own coordinator' | 'other coordinator' | 'participant' | 'anonymous';

/**
 * One actor per role the access rules distinguish, relative to `ownCluster`:
 * an admin, a coordinator of that cluster, a coordinator of another cluster, a participant, nobody.
 */
export function actorsFor(db: Db, ownCluster: string, otherCluster: string): Record<RoleName, Actor | null> {
  return {
    admin: insertActor(db, { isAdmin: true }),
    'own coordinator': insertActor(db, { coordinatorOf: [ownCluster] }),
    'other coordinator': insertActor(db, { coordinatorOf: [otherCluster] }),
    participant: insertActor(db),
    anonymous: null,
  };
}

/**
 * Input for a timed workshop of Agro Örebro on krisberedskap, 10 March 2031 09:00–12:00 Swedish
 * time (CET) at Lantbruksskolan, with `over` on top. The same shape is core's EventInput and the
 * body of POST /api/events.
 */
export function eventInput(over: Partial<EventInput> = {}): EventInput {
  return {
    leadCluster: 'agro-orebro',
    title: 'Vattenförsörjning på gården',
    kind: 'workshop',
    themes: ['krisberedskap'],
    start: '2031-03-10T09:00',
    end: '2031-03-10T12:00',
    venueName: 'Lantbruksskolan',
    ...over,
  };
}
