import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { lockDataDir } from './lock.ts';

const BACKUP_NAME = /^samverka-(\d{8}T\d{6}Z)\.db$/;

/**
 * A consistent copy of the live database through SQLite's online backup API, taken while other
 * connections read and write. Written beside the target first and renamed when complete, so a
 * half-written file never carries the backup's name. Returns the pages copied.
 */
export async function backupTo(sqlite: Database.Database, file: string): Promise<{ file: string; pages: number }> {
  const target = resolve(file);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const { totalPages } = await sqlite.backup(partial);
  renameSync(partial, target);
  return { file: target, pages: totalPages };
}

/**
 * One scheduled backup: `samverka-<UTC time>.db` in `dir`, then the oldest beyond `keep` are
 * deleted (only files of that name: nothing else in the folder is touched).
 */
export async function scheduledBackup(
  sqlite: Database.Database,
  dir: string,
  keep: number,
  now = new Date(),
): Promise<{ file: string; pages: number; removed: string[] }> {
  mkdirSync(dir, { recursive: true });
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const result = await backupTo(sqlite, join(dir, `samverka-${stamp}.db`));
  const backups = readdirSync(dir)
    .filter((f) => BACKUP_NAME.test(f))
    .sort()
    .reverse();
  const removed = backups.slice(keep);
  for (const f of removed) rmSync(join(dir, f), { force: true });
  return { ...result, removed };
}

export class RestoreError extends Error {}

/**
 * Puts a backup in place as DATA_DIR's database. Refuses while a server runs on DATA_DIR (it
 * takes the data folder's lock) and refuses a file that is not an intact Samverka database. An
 * existing database is kept beside it as `samverka.db.before-restore-<time>`, never overwritten.
 * The server migrates the restored copy at its next start if the backup is older than the code.
 */
export async function restoreBackup(
  backupFile: string,
  dataDir: string,
  now = new Date(),
): Promise<{ file: string; keptAs: string | null }> {
  const source = resolve(backupFile);
  if (!existsSync(source)) throw new RestoreError(`There is no backup at ${source}`);
  let check: Database.Database;
  try {
    check = new Database(source, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new RestoreError(`${basename(source)} is not an SQLite database: ${(err as Error).message}`);
  }
  try {
    const integrity = check.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new RestoreError(`${basename(source)} is damaged (integrity check: ${String(integrity)})`);
    const migrated = check.prepare(`select count(*) as n from sqlite_master where name = '__drizzle_migrations'`).get() as { n: number };
    if (migrated.n === 0) throw new RestoreError(`${basename(source)} is not a Samverka database (it has no migrations table)`);
  } catch (err) {
    check.close();
    if (err instanceof RestoreError) throw err;
    throw new RestoreError(`${basename(source)} cannot be read as a database: ${(err as Error).message}`);
  }
  const lock = lockDataDir(dataDir);
  try {
    const target = join(dataDir, 'samverka.db');
    let keptAs: string | null = null;
    if (existsSync(target)) {
      keptAs = `${target}.before-restore-${now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')}`;
      renameSync(target, keptAs);
      for (const side of ['-wal', '-shm']) if (existsSync(target + side)) renameSync(target + side, keptAs + side);
    }
    await check.backup(target);
    return { file: target, keptAs };
  } finally {
    check.close();
    lock.release();
  }
}
