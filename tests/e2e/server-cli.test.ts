import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../support/fixtures.ts';
import { freePort, ROOT, SERVER_ARGS, startServer } from '../support/server.ts';

// The product as an operator runs it: start, restart, refuse a bad start, back up while running.

const CLI = join(ROOT, 'apps/api/dist/admin-cli.mjs');
const dirs: TempDir[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});
/** An empty data folder, removed after the tests. */
function emptyDataDir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d.path;
}

/** Runs the server expecting it to stop by itself; returns its exit code and output. */
async function failingStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, SERVER_ARGS, {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  return { code, output };
}

describe('starting and running the product', () => {
  it('keeps the signing key (owner-only) and the seeded data across a restart, so logins stay valid', async () => {
    const first = await startServer();
    const dataDir = first.dataDir;
    first.createAdmin('admin@example.se', 'ett långt lösenord');
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.se', password: 'ett långt lösenord' }),
    });
    const { token } = (await login.json()) as { token: string };
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'samverka.db'))).toBe(true);
    // Stop without deleting the data, start again on the same folder.
    first.process.kill('SIGTERM');
    await new Promise((r) => first.process.once('exit', r));
    const port = await freePort();
    const child = spawn(process.execPath, SERVER_ARGS, {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      let me: Response | null = null;
      for (let i = 0; i < 100 && !me; i++) {
        me = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
        if (!me) await new Promise((r) => setTimeout(r, 100));
      }
      expect(me?.status).toBe(200);
      const clusters = (await (await fetch(`http://127.0.0.1:${port}/api/clusters`)).json()) as unknown[];
      expect(clusters).toHaveLength(18);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops with a clear message and a non-zero exit on a bad setting', async () => {
    const dir = emptyDataDir('samverka-bad-');
    const { code, output } = await failingStart({ DATA_DIR: dir, PORT: 'abc' });
    expect(code).not.toBe(0);
    expect(output).toContain('Configuration error: PORT must be a whole number');
  });

  it('stops with a clear message and a non-zero exit when a migration fails', async () => {
    const dir = emptyDataDir('samverka-badmig-');
    // A database that already has a "clusters" table of another shape: the first migration cannot run.
    const db = new Database(join(dir, 'samverka.db'));
    db.exec('CREATE TABLE clusters (oops TEXT)');
    db.close();
    const { code, output } = await failingStart({ DATA_DIR: dir, PORT: String(await freePort()) });
    expect(code).not.toBe(0);
    expect(output).toMatch(/Samverka could not start: Database migration failed: .*clusters/);
  });

  it('backs up the database while the server runs (SQLite online backup)', async () => {
    const server = await startServer();
    try {
      const out = join(server.dataDir, 'backup.db');
      const r = spawnSync(process.execPath, [CLI, 'backup', '--out', out], {
        env: { ...process.env, DATA_DIR: server.dataDir },
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Backed up \d+ pages/);
      const copy = new Database(out, { readonly: true });
      expect((copy.prepare('select count(*) as n from clusters').get() as { n: number }).n).toBe(18);
      copy.close();
      expect((await fetch(`${server.url}/api/themes`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('the admin tool refuses a short password and unknown commands', () => {
    const dir = emptyDataDir('samverka-cli-');
    const weak = spawnSync(process.execPath, [CLI, 'create-admin', '--email', 'a@example.se'], {
      env: { ...process.env, DATA_DIR: dir, ADMIN_PASSWORD: 'kort' },
      encoding: 'utf8',
    });
    expect(weak.status).not.toBe(0);
    expect(weak.stderr).toMatch(/at least 10 characters/);
    const unknown = spawnSync(process.execPath, [CLI, 'nonsense'], { env: { ...process.env, DATA_DIR: dir }, encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('create-admin');
  });
});
