// Events benchmark (issue: events), against the built product with 10,000 published events.
//
//   node scripts/pnpm.mjs run build && node tests/bench/events-bench.mjs
//
// (a) GET /api/events?theme=krisberedskap&limit=50 beside (b) bare Fastify's /small:
//     targets (a) ≥ 5 % of (b)'s req/s, and (a)'s p99 < 50 ms.
// (c) the calendar month page GET /kalender?manad=YYYY-MM beside (d) the trivial SvelteKit page
//     GET /ping of the same process: target (c) ≥ 50 % of (d)'s req/s.
// For reference, the single-request time of (a) and (c) right after an event changes (the cost
// when a cache kept by feed_state.version is emptied).
// A report, not a gate: it exits 0 whatever the figures, and ends with one JSON line of them.
import {
  assertBuilt,
  fmt,
  machineNote,
  measurePair,
  median,
  noiseWarning,
  openDb,
  prepareDataDir,
  printMeasurements,
  printTable,
  printTargets,
  removeDataDir,
  requireApi,
  seedEvents,
  settings,
  startBaseline,
  startProduct,
  timedGet,
  verdict,
} from './lib.mjs';

const EVENT_COUNT = 10_000;
const THEME = 'krisberedskap';

assertBuilt();
const machine = await machineNote();
console.log(
  `events benchmark: ${EVENT_COUNT} published events, ${settings.connections} connections, ${settings.duration} s per measurement in ${settings.rounds} slices taken in turn with its baseline, after ${settings.warmup} s warm-up`,
);
// The load average lags by a minute (it still counts an earlier run); the noise that counts is
// the CPU other processes use during each measurement, shown beside it.
console.log(`machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start`);

const dataDir = await prepareDataDir();
let product;
let baseline;
try {
  const db = openDb(dataDir);
  const seedStarted = performance.now();
  seedEvents(db, EVENT_COUNT);
  // The busiest month of the seeded range (Stockholm months), for the calendar page.
  const { DateTime } = requireApi('luxon');
  const perMonth = new Map();
  for (const { startsAt } of db.prepare("select starts_at as startsAt from events where status = 'published'").iterate()) {
    const m = DateTime.fromMillis(startsAt, { zone: 'Europe/Stockholm' }).toFormat('yyyy-MM');
    perMonth.set(m, (perMonth.get(m) ?? 0) + 1);
  }
  const [month, monthCount] = [...perMonth].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const themed = db
    .prepare(
      "select count(*) as n from events e join event_themes et on et.event_id = e.id join themes t on t.id = et.theme_id where t.slug = ? and e.status = 'published'",
    )
    .get(THEME).n;
  db.close();
  console.log(
    `seeded in ${fmt((performance.now() - seedStarted) / 1000)} s; ${themed} events on ${THEME}; busiest month ${month} with ${monthCount} events`,
  );

  product = await startProduct(dataDir, { cpuProf: true });
  baseline = await startBaseline();

  // Check each route answers what it should before timing it.
  const apiPath = `/api/events?theme=${THEME}&limit=50`;
  const page = await fetch(product.url + apiPath).then((r) => r.json());
  if (!Array.isArray(page.events) || page.events.length !== 50)
    throw new Error(`${apiPath} did not give 50 events: ${JSON.stringify(page).slice(0, 300)}`);
  const ping = await fetch(`${product.url}/ping`);
  const pingOk = ping.status === 200 && (await ping.text()).includes('<h1');
  if (!pingOk) console.log(`/ping answered ${ping.status}: is apps/web/src/routes/ping/+page.svelte in this build?`);
  let calendarPath = `/kalender?manad=${month}`;
  const calendar = await fetch(product.url + calendarPath);
  const calendarBody = await calendar.text();
  let calendarNote = null;
  if (calendar.status !== 200) {
    calendarNote = `${calendarPath} answered ${calendar.status}: there is no calendar page in this build, so the home page / is measured in its place and target (c) is N/A`;
    console.log(calendarNote);
    calendarPath = '/';
  } else {
    console.log(`${calendarPath}: ${calendarBody.length} characters of HTML`);
  }

  const rows = {};
  [rows.a, rows.b] = await measurePair([
    { label: '(a) events API, theme filter, first 50', url: product.url + apiPath, pid: product.pid },
    { label: '(b) bare Fastify /small', url: `${baseline.url}/small`, pid: baseline.pid },
  ]);
  const c = {
    label: calendarNote ? '(c) home page (no /kalender yet)' : `(c) calendar month page (${monthCount} events)`,
    url: product.url + calendarPath,
    pid: product.pid,
  };
  if (pingOk)
    [rows.c, rows.d] = await measurePair([c, { label: '(d) trivial SvelteKit page', url: `${product.url}/ping`, pid: product.pid }]);
  else [rows.c] = await measurePair([c]);

  // For reference: the same single requests right after a change to some event, which raises
  // feed_state.version and so empties any cache kept by it (the cost of a miss).
  const writer = openDb(dataDir);
  const ids = writer
    .prepare("select id from events where status = 'published' order by id")
    .all()
    .map((r) => r.id);
  const touch = writer.prepare('update events set title = title, updated_at = ?, revision = revision + 1 where id = ?');
  const missPaths = [
    { what: `(a) ${apiPath}`, path: apiPath },
    { what: `(c) ${calendarPath}`, path: calendarPath },
  ];
  const misses = [];
  for (const m of missPaths) {
    const afterChange = [];
    const unchanged = [];
    for (let i = 0; i < 20; i++) {
      touch.run(Date.now(), ids[(i * 101) % ids.length]);
      const res = await timedGet(product.url + m.path);
      if (res.status !== 200) throw new Error(`${m.path} answered ${res.status} after a change`);
      afterChange.push(res.ms);
      unchanged.push((await timedGet(product.url + m.path)).ms);
    }
    misses.push({ ...m, afterChange, unchanged });
  }
  writer.close();

  printMeasurements('Events benchmark', Object.values(rows).filter(Boolean));
  printTable('For reference: one GET right after a change to some event, then one more (20 times each, one request at a time)', misses, [
    { title: 'request', value: (m) => m.what },
    { title: 'after a change: median ms', value: (m) => fmt(median(m.afterChange)), right: true },
    { title: 'max ms', value: (m) => fmt(Math.max(...m.afterChange)), right: true },
    { title: 'next GET: median ms', value: (m) => fmt(median(m.unchanged)), right: true },
  ]);

  const ratioAB = rows.a.reqPerSec / rows.b.reqPerSec;
  const ratioCD = rows.d ? rows.c.reqPerSec / rows.d.reqPerSec : null;
  const broken = Object.values(rows).some((r) => r && r.wrong > 0);
  const targets = [
    {
      name: '(a) req/s ≥ 5 % of (b)',
      wanted: '≥ 5 %',
      measured: `${fmt(ratioAB * 100)} %`,
      result: verdict(rows.a.wrong ? false : ratioAB >= 0.05),
    },
    {
      name: '(a) p99 latency',
      wanted: '< 50 ms',
      measured: `${fmt(rows.a.p99)} ms`,
      result: verdict(rows.a.wrong ? false : rows.a.p99 < 50),
    },
    {
      name: '(c) req/s ≥ 50 % of (d)',
      wanted: '≥ 50 %',
      measured: ratioCD === null ? 'no /ping' : `${fmt(ratioCD * 100)} %${calendarNote ? ' (home page, not /kalender)' : ''}`,
      result: verdict(calendarNote || ratioCD === null ? null : rows.c.wrong ? false : ratioCD >= 0.5),
    },
  ];
  printTargets(targets);
  if (broken) console.log('\nSome answers had an unexpected status (see "bad answers"): those figures do not count.');
  if (calendarNote) console.log(`\nNote: ${calendarNote}.`);
  const noise = noiseWarning(Object.values(rows).filter(Boolean));
  if (noise) console.log(`\n${noise}`);

  const json = {
    bench: 'events',
    events: EVENT_COUNT,
    connections: settings.connections,
    durationSeconds: settings.duration,
    rounds: settings.rounds,
    machine,
    month,
    monthEvents: monthCount,
    calendarNote,
    noise,
    results: Object.fromEntries(
      Object.entries(rows)
        .filter(([, r]) => r)
        .map(([k, r]) => [
          k,
          {
            path: r.path,
            reqPerSec: Math.round(r.reqPerSec),
            p50Ms: round(r.p50),
            p99Ms: round(r.p99),
            bytesPerAnswer: r.bytesPerReq,
            badAnswers: r.wrong,
            serverBusy: r.serverBusy === null ? null : Number(r.serverBusy.toFixed(2)),
            serverCpuMsPerAnswer: r.serverCpuMsPerAnswer === null ? null : Number(r.serverCpuMsPerAnswer.toFixed(3)),
            othersCores: r.othersCores === null ? null : Number(r.othersCores.toFixed(2)),
          },
        ]),
    ),
    afterChangeMs: Object.fromEntries(
      misses.map((m) => [
        m.path,
        { median: round(median(m.afterChange)), max: round(Math.max(...m.afterChange)), nextGetMedian: round(median(m.unchanged)) },
      ]),
    ),
    ratios: { aOverB: Number(ratioAB.toFixed(4)), cOverD: ratioCD === null ? null : Number(ratioCD.toFixed(4)) },
    targets: Object.fromEntries(targets.map((t) => [t.name, t.result])),
  };
  console.log(`\nBENCH_JSON ${JSON.stringify(json)}`);
} catch (err) {
  console.error(`events benchmark could not run: ${err.stack ?? err}`);
  if (product) console.error(product.output());
  process.exitCode = 1;
} finally {
  await product?.stop();
  await baseline?.stop();
  removeDataDir(dataDir);
}

function round(n) {
  return Math.round(n * 10) / 10;
}
