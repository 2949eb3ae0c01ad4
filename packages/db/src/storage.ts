import { statfsSync } from 'node:fs';

/** Below this much free space the disk counts as full: SQLite needs room for its journal and pages. */
export const FULL_DISK_BYTES = 1024 * 1024;

/**
 * Whether an error (or any error in its `cause` chain, as drizzle wraps SQLite's) says the disk
 * is full: SQLITE_FULL from SQLite (also what `PRAGMA max_page_count` raises) or ENOSPC from Node.
 */
export function isStorageFull(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 10; depth++) {
    if (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC') return true;
    if (typeof e.message === 'string' && /database or disk is full|no space left on device/i.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Free bytes for this process on the file system holding `dir`; null when it cannot be told. */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
