// Paths benchmark (issue 14): every page and API answer of the first target, anonymous or logged
// in, with the answer caches off (ANSWER_CACHE=off), each measured beside the trivial page /ping
// in the same run.
//
//   node scripts/pnpm.mjs run build && node scripts/pnpm.mjs run bench:paths
//
// Data: BENCH_EVENTS (2,000) published events over two years from six months ago, about 10,000
// in last year for the year report, an event with 500 registrations, 200 proposals, a poll with 10
// slots and 18 invited clusters that all answered. The requests carry a real session (the
// web app's cookie or the API's bearer token) of an admin who coordinates one cluster.
// Target: each path's server CPU per answer at most 2× that of /ping. A page (not an API answer)
// of BENCH_SIZED_FROM_KB (32) KB or more is also set beside /ping/stor?kb=<its size>, a trivial
// page as large (information, not the target).
// BENCH_PATHS=<comma-separated labels> measures only those. A report, not a gate: it exits 0
// whatever the figures, and ends with one JSON line of them.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  assertBuilt,
  fmt,
  machineNote,
  measurePair,
  noiseWarning,
  openDb,
  prepareDataDir,
  printMeasurements,
  printTargets,
  removeDataDir,
  ROOT,
  seedEvents,
  settings,
  startProduct,
  timedGet,
  median,
  verdict,
} from './lib.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const REPORT_EVENTS = 10_000;
const REGISTRATIONS = 500;
const PROPOSALS = 200;
const POLL_SLOTS = 10;
const POLL_CLUSTERS = 18;
const ADMIN = { email: 'bench-admin@example.se', password: 'bench-password-2026' };
const RATIO_TARGET = 2;
// A page of at least this many bytes is also measured beside /ping/stor?kb=<its size>, a trivial
// page of the same size: that second ratio separates the cost of producing and sending the bytes
// from the page's own work. Information for the note; /ping's ratio stays the target's measure.
const SIZED_FROM = Number(process.env.BENCH_SIZED_FROM_KB ?? 32) * 1024;

assertBuilt();
const machine = await machineNote();
console.log(
  `paths benchmark: ${EVENTS} events (+about ${REPORT_EVENTS} in last year, for the year report), answer caches off, ${settings.connections} connections, ${settings.duration} s per path in ${settings.rounds} slices taken in turn with /ping`,
);
console.log(`machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start`);

// Seeding goes through the API for what has rules (registrations, proposals, the poll) and
// straight into the file for bulk rows.
process.env.ANSWER_CACHE = 'off';
process.env.REGISTRATION_RATE_LIMIT = '1000000';
process.env.LOGIN_RATE_LIMIT = '100000';

const dataDir = await prepareDataDir();
let product;
try {
  const db = openDb(dataDir);
  const now = Date.now();
  seedEvents(db, EVENTS, { now });
  // The year report covers last year, which the events above (from six months ago on) do not
  // touch: seedEvents spreads over two years from six months before its `now`, so seed twice
  // what the year needs and keep only the year's.
  const year = new Date(now).getUTCFullYear() - 1;
  const yearStart = Date.UTC(year, 0, 1);
  const yearEnd = Date.UTC(year + 1, 0, 1);
  seedEvents(db, 2 * REPORT_EVENTS + 100, { now: Date.UTC(year, 6, 1), seed: 7 });
  db.prepare("delete from events where uid like 'bench-7-%' and (starts_at < ? or starts_at >= ?)").run(yearStart, yearEnd);
  const inYear = db.prepare('select count(*) as n from events where starts_at >= ? and starts_at < ?').get(yearStart, yearEnd).n;
  console.log(`${inYear} events in ${year}, the report's year`);
  const cluster = db.prepare("select id, slug from clusters where slug = 'agro-orebro'").get();
  const clusters = db
    .prepare('select slug from clusters order by id')
    .all()
    .map((r) => r.slug);
  db.close();

  const created = spawnSync(
    process.execPath,
    [join(ROOT, 'apps/api/dist/admin-cli.mjs'), 'create-admin', '--email', ADMIN.email, '--name', 'Sekretariatet'],
    {
      env: { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: ADMIN.password },
      encoding: 'utf8',
    },
  );
  if (created.status !== 0) throw new Error(`create-admin failed: ${created.stderr}`);
  const w = openDb(dataDir);
  const adminId = w.prepare('select id from users where email = ?').get(ADMIN.email).id;
  w.prepare('insert into coordinators (user_id, cluster_id, granted_at) values (?, ?, ?)').run(adminId, cluster.id, now);
  // The event with 500 registrations: the next upcoming one of the admin's cluster with seats.
  const big = w
    .prepare("select id from events where lead_cluster_id = ? and starts_at > ? and status = 'published' order by starts_at limit 1")
    .get(cluster.id, now + 14 * 86_400_000);
  w.prepare('update events set capacity = 300, registration_opens_at = ?, registration_closes_at = ? where id = ?').run(
    now - 86_400_000,
    now + 10 * 86_400_000,
    big.id,
  );
  w.close();

  product = await startProduct(dataDir, { cpuProf: true });
  const api = async (method, path, body, token) => {
    const res = await fetch(product.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  const { token } = await api('POST', '/api/auth/login', ADMIN);

  const seedStarted = performance.now();
  for (let i = 0; i < REGISTRATIONS; i += 50)
    await Promise.all(
      Array.from({ length: Math.min(50, REGISTRATIONS - i) }, (_, k) =>
        api('POST', `/api/events/${big.id}/registrations`, {
          name: `Deltagare ${i + k}`,
          email: `deltagare-${i + k}@example.se`,
          organisation: 'Gården AB',
          county: 'orebro-lan',
          consent: true,
        }),
      ),
    );
  const iso = (days) => new Date(now + days * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < PROPOSALS; i++)
    await api(
      'POST',
      '/api/proposals',
      {
        cluster: cluster.slug,
        title: `Förslag ${i}: workshop om vattenförsörjning`,
        abstract: 'Vi vill samla **företagare** och rådgivare kring [vatten](https://example.se/vatten).\n\n- fallstudier\n- samtal',
        themes: ['krisberedskap'],
        format: 'Workshop',
        audience: 'Lantbrukare',
        preferredFrom: iso(40),
        preferredTo: iso(80),
      },
      token,
    );
  const slotDay = (i) => `${iso(30 + i)}T10:00`;
  const invited = clusters.filter((s) => s !== cluster.slug).slice(0, POLL_CLUSTERS);
  const poll = await api(
    'POST',
    '/api/polls',
    {
      organiserCluster: cluster.slug,
      title: 'Gemensam planeringsdag',
      description: 'Vilken dag passar?',
      durationMinutes: 120,
      invitedClusters: invited,
      slots: Array.from({ length: POLL_SLOTS }, (_, i) => slotDay(i)),
      closes: `${iso(20)}T12:00`,
    },
    token,
  );
  const a = openDb(dataDir);
  const ids = a.prepare('select id from clusters where slug = ?');
  const answer = a.prepare(
    'insert or replace into poll_answers (slot_id, cluster_id, user_id, answer, updated_at) values (?, ?, null, ?, ?)',
  );
  a.transaction(() => {
    for (const slot of poll.slots)
      for (const [k, slug] of invited.entries()) answer.run(slot.id, ids.get(slug).id, ['yes', 'no', 'maybe'][(slot.id + k) % 3], now);
  })();
  a.close();
  console.log(`seeded registrations, proposals and the poll in ${fmt((performance.now() - seedStarted) / 1000)} s`);

  const month = new Date(now).toISOString().slice(0, 7);
  const cookie = { cookie: `samverka_session=${token}` };
  const bearer = { authorization: `Bearer ${token}` };
  const paths = [
    { label: 'event page, anonymous', path: `/evenemang/${big.id}` },
    { label: 'event page, logged in', path: `/evenemang/${big.id}`, headers: cookie },
    { label: 'calendar month, logged in', path: `/kalender?manad=${month}`, headers: cookie },
    { label: 'calendar list, logged in', path: '/kalender?vy=lista', headers: cookie },
    { label: 'calendar month, anonymous', path: `/kalender?manad=${month}` },
    { label: 'events API, logged in', path: '/api/events?limit=50', headers: bearer },
    { label: 'events API, anonymous', path: '/api/events?limit=50' },
    { label: 'coordinator dashboard', path: '/mitt-kluster', headers: cookie },
    { label: `attendee list (${REGISTRATIONS})`, path: `/evenemang/${big.id}/deltagare`, headers: cookie },
    { label: `proposal board (${PROPOSALS})`, path: '/forslag', headers: cookie },
    { label: `poll (${POLL_SLOTS} slots, ${POLL_CLUSTERS} clusters)`, path: `/moten/${poll.id}`, headers: cookie },
    { label: 'year report', path: `/rapporter?fran=${year}-01-01&till=${year}-12-31`, headers: cookie },
    { label: 'knowledge bank search', path: '/kunskapsbank?q=vatten', headers: cookie },
  ];
  const only = process.env.BENCH_PATHS?.split(',').map((s) => s.trim());
  const chosen = only ? paths.filter((p) => only.some((o) => p.label.startsWith(o))) : paths;

  // Each path must answer 200 with a body before it is timed: a broken page cannot look fast.
  // The median of five single requests in a row, for reference (and to find a path that would
  // stall the load runs).
  for (const p of chosen) {
    const times = [];
    let body = '';
    for (let i = 0; i < 5; i++) {
      const res = await timedGet(product.url + p.path, p.headers ?? {});
      body = res.body.toString('utf8');
      if (res.status !== 200) throw new Error(`${p.label} ${p.path} answered ${res.status}: ${body.slice(0, 300)}`);
      times.push(res.ms);
    }
    p.singleMs = median(times);
    p.bytes = Buffer.byteLength(body);
    console.log(`${p.label}: ${p.path}, ${body.length} characters, single request ${fmt(p.singleMs)} ms`);
  }
  // The same-size trivial page for each large page, checked like the paths (200, and its size).
  // Pages only: an API answer is JSON, not a page SvelteKit renders.
  for (const p of chosen.filter((c) => c.bytes >= SIZED_FROM && !c.path.startsWith('/api/'))) {
    const res = await timedGet(`${product.url}/ping/stor?kb=${Math.round(p.bytes / 1024)}`);
    if (res.status !== 200) throw new Error(`/ping/stor answered ${res.status}`);
    p.sizedPath = `/ping/stor?kb=${Math.round(p.bytes / 1024)}`;
    console.log(`  same-size baseline for ${p.label}: ${p.sizedPath}, ${res.body.length} bytes (the page: ${p.bytes})`);
  }
  if (settings.duration === 0) process.exit(0);

  const rows = [];
  const targets = [];
  for (const p of chosen) {
    const [row, ping, sized] = await measurePair([
      { label: p.label, url: product.url + p.path, headers: p.headers, pid: product.pid },
      { label: '/ping beside it', url: `${product.url}/ping`, pid: product.pid },
      ...(p.sizedPath ? [{ label: 'same-size /ping/stor beside it', url: product.url + p.sizedPath, pid: product.pid }] : []),
    ]);
    row.ratio = row.serverCpuMsPerAnswer / ping.serverCpuMsPerAnswer;
    rows.push(row, ping);
    if (sized) {
      row.sizedRatio = row.serverCpuMsPerAnswer / sized.serverCpuMsPerAnswer;
      sized.ratio = sized.serverCpuMsPerAnswer / ping.serverCpuMsPerAnswer;
      rows.push(sized);
      console.log(
        `  ${p.label}: ${fmt(row.ratio, 2)}× /ping, ${fmt(row.sizedRatio, 2)}× the same-size page (which is ${fmt(sized.ratio, 2)}× /ping)`,
      );
    }
    targets.push({
      name: `${p.label}: CPU per answer ÷ /ping's`,
      wanted: `≤ ${RATIO_TARGET}`,
      measured: `${fmt(row.ratio, 2)} (${fmt(row.serverCpuMsPerAnswer, 3)} / ${fmt(ping.serverCpuMsPerAnswer, 3)} ms)${sized ? `; ${fmt(row.sizedRatio, 2)}× the same-size page` : ''}`,
      result: verdict(row.wrong === 0 && row.ratio <= RATIO_TARGET),
    });
  }

  printMeasurements('Measurements (answer caches off)', rows);
  printTargets(targets);
  const noise = noiseWarning(rows);
  if (noise) console.log(`\n${noise}`);
  console.log(
    JSON.stringify({
      bench: 'paths',
      single: Object.fromEntries(chosen.map((p) => [p.label, p.singleMs])),
      rows: rows.map(({ label, path, reqPerSec, p50, p99, serverCpuMsPerAnswer, ratio, sizedRatio, wrong }) => ({
        label,
        path,
        reqPerSec,
        p50,
        p99,
        serverCpuMsPerAnswer,
        ratio,
        sizedRatio,
        wrong,
      })),
    }),
  );
} finally {
  await product?.stop();
  removeDataDir(dataDir);
}
