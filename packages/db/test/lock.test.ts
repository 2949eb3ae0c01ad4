import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/lock.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'samverka-lock-'));
  dirs.push(d);
  return d;
};

/** Tries the lock from another process (node running this package's lock.ts); returns its exit code and output. */
function tryFromAnotherProcess(dataDir: string) {
  const script = `import('${join(import.meta.dirname, '../src/lock.ts')}').then((m) => { try { m.lockDataDir(process.argv[1]); console.log('locked'); } catch (e) { console.log(e.name); process.exit(3); } })`;
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', script, dataDir], { encoding: 'utf8' });
}

describe('lockDataDir', () => {
  it('lets one holder in; a second lock, in this process or another, is refused until the first is released', () => {
    const d = dir();
    const first = lockDataDir(d);
    expect(() => lockDataDir(d)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(d)).toThrow(/Another Samverka process is already running on the data folder/);
    const other = tryFromAnotherProcess(d);
    expect(other.stdout.trim()).toBe('DataDirLockedError');
    expect(other.status).toBe(3);
    first.release();
    const second = lockDataDir(d);
    expect(tryFromAnotherProcess(d).stdout.trim()).toBe('DataDirLockedError');
    second.release();
    expect(tryFromAnotherProcess(d).stdout.trim()).toBe('locked');
  });

  it('is freed when the holding process is killed (no stale lock)', () => {
    const d = dir();
    const script = `import('${join(import.meta.dirname, '../src/lock.ts')}').then((m) => { m.lockDataDir(process.argv[1]); process.kill(process.pid, 'SIGKILL'); })`;
    const killed = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, d], { encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    const lock = lockDataDir(d);
    lock.release();
  });
});
