import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProductProcess, refusedStart, spawnProduct } from '../support/product.ts';
import { ROOT } from '../support/server.ts';

// Issue 15, faults on the built product: one writer per data folder, kill -9 while sending,
// a graceful stop, a full disk, and backup and restore.

const CLI = join(ROOT, 'apps/api/dist/admin-cli.mjs');
const dirs: string[] = [];
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Received {
  to: string;
  messageId: string;
}

/**
 * A real SMTP server that records each message once its data has fully arrived, and can hold
 * its answer (the 250 after DATA): a held message is one the client is still sending, in flight.
 * `passFirst(n)` lets n messages through, then holds every one after until `release()`.
 */
class GatedSmtp {
  readonly received: Received[] = [];
  held = 0;
  private passing = Number.POSITIVE_INFINITY;
  private waiting: (() => void)[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^Message-ID: (.+?)\r?$/im.exec(raw)?.[1] ?? '';
          this.received.push({ to: session.envelope.rcptTo[0]?.address ?? '', messageId });
          if (this.passing > 0) {
            this.passing--;
            return callback();
          }
          this.held++;
          this.waiting.push(() => {
            this.held--;
            callback();
          });
        });
      },
    });
    // A client killed while its message is held leaves a socket that errors when answered.
    this.server.on('error', () => {});
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  passFirst(n: number): void {
    this.passing = n;
  }

  release(): void {
    this.passing = Number.POSITIVE_INFINITY;
    for (const answer of this.waiting.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

async function newSmtp(): Promise<GatedSmtp> {
  const smtp = new GatedSmtp();
  await smtp.start();
  cleanups.push(() => smtp.stop());
  return smtp;
}

async function subscribe(url: string, email: string): Promise<void> {
  const res = await fetch(`${url}/api/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, clusters: ['agro-orebro'], themes: [] }),
  });
  expect(res.status).toBe(202);
}

const readiness = async (url: string) =>
  (await (await fetch(`${url}/readyz`)).json()) as { status: string; outbox: { pending: number; oldestPendingSeconds: number } };

/** The outbox as stored: each mail's recipient, status and Message-ID. */
function outboxRows(dataDir: string): { to: string; status: string; messageId: string }[] {
  const db = new Database(join(dataDir, 'samverka.db'), { readonly: true });
  try {
    return db.prepare('select to_address as "to", status, message_id as messageId from outbox order by id').all() as {
      to: string;
      status: string;
      messageId: string;
    }[];
  } finally {
    db.close();
  }
}

function track(p: ProductProcess): ProductProcess {
  cleanups.push(() => p.kill9());
  return p;
}

describe('one writer per data folder', () => {
  it('a second server on the same DATA_DIR refuses to start with a clear message; every mail is sent once', async () => {
    const smtp = await newSmtp();
    const dataDir = tempDir('samverka-lock-');
    const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, LOGIN_RATE_LIMIT: '100000' };
    const first = track(await spawnProduct(dataDir, join(dataDir, 'first.log'), env));
    const second = await refusedStart(dataDir, env);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`Samverka could not start: Another Samverka process is already running on the data folder ${dataDir}`);
    for (let i = 0; i < 10; i++) await subscribe(first.url, `once-${i}@example.se`);
    await until(async () => (await readiness(first.url)).outbox.pending === 0, 'the outbox to empty');
    expect(smtp.received.map((m) => m.to).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `once-${i}@example.se`).sort());
    expect(await first.stop()).toBe(0);
  });
});

describe('kill -9 while sending', () => {
  it('loses nothing; only mails in flight are sent again, each with the Message-ID of its first copy', async () => {
    const smtp = await newSmtp();
    const dataDir = tempDir('samverka-kill-');
    const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, LOGIN_RATE_LIMIT: '100000' };
    const total = 40;
    smtp.passFirst(10);
    const first = track(await spawnProduct(dataDir, join(dataDir, 'first.log'), env));
    for (let i = 0; i < total; i++) await subscribe(first.url, `m${String(i).padStart(2, '0')}@example.se`);
    // Ten went through; the worker's four connections each have a mail in flight.
    await until(() => smtp.held === 4, 'four mails in flight');
    const inFlight = new Set(smtp.received.slice(10).map((m) => m.messageId));
    expect(inFlight.size).toBe(4);
    await first.kill9();
    smtp.release();
    const beforeRestart = smtp.received.length;
    expect(beforeRestart).toBe(14);

    const second = track(await spawnProduct(dataDir, join(dataDir, 'second.log'), env));
    await until(async () => (await readiness(second.url)).outbox.pending === 0, 'the outbox to empty after the restart');
    expect(await second.stop()).toBe(0);

    const byRecipient = new Map<string, string[]>();
    for (const m of smtp.received) byRecipient.set(m.to, [...(byRecipient.get(m.to) ?? []), m.messageId]);
    // Nothing lost.
    expect(byRecipient.size).toBe(total);
    // Every copy of a mail has the same Message-ID, the one stored with it.
    const rows = outboxRows(dataDir);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    for (const r of rows) expect(new Set(byRecipient.get(r.to))).toEqual(new Set([r.messageId]));
    // Duplicates only for the mails in flight at the kill.
    const duplicated = [...byRecipient.values()].filter((ids) => ids.length > 1).map((ids) => ids[0]!);
    expect(duplicated.length).toBeLessThanOrEqual(inFlight.size);
    for (const id of duplicated) expect(inFlight.has(id)).toBe(true);
    expect(smtp.received.length).toBe(total + duplicated.length);
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM finishes the request in flight and the mail being sent, then exits 0', async () => {
    const smtp = await newSmtp();
    const dataDir = tempDir('samverka-term-');
    smtp.passFirst(0);
    const server = track(await spawnProduct(dataDir, join(dataDir, 'server.log'), { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }));
    await subscribe(server.url, 'in-flight@example.se');
    await until(() => smtp.held === 1, 'the mail to be in flight');

    // A request whose body is still arriving when the stop begins.
    const body = JSON.stringify({ email: 'late@example.se', clusters: ['froda'], themes: [] });
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/api/subscriptions`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      const posts = () => server.log().split('"method":"POST","url":"/api/subscriptions"').length - 1;
      // Once the server has the request (its log line), stop it, then send the rest of the body.
      void until(() => posts() === 2, 'the request to arrive')
        .then(() => {
          server.child.kill('SIGTERM');
          return until(() => server.log().includes('shutting down'), 'the shutdown to begin');
        })
        .then(() => req.end(body.slice(10)), reject);
    });
    expect(await answer).toBe(202);
    // New requests are refused while it stops (a load balancer takes it out).
    const during = await fetch(`${server.url}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    expect([0, 503]).toContain(during);
    smtp.release();
    expect(await server.exited).toBe(0);
    const rows = outboxRows(dataDir);
    // The mail that was being sent when the stop began went out once and is recorded as sent.
    expect(smtp.received.filter((m) => m.to === 'in-flight@example.se')).toHaveLength(1);
    expect(rows.find((r) => r.to === 'in-flight@example.se')?.status).toBe('sent');
    // The last request's mail is not lost: sent before the worker stopped, or waiting for the next start.
    const late = rows.find((r) => r.to === 'late@example.se');
    expect(late?.status === 'sent').toBe(smtp.received.some((m) => m.to === 'late@example.se'));
    expect(['sent', 'pending']).toContain(late?.status);
  });
});

/** A small tmpfs of its own (needs root); null when this machine does not allow mounting. */
function mountTmpfs(sizeKb: number): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = tempDir('samverka-disk-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  if (r.status !== 0) return null;
  cleanups.push(() => spawnSync('umount', ['-l', dir]));
  return dir;
}

/** Fills the file system holding `dir` to the last byte with `filler`. */
function fill(dir: string, filler: string): void {
  const chunk = Buffer.alloc(64 * 1024);
  let i = 0;
  for (;;) {
    try {
      writeFileSync(`${filler}.${i}`, chunk);
      i++;
    } catch {
      break;
    }
  }
  for (const size of [4096, 512, 1]) {
    for (;;) {
      try {
        writeFileSync(`${filler}.${i++}`, Buffer.alloc(size));
      } catch {
        break;
      }
    }
  }
  expect(readdirSync(dir).length).toBeGreaterThan(0);
}

const canMount = (() => {
  const probe = process.getuid?.() === 0 ? mkdtempSync(join(tmpdir(), 'samverka-probe-')) : null;
  if (!probe) return false;
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

describe.skipIf(!canMount)('a full disk (a small tmpfs)', () => {
  it('at first start: the message says the disk is full, in words', async () => {
    const disk = mountTmpfs(2048)!;
    const dataDir = join(disk, 'data');
    mkdirSync(dataDir);
    fill(disk, join(disk, 'filler'));
    const { code, output } = await refusedStart(dataDir);
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(`Samverka could not start: the disk holding the data folder ${dataDir} is full \\(\\d+ KB free\\)\\. Free some space`),
    );
    expect(output).not.toContain('ROLLBACK');
  });

  it('at run time: writes answer 503 storage_full, and work again when space returns', async () => {
    const disk = mountTmpfs(12 * 1024)!;
    const dataDir = join(disk, 'data');
    const server = track(await spawnProduct(dataDir, join(tempDir('samverka-disklog-'), 'server.log'), { LOGIN_RATE_LIMIT: '100000' }));
    const fillerDir = join(disk, 'filler');
    mkdirSync(fillerDir);
    fill(disk, join(fillerDir, 'f'));
    const post = (i: number) =>
      fetch(`${server.url}/api/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `full-${i}@example.se`, clusters: ['agro-orebro'], themes: ['krisberedskap'] }),
      });
    let res = await post(0);
    for (let i = 1; res.status === 202 && i < 5000; i++) res = await post(i);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_full');
    expect((await fetch(`${server.url}/api/themes`)).status).toBe(200);
    expect(server.log()).toContain('storage full: a write was refused');
    expect(server.log()).not.toMatch(/\n\s+at .+:\d+:\d+/);
    rmSync(fillerDir, { recursive: true, force: true });
    expect((await post(100_000)).status).toBe(202);
    expect((await readiness(server.url)).status).toBe('ready');
    expect(await server.stop()).toBe(0);
  });
});

describe('backups', () => {
  it('scheduled online backups into BACKUP_DIR; backup → restore into a new DATA_DIR → the server starts and serves the data', async () => {
    const dataDir = tempDir('samverka-live-');
    const backupDir = join(tempDir('samverka-backups-'), 'backups');
    const server = track(
      await spawnProduct(dataDir, join(dataDir, 'server.log'), { BACKUP_DIR: backupDir, BACKUP_KEEP: '3', BACKUP_INTERVAL_HOURS: '24' }),
    );
    // The first scheduled backup is taken when the server is ready.
    await until(
      () => existsSync(backupDir) && readdirSync(backupDir).some((f) => /^samverka-\d{8}T\d{6}Z\.db$/.test(f)),
      'a scheduled backup',
    );
    const admin = spawnSync(process.execPath, [CLI, 'create-admin', '--email', 'admin@example.se', '--name', 'Admin'], {
      env: { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: 'ett långt lösenord' },
      encoding: 'utf8',
    });
    expect(admin.status, admin.stderr).toBe(0);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.se', password: 'ett långt lösenord' }),
    });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        leadCluster: 'froda',
        title: 'Återställd träff',
        kind: 'webinar',
        themes: ['krisberedskap'],
        start: '2031-05-05T10:00',
        end: '2031-05-05T11:00',
        onlineUrl: 'https://meet.example.se/x',
      }),
    });
    expect(created.status).toBe(201);
    const eventId = ((await created.json()) as { event: { id: number } }).event.id;
    expect(
      (await fetch(`${server.url}/api/events/${eventId}/publish`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);

    const backup = join(tempDir('samverka-backup-'), 'backup.db');
    const made = spawnSync(process.execPath, [CLI, 'backup', '--out', backup], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(made.status, made.stderr).toBe(0);
    // Restoring over the running server's folder is refused (it holds the lock).
    const refused = spawnSync(process.execPath, [CLI, 'restore', '--from', backup], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Another Samverka process is already running');
    // Not a database: refused with a reason.
    const junk = join(tempDir('samverka-junk-'), 'junk.db');
    writeFileSync(junk, 'not a database at all, just text'.repeat(200));
    const junkRestore = spawnSync(process.execPath, [CLI, 'restore', '--from', junk], {
      env: { ...process.env, DATA_DIR: tempDir('samverka-junkdata-') },
      encoding: 'utf8',
    });
    expect(junkRestore.status).toBe(1);
    expect(junkRestore.stderr).toMatch(/^Restore refused: junk\.db/);
    expect(await server.stop()).toBe(0);

    const restoredDir = tempDir('samverka-restored-');
    const restored = spawnSync(process.execPath, [CLI, 'restore', '--from', backup], {
      env: { ...process.env, DATA_DIR: restoredDir },
      encoding: 'utf8',
    });
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^Restored .*backup\.db to .*samverka\.db in \d+ ms/);
    const again = track(await spawnProduct(restoredDir, join(restoredDir, 'server.log')));
    const event = await fetch(`${again.url}/api/events/${eventId}`);
    expect(event.status).toBe(200);
    expect(((await event.json()) as { title: string }).title).toBe('Återställd träff');
    const relogin = await fetch(`${again.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.se', password: 'ett långt lösenord' }),
    });
    expect(relogin.status).toBe(200);
    expect((await readiness(again.url)).status).toBe('ready');
    expect(await again.stop()).toBe(0);
  });
});
