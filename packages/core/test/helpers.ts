// Tests import single service files, not index.ts: the reactions are wired here, as in the apps.
import '../src/reactions.ts';
import { DomainError } from '../src/errors.ts';
import { clusters, coordinators, openDatabase, runMigrations, seedReferenceData, users, type Db, type DatabaseHandle } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadActor, type Actor } from '../src/access.ts';
import { subscribe, type DomainEventMap, type DomainEventName } from '../src/domain-events.ts';
import { onTestFinished } from 'vitest';

export interface TestDb extends DatabaseHandle {
  dir: string;
  /** Closes the database and removes its folder. */
  dispose(): void;
}

/** A migrated, seeded SQLite file in a fresh temporary folder (on disk, as in production). */
export function freshDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'samverka-core-'));
  const handle = openDatabase(join(dir, 'samverka.db'));
  runMigrations(handle.db);
  seedReferenceData(handle.db);
  return {
    ...handle,
    dir,
    dispose() {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function clusterId(db: Db, slug: string): number {
  const row = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, slug)).get();
  if (!row) throw new Error(`no cluster ${slug}`);
  return row.id;
}

let counter = 0;

/** Inserts a user directly (no password unless given) and returns the row's id. */
export function insertUser(
  db: Db,
  o: {
    email?: string;
    name?: string;
    isAdmin?: boolean;
    coordinatorOf?: string[];
    passwordHash?: string | null;
    disabledAt?: Date | null;
  } = {},
): number {
  const n = ++counter;
  const user = db
    .insert(users)
    .values({
      email: o.email ?? `user-${n}@example.se`,
      name: o.name ?? `User ${n}`,
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

export type RoleName = 'admin' | 'own coordinator' | 'other coordinator' | 'participant' | 'anonymous';

/**
 * One actor per role the access rules distinguish, relative to `ownCluster`:
 * an admin, a coordinator of that cluster, a coordinator of another cluster, a participant, nobody.
 */
export function actorsFor(db: Db, ownCluster: string, otherCluster: string): Record<RoleName, Actor | null> {
  const load = (id: number) => {
    const a = loadActor(db, id);
    if (!a) throw new Error('actor did not load');
    return a;
  };
  return {
    admin: load(insertUser(db, { isAdmin: true })),
    'own coordinator': load(insertUser(db, { coordinatorOf: [ownCluster] })),
    'other coordinator': load(insertUser(db, { coordinatorOf: [otherCluster] })),
    participant: load(insertUser(db)),
    anonymous: null,
  };
}

/** The DomainError a call throws (fails the test if it throws none or something else). */
export function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

/** 'allowed', or the kind of DomainError the call throws: for tables of who may do what. */
export function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'allowed';
  } catch (err) {
    if (err instanceof DomainError) return err.kind;
    throw err;
  }
}

/** One domain event as a test saw it. */
export type Raised<K extends DomainEventName = DomainEventName> = { [N in K]: { name: N; payload: DomainEventMap[N] } }[K];

/**
 * Records the given domain events, in the order raised, until the end of the running test.
 * Handlers run after the reactions wired in reactions.ts, so they see what those did.
 */
export function recordEvents<K extends DomainEventName>(...names: K[]): Raised<K>[] {
  const log: Raised<K>[] = [];
  for (const name of names) {
    const off = subscribe(name, (_tx, payload) => {
      log.push({ name, payload } as Raised<K>);
    });
    onTestFinished(off);
  }
  return log;
}
