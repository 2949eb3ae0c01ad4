// Knowledge-bank benchmark, against the built product:
//
//   node scripts/pnpm.mjs run build && node scripts/pnpm.mjs run bench:knowledge
//
// (a) Uploads: a 20 MB plain-text file and a 19 MB PDF (2,000 pages, whose text pdfjs extracts
//     from the first 300), each streamed from the client as multipart, timed from the first byte
//     sent to the answer; the server's peak resident memory (VmHWM in /proc, reset before each
//     upload through clear_refs) against its resident memory before, so what a 20 MB file costs
//     is visible; then a 21 MB file, refused with 413, and the files folder checked for leftovers.
// (b) Search over 1,000 documented events (documentation and a public PDF's text each, written
//     straight into the database like lib.mjs's events): /api/knowledge?q=… for common, rare,
//     prefix and filtered queries, one at a time on a kept-alive connection (latency), then
//     autocannon on one query (throughput).
// Targets: upload ≥ 20 MB/s; memory growth < 60 MB for the text file (the file is streamed,
// never held); search p95 < 50 ms. A report, not a gate: it exits 0 whatever the figures (1 if it
// could not run), and ends with one JSON line of them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  assertBuilt,
  fmt,
  machineNote,
  measure,
  median,
  openDb,
  prepareDataDir,
  printMeasurements,
  printTable,
  printTargets,
  prng,
  removeDataDir,
  ROOT,
  seedEvents,
  startProduct,
  timedGet,
  verdict,
} from './lib.mjs';

const MB = 1024 * 1024;
const EVENTS = 1000;
const ADMIN = { email: 'bench@example.se', password: 'ett långt lösenord för mätningar' };

assertBuilt();
const machine = await machineNote();
console.log(`knowledge benchmark: 20 MB uploads (text and PDF), search over ${EVENTS} documented events`);
console.log(
  `machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start${machine.loadAverage1m > 0.5 ? ' (something else is running: figures may be noisy)' : ''}`,
);

/** Sets a process's peak resident memory back to its current one (Linux: 5 in clear_refs), so the next peak is the upload's own. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak and current resident memory of a process, in MB, from /proc (null elsewhere). */
function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return null;
  }
}

/** A PDF of `pages` pages of text, about `bytes` long, with a correct cross-reference table. */
function bigPdf(pages, bytes) {
  const words = 'Vallbaljväxter binder kväve och förbättrar markstrukturen på gårdar i hela landet'
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '');
  const perPage = Math.floor(bytes / pages);
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', null, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  const kids = [];
  for (let p = 0; p < pages; p++) {
    let content = '';
    for (let line = 0; content.length < perPage - 120; line++)
      content += `BT /F1 9 Tf 40 ${780 - (line % 70) * 11} Td (${words} ${p}-${line}) Tj ET\n`;
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}endstream`);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${objects.length} 0 R >>`,
    );
    kids.push(`${objects.length} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  const parts = ['%PDF-1.4\n'];
  let length = parts[0].length;
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    const s = `${i + 1} 0 obj\n${body}\nendobj\n`;
    parts.push(s);
    length += s.length;
  });
  parts.push(
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`,
  );
  parts.push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

/** Streams a multipart body (fields, then the file in 64 kB chunks) without building it in memory. */
function multipartStream(boundary, fields, name, fileChunks) {
  return Readable.from(
    (async function* () {
      for (const [k, v] of Object.entries(fields))
        yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      yield* fileChunks();
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    })(),
  );
}

async function upload(server, token, eventId, name, fileChunks, bytes) {
  const boundary = `----bench${Date.now()}`;
  resetPeak(server.pid);
  const before = memory(server.pid);
  const started = performance.now();
  const res = await fetch(`${server.url}/api/events/${eventId}/materials/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Readable.toWeb(multipartStream(boundary, { title: name }, name, fileChunks)),
    duplex: 'half',
  });
  const body = await res.text();
  const seconds = (performance.now() - started) / 1000;
  const after = memory(server.pid);
  return {
    file: name,
    status: res.status,
    mb: bytes / MB,
    seconds,
    mbPerSec: bytes / MB / seconds,
    rssBefore: before?.rss ?? null,
    peakAfter: after?.hwm ?? null,
    growth: before && after ? after.hwm - before.rss : null,
    rssAfter: after?.rss ?? null,
    body,
  };
}

function* repeat(buffer, total, chunk = 64 * 1024) {
  for (let sent = 0; sent < total; sent += chunk) yield buffer.subarray(0, Math.min(chunk, total - sent));
}

/** Documentation and a PDF's worth of text for every seeded event (the triggers build the search index). */
function documentAll(db) {
  const r = prng(77);
  const words = [
    'täckgrödor',
    'kolinlagring',
    'bevattning',
    'betesdrift',
    'skogsbete',
    'klöver',
    'kompost',
    'biogas',
    'dränering',
    'humus',
  ];
  const events = db.prepare('select id from events order by id').all();
  const doc = db.prepare('insert into event_documentation (event_id, body, created_at, updated_at) values (?, ?, ?, ?)');
  const mat = db.prepare(
    "insert into materials (event_id, kind, title, visibility, sha256, size, content_type, filename, text, created_at) values (?, 'file', ?, 'public', ?, ?, 'application/pdf', 'bilder.pdf', ?, ?)",
  );
  const now = Date.now();
  db.transaction(() => {
    for (const [i, { id }] of events.entries()) {
      const body = Array.from({ length: 8 }, () => `Vi arbetade med ${r.pick(words)} och ${r.pick(words)} på gården. `).join('');
      // About 2,000 words of slide text per event; one event carries a rare word.
      const text = Array.from({ length: 200 }, () => `${r.pick(words)} ${r.pick(words)} resultat försök mätning ${r.int(1, 999)}`).join(
        ' ',
      );
      doc.run(id, `## Slutsatser\n\n${body}`, now, now);
      mat.run(id, `Bilder ${i}`, `${i.toString(16).padStart(64, '0')}`, 100_000, i === 500 ? `${text} mykorrhizasvamp` : text, now);
    }
  })();
  return events.length;
}

const dataDir = await prepareDataDir();
let server;
let code = 0;
try {
  const db = openDb(dataDir);
  seedEvents(db, EVENTS);
  const documented = documentAll(db);
  const event = db.prepare("select id from events where status = 'published' order by id limit 1").get();
  db.close();
  const created = spawnSync(process.execPath, [join(ROOT, 'apps/api/dist/admin-cli.mjs'), 'create-admin', '--email', ADMIN.email], {
    env: { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: ADMIN.password },
    encoding: 'utf8',
  });
  if (created.status !== 0) throw new Error(`create-admin failed: ${created.stderr}`);

  server = await startProduct(dataDir);
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { token } = await login.json();
  // Warm the routes (first PDF import, first multipart) with a small upload before measuring.
  await upload(server, token, event.id, 'varm.txt', () => repeat(Buffer.alloc(65_536, 0x61), 65_536), 65_536);

  // ---- (a) uploads ----
  const line = Buffer.from('Anteckningar från workshoppen om vallbaljväxter och kväve.\n'.repeat(1200));
  const text = await upload(server, token, event.id, 'anteckningar.txt', () => repeat(line, 20 * MB), 20 * MB);
  const pdf = bigPdf(2000, 19 * MB);
  const pdfUpload = await upload(server, token, event.id, 'bilder.pdf', () => repeat(pdf, pdf.length), pdf.length);
  const tooBig = await upload(server, token, event.id, 'stor.txt', () => repeat(line, 21 * MB), 21 * MB);
  const leftovers = readdirSync(join(dataDir, 'files', 'tmp')).length;
  printTable(
    'Uploads (streamed multipart, 64 kB chunks)',
    [text, pdfUpload, tooBig],
    [
      { title: 'file', value: (r) => r.file },
      { title: 'MB', value: (r) => fmt(r.mb, 1), right: true },
      { title: 'status', value: (r) => String(r.status), right: true },
      { title: 'seconds', value: (r) => fmt(r.seconds, 2), right: true },
      { title: 'MB/s', value: (r) => fmt(r.mbPerSec, 1), right: true },
      { title: 'RSS before MB', value: (r) => fmt(r.rssBefore, 0), right: true },
      { title: 'peak RSS after MB', value: (r) => fmt(r.peakAfter, 0), right: true },
      { title: 'peak − before MB', value: (r) => fmt(r.growth, 1), right: true },
    ],
  );
  console.log(`temporary files left after the refused upload: ${leftovers}`);

  // ---- (b) search ----
  const queries = [
    ['common word', 'q=kolinlagring'],
    ['two words', 'q=täckgrödor%20biogas'],
    ['prefix', 'q=dräner'],
    ['rare word (one PDF)', 'q=mykorrhizasvamp'],
    ['word + theme + year', `q=klöver&theme=krisberedskap&year=${new Date().getFullYear()}`],
    ['no text, newest first', ''],
  ];
  const latencyRows = [];
  for (const [label, q] of queries) {
    const times = [];
    let total = null;
    for (let i = 0; i < 40; i++) {
      const res = await timedGet(`${server.url}/api/knowledge?${q}`);
      if (res.status !== 200) throw new Error(`search ${q} answered ${res.status}`);
      total ??= JSON.parse(res.body.toString()).total;
      times.push(res.ms);
    }
    times.sort((a, b) => a - b);
    latencyRows.push({ label, q, total, p50: median(times), p95: times[Math.floor(times.length * 0.95) - 1], max: times.at(-1) });
  }
  printTable(`Search over ${documented} documented events (40 sequential requests each)`, latencyRows, [
    { title: 'query', value: (r) => r.label },
    { title: 'query string', value: (r) => r.q || '(none)' },
    { title: 'hits', value: (r) => String(r.total), right: true },
    { title: 'p50 ms', value: (r) => fmt(r.p50, 2), right: true },
    { title: 'p95 ms', value: (r) => fmt(r.p95, 2), right: true },
    { title: 'max ms', value: (r) => fmt(r.max, 2), right: true },
  ]);
  const load = await measure('search under load', `${server.url}/api/knowledge?q=kolinlagring`, {
    pid: server.pid,
    duration: 5,
    warmup: 1,
    rounds: 1,
    connections: 10,
  });
  printMeasurements('Search under load (autocannon, 10 connections, 5 s)', [load]);

  const worstP95 = Math.max(...latencyRows.map((r) => r.p95));
  printTargets([
    {
      name: 'upload throughput, 20 MB text',
      wanted: '≥ 20 MB/s',
      measured: `${fmt(text.mbPerSec, 1)} MB/s`,
      result: verdict(text.status === 201 && text.mbPerSec >= 20),
    },
    {
      name: 'peak memory growth, 20 MB text',
      wanted: '< 60 MB',
      measured: `${fmt(text.growth, 1)} MB`,
      result: verdict(text.growth === null ? null : text.status === 201 && text.growth < 60),
    },
    {
      name: '21 MB refused, nothing left',
      wanted: '413, 0 files',
      measured: `${tooBig.status}, ${leftovers} files`,
      result: verdict(tooBig.status === 413 && leftovers === 0),
    },
    { name: 'search p95 (worst query)', wanted: '< 50 ms', measured: `${fmt(worstP95, 2)} ms`, result: verdict(worstP95 < 50) },
  ]);
  console.log(
    JSON.stringify({
      machine,
      uploads: [text, pdfUpload, tooBig].map(({ body: _body, ...r }) => r),
      leftovers,
      search: latencyRows,
      searchLoad: { reqPerSec: load.reqPerSec, p50: load.p50, p99: load.p99 },
    }),
  );
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  await server?.stop();
  removeDataDir(dataDir);
}
process.exit(code);
