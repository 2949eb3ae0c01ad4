import { DataDirLockedError, FULL_DISK_BYTES, freeBytes, isStorageFull } from '@samverka/db';
import { ConfigError } from './config.ts';

/**
 * The one line an operator reads when the server cannot start. A full disk is named as such:
 * SQLite's own error is often lost on the way (a failed migration's ROLLBACK fails too and
 * drizzle reports only that), so the free space of the data folder's disk is checked as well.
 */
export function startFailureMessage(err: Error, dataDir: string | undefined): string {
  if (err instanceof ConfigError) return `Configuration error: ${err.message}`;
  if (err instanceof DataDirLockedError) return `Samverka could not start: ${err.message}`;
  const free = dataDir ? freeBytes(dataDir) : null;
  if (isStorageFull(err) || (free !== null && free < FULL_DISK_BYTES)) {
    const left = free === null ? '' : ` (${Math.floor(free / 1024)} KB free)`;
    return `Samverka could not start: the disk holding the data folder ${dataDir ?? ''} is full${left}. Free some space or move DATA_DIR to a larger disk, then start again.`;
  }
  return `Samverka could not start: ${err.message}`;
}
