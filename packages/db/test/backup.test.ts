import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RestoreError, restoreBackup, scheduledBackup } from '../src/backup.ts';
import { openDatabase, runMigrations } from '../src/client.ts';
import { lockDataDir } from '../src/lock.ts';
import { seedReferenceData } from '../src/seed.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'samverka-backup-'));
  dirs.push(d);
  return d;
};

function liveDatabase() {
  const d = dir();
  const handle = openDatabase(join(d, 'samverka.db'));
  runMigrations(handle.db);
  seedReferenceData(handle.db);
  return handle;
}

describe('scheduledBackup', () => {
  it('writes samverka-<UTC time>.db and keeps the newest `keep`, leaving other files alone', async () => {
    const live = liveDatabase();
    const backups = join(dir(), 'backups');
    let removed: string[] = [];
    for (let day = 1; day <= 4; day++) {
      ({ removed } = await scheduledBackup(live.sqlite, backups, 2, new Date(`2026-03-0${day}T02:00:00.123Z`)));
    }
    writeFileSync(join(backups, 'notes.txt'), 'mine');
    expect(removed).toEqual(['samverka-20260302T020000Z.db']);
    await scheduledBackup(live.sqlite, backups, 2, new Date('2026-03-05T02:00:00Z'));
    expect(readdirSync(backups).sort()).toEqual(['notes.txt', 'samverka-20260304T020000Z.db', 'samverka-20260305T020000Z.db']);
    const copy = new Database(join(backups, 'samverka-20260305T020000Z.db'), { readonly: true });
    expect((copy.prepare('select count(*) as n from clusters').get() as { n: number }).n).toBe(18);
    copy.close();
    live.close();
  });
});

describe('restoreBackup', () => {
  it('puts the backup in place and keeps the database it replaces', async () => {
    const live = liveDatabase();
    const backup = join(dir(), 'b.db');
    await live.sqlite.backup(backup);
    live.close();
    const target = dir();
    writeFileSync(join(target, 'samverka.db'), 'the old one');
    const { file, keptAs } = await restoreBackup(backup, target, new Date('2026-03-01T10:00:00Z'));
    expect(file).toBe(join(target, 'samverka.db'));
    expect(keptAs).toBe(join(target, 'samverka.db.before-restore-20260301T100000Z'));
    const restored = new Database(file, { readonly: true });
    expect((restored.prepare('select count(*) as n from clusters').get() as { n: number }).n).toBe(18);
    restored.close();
  });

  it('refuses a missing file, a file that is not a database, a database that is not Samverka’s, and a locked folder', async () => {
    const target = dir();
    await expect(restoreBackup(join(target, 'nope.db'), target)).rejects.toThrow(RestoreError);
    const junk = join(dir(), 'junk.db');
    writeFileSync(junk, 'x'.repeat(5000));
    await expect(restoreBackup(junk, target)).rejects.toThrow(/junk\.db/);
    const foreign = join(dir(), 'foreign.db');
    const f = new Database(foreign);
    f.exec('create table t (x)');
    f.close();
    await expect(restoreBackup(foreign, target)).rejects.toThrow(/not a Samverka database/);
    const live = liveDatabase();
    const backup = join(dir(), 'b.db');
    await live.sqlite.backup(backup);
    live.close();
    const lock = lockDataDir(target);
    await expect(restoreBackup(backup, target)).rejects.toThrow(/already running/);
    lock.release();
    expect(existsSync(join(target, 'samverka.db'))).toBe(false);
  });
});
