import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { tempDir } from './fixtures.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
/**
 * The built server and the Node flags of `npm run serve` (heap limits): the tests start the
 * product as it is deployed, so a request that needs more than the heap ceiling fails here too.
 */
export const SERVER_ARGS: string[] = [
  ...(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { serve: string } }).scripts.serve
    .split(/\s+/)
    .filter((arg) => arg.startsWith('--')),
  join(ROOT, 'apps/api/dist/server.mjs'),
];
const ADMIN_CLI = join(ROOT, 'apps/api/dist/admin-cli.mjs');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  output(): string;
  createAdmin(email: string, password: string, name?: string): void;
  stop(): Promise<void>;
}

/** Starts the built product (API, web app, feeds on one port) on a fresh data folder. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const data = tempDir('samverka-e2e-');
  const dataDir = data.path;
  const url = `http://127.0.0.1:${port}`;
  const baseEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: url, LOG_LEVEL: 'warn', ...env };
  let log = '';
  const child = spawn(process.execPath, SERVER_ARGS, { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/api/themes`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    dataDir,
    process: child,
    output: () => log,
    createAdmin(email, password, name = 'Sekretariatet') {
      const r = spawnSync(process.execPath, [ADMIN_CLI, 'create-admin', '--email', email, '--name', name], {
        env: { ...baseEnv, ADMIN_PASSWORD: password },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`create-admin failed: ${r.stderr}`);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      data.remove();
    },
  };
}
