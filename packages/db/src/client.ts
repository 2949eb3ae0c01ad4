import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema>;

export interface DatabaseHandle {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/**
 * The drizzle/ folder at the repository root. This file and the bundled server
 * (apps/api/dist/server.mjs) sit at the same depth below the root, so one relative path serves both.
 */
export const defaultMigrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

export function openDatabase(file: string): DatabaseHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets readers run while a writer commits; the busy timeout makes a second
  // connection (the admin backup, a test) wait for the lock instead of failing at once.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  return { db, sqlite, close: () => sqlite.close() };
}

/** The better-sqlite3 connection under a drizzle database, for what drizzle has no call for (online backup, pragmas). */
export function sqliteOf(db: Db): Database.Database {
  return (db as unknown as { $client: Database.Database }).$client;
}

export class MigrationError extends Error {
  constructor(cause: unknown) {
    super(`Database migration failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

export function runMigrations(db: Db, migrationsFolder = defaultMigrationsFolder): void {
  try {
    migrate(db, { migrationsFolder });
  } catch (err) {
    throw new MigrationError(err);
  }
}
