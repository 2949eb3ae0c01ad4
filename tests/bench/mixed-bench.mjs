// Mixed-load and memory benchmark (issue 14), against the built product with its answer caches
// on, as deployed: 1,000 published events, an admin who coordinates one cluster.
//
//   node scripts/pnpm.mjs run build && node scripts/pnpm.mjs run bench:mixed
//   node scripts/pnpm.mjs run build && node scripts/pnpm.mjs run bench:memory
//
// bench:mixed: BENCH_CONNECTIONS (50) connections for BENCH_MIXED_SECONDS (30) s, each connection
// going round the mix: the calendar month (anonymous and logged in), an event page (a different
// event each time), the whole ICS feed (gzip), a registration (a new address each time), the
// coordinator dashboard, after a warm-up of BENCH_WARMUP (3) s that is thrown away. Reports
// req/s, p50, p99, errors and non-2xx answers, the server's CPU per answer and its resident
// memory (VmRSS) after start and after the load; and beside the load, one more visitor from a
// process of its own (probe.mjs) opening the mix's pages one at a time: what a person gets while
// the load runs, without the load generator's own queue in the figure.
// Targets: p99 < 50 ms, no errors; RSS ≤ 100 MB after start, ≤ 200 MB after the load.
// bench:memory (`--memory`): the same load five times over (BENCH_MIXED_SECONDS each, 10 s
// unless set), RSS after each run; flat = no run ends more than 10 % above the run before it,
// from the second run on (the first one fills the caches).
// BENCH_HEAP_SNAPSHOT=<dir> has the server write a heap snapshot there after the last run;
// BENCH_CPU_PROF=<dir> writes a CPU profile of the server.
// A report, not a gate: it exits 0 whatever the figures (1 if it could not run), and ends with
// one JSON line of them.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  assertBuilt,
  fmt,
  machineNote,
  openDb,
  prepareDataDir,
  printTable,
  printTargets,
  processTicks,
  removeDataDir,
  ROOT,
  seedEvents,
  settings,
  startProduct,
  verdict,
} from './lib.mjs';

const MEMORY = process.argv.includes('--memory');
const RUNS = MEMORY ? 5 : 1;
const SECONDS = Number(process.env.BENCH_MIXED_SECONDS ?? (MEMORY ? 10 : 30));
const EVENTS = 1000;
const ADMIN = { email: 'bench-admin@example.se', password: 'bench-password-2026' };
const TARGETS = { p99Ms: 50, rssStartMb: 100, rssLoadMb: 200 };

assertBuilt();
const machine = await machineNote();
console.log(
  `${MEMORY ? 'memory' : 'mixed-load'} benchmark: ${EVENTS} events, ${settings.connections} connections, ${RUNS} run(s) of ${SECONDS} s`,
);
console.log(`machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start`);

/** Resident memory of a process in MB, from /proc (NaN where there is none). */
function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Runs probe.mjs beside the load: its latencies (ms) summarised, and how many answers were not 2xx or failed. */
async function runProbe(url, seconds, paths, cookie) {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'probe.mjs'), url, String(seconds), ...paths], {
    env: { ...process.env, PROBE_COOKIE: cookie },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  await new Promise((resolve) => child.on('close', resolve));
  const { latencies, statuses, errors } = JSON.parse(out);
  const sorted = Float64Array.from(latencies).sort();
  const bad = errors + Object.entries(statuses).reduce((n, [code, c]) => n + (Number(code) >= 200 && Number(code) < 300 ? 0 : c), 0);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), bad };
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
}

// BENCH_HEAP_SNAPSHOT=<dir>: the server writes a heap snapshot there after the last run (to find what holds memory).
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT ? resolve(process.env.BENCH_HEAP_SNAPSHOT) : undefined;
process.env.REGISTRATION_RATE_LIMIT = '1000000';
process.env.LOGIN_RATE_LIMIT = '100000';

const dataDir = await prepareDataDir();
let product;
try {
  const db = openDb(dataDir);
  const now = Date.now();
  seedEvents(db, EVENTS, { now });
  const cluster = db.prepare("select id from clusters where slug = 'agro-orebro'").get();
  const upcoming = db
    .prepare("select id from events where status = 'published' and starts_at > ? order by starts_at limit 200")
    .all(now + 14 * 86_400_000)
    .map((r) => r.id);
  // Registrations go to one event with room for all of them and a waiting list behind.
  db.prepare('update events set capacity = 2000, registration_opens_at = ?, registration_closes_at = ? where id = ?').run(
    now - 86_400_000,
    now + 10 * 86_400_000,
    upcoming[0],
  );
  db.close();
  const created = spawnSync(
    process.execPath,
    [join(ROOT, 'apps/api/dist/admin-cli.mjs'), 'create-admin', '--email', ADMIN.email, '--name', 'Sekretariatet'],
    { env: { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: ADMIN.password }, encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`create-admin failed: ${created.stderr}`);
  const w = openDb(dataDir);
  const adminId = w.prepare('select id from users where email = ?').get(ADMIN.email).id;
  w.prepare('insert into coordinators (user_id, cluster_id, granted_at) values (?, ?, ?)').run(adminId, cluster.id, now);
  w.close();

  if (snapshotDir) {
    mkdirSync(snapshotDir, { recursive: true });
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}`;
  }
  product = await startProduct(dataDir, { cpuProf: true });
  // RSS right after start, before any request beyond the start check.
  const rssStart = rssMb(product.pid);
  const login = await fetch(`${product.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const { token } = await login.json();
  const cookie = `samverka_session=${token}`;
  const month = new Date(now).toISOString().slice(0, 7);
  let eventTurn = 0;
  let person = 0;
  const mix = [
    { method: 'GET', path: `/kalender?manad=${month}` },
    { method: 'GET', path: `/kalender?manad=${month}`, headers: { cookie } },
    { method: 'GET', setupRequest: (req) => ({ ...req, path: `/evenemang/${upcoming[eventTurn++ % upcoming.length]}` }) },
    { method: 'GET', path: '/feeds/all.ics', headers: { 'accept-encoding': 'gzip' } },
    {
      method: 'POST',
      path: `/api/events/${upcoming[0]}/registrations`,
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({
          name: `Deltagare ${person}`,
          email: `mixed-${person++}@example.se`,
          organisation: 'Gården AB',
          county: 'orebro-lan',
          consent: true,
        }),
      }),
    },
    { method: 'GET', path: '/mitt-kluster', headers: { cookie } },
  ];

  // What the visitor of the probe opens, logged in: the mix's pages (one event page is enough to
  // show the wait).
  const probePaths = [`/kalender?manad=${month}`, `/evenemang/${upcoming[1]}`, '/mitt-kluster'];

  // Warm-up (thrown away), as the other benchmarks do: JIT, the first build of the feed.
  if (settings.warmup > 0)
    await autocannon({ url: product.url, connections: settings.connections, duration: settings.warmup, requests: mix, timeout: 10 });

  const runs = [];
  for (let run = 1; run <= RUNS; run++) {
    const latencies = [];
    const statuses = {};
    const ticks = processTicks(product.pid);
    const instance = autocannon({ url: product.url, connections: settings.connections, duration: SECONDS, requests: mix, timeout: 10 });
    // One more visitor, from a process of its own (probe.mjs): the pages of the mix, one at a time.
    const probe = runProbe(product.url, SECONDS, probePaths, cookie);
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
    const res = await instance;
    const probed = await probe;
    const sorted = Float64Array.from(latencies).sort();
    const answers = sorted.length;
    const bad = Object.entries(statuses).reduce((n, [code, c]) => n + (Number(code) >= 200 && Number(code) < 300 ? 0 : c), 0);
    const row = {
      run,
      reqPerSec: answers / res.duration,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1),
      errors: res.errors + res.timeouts,
      bad,
      statuses,
      serverCpuMsPerAnswer: ((processTicks(product.pid) - ticks) * 10) / Math.max(1, answers),
      probe: probed,
      rss: rssMb(product.pid),
    };
    runs.push(row);
    console.log(
      `  run ${run}: ${fmt(row.reqPerSec, 0)} req/s, p50 ${fmt(row.p50)} ms, p99 ${fmt(row.p99)} ms, errors ${row.errors}, non-2xx ${bad} ${JSON.stringify(statuses)}, RSS ${fmt(row.rss)} MB`,
    );
    console.log(
      `  one more visitor (probe.mjs, its own process): ${probed.n} pages, p50 ${fmt(probed.p50)} ms, p99 ${fmt(probed.p99)} ms, max ${fmt(probed.max)} ms, errors + non-2xx ${probed.bad}`,
    );
  }

  if (snapshotDir) {
    const before = new Set(readdirSync(snapshotDir));
    process.kill(product.pid, 'SIGUSR2');
    // Written synchronously by the server: done when the file has appeared and stopped growing.
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const file = readdirSync(snapshotDir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
      const size = file ? statSync(join(snapshotDir, file)).size : -1;
      if (file && size > 0 && size === last) {
        console.log(`heap snapshot: ${join(snapshotDir, file)}`);
        break;
      }
      last = size;
    }
  }

  printTable(`${MEMORY ? 'Memory' : 'Mixed-load'} benchmark (RSS after start ${fmt(rssStart)} MB)`, runs, [
    { title: 'run', value: (r) => String(r.run) },
    { title: 'req/s', value: (r) => fmt(r.reqPerSec, 0), right: true },
    { title: 'p50 ms', value: (r) => fmt(r.p50), right: true },
    { title: 'p99 ms', value: (r) => fmt(r.p99), right: true },
    { title: 'max ms', value: (r) => fmt(r.max), right: true },
    { title: 'server CPU ms/answer', value: (r) => fmt(r.serverCpuMsPerAnswer, 2), right: true },
    { title: 'errors + non-2xx', value: (r) => String(r.errors + r.bad), right: true },
    { title: 'RSS after MB', value: (r) => fmt(r.rss), right: true },
    { title: 'one more visitor p50 / p99 ms', value: (r) => `${fmt(r.probe.p50)} / ${fmt(r.probe.p99)}`, right: true },
  ]);
  const last = runs.at(-1);
  const maxRss = Math.max(...runs.map((r) => r.rss));
  const growth = runs.slice(2).map((r, i) => r.rss / runs[i + 1].rss - 1);
  const targets = [
    {
      name: 'RSS after start',
      wanted: `≤ ${TARGETS.rssStartMb} MB`,
      measured: `${fmt(rssStart)} MB`,
      result: verdict(rssStart <= TARGETS.rssStartMb),
    },
    {
      name: 'RSS after the load',
      wanted: `≤ ${TARGETS.rssLoadMb} MB`,
      measured: `${fmt(maxRss)} MB`,
      result: verdict(maxRss <= TARGETS.rssLoadMb),
    },
  ];
  if (MEMORY)
    targets.push({
      name: 'flat over runs 2..5',
      wanted: '≤ 10 % growth per run',
      measured: growth.map((g) => `${fmt(g * 100)} %`).join(', '),
      result: verdict(growth.every((g) => g <= 0.1)),
    });
  else
    targets.unshift(
      { name: 'p99', wanted: `< ${TARGETS.p99Ms} ms`, measured: `${fmt(last.p99)} ms`, result: verdict(last.p99 < TARGETS.p99Ms) },
      { name: 'errors and non-2xx', wanted: '0', measured: String(last.errors + last.bad), result: verdict(last.errors + last.bad === 0) },
    );
  printTargets(targets);
  if (!MEMORY) {
    // Each connection waits for its answer before asking again (a closed loop), so the mean time
    // an answer takes is connections / throughput (Little's law); p99 sits above the mean.
    const meanMs = (settings.connections / last.reqPerSec) * 1000;
    const neededRps = settings.connections / (TARGETS.p99Ms / 1000);
    const busyCores = (last.serverCpuMsPerAnswer * last.reqPerSec) / 1000;
    console.log(
      `What p99 < ${TARGETS.p99Ms} ms asks here: the mean answer time was ${fmt(meanMs)} ms (${settings.connections} connections / ${fmt(last.reqPerSec, 0)} req/s); even a mean of ${TARGETS.p99Ms} ms needs ${fmt(neededRps, 0)} req/s, i.e. at the ${fmt(busyCores, 2)} cores the server got in this run, at most ${fmt(busyCores * (1000 / neededRps), 2)} ms of server CPU per answer (measured: ${fmt(last.serverCpuMsPerAnswer, 2)}).`,
    );
  }
  const json = {
    bench: MEMORY ? 'memory' : 'mixed',
    machine,
    connections: settings.connections,
    seconds: SECONDS,
    rssStartMb: Number(fmt(rssStart)),
    runs: runs.map((r) => ({
      run: r.run,
      reqPerSec: Math.round(r.reqPerSec),
      p50Ms: Number(fmt(r.p50)),
      p99Ms: Number(fmt(r.p99)),
      errors: r.errors,
      non2xx: r.bad,
      serverCpuMsPerAnswer: Number(fmt(r.serverCpuMsPerAnswer, 3)),
      rssMb: Number(fmt(r.rss)),
      probe: {
        pages: r.probe.n,
        p50Ms: Number(fmt(r.probe.p50)),
        p99Ms: Number(fmt(r.probe.p99)),
        maxMs: Number(fmt(r.probe.max)),
        bad: r.probe.bad,
      },
    })),
    targets: Object.fromEntries(targets.map((t) => [t.name, t.result])),
  };
  console.log(`\nBENCH_JSON ${JSON.stringify(json)}`);
} catch (err) {
  console.error(`mixed benchmark could not run: ${err.stack ?? err}`);
  if (product) console.error(product.output());
  process.exitCode = 1;
} finally {
  await product?.stop();
  removeDataDir(dataDir);
}
