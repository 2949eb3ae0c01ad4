import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../../tests/support/fixtures.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

const dirs: TempDir[] = [];
const dataDir = () => {
  const d = tempDir('samverka-config-');
  dirs.push(d);
  return d.path;
};
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const dir = dataDir();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: dir,
      databaseFile: join(dir, 'samverka.db'),
      publicUrl: 'http://localhost:3000',
      smtpUrl: undefined,
      sessionHours: 168,
      retentionMonths: 12,
      loginRateLimit: 10,
    });
  });

  it('generates the signing key once into DATA_DIR, readable by the owner only, and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first);
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(first);
  });

  it('takes JWT_SECRET from the environment when given, and refuses a short one', () => {
    const dir = dataDir();
    expect(loadConfig({ DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40) }).jwtSecret).toBe('x'.repeat(40));
    expect(() => loadConfig({ DATA_DIR: dir, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be at least 32/);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ SMTP_URL: 'http://mail.example' }, /SMTP_URL must start with smtp: or smtps:/],
    [{ SMTP_URL: 'not a url' }, /SMTP_URL must be a URL/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL must start with http: or https:/],
    [{ MAIL_FROM: 'A\r\nBcc: x@y.se' }, /MAIL_FROM must be one line/],
    [{ RETENTION_MONTHS: '0' }, /RETENTION_MONTHS/],
  ])('refuses %o with a message naming the setting', (env, message) => {
    const err = (() => {
      try {
        loadConfig({ DATA_DIR: dataDir(), ...env });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});
