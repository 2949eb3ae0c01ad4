// Calendar feed benchmark (issue: feeds), against the built product with 1,000 published events.
//
//   node scripts/pnpm.mjs run build && node tests/bench/feeds-bench.mjs
//
// (a) GET /feeds/all.ics beside bare Fastify's /blob of the same bytes, no compression
// (b) the same with accept-encoding: gzip beside /blob-gz (the same bytes gzipped ahead of time)
// (c) the 304 path (If-None-Match: the current ETag) beside /not-modified
//     targets: each ≥ 70 % of its baseline's req/s
// (d) one event changes (a direct SQL UPDATE, which the DB triggers turn into a new feed
//     version): the next single GET until it has the new content; target < 50 ms, 20 times
// (e) the cold build of the whole feed: the first GET after a restart (5 restarts), with
//     ical-generator timed alone on the same 1,000 events for reference; target < 150 ms (the
//     VEVENT texts stored in event_vevents by the first build are reused; the median counts)
// A report, not a gate: it exits 0 whatever the figures, and ends with one JSON line of them.
import {
  assertBuilt,
  cpuSnapshot,
  fmt,
  machineNote,
  measurePair,
  noiseWarning,
  median,
  openDb,
  othersCores,
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
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const EVENT_COUNT = 1_000;
const CHANGES = 20;
const RESTARTS = 5;
/** Issue 14: each event's VEVENT is kept with its revision in event_vevents, so a restart renders none. */
const COLD_TARGET_MS = 150;
const FEED = '/feeds/all.ics';

/** RFC 5545 §3.1: long lines are folded; unfold before looking for a value. */
const unfold = (text) => text.replace(/\r\n[ \t]/g, '');

assertBuilt();
const machine = await machineNote();
console.log(
  `feeds benchmark: ${EVENT_COUNT} published events, ${settings.connections} connections, ${settings.duration} s per measurement in ${settings.rounds} slices taken in turn with its baseline, after ${settings.warmup} s warm-up`,
);
// The load average lags by a minute (it still counts an earlier run); the noise that counts is
// the CPU other processes use during each measurement, shown beside it.
console.log(`machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start`);

const dataDir = await prepareDataDir();
let product;
let baseline;
let db;
try {
  db = openDb(dataDir);
  seedEvents(db, EVENT_COUNT);
  product = await startProduct(dataDir, { cpuProf: true });

  const plain = await timedGet(product.url + FEED);
  const gz = await timedGet(product.url + FEED, { 'accept-encoding': 'gzip' });
  const vevents = (plain.body.toString('utf8').match(/BEGIN:VEVENT/g) ?? []).length;
  if (plain.status !== 200 || vevents !== EVENT_COUNT)
    throw new Error(`${FEED} answered ${plain.status} with ${vevents} events, not ${EVENT_COUNT}`);
  if (gz.headers['content-encoding'] !== 'gzip')
    throw new Error(`${FEED} with accept-encoding: gzip came back as ${gz.headers['content-encoding'] ?? 'identity'}`);
  const etag = plain.headers.etag;
  const notModified = await timedGet(product.url + FEED, { 'if-none-match': etag });
  if (notModified.status !== 304) throw new Error(`${FEED} with If-None-Match: ${etag} answered ${notModified.status}, not 304`);
  console.log(
    `${FEED}: ${plain.body.length} bytes (${vevents} events), gzipped ${gz.body.length} bytes, ETag ${etag}; first build took ${fmt(plain.ms)} ms`,
  );

  // The baseline serves a copy of these very bytes (see baseline-server.mjs for why).
  const blobFile = join(dataDir, 'feed-copy.ics');
  writeFileSync(blobFile, plain.body);
  baseline = await startBaseline({ blobFile });
  console.log(`baseline: /blob ${baseline.blobBytes} bytes, /blob-gz ${baseline.blobGzBytes} bytes`);

  const rows = {};
  [rows.a, rows.aBase] = await measurePair([
    { label: '(a) feed, uncompressed', url: product.url + FEED, pid: product.pid },
    { label: '(a) baseline /blob', url: `${baseline.url}/blob`, pid: baseline.pid },
  ]);
  const gzip = { 'accept-encoding': 'gzip' };
  [rows.b, rows.bBase] = await measurePair([
    { label: '(b) feed, gzip', url: product.url + FEED, headers: gzip, pid: product.pid },
    { label: '(b) baseline /blob-gz', url: `${baseline.url}/blob-gz`, headers: gzip, pid: baseline.pid },
  ]);
  [rows.c, rows.cBase] = await measurePair([
    { label: '(c) feed, 304 (If-None-Match)', url: product.url + FEED, headers: { 'if-none-match': etag }, expect: 304, pid: product.pid },
    { label: '(c) baseline /not-modified', url: `${baseline.url}/not-modified`, expect: 304, pid: baseline.pid },
  ]);
  await baseline.stop();
  baseline = undefined;

  // (d) One event changes; time the next GET (and any retries) until the new title is in the feed.
  const ids = db
    .prepare("select id from events where status = 'published' order by id")
    .all()
    .map((r) => r.id);
  const update = db.prepare('update events set title = ?, updated_at = ?, revision = revision + 1 where id = ?');
  const change = async (i, headers) => {
    const marker = `Ändrad-${i}-${Date.now().toString(36)}`;
    const id = ids[(i * 37) % ids.length];
    update.run(`Nätverksträff ${marker}`, Date.now(), id);
    let total = 0;
    let tries = 0;
    for (;;) {
      const res = await timedGet(product.url + FEED, headers);
      total += res.ms;
      tries++;
      const text = headers['accept-encoding'] ? gunzipSync(res.body).toString('utf8') : res.body.toString('utf8');
      if (res.status === 200 && unfold(text).includes(marker)) return { ms: total, tries, firstMs: tries === 1 ? res.ms : null };
      if (tries > 50) throw new Error(`the change to event ${id} never reached ${FEED}`);
    }
  };
  const changePhase = cpuSnapshot();
  const unchanged = [];
  for (let i = 0; i < CHANGES; i++) unchanged.push((await timedGet(product.url + FEED)).ms);
  const changes = [];
  for (let i = 0; i < CHANGES; i++) changes.push(await change(i, {}));
  const changesGz = [];
  for (let i = 0; i < CHANGES; i++) changesGz.push(await change(CHANGES + i, { 'accept-encoding': 'gzip' }));
  const changeMs = changes.map((c) => c.ms);
  const changeGzMs = changesGz.map((c) => c.ms);
  const retries = changes.concat(changesGz).filter((c) => c.tries > 1).length;
  const changeOthers = othersCores(changePhase, cpuSnapshot());

  // (e) Cold build: restart the server and time its first feed request. The same port, so the
  // same PUBLIC_URL, as a real restart has: the stored VEVENTs (event_vevents) are reused.
  const port = product.port;
  await product.stop();
  product = undefined;
  const coldPhase = cpuSnapshot();
  const cold = [];
  for (let i = 0; i < RESTARTS; i++) {
    const server = await startProduct(dataDir, { cpuProf: i === 0, port });
    try {
      const first = await timedGet(server.url + FEED);
      const second = await timedGet(server.url + FEED);
      const firstGz = await timedGet(server.url + FEED, { 'accept-encoding': 'gzip' });
      cold.push({ startMs: server.startMs, firstMs: first.ms, secondMs: second.ms, firstGzipMs: firstGz.ms, bytes: first.body.length });
    } finally {
      await server.stop();
    }
  }

  const coldOthers = othersCores(coldPhase, cpuSnapshot());

  // For reference: ical-generator alone on the same events, one calendar per event as
  // packages/core/src/feeds/ics.ts builds them (luxon times in the event's zone).
  const referencePhase = cpuSnapshot();
  const reference = timeIcalGenerator(db);
  const referenceOthers = othersCores(referencePhase, cpuSnapshot());

  printMeasurements('Feeds benchmark: throughput', Object.values(rows));
  printTable(
    `Feeds benchmark: one event changes, then a single GET of the whole feed (20 changes each; other processes used ${fmt(changeOthers, 2)} cores)`,
    [
      { what: 'unchanged feed (cache hit), uncompressed', list: unchanged },
      { what: '(d) after a change, uncompressed', list: changeMs },
      { what: '(d) after a change, gzip (info)', list: changeGzMs },
    ],
    [
      { title: 'request', value: (r) => r.what },
      { title: 'median ms', value: (r) => fmt(median(r.list)), right: true },
      { title: 'max ms', value: (r) => fmt(Math.max(...r.list)), right: true },
      { title: 'min ms', value: (r) => fmt(Math.min(...r.list)), right: true },
    ],
  );
  printTable(
    `Feeds benchmark: (e) cold build after a restart (${RESTARTS} restarts; other processes used ${fmt(coldOthers, 2)} cores)`,
    cold.map((c, i) => ({ i: i + 1, ...c })),
    [
      { title: 'restart', value: (c) => String(c.i) },
      { title: 'server start ms', value: (c) => fmt(c.startMs, 0), right: true },
      { title: 'first GET ms (cold build)', value: (c) => fmt(c.firstMs), right: true },
      { title: 'second GET ms', value: (c) => fmt(c.secondMs), right: true },
      { title: 'first gzip GET ms', value: (c) => fmt(c.firstGzipMs), right: true },
    ],
  );
  printTable(
    `For reference: ical-generator alone on the same 1,000 events, in the bench process (other processes used ${fmt(referenceOthers, 2)} cores)`,
    reference,
    [
      { title: 'what', value: (r) => r.what },
      { title: 'ms', value: (r) => fmt(r.ms), right: true },
    ],
  );

  const ratio = (x, base) => x.reqPerSec / base.reqPerSec;
  const ratioRow = (name, x, base) => ({
    name,
    wanted: '≥ 70 %',
    measured: `${fmt(ratio(x, base) * 100)} % (${fmt(x.reqPerSec, 0)} / ${fmt(base.reqPerSec, 0)} req/s)`,
    result: verdict(x.wrong || base.wrong ? false : ratio(x, base) >= 0.7),
  });
  const targets = [
    ratioRow('(a) uncompressed feed vs /blob', rows.a, rows.aBase),
    ratioRow('(b) gzip feed vs /blob-gz', rows.b, rows.bBase),
    ratioRow('(c) 304 vs /not-modified', rows.c, rows.cBase),
    {
      name: '(d) GET after a change (20×)',
      wanted: '< 50 ms',
      measured: `median ${fmt(median(changeMs))} ms, max ${fmt(Math.max(...changeMs))} ms`,
      result: verdict(Math.max(...changeMs) < 50),
    },
    {
      name: '(e) cold build, first GET',
      wanted: `< ${COLD_TARGET_MS} ms`,
      measured: `median ${fmt(median(cold.map((c) => c.firstMs)))} ms, max ${fmt(Math.max(...cold.map((c) => c.firstMs)))} ms over ${RESTARTS} restarts`,
      result: verdict(median(cold.map((c) => c.firstMs)) < COLD_TARGET_MS),
    },
  ];
  printTargets(targets);
  if (retries) console.log(`\n${retries} of ${CHANGES * 2} changes needed more than one GET to show (the time counts all of them).`);
  if (Object.values(rows).some((r) => r.wrong))
    console.log('\nSome answers had an unexpected status (see "bad answers"): those figures do not count.');
  const noise = noiseWarning([
    ...Object.values(rows),
    { othersCores: changeOthers },
    { othersCores: coldOthers },
    { othersCores: referenceOthers },
  ]);
  if (noise) console.log(`\n${noise}`);

  const summary = (r) => ({
    path: r.path,
    reqPerSec: Math.round(r.reqPerSec),
    p50Ms: round(r.p50),
    p99Ms: round(r.p99),
    bytesPerAnswer: r.bytesPerReq,
    badAnswers: r.wrong,
    serverBusy: r2(r.serverBusy),
    serverCpuMsPerAnswer: r3(r.serverCpuMsPerAnswer),
    othersCores: r.othersCores === null ? null : Number(r.othersCores.toFixed(2)),
  });
  const json = {
    bench: 'feeds',
    events: EVENT_COUNT,
    connections: settings.connections,
    durationSeconds: settings.duration,
    rounds: settings.rounds,
    machine,
    noise,
    feedBytes: plain.body.length,
    feedGzipBytes: gz.body.length,
    results: Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, summary(r)])),
    ratios: {
      a: Number(ratio(rows.a, rows.aBase).toFixed(4)),
      b: Number(ratio(rows.b, rows.bBase).toFixed(4)),
      c: Number(ratio(rows.c, rows.cBase).toFixed(4)),
    },
    unchangedGetMs: { median: round(median(unchanged)), max: round(Math.max(...unchanged)) },
    changeGetMs: { median: round(median(changeMs)), max: round(Math.max(...changeMs)), retries },
    changeGetGzipMs: { median: round(median(changeGzMs)), max: round(Math.max(...changeGzMs)) },
    coldFirstGetMs: cold.map((c) => round(c.firstMs)),
    coldFirstGetMedianMs: round(median(cold.map((c) => c.firstMs))),
    icalGeneratorAloneMs: Object.fromEntries(reference.map((r) => [r.key, round(r.ms)])),
    targets: Object.fromEntries(targets.map((t) => [t.name, t.result])),
  };
  console.log(`\nBENCH_JSON ${JSON.stringify(json)}`);
} catch (err) {
  console.error(`feeds benchmark could not run: ${err.stack ?? err}`);
  if (product) console.error(product.output());
  process.exitCode = 1;
} finally {
  db?.close();
  await product?.stop();
  await baseline?.stop();
  removeDataDir(dataDir);
}

function round(n) {
  return Math.round(n * 10) / 10;
}

function r2(n) {
  return n === null ? null : Math.round(n * 100) / 100;
}

function r3(n) {
  return n === null ? null : Math.round(n * 1000) / 1000;
}

/** Times ical-generator on the seeded rows: first run (cold JIT) and the best of three warm runs. */
function timeIcalGenerator(database) {
  const ical = requireApi('ical-generator').default;
  const { DateTime } = requireApi('luxon');
  const rows = database.prepare("select * from events where status = 'published' order by starts_at, id").all();
  const url = 'https://samverka.example/evenemang/';
  const eventData = (e) => ({
    id: e.uid,
    sequence: e.revision,
    stamp: DateTime.fromMillis(e.updated_at, { zone: 'UTC' }),
    lastModified: DateTime.fromMillis(e.updated_at, { zone: 'UTC' }),
    created: DateTime.fromMillis(e.created_at, { zone: 'UTC' }),
    allDay: !!e.all_day,
    start: e.all_day ? DateTime.fromISO(e.start_date, { zone: 'UTC' }) : DateTime.fromMillis(e.starts_at, { zone: e.time_zone }),
    end: e.all_day
      ? DateTime.fromISO(e.end_date, { zone: 'UTC' }).plus({ days: 1 })
      : DateTime.fromMillis(e.ends_at, { zone: e.time_zone }),
    timezone: e.all_day ? null : e.time_zone,
    summary: e.title,
    description: `${e.description}\n\n${url}${e.id}`,
    url: `${url}${e.id}`,
    location: e.venue_name
      ? { title: [e.venue_name, e.address].filter(Boolean).join(', '), ...(e.lat !== null ? { geo: { lat: e.lat, lon: e.lng } } : {}) }
      : e.online_url,
    categories: [{ name: 'Krisberedskap och självförsörjning' }],
    organizer: { name: 'Kluster', email: 'kontakt@example.se' },
  });
  const perEvent = () => {
    const started = performance.now();
    for (const e of rows) {
      const cal = ical({ prodId: { company: 'Samverka', product: 'Gröna kluster', language: 'SV' } });
      cal.createEvent(eventData(e));
      const text = cal.toString();
      text.slice(text.indexOf('BEGIN:VEVENT'), text.indexOf('END:VEVENT') + 12);
    }
    return performance.now() - started;
  };
  const oneCalendar = () => {
    const started = performance.now();
    const cal = ical({ prodId: { company: 'Samverka', product: 'Gröna kluster', language: 'SV' } });
    for (const e of rows) cal.createEvent(eventData(e));
    cal.toString();
    return performance.now() - started;
  };
  const firstPerEvent = perEvent();
  const warmPerEvent = Math.min(perEvent(), perEvent(), perEvent());
  const warmOne = Math.min(oneCalendar(), oneCalendar(), oneCalendar());
  return [
    { key: 'perEventFirstRun', what: `one calendar per event (as the product does), ${rows.length} events, first run`, ms: firstPerEvent },
    { key: 'perEventWarm', what: 'one calendar per event, warm (best of 3)', ms: warmPerEvent },
    { key: 'oneCalendarWarm', what: 'one calendar with all events, warm (best of 3)', ms: warmOne },
  ];
}
