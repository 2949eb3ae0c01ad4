import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

// The settings for running in production: mail retention, the proxy in front, backups.

const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'samverka-config-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('production settings', () => {
  it('default to: sent mail kept 30 days, no proxy trusted, no scheduled backups', () => {
    expect(loadConfig({ DATA_DIR: dataDir() })).toMatchObject({ mailRetentionDays: 30, trustProxy: false, backup: undefined });
  });

  it('TRUST_PROXY takes a hop count or a list of addresses and ranges', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
  });

  it('BACKUP_DIR turns on backups with BACKUP_KEEP and BACKUP_INTERVAL_HOURS', () => {
    const dir = dataDir();
    expect(loadConfig({ DATA_DIR: dir, BACKUP_DIR: join(dir, 'b'), BACKUP_KEEP: '3', BACKUP_INTERVAL_HOURS: '6' }).backup).toEqual({
      dir: join(dir, 'b'),
      keep: 3,
      intervalHours: 6,
    });
    expect(loadConfig({ DATA_DIR: dir, BACKUP_DIR: join(dir, 'b') }).backup).toMatchObject({ keep: 7, intervalHours: 24 });
  });

  it.each([
    [{ TRUST_PROXY: 'yes please' }, /TRUST_PROXY must be a number of proxies or a list/],
    [{ TRUST_PROXY: '99' }, /TRUST_PROXY must be a whole number from 1 to 10/],
    [{ MAIL_RETENTION_DAYS: '0' }, /MAIL_RETENTION_DAYS must be a whole number/],
    [{ BACKUP_DIR: '/tmp/b', BACKUP_KEEP: '0' }, /BACKUP_KEEP must be a whole number/],
    [{ BACKUP_DIR: '/tmp/b', BACKUP_INTERVAL_HOURS: 'daily' }, /BACKUP_INTERVAL_HOURS must be a whole number/],
  ])('refuses %o with a message naming the setting', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(message);
  });
});
