import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Raised when another process holds the data folder: there may be one writer only. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
  ) {
    super(
      `Another Samverka process is already running on the data folder ${dataDir} (it holds the lock ${lockFile}). ` +
        'Stop that process first: two servers on one data folder would send every mail and run every job twice.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  file: string;
  release(): void;
}

/**
 * Takes the exclusive lock on DATA_DIR for this process: an SQLite database `samverka.lock` held
 * in EXCLUSIVE locking mode with a write transaction committed, so SQLite keeps its POSIX lock on
 * the file until the connection closes. The kernel drops the lock when the process ends in any
 * way (kill -9 included), so there is never a stale lock to clean up; a second process, or a
 * second lock in this process, gets SQLITE_BUSY at once and this throws DataDirLockedError.
 * Local file systems only (POSIX locks over NFS are unreliable, as for SQLite itself).
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'samverka.lock');
  const lock = new Database(file, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, host TEXT, started_at TEXT)');
    lock.exec('DELETE FROM holder');
    lock.prepare('INSERT INTO holder VALUES (?, ?, ?)').run(process.pid, hostname(), new Date().toISOString());
    lock.exec('COMMIT');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirLockedError(dataDir, file);
    throw err;
  }
  return { file, release: () => lock.open && lock.close() };
}
