// Registrations benchmark, against the built product: 500 people register for an event with 100
// seats, all at once, each with their own email address.
//
//   node scripts/pnpm.mjs run build && node scripts/pnpm.mjs run bench:registrations
//
// (a) autocannon: 500 connections, one POST each (a request builder gives every request its
//     own email), released together.
// (b) 500 fetches released together (Promise.all), timed one by one: the same burst from a
//     second client, as a cross-check of (a).
// (c) autocannon: the same 500 registrations over BENCH_CONNECTIONS (50) connections, the
//     latency of one registration under a steady load rather than behind a queue of 500.
// Each run uses a fresh event with 100 seats and must end with 100 confirmed and 400 waiting
// in positions 1..400, every answer 201, and one mail per registration in the outbox (written in
// the registration's transaction). Targets: p99 < 100 ms; 100/400; 500 mails. The server's CPU
// time per registration (from /proc) is shown beside the latencies: on a shared machine it is
// the steadier figure. The trivial GET /healthz is then burst the same ways in the same run:
// its CPU per answer is the HTTP layer's floor, and each registration run shows its ratio to it.
// A report, not a gate: it exits 0 whatever the figures (1 if it could not run), and ends with
// one JSON line of them.
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
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
  settings,
  startProduct,
  verdict,
} from './lib.mjs';

const PEOPLE = 500;
const SEATS = 100;
const TARGET_P99_MS = 100;

assertBuilt();
const machine = await machineNote();
console.log(`registrations benchmark: ${PEOPLE} registrations released together for ${SEATS} seats per run`);
console.log(
  `machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start${machine.loadAverage1m > 0.5 ? ' (something else is running: figures may be noisy)' : ''}`,
);

/**
 * A published event with `SEATS` seats a month ahead, written straight into the database as
 * lib.mjs seeds its events (the lead organiser as role 'lead', status 'accepted').
 */
function insertEvent(db, label) {
  const cluster = db.prepare("select id from clusters where slug = 'agro-orebro'").get();
  const theme = db.prepare("select id from themes where slug = 'krisberedskap'").get();
  if (!cluster || !theme) throw new Error('the reference data is missing: was the data folder prepared by the server?');
  const now = Date.now();
  const startsAt = now + 30 * 86_400_000;
  const { lastInsertRowid: id } = db
    .prepare(
      `insert into events (uid, title, description, kind, status, all_day, starts_at, ends_at, time_zone, venue_name, address, language, capacity, lead_cluster_id, revision, created_at, updated_at)
       values (?, ?, '', 'conference', 'published', 0, ?, ?, 'Europe/Stockholm', 'Konserthuset', 'Storgatan 1, Örebro', 'sv', ?, ?, 1, ?, ?)`,
    )
    .run(
      `bench-registrations-${label}-${now}@samverka`,
      `Stämma (${label})`,
      startsAt,
      startsAt + 6 * 3_600_000,
      SEATS,
      cluster.id,
      now,
      now,
    );
  db.prepare('insert into event_themes (event_id, theme_id) values (?, ?)').run(id, theme.id);
  db.prepare(
    "insert into event_organisers (event_id, cluster_id, role, status, invited_at, responded_at) values (?, ?, 'lead', 'accepted', ?, ?)",
  ).run(id, cluster.id, now, now);
  return Number(id);
}

const person = (label, i) =>
  JSON.stringify({
    name: `Deltagare ${i}`,
    email: `${label}-${i}@example.se`,
    organisation: 'Gården AB',
    county: 'orebro-lan',
    consent: true,
  });

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function latencyRow(label, times, wallMs, statuses, answers) {
  const sorted = [...times].sort((a, b) => a - b);
  const wrong = Object.entries(statuses).reduce((n, [code, c]) => n + (code === '201' ? 0 : c), 0);
  return {
    label,
    requests: times.length,
    reqPerSec: (times.length / wallMs) * 1000,
    wallMs,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
    statuses,
    wrong,
    answers,
  };
}

/** Registrations through autocannon: each request built with its own email; every answer kept. */
async function viaAutocannon(url, eventId, label, connections) {
  let next = 0;
  const answers = [];
  const times = [];
  const statuses = {};
  const instance = autocannon({
    url,
    connections,
    amount: PEOPLE,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: `/api/events/${eventId}/registrations`,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: person(label, next++) }),
        onResponse: (status, body) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          try {
            answers.push(JSON.parse(body));
          } catch {
            answers.push(null);
          }
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  const res = await instance;
  const wallMs = res.finish.getTime() - res.start.getTime();
  const row = latencyRow(`(${label}) autocannon, ${connections} connections`, times, wallMs, statuses, answers);
  row.errors = res.errors + res.timeouts;
  row.autocannonP99 = res.latency.p99;
  return row;
}

/** Registrations as `PEOPLE` fetches released together, each timed from its start to its body. */
async function viaFetch(url, eventId, label) {
  const statuses = {};
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: PEOPLE }, async (_, i) => {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/events/${eventId}/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: person(label, i),
      });
      const body = await res.json().catch(() => null);
      return { status: res.status, body, ms: performance.now() - t0 };
    }),
  );
  const wallMs = performance.now() - started;
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const row = latencyRow(
    `(${label}) ${PEOPLE} fetches released together`,
    results.map((r) => r.ms),
    wallMs,
    statuses,
    results.map((r) => r.body),
  );
  row.errors = 0;
  return row;
}

/**
 * The floor the HTTP layer sets: the same burst shape (`PEOPLE` requests over `connections`
 * connections) on the trivial GET /healthz, which touches no database, in the same run. A
 * registration cannot cost less server CPU than this, nor a burst of them finish sooner.
 */
async function trivialBurst(url, connections) {
  const times = [];
  const statuses = {};
  const instance = autocannon({ url: `${url}/healthz`, connections, amount: PEOPLE, timeout: 30 });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    times.push(responseTime);
  });
  const res = await instance;
  const row = latencyRow(`GET /healthz, ${connections} connections`, times, res.finish.getTime() - res.start.getTime(), statuses, []);
  row.wrong = Object.entries(statuses).reduce((n, [code, c]) => n + (code === '200' ? 0 : c), 0);
  row.errors = res.errors + res.timeouts;
  return row;
}

/** What the run left behind: the counts from the API and the waiting-list positions the answers gave. */
async function check(url, row, eventId) {
  const summary = await fetch(`${url}/api/events/${eventId}/registration-summary`).then((r) => r.json());
  const waiting = row.answers.filter((a) => a?.registration?.status === 'waitlisted').map((a) => a.registration.position);
  const positionsOk = waiting.length === PEOPLE - SEATS && [...waiting].sort((a, b) => a - b).every((p, i) => p === i + 1);
  row.confirmed = summary.confirmed;
  row.waitlisted = summary.waitlisted;
  row.countsOk = summary.confirmed === SEATS && summary.waitlisted === PEOPLE - SEATS && positionsOk && row.wrong === 0 && row.errors === 0;
  row.positionsOk = positionsOk;
  delete row.answers;
  console.log(
    `  measured ${row.label}: ${fmt(row.reqPerSec, 0)} req/s, p50 ${fmt(row.p50)} ms, p99 ${fmt(row.p99)} ms, max ${fmt(row.max)} ms; ${row.confirmed} confirmed / ${row.waitlisted} waiting${positionsOk ? '' : ' (positions not 1..400!)'}${row.wrong ? `; unexpected answers ${JSON.stringify(row.statuses)}` : ''}`,
  );
  return row;
}

const dataDir = await prepareDataDir();
let product;
try {
  const db = openDb(dataDir);
  const events = { warmup: insertEvent(db, 'warmup'), a: insertEvent(db, 'a'), b: insertEvent(db, 'b'), c: insertEvent(db, 'c') };
  db.close();

  // A whole region registering from one network must not be refused by the per-address limit.
  process.env.REGISTRATION_RATE_LIMIT = '1000000';
  product = await startProduct(dataDir, { cpuProf: true });
  console.log(`product started in ${fmt(product.startMs, 0)} ms at ${product.url}`);

  // Warm-up (thrown away): the same burst on an event of its own, so JIT and caches are warm.
  await viaAutocannon(product.url, events.warmup, 'warmup', PEOPLE);

  // The server's own CPU time per registration (from /proc), steadier than latency on a shared machine.
  const timed = async (run) => {
    const before = processTicks(product.pid);
    const row = await run();
    row.serverCpuMsPerRegistration = ((processTicks(product.pid) - before) * 10) / PEOPLE;
    return row;
  };
  const rows = [];
  rows.push(await check(product.url, await timed(() => viaAutocannon(product.url, events.a, 'a', PEOPLE)), events.a));
  rows.push(await check(product.url, await timed(() => viaFetch(product.url, events.b, 'b')), events.b));
  rows.push(await check(product.url, await timed(() => viaAutocannon(product.url, events.c, 'c', settings.connections)), events.c));
  // The trivial route's floor for (a)/(b) and for (c), measured between the registration runs.
  await trivialBurst(product.url, PEOPLE); // warm-up, thrown away
  const floors = {
    many: await timed(() => trivialBurst(product.url, PEOPLE)),
    few: await timed(() => trivialBurst(product.url, settings.connections)),
  };
  for (const [row, floor] of [
    [rows[0], floors.many],
    [rows[1], floors.many],
    [rows[2], floors.few],
  ])
    row.cpuRatio = row.serverCpuMsPerRegistration / floor.serverCpuMsPerRegistration;

  // The database agrees with the API: no seat given twice, whatever the run.
  const verify = openDb(dataDir);
  const perEvent = verify
    .prepare(
      "select event_id as id, sum(status = 'confirmed') as confirmed, sum(status = 'waitlisted') as waitlisted, count(distinct email) as emails from registrations group by event_id",
    )
    .all();
  // Every registration wrote its mail in its own transaction: one outbox row per address.
  const mails = verify.prepare('select count(*) as n, count(distinct to_address) as addresses from outbox where to_address like ?');
  for (const [label, row] of [
    ['a', rows[0]],
    ['b', rows[1]],
    ['c', rows[2]],
  ]) {
    const m = mails.get(`${label}-%@example.se`);
    row.mails = m.n;
    row.mailsOk = m.n === PEOPLE && m.addresses === PEOPLE;
    row.countsOk &&= row.mailsOk;
  }
  verify.close();
  for (const r of perEvent) {
    if (r.confirmed !== SEATS || r.waitlisted !== PEOPLE - SEATS || r.emails !== PEOPLE)
      throw new Error(`event ${r.id}: ${r.confirmed} confirmed, ${r.waitlisted} waiting, ${r.emails} addresses`);
  }

  printTable('Registrations benchmark', rows, [
    { title: 'run', value: (r) => r.label },
    { title: 'req/s', value: (r) => fmt(r.reqPerSec, 0), right: true },
    { title: 'wall ms', value: (r) => fmt(r.wallMs, 0), right: true },
    { title: 'p50 ms', value: (r) => fmt(r.p50), right: true },
    { title: 'p99 ms', value: (r) => fmt(r.p99), right: true },
    { title: 'max ms', value: (r) => fmt(r.max), right: true },
    { title: 'server CPU ms/registration', value: (r) => fmt(r.serverCpuMsPerRegistration, 2), right: true },
    { title: '× /healthz CPU', value: (r) => fmt(r.cpuRatio, 1), right: true },
    { title: 'confirmed/waiting', value: (r) => `${r.confirmed}/${r.waitlisted}`, right: true },
    { title: 'mails in outbox', value: (r) => String(r.mails), right: true },
    { title: 'bad answers', value: (r) => String(r.wrong + r.errors), right: true },
  ]);

  printTable(
    'The trivial route in the same run (the HTTP floor)',
    [floors.many, floors.few],
    [
      { title: 'run', value: (r) => r.label },
      { title: 'req/s', value: (r) => fmt(r.reqPerSec, 0), right: true },
      { title: 'wall ms', value: (r) => fmt(r.wallMs, 0), right: true },
      { title: 'p50 ms', value: (r) => fmt(r.p50), right: true },
      { title: 'p99 ms', value: (r) => fmt(r.p99), right: true },
      { title: 'server CPU ms/answer', value: (r) => fmt(r.serverCpuMsPerRegistration, 2), right: true },
      { title: 'bad answers', value: (r) => String(r.wrong + r.errors), right: true },
    ],
  );

  const [a, b, c] = rows;
  const targets = [
    {
      name: `(a) p99, ${PEOPLE} at once (autocannon)`,
      wanted: `< ${TARGET_P99_MS} ms`,
      measured: `${fmt(a.p99)} ms`,
      result: verdict(a.countsOk ? a.p99 < TARGET_P99_MS : false),
    },
    {
      name: `(b) p99, ${PEOPLE} at once (fetch)`,
      wanted: `< ${TARGET_P99_MS} ms`,
      measured: `${fmt(b.p99)} ms`,
      result: verdict(b.countsOk ? b.p99 < TARGET_P99_MS : false),
    },
    {
      name: `(c) p99, ${settings.connections} connections`,
      wanted: `< ${TARGET_P99_MS} ms`,
      measured: `${fmt(c.p99)} ms`,
      result: verdict(c.countsOk ? c.p99 < TARGET_P99_MS : false),
    },
    {
      name: 'confirmed / waiting / mails, every run',
      wanted: `${SEATS} / ${PEOPLE - SEATS}, positions 1..${PEOPLE - SEATS}, ${PEOPLE} mails`,
      measured: rows.map((r) => `${r.confirmed}/${r.waitlisted}/${r.mails}`).join(', '),
      result: verdict(rows.every((r) => r.countsOk)),
    },
  ];
  printTargets(targets);
  console.log(`\nIn (a) and (b) all ${PEOPLE} requests are in flight at once and one process writes one SQLite file, one`);
  console.log('registration after another: the last answer waits for the 499 before it, so their p99 is the time of the');
  console.log('whole burst. (c) shows the latency of one registration when fewer are queued.');

  const json = {
    bench: 'registrations',
    people: PEOPLE,
    seats: SEATS,
    machine,
    results: Object.fromEntries(
      rows.map((r, i) => [
        ['a', 'b', 'c'][i],
        {
          label: r.label,
          reqPerSec: Math.round(r.reqPerSec),
          wallMs: Math.round(r.wallMs),
          p50Ms: Number(fmt(r.p50)),
          p99Ms: Number(fmt(r.p99)),
          maxMs: Number(fmt(r.max)),
          confirmed: r.confirmed,
          waitlisted: r.waitlisted,
          positionsOk: r.positionsOk,
          badAnswers: r.wrong + r.errors,
          mails: r.mails,
          serverCpuMsPerRegistration: Number(fmt(r.serverCpuMsPerRegistration, 3)),
          cpuRatioToHealthz: Number(fmt(r.cpuRatio, 2)),
        },
      ]),
    ),
    healthz: Object.fromEntries(
      Object.entries(floors).map(([k, r]) => [
        k,
        {
          label: r.label,
          reqPerSec: Math.round(r.reqPerSec),
          p50Ms: Number(fmt(r.p50)),
          p99Ms: Number(fmt(r.p99)),
          serverCpuMsPerAnswer: Number(fmt(r.serverCpuMsPerRegistration, 3)),
        },
      ]),
    ),
    targets: Object.fromEntries(targets.map((t) => [t.name, t.result])),
  };
  console.log(`\nBENCH_JSON ${JSON.stringify(json)}`);
} catch (err) {
  console.error(`registrations benchmark could not run: ${err.stack ?? err}`);
  if (product) console.error(product.output());
  process.exitCode = 1;
} finally {
  await product?.stop();
  removeDataDir(dataDir);
}
