// Backup and restore benchmark, against the built product: a database with 10,000 events and
// 50,000 registrations.
//
//   node scripts/pnpm.mjs run build && node scripts/pnpm.mjs run bench:backup
//
// (a) `npm run admin -- backup --out FILE` while the server runs (SQLite's online backup API,
//     what the scheduled backups in BACKUP_DIR use), wall time of the command;
// (b) the same copy in process (better-sqlite3's backup()), without the command's start-up;
// (c) `npm run admin -- restore --from FILE` into a new, empty DATA_DIR (integrity check,
//     the data folder's lock, the copy), wall time of the command;
// (d) the server started on the restored folder until /readyz says ready, and the counts
//     checked in the restored copy.
// BENCH_ROUNDS rounds (3 by default), medians reported. A report, not a gate: it exits 0
// whatever the figures (1 if it could not run), and ends with one JSON line of them.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  assertBuilt,
  fmt,
  machineNote,
  median,
  openDb,
  prepareDataDir,
  printTable,
  prng,
  removeDataDir,
  requireApi,
  ROOT,
  seedEvents,
  startProduct,
} from './lib.mjs';

const EVENTS = 10_000;
const REGISTRATIONS = 50_000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const CLI = join(ROOT, 'apps/api/dist/admin-cli.mjs');
const Database = requireApi('better-sqlite3');

/** Registrations spread over the events, one address per event and person, as the product stores them. */
function seedRegistrations(db, count) {
  const r = prng(20240602);
  const events = db.prepare('select id, created_at as createdAt from events order by id').all();
  const counties = db.prepare('select id from counties').all();
  const insert = db.prepare(`insert into registrations
    (event_id, token, status, name, email, organisation, county_id, cluster_id, dietary_needs, accessibility_needs, language,
     newsletter, consent_at, waitlisted_at, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, null, ?, null, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const e = events[i % events.length];
      const waitlisted = r.chance(0.1);
      const at = e.createdAt + r.int(0, 86_400_000);
      insert.run(
        e.id,
        randomBytes(32).toString('base64url'),
        waitlisted ? 'waitlisted' : 'confirmed',
        `Deltagare ${i}`,
        `deltagare-${i}@example.se`,
        r.pick(['Gården AB', 'Länsstyrelsen', 'Hushållningssällskapet', 'Skogsägarna']),
        r.pick(counties).id,
        r.chance(0.2) ? 'Vegetarisk' : null,
        r.chance(0.8) ? 'sv' : 'en',
        r.chance(0.3) ? 1 : 0,
        at,
        waitlisted ? at : null,
        at,
        at,
      );
    }
  })();
}

function timed(args, env) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`admin ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout.trim() };
}

assertBuilt();
const machine = await machineNote();
console.log(
  `backup benchmark: ${EVENTS.toLocaleString('en')} events, ${REGISTRATIONS.toLocaleString('en')} registrations, ${ROUNDS} rounds`,
);
console.log(`machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start`);

const dataDir = await prepareDataDir();
const work = mkdtempSync(join(tmpdir(), 'samverka-backup-bench-'));
const restoredDirs = [];
let server;
try {
  const seedStarted = performance.now();
  const db = openDb(dataDir);
  seedEvents(db, EVENTS);
  seedRegistrations(db, REGISTRATIONS);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  console.log(`seeded in ${fmt((performance.now() - seedStarted) / 1000)} s`);

  server = await startProduct(dataDir);
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const out = join(work, `backup-${i}.db`);
    const backup = timed(['backup', '--out', out], { DATA_DIR: dataDir });
    const live = new Database(join(dataDir, 'samverka.db'), { readonly: true });
    const inProcessStarted = performance.now();
    await live.backup(join(work, `in-process-${i}.db`));
    const inProcessMs = performance.now() - inProcessStarted;
    live.close();
    const restoredDir = mkdtempSync(join(tmpdir(), 'samverka-restored-bench-'));
    restoredDirs.push(restoredDir);
    const restore = timed(['restore', '--from', out], { DATA_DIR: restoredDir });
    const startStarted = performance.now();
    const restored = await startProduct(restoredDir);
    for (;;) {
      const ready = await fetch(`${restored.url}/readyz`).then((r) => r.json());
      if (ready.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const startMs = performance.now() - startStarted;
    await restored.stop();
    const check = new Database(join(restoredDir, 'samverka.db'), { readonly: true });
    const counts = check
      .prepare('select (select count(*) from events) as events, (select count(*) from registrations) as registrations')
      .get();
    check.close();
    if (counts.events !== EVENTS || counts.registrations !== REGISTRATIONS) throw new Error(`restored copy has ${JSON.stringify(counts)}`);
    rounds.push({ backupMs: backup.ms, inProcessMs, restoreMs: restore.ms, startMs, bytes: statSync(out).size });
  }
  const row = {
    sizeMb: rounds[0].bytes / 1024 / 1024,
    backupMs: median(rounds.map((r) => r.backupMs)),
    inProcessMs: median(rounds.map((r) => r.inProcessMs)),
    restoreMs: median(rounds.map((r) => r.restoreMs)),
    startMs: median(rounds.map((r) => r.startMs)),
  };
  printTable(
    `Backup and restore (median of ${ROUNDS})`,
    [row],
    [
      { title: 'database', value: (r) => `${fmt(r.sizeMb)} MB`, right: true },
      { title: 'admin backup (wall ms)', value: (r) => fmt(r.backupMs, 0), right: true },
      { title: 'online backup in process (ms)', value: (r) => fmt(r.inProcessMs, 0), right: true },
      { title: 'admin restore (wall ms)', value: (r) => fmt(r.restoreMs, 0), right: true },
      { title: 'start on restored folder until ready (ms)', value: (r) => fmt(r.startMs, 0), right: true },
    ],
  );
  console.log('The admin commands include starting Node (about 0.2–0.4 s); the in-process figure is the copy alone.');
  console.log(JSON.stringify({ bench: 'backup', events: EVENTS, registrations: REGISTRATIONS, ...row }));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await server?.stop();
  removeDataDir(dataDir);
  rmSync(work, { recursive: true, force: true });
  for (const d of restoredDirs) rmSync(d, { recursive: true, force: true });
}
