// Shared parts of the benchmarks: start the built product and the bare-Fastify baseline, seed
// events straight into the SQLite file, run autocannon, print the figures.
//
// Knobs (environment): BENCH_DURATION seconds per measurement (10), BENCH_WARMUP seconds (3),
// BENCH_CONNECTIONS (50), BENCH_ROUNDS slices each measurement is cut into, taken in turn with its
// baseline (5; 1 = one unbroken run each), BENCH_CPU_PROF=<dir> to run the product with
// `node --cpu-prof` (the profile is written when the bench stops it), BENCH_LOG_LEVEL the
// product's LOG_LEVEL (warn; info logs each answer with its responseTime, the time spent in the
// server from the request's arrival, to tell it from time spent before or in the load generator).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'apps/api/dist/server.mjs');
const WEB_HANDLER = join(ROOT, 'apps/web/build/handler.js');
const BASELINE = join(import.meta.dirname, 'baseline-server.mjs');
/** The Node flags of `npm run serve`, so that the benchmarks measure the server as it is started. */
const SERVE_FLAGS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  .scripts.serve.split(/\s+/)
  .filter((arg) => arg.startsWith('--'));

/** Loads a package the way the API does (better-sqlite3, fastify, luxon, ical-generator live there). */
export const requireApi = createRequire(new URL('../../apps/api/package.json', import.meta.url));

export const settings = {
  duration: Number(process.env.BENCH_DURATION ?? 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  rounds: Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5)),
  cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
};

export function assertBuilt() {
  for (const file of [SERVER, WEB_HANDLER]) {
    if (!existsSync(file)) {
      console.error(`${file} is missing: build first with \`node scripts/pnpm.mjs run build\`.`);
      process.exit(1);
    }
  }
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitFor(check, child, log, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${log()}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Processes this run started (product, baseline): their CPU time is ours, not noise. */
const ownChildren = new Set();

function stopper(child) {
  ownChildren.add(child);
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    ownChildren.delete(child);
  };
}

/**
 * CPU time of one process in jiffies (1/100 s), from /proc; 0 where there is no /proc. With
 * `withExited`, also that of its children that have exited (so a stopped server still counts).
 */
export function processTicks(pid, withExited = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, cutime, cstime: proc(5) fields 14 to 17
    return fields[11] + fields[12] + (withExited ? fields[13] + fields[14] : 0);
  } catch {
    return 0;
  }
}

/** Jiffies (1/100 s) of CPU: the whole machine's busy time, and that of this run's processes. */
export function cpuSnapshot() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    let own = processTicks('self', true);
    for (const child of ownChildren) own += processTicks(child.pid);
    return { busy: user + nice + system + irq + softirq + steal, own, at: performance.now() };
  } catch {
    return null; // not Linux: no noise figure
  }
}

/** Cores' worth of CPU that other processes used between two snapshots (other engineers' tests, builds). */
export function othersCores(before, after) {
  if (!before || !after) return null;
  const seconds = (after.at - before.at) / 1000;
  return Math.max(0, (after.busy - before.busy - (after.own - before.own)) / 100 / seconds);
}

/**
 * Starts the built product (API, feeds and web app on one port) on `dataDir`, as
 * tests/support/server.ts does, and waits until /api/themes answers. `port`: the one to use
 * (a free one when not given).
 */
export async function startProduct(dataDir, { cpuProf = false, port: fixedPort } = {}) {
  // A fixed port keeps PUBLIC_URL (in every stored VEVENT's key) the same over restarts.
  const port = fixedPort ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_URL: url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  };
  const nodeArgs = [...SERVE_FLAGS];
  if (cpuProf && settings.cpuProfDir) {
    mkdirSync(settings.cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`);
  }
  let log = '';
  const child = spawn(process.execPath, [...nodeArgs, SERVER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const startedAt = performance.now();
  await waitFor(
    async () => {
      try {
        return (await fetch(`${url}/api/themes`)).ok;
      } catch {
        return false;
      }
    },
    child,
    () => log,
    'the product server',
  );
  return { url, port, pid: child.pid, dataDir, child, startMs: performance.now() - startedAt, output: () => log, stop: stopper(child) };
}

/**
 * A fresh data folder that the built server has migrated and seeded with reference data
 * (clusters, counties, themes): started once and stopped, so rows can then be written directly.
 */
export async function prepareDataDir() {
  const dataDir = mkdtempSync(join(tmpdir(), 'samverka-bench-'));
  const server = await startProduct(dataDir);
  await server.stop();
  return dataDir;
}

export function removeDataDir(dataDir) {
  rmSync(dataDir, { recursive: true, force: true });
}

/** A second connection to the product's database, set up as packages/db/src/client.ts sets up its own. */
export function openDb(dataDir) {
  const Database = requireApi('better-sqlite3');
  const db = new Database(join(dataDir, 'samverka.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** xorshift32: the same seed gives the same events on every run. */
export function prng(seed = 20240601) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const KINDS = ['workshop', 'network_meeting', 'webinar', 'study_visit', 'conference', 'other'];
const TOPICS = [
  'Vattenförsörjning på gården',
  'Beredskapslager för livsmedel',
  'Finansiering av gröna innovationer',
  'Cirkulära affärsmodeller i trädgårdsnäringen',
  'Regelförenkling för småskalig slakt',
  'Digitala verktyg för växtodling',
  'Kompetensförsörjning i skogsbruket',
  'Omvärldsanalys: klimat och marknad',
  'Hästnäringens framtid',
  'Energi från lantbrukets restflöden',
  'Samverkan mellan kluster i norr och söder',
  'Markens bördighet och kolinlagring',
];
const FORMATS = ['Workshop', 'Nätverksträff', 'Webbinarium', 'Studiebesök', 'Konferens', 'Frukostmöte'];
const PARAGRAPHS = [
  'Vi samlar företagare, rådgivare och forskare för en dag med **praktiska exempel** och gott om tid för frågor.',
  'Programmet varvar korta föredrag med samtal i mindre grupper. Ta gärna med egna frågor och erfarenheter.',
  'Anmälan är bindande efter sista anmälningsdag. Fika ingår; meddela specialkost vid anmälan.',
  'Träffen är en del av nätverkets arbete med [krisberedskap och självförsörjning](https://example.se/krisberedskap).',
  'Efter passet finns möjlighet att boka ett kort enskilt samtal med någon av föreläsarna.',
  '- Inledning och presentation\n- Fallstudier från tre kluster\n- Gemensam diskussion och nästa steg',
];

/**
 * Inserts `count` published events straight into the database file: varied kinds, themes, lead
 * clusters (a share co-hosted), counties, physical and online places and all-day events, spread
 * over two years from six months ago, with the lead organiser as role 'lead', status 'accepted'.
 * The DB triggers keep the search index and feed_state in step, as they do for the product.
 */
export function seedEvents(db, count, { seed = 20240601, now = Date.now() } = {}) {
  const { DateTime } = requireApi('luxon');
  const r = prng(seed);
  const themes = db.prepare('select id, slug from themes order by id').all();
  const clusters = db.prepare('select id, county_id as countyId, lat, lng, town from clusters order by id').all();
  const counties = db.prepare('select id from counties order by id').all();
  if (!themes.length || !clusters.length) throw new Error('the reference data is missing: was the data folder prepared by the server?');

  const insertEvent = db.prepare(`insert into events
    (uid, title, description, kind, status, all_day, starts_at, ends_at, time_zone, start_date, end_date, venue_name, address,
     county_id, lat, lng, online_url, language, capacity, registration_opens_at, registration_closes_at, contact_email,
     lead_cluster_id, revision, created_at, updated_at)
    values (@uid, @title, @description, @kind, 'published', @allDay, @startsAt, @endsAt, 'Europe/Stockholm', @startDate, @endDate, @venueName, @address,
     @countyId, @lat, @lng, @onlineUrl, @language, @capacity, @registrationOpensAt, @registrationClosesAt, null,
     @leadClusterId, 0, @createdAt, @updatedAt)`);
  const insertTheme = db.prepare('insert into event_themes (event_id, theme_id) values (?, ?)');
  const insertOrganiser = db.prepare(
    'insert into event_organisers (event_id, cluster_id, role, status, invited_at, responded_at) values (?, ?, ?, ?, ?, ?)',
  );

  const zone = 'Europe/Stockholm';
  const rangeStart = DateTime.fromMillis(now, { zone }).minus({ months: 6 }).startOf('day');
  const rangeDays = 730;
  const runId = `${seed.toString(36)}-${now.toString(36)}`;

  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const lead = r.pick(clusters);
      const day = rangeStart.plus({ days: r.int(0, rangeDays - 1) });
      const allDay = r.chance(0.12);
      let startsAt,
        endsAt,
        startDate = null,
        endDate = null;
      if (allDay) {
        const last = day.plus({ days: r.pick([0, 0, 0, 1, 2]) });
        startDate = day.toISODate();
        endDate = last.toISODate();
        startsAt = DateTime.fromISO(startDate, { zone }).toMillis();
        endsAt = DateTime.fromISO(endDate, { zone }).plus({ days: 1 }).toMillis();
      } else {
        const start = day.set({ hour: r.int(8, 17), minute: r.pick([0, 0, 15, 30, 45]) });
        startsAt = start.toMillis();
        endsAt = start.plus({ minutes: r.pick([45, 60, 90, 120, 180, 240, 360]) }).toMillis();
      }
      const online = r.chance(0.3);
      const hybrid = !online && r.chance(0.15);
      const countyId = online ? null : r.chance(0.8) ? lead.countyId : r.pick(counties).id;
      const createdAt = Math.min(now, startsAt - r.int(7, 120) * 86_400_000);
      const updatedAt = createdAt + r.int(0, 5) * 86_400_000;
      const paragraphs = Array.from({ length: r.int(1, 4) }, () => r.pick(PARAGRAPHS));
      const title = `${r.pick(FORMATS)}: ${r.pick(TOPICS)}${r.chance(0.3) ? ` i ${lead.town}` : ''}`;
      const hasRegistration = r.chance(0.6);
      const { lastInsertRowid: id } = insertEvent.run({
        uid: `bench-${runId}-${i}@samverka`,
        title,
        description: paragraphs.join('\n\n'),
        kind: r.pick(KINDS),
        allDay: allDay ? 1 : 0,
        startsAt,
        endsAt,
        startDate,
        endDate,
        venueName: online ? null : `${r.pick(['Lantbruksskolan', 'Gröna huset', 'Kunskapscentrum', 'Försöksgården'])} ${lead.town}`,
        address: online ? null : `${r.pick(['Storgatan', 'Skolvägen', 'Gårdsvägen', 'Industrigatan'])} ${r.int(1, 60)}, ${lead.town}`,
        countyId,
        lat: online ? null : lead.lat + (r.next() - 0.5) * 0.1,
        lng: online ? null : lead.lng + (r.next() - 0.5) * 0.1,
        onlineUrl: online || hybrid ? `https://meet.example.se/${runId}-${i}` : null,
        language: r.chance(0.9) ? 'sv' : 'en',
        capacity: hasRegistration ? r.pick([20, 30, 40, 60, 100, 200]) : null,
        registrationOpensAt: hasRegistration ? createdAt : null,
        registrationClosesAt: hasRegistration ? startsAt - 86_400_000 * r.int(1, 7) : null,
        leadClusterId: lead.id,
        createdAt,
        updatedAt,
      });
      const themeCount = r.pick([1, 1, 2, 2, 3]);
      const chosen = new Set();
      while (chosen.size < themeCount) chosen.add(r.pick(themes).id);
      for (const t of chosen) insertTheme.run(id, t);
      insertOrganiser.run(id, lead.id, 'lead', 'accepted', createdAt, createdAt);
      if (r.chance(0.25)) {
        const cohost = r.pick(clusters);
        if (cohost.id !== lead.id)
          insertOrganiser.run(
            id,
            cohost.id,
            'cohost',
            r.pick(['accepted', 'accepted', 'invited', 'declined']),
            createdAt,
            createdAt + 86_400_000,
          );
      }
    }
  })();
}

/**
 * Starts tests/bench/baseline-server.mjs in its own process, with a synthetic blob of `blobSize`
 * bytes or the bytes of `blobFile`.
 */
export async function startBaseline({ blobSize = 1024, gzSize = 0, blobFile } = {}) {
  let out = '';
  let err = '';
  const args = blobFile ? ['--blob-file', blobFile] : ['--blob-size', String(blobSize), '--gz-size', String(gzSize)];
  const child = spawn(process.execPath, [BASELINE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  await waitFor(
    async () => out.includes('\n'),
    child,
    () => out + err,
    'the baseline server',
  );
  const info = JSON.parse(out.split('\n')[0]);
  return { url: `http://127.0.0.1:${info.port}`, pid: child.pid, ...info, stop: stopper(child) };
}

/** One autocannon run; every answer's time and status go into `into`. */
async function runSlice(target, seconds, connections, into) {
  const before = cpuSnapshot();
  const serverBefore = target.pid ? processTicks(target.pid) : 0;
  const instance = autocannon({ url: target.url, headers: target.headers ?? {}, connections, duration: seconds });
  instance.on('response', (_client, status, _bytes, ms) => {
    into.latencies.push(ms);
    into.statuses[status] = (into.statuses[status] ?? 0) + 1;
  });
  const res = await instance;
  const after = cpuSnapshot();
  if (target.pid) into.serverTicks += processTicks(target.pid) - serverBefore;
  into.seconds += res.duration;
  into.bytes += res.throughput.total;
  into.failures += res.errors + res.timeouts;
  if (before && after) {
    into.othersTicks += after.busy - before.busy - (after.own - before.own);
    into.cpuSeconds += (after.at - before.at) / 1000;
  } else {
    into.othersTicks = null;
  }
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

/**
 * Measures a product route beside its baseline with autocannon, after a warm-up of each that is
 * thrown away. The time is cut into `rounds` slices taken in turn (A B, B A, A B, …), so load that
 * other processes put on the shared machine falls on both sides alike. Latencies are every
 * answer's, merged over the slices. `expect` is the status every answer must have; any other (and
 * any error or timeout) counts as a bad answer, so a broken route cannot look fast. With a
 * target's `pid`, the server's own CPU time is read from /proc around each slice.
 */
export async function measurePair(
  targets,
  { duration = settings.duration, warmup = settings.warmup, rounds = settings.rounds, connections = settings.connections } = {},
) {
  const acc = targets.map(() => ({
    latencies: [],
    statuses: {},
    seconds: 0,
    bytes: 0,
    failures: 0,
    othersTicks: 0,
    cpuSeconds: 0,
    serverTicks: 0,
  }));
  if (warmup > 0) for (const t of targets) await autocannon({ url: t.url, headers: t.headers ?? {}, connections, duration: warmup });
  const slice = duration / rounds;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? targets.map((_, i) => i) : targets.map((_, i) => targets.length - 1 - i);
    for (const i of order) await runSlice(targets[i], slice, connections, acc[i]);
  }
  return targets.map((t, i) => {
    const a = acc[i];
    const sorted = Float64Array.from(a.latencies).sort();
    const requests = sorted.length;
    const expect = t.expect ?? 200;
    const wrong = Object.entries(a.statuses).reduce((n, [code, c]) => n + (Number(code) === expect ? 0 : c), 0) + a.failures;
    const row = {
      label: t.label,
      path: new URL(t.url).pathname + new URL(t.url).search,
      reqPerSec: requests / a.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[requests - 1],
      bytesPerReq: requests ? Math.round(a.bytes / requests) : 0,
      requests,
      wrong,
      statuses: a.statuses,
      othersCores: a.othersTicks === null || !a.cpuSeconds ? null : Math.max(0, a.othersTicks / 100 / a.cpuSeconds),
      // How busy the server was: near 100 % it is the limit; far below, the load generator is.
      serverBusy: t.pid && a.seconds ? a.serverTicks / 100 / a.seconds : null,
      serverCpuMsPerAnswer: t.pid && requests ? (a.serverTicks * 10) / requests : null,
    };
    console.log(
      `  measured ${row.label}: ${fmt(row.reqPerSec, 0)} req/s, p99 ${fmt(row.p99)} ms${row.othersCores === null ? '' : `, other processes used ${fmt(row.othersCores, 2)} cores`}${wrong ? `, ${wrong} bad answers ${JSON.stringify(a.statuses)}` : ''}`,
    );
    return row;
  });
}

/** One route on its own (same figures as measurePair gives). */
export async function measure(label, url, { headers = {}, expect = 200, pid, ...options } = {}) {
  const [row] = await measurePair([{ label, url, headers, expect, pid }], options);
  return row;
}

export function fmt(n, digits = 1) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : String(n ?? '–');
}

export function printTable(title, rows, columns) {
  const head = columns.map((c) => c.title);
  const body = rows.map((r) => columns.map((c) => String(c.value(r))));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (columns[i].right ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

export const measurementColumns = [
  { title: 'measurement', value: (r) => r.label },
  { title: 'path', value: (r) => r.path },
  { title: 'req/s', value: (r) => fmt(r.reqPerSec, 0), right: true },
  { title: 'p50 ms', value: (r) => fmt(r.p50), right: true },
  { title: 'p99 ms', value: (r) => fmt(r.p99), right: true },
  { title: 'bytes/answer', value: (r) => String(r.bytesPerReq), right: true },
  { title: 'bad answers', value: (r) => String(r.wrong), right: true },
  { title: 'server busy', value: (r) => (r.serverBusy === null ? '–' : `${fmt(r.serverBusy * 100, 0)} %`), right: true },
  { title: 'server CPU ms/answer', value: (r) => fmt(r.serverCpuMsPerAnswer, 3), right: true },
  { title: "others' CPU (cores)", value: (r) => fmt(r.othersCores, 2), right: true },
];

export function printMeasurements(title, rows) {
  printTable(title, rows, measurementColumns);
  console.log(
    "server busy: the share of one core the server process used; well below 100 % the load generator (autocannon, on the same cores) was the limit, and 'server CPU ms/answer' compares the servers' own cost better than req/s does.",
  );
}

/** A warning when other processes took a noticeable share of the 2 cores during any measurement. */
export function noiseWarning(rows) {
  const worst = Math.max(0, ...rows.map((r) => r.othersCores ?? 0));
  return worst > 0.2
    ? `Other processes used up to ${fmt(worst, 2)} cores during a measurement: the figures are noisy, re-run on a quiet machine.`
    : null;
}

export function printTargets(targets) {
  printTable('Targets', targets, [
    { title: 'target', value: (t) => t.name },
    { title: 'wanted', value: (t) => t.wanted },
    { title: 'measured', value: (t) => t.measured },
    { title: 'result', value: (t) => t.result },
  ]);
}

/** PASS, FAIL, or N/A when the thing could not be measured. */
export function verdict(ok) {
  return ok === null ? 'N/A' : ok ? 'PASS' : 'FAIL';
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GET on a kept-alive connection, timed from sending to the last byte of the body. */
export function timedGet(url, headers = {}) {
  return new Promise((res, rej) => {
    const started = performance.now();
    const req = request(url, { agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () =>
        res({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks), ms: performance.now() - started }),
      );
      response.on('error', rej);
    });
    req.on('error', rej);
    req.end();
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The load of the machine when a run starts: figures taken beside a busy test run are noisy. */
export async function machineNote() {
  const { loadavg, cpus } = await import('node:os');
  const [one] = loadavg();
  return { cores: cpus().length, loadAverage1m: Number(one.toFixed(2)) };
}
