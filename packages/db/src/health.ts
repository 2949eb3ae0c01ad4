import type Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { defaultMigrationsFolder } from './client.ts';

export interface DatabaseHealth {
  /** A real write went through (so neither a full disk nor a lock or read-only file stops writes). */
  writable: boolean;
  /** Why not, in words, when not writable. */
  error?: string;
  migrations: { applied: number; expected: number };
}

/**
 * Checks what a load balancer must know before sending traffic: the database takes a write (one
 * row in job_runs, replaced each time) and every migration in the drizzle folder has been applied.
 */
export function databaseHealth(sqlite: Database.Database, migrationsFolder = defaultMigrationsFolder): DatabaseHealth {
  let writable = true;
  let error: string | undefined;
  try {
    sqlite
      .prepare(`insert or replace into job_runs (job, slot, claimed_by, claimed_at) values ('readiness-probe', 0, ?, ?)`)
      .run(String(process.pid), Date.now());
  } catch (err) {
    writable = false;
    error = (err as Error).message;
  }
  const expected = readMigrationFiles({ migrationsFolder });
  let applied = 0;
  try {
    const rows = sqlite.prepare('select created_at as at from __drizzle_migrations').all() as { at: number }[];
    const done = new Set(rows.map((r) => Number(r.at)));
    applied = expected.filter((m) => done.has(m.folderMillis)).length;
  } catch {
    applied = 0; // no migrations table: nothing applied
  }
  return { writable, ...(error ? { error } : {}), migrations: { applied, expected: expected.length } };
}
