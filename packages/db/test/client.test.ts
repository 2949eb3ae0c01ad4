import type Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsFolder, MigrationError, openDatabase, runMigrations } from '../src/client.ts';
import { coordinators } from '../src/schema/index.ts';

let dir: string;
const opened: { close(): void }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samverka-db-'));
});
afterEach(() => {
  for (const h of opened.splice(0)) h.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(file = join(dir, 'samverka.db')) {
  const h = openDatabase(file);
  opened.push(h);
  return h;
}

const tables = (sqlite: Database.Database) =>
  (
    sqlite
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
      )
      .all() as { name: string }[]
  ).map((r) => r.name);

describe('openDatabase', () => {
  it('turns on WAL, foreign keys and a 5 s busy timeout', () => {
    const { sqlite } = open();
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('creates the folder of the database file', () => {
    const { sqlite } = open(join(dir, 'nested', 'deeper', 'samverka.db'));
    expect(sqlite.open).toBe(true);
  });

  it('enforces foreign keys', () => {
    const { db } = open();
    runMigrations(db);
    expect(() => db.insert(coordinators).values({ userId: 4242, clusterId: 4242, grantedAt: new Date() }).run()).toThrow(/FOREIGN KEY/);
  });

  it('lets a second connection read while the first holds a write transaction (WAL)', () => {
    const file = join(dir, 'samverka.db');
    const a = open(file);
    runMigrations(a.db);
    const b = open(file);
    a.sqlite.exec("BEGIN IMMEDIATE; INSERT INTO counties (slug, name) VALUES ('x', 'X')");
    expect(b.sqlite.prepare('select count(*) as n from counties').get()).toEqual({ n: 0 });
    a.sqlite.exec('COMMIT');
    expect(b.sqlite.prepare('select count(*) as n from counties').get()).toEqual({ n: 1 });
  });
});

describe('runMigrations', () => {
  it('creates every table of the schema and is a no-op when run again', () => {
    const { db, sqlite } = open();
    runMigrations(db);
    expect(tables(sqlite)).toEqual(
      expect.arrayContaining(['clusters', 'coordinators', 'counties', 'login_tokens', 'outbox', 'sessions', 'themes', 'users']),
    );
    const journal = JSON.parse(readFileSync(join(defaultMigrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const applied = () => sqlite.prepare('select count(*) as n from __drizzle_migrations').get();
    expect(applied()).toEqual({ n: journal.entries.length });
    const before = tables(sqlite);
    expect(() => runMigrations(db)).not.toThrow();
    expect(applied()).toEqual({ n: journal.entries.length });
    expect(tables(sqlite)).toEqual(before);
  });

  it('throws MigrationError for a folder that does not exist', () => {
    const { db } = open();
    let err: unknown;
    try {
      runMigrations(db, join(dir, 'no-such-folder'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).name).toBe('MigrationError');
    expect((err as Error).message).toMatch(/^Database migration failed: /);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('throws MigrationError for a broken SQL migration and applies none of it', () => {
    const folder = join(dir, 'drizzle');
    cpSync(defaultMigrationsFolder, folder, { recursive: true });
    const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8'));
    const last = journal.entries.at(-1);
    journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1, tag: '9999_broken', breakpoints: true });
    writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
    writeFileSync(
      join(folder, '9999_broken.sql'),
      'CREATE TABLE `ok_table` (`id` integer);\n--> statement-breakpoint\nCREATE TABLEE `broken` (`id` integer);',
    );
    const { db, sqlite } = open();
    let err: unknown;
    try {
      runMigrations(db, folder);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MigrationError);
    // The SQLite error that caused it travels along (drizzle wraps it once more).
    const causes: string[] = [];
    for (let e = err as Error | undefined; e; e = e.cause as Error | undefined) causes.push(e.message);
    expect(causes.join(' | ')).toMatch(/TABLEE|syntax error/);
    // Migrations run in one transaction: nothing of the failed run is left behind.
    expect(tables(sqlite)).toEqual([]);
  });

  it('throws MigrationError when the journal names a migration file that is missing', () => {
    const folder = join(dir, 'drizzle');
    cpSync(defaultMigrationsFolder, folder, { recursive: true });
    rmSync(join(folder, '0000_foundation.sql'));
    const { db } = open();
    expect(() => runMigrations(db, folder)).toThrow(MigrationError);
  });
});
