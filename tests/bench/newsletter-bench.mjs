// Newsletter benchmark, against the built product: one issue to 10,000 confirmed subscribers.
//
//   node scripts/pnpm.mjs run build && node scripts/pnpm.mjs run bench:newsletter
//
// The subscribers (plus 500 unconfirmed ones, who must get nothing) and 200 upcoming events for
// the assembled lists are written straight into the SQLite file before the server starts; an
// admin is made with the admin CLI. The server runs with SMTP_URL pointing at an smtp-server in
// this process on 127.0.0.1, which only counts what arrives (no parsing, so the receiving end
// costs as little as possible). Then, through the API: log in, create the issue, send it.
//
// Figures: (a) time to enqueue = the send request (10,000 outbox rows in one transaction);
// (b) time until all 10,000 are delivered to the SMTP server, and the delivery rate;
// (c) the server's peak RSS (VmHWM) and the highest VmRSS sampled while sending.
// Plus the server's CPU time during delivery, to tell whether the server or the wire is the
// limit. A report, not a gate: exits 0 whatever the figures (1 if it could not run), and ends
// with one JSON line of them.
//
// Knobs: BENCH_SUBSCRIBERS (10000), BENCH_DELIVERY_TIMEOUT seconds (1800), BENCH_CPU_PROF=<dir>.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import {
  assertBuilt,
  fmt,
  machineNote,
  openDb,
  prepareDataDir,
  printTable,
  removeDataDir,
  ROOT,
  seedEvents,
  startProduct,
} from './lib.mjs';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const UNCONFIRMED = 500;
const EVENTS = 200;
const DELIVERY_TIMEOUT_MS = Number(process.env.BENCH_DELIVERY_TIMEOUT ?? 1800) * 1000;
const ADMIN = { email: 'bench-admin@example.se', password: 'bench password that is long enough' };

/** smtp-server on 127.0.0.1 that counts messages and distinct recipients, keeping no bodies. */
function startCountingSmtp() {
  const state = { messages: 0, bytes: 0, recipients: new Set(), duplicates: 0, firstAt: null, lastAt: null, listUnsubscribe: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Many connections in parallel are fine; the product decides how many it opens.
    maxClients: 1000,
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (chunk) => {
        state.bytes += chunk.length;
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        state.messages++;
        const now = performance.now();
        state.firstAt ??= now;
        state.lastAt = now;
        if (/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m.test(head.split(/\r?\n\r?\n/)[0])) state.listUnsubscribe++;
        for (const r of session.envelope.rcptTo) {
          if (state.recipients.has(r.address)) state.duplicates++;
          state.recipients.add(r.address);
        }
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.server.address().port, state, close: () => new Promise((r) => server.close(() => r())) }),
    );
  });
}

/** 10,000 confirmed subscribers following a cluster or a theme, and some who never confirmed. */
function seedSubscribers(db, confirmed, unconfirmed) {
  const clusters = db.prepare('select id from clusters order by id').all();
  const themes = db.prepare('select id from themes order by id').all();
  const insert = db.prepare(
    'insert into subscribers (email, language, token, confirmed_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?)',
  );
  const follow = db.prepare('insert into subscriber_clusters (subscriber_id, cluster_id) values (?, ?)');
  const followTheme = db.prepare('insert into subscriber_themes (subscriber_id, theme_id) values (?, ?)');
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < confirmed + unconfirmed; i++) {
      const isConfirmed = i < confirmed;
      const { lastInsertRowid: id } = insert.run(
        `${isConfirmed ? 'prenumerant' : 'obekraftad'}-${i}@example.se`,
        i % 10 === 0 ? 'en' : 'sv',
        randomBytes(32).toString('base64url'),
        isConfirmed ? now - 86_400_000 : null,
        now - 2 * 86_400_000,
        now - 86_400_000,
      );
      follow.run(id, clusters[i % clusters.length].id);
      if (i % 3 === 0) followTheme.run(id, themes[i % themes.length].id);
    }
  })();
}

function createAdmin(dataDir) {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'apps/api/dist/admin-cli.mjs'), 'create-admin', '--email', ADMIN.email, '--name', 'Sekretariatet'],
    {
      env: { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: ADMIN.password },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`create-admin failed: ${r.stderr || r.stdout}`);
}

/** kB from /proc/PID/status (Linux); null elsewhere or once the process is gone. */
function procStatus(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(after[11]) + Number(after[12])) / 100;
  } catch {
    return null;
  }
}

async function api(url, method, path, token, body) {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const mb = (kb) => (kb === null ? '–' : `${fmt(kb / 1024, 0)} MB`);

assertBuilt();
const machine = await machineNote();
console.log(`newsletter benchmark: one issue to ${SUBSCRIBERS} confirmed subscribers (${UNCONFIRMED} unconfirmed must get nothing)`);
console.log(
  `machine: ${machine.cores} cores, load average ${machine.loadAverage1m} at start${machine.loadAverage1m > 0.5 ? ' (something else is running: figures may be noisy)' : ''}`,
);

let dataDir;
let product;
let smtp;
let sampler;
let failed = false;
try {
  dataDir = await prepareDataDir();
  const db = openDb(dataDir);
  const seedStart = performance.now();
  seedSubscribers(db, SUBSCRIBERS, UNCONFIRMED);
  seedEvents(db, EVENTS);
  db.close();
  console.log(`seeded ${SUBSCRIBERS + UNCONFIRMED} subscribers and ${EVENTS} events in ${fmt(performance.now() - seedStart, 0)} ms`);
  createAdmin(dataDir);

  smtp = await startCountingSmtp();
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
  process.env.MAIL_FROM = 'Samverka <noreply@samverka.test>';
  product = await startProduct(dataDir, { cpuProf: true });
  const pid = product.child.pid;
  console.log(`product on ${product.url} (pid ${pid}), SMTP on 127.0.0.1:${smtp.port}; started in ${fmt(product.startMs, 0)} ms`);

  const { token } = await api(product.url, 'POST', '/api/auth/login', null, ADMIN);
  const issue = await api(product.url, 'POST', '/api/newsletters', token, {
    subject: 'Nyhetsbrev från de gröna klustren',
    body: [
      '## Hej alla i nätverket!',
      'Här kommer månadens nyheter från **de gröna klustren**: vad som hänt, vad som händer och vilka utlysningar som stänger snart.',
      '- Nya medlemmar i nätverket\n- Erfarenheter från höstens träffar\n- Tips om [finansiering](https://example.se/finansiering)',
      'Hör gärna av dig till sekretariatet med idéer till nästa nummer.',
    ].join('\n\n'),
    themes: [],
    clusters: [],
    cluster: null,
  });
  const preview = await api(product.url, 'GET', `/api/newsletters/${issue.id}/preview`, token);
  console.log(
    `issue ${issue.id}: ${preview.events.length} events and ${preview.deadlines.length} deadlines assembled, ${preview.recipients} recipients, ${Buffer.byteLength(preview.html)} bytes of HTML`,
  );

  const rssBefore = procStatus(pid, 'VmRSS');
  const cpuBefore = cpuSeconds(pid);
  const benchCpuBefore = process.cpuUsage();
  let peakRss = rssBefore ?? 0;
  sampler = setInterval(() => {
    const rss = procStatus(pid, 'VmRSS');
    if (rss !== null) peakRss = Math.max(peakRss, rss);
  }, 20);

  // (a) The send request: every mail written to the outbox in one transaction.
  const sendStart = performance.now();
  const sent = await api(product.url, 'POST', `/api/newsletters/${issue.id}/send`, token);
  const enqueueMs = performance.now() - sendStart;
  console.log(`send answered in ${fmt(enqueueMs, 0)} ms: ${sent.recipients} recipients enqueued`);
  if (sent.recipients !== SUBSCRIBERS) throw new Error(`the send reached ${sent.recipients} recipients, not ${SUBSCRIBERS}`);

  // (b) Delivery: wait until the SMTP server has every message (never a fixed sleep).
  let lastLog = performance.now();
  let lastCount = 0;
  for (;;) {
    if (smtp.state.messages >= SUBSCRIBERS) break;
    const now = performance.now();
    if (now - sendStart > DELIVERY_TIMEOUT_MS)
      throw new Error(`only ${smtp.state.messages} of ${SUBSCRIBERS} delivered after ${fmt(DELIVERY_TIMEOUT_MS / 1000, 0)} s`);
    if (product.child.exitCode !== null) throw new Error(`the server exited with ${product.child.exitCode}:\n${product.output()}`);
    if (now - lastLog > 10_000) {
      console.log(
        `  … ${smtp.state.messages} delivered after ${fmt((now - sendStart) / 1000, 1)} s (${fmt(((smtp.state.messages - lastCount) * 1000) / (now - lastLog), 0)} mails/s lately)`,
      );
      lastLog = now;
      lastCount = smtp.state.messages;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const deliveredMs = smtp.state.lastAt - sendStart;
  const firstMs = smtp.state.firstAt - sendStart;
  const cpuDuring = cpuSeconds(pid) - cpuBefore;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  clearInterval(sampler);
  sampler = null;
  const hwm = procStatus(pid, 'VmHWM');
  const rssAfter = procStatus(pid, 'VmRSS');

  // Let a last straggler show up if there were more than expected, then check the outbox.
  const check = openDb(dataDir);
  const outbox = Object.fromEntries(
    check
      .prepare('select status, count(*) as n from outbox group by status')
      .all()
      .map((r) => [r.status, r.n]),
  );
  const unconfirmedMailed = check.prepare("select count(*) as n from outbox where to_address like 'obekraftad-%'").get().n;
  check.close();
  const wrongRecipients = [...smtp.state.recipients].filter((a) => !a.startsWith('prenumerant-')).length;

  const figures = {
    subscribers: SUBSCRIBERS,
    enqueueMs: Math.round(enqueueMs),
    firstDeliveryMs: Math.round(firstMs),
    allDeliveredMs: Math.round(deliveredMs),
    mailsPerSecond: Math.round((SUBSCRIBERS * 1000) / (deliveredMs - firstMs || 1)),
    serverCpuSecondsDuringDelivery: Number(cpuDuring.toFixed(2)),
    serverCpuShareOfOneCore: Number((cpuDuring / (deliveredMs / 1000)).toFixed(2)),
    // The receiving smtp-server runs in this process, on the same 2 cores.
    smtpReceiverCpuSeconds: Number(((benchCpu.user + benchCpu.system) / 1e6).toFixed(2)),
    peakRssMB: Math.round((hwm ?? 0) / 1024),
    peakRssSampledDuringSendMB: Math.round(peakRss / 1024),
    rssBeforeSendMB: Math.round((rssBefore ?? 0) / 1024),
    rssAfterMB: Math.round((rssAfter ?? 0) / 1024),
    smtpMessages: smtp.state.messages,
    distinctRecipients: smtp.state.recipients.size,
    duplicateDeliveries: smtp.state.duplicates,
    withOneClickHeader: smtp.state.listUnsubscribe,
    averageMailBytes: Math.round(smtp.state.bytes / smtp.state.messages),
    outbox,
    unconfirmedMailed,
    wrongRecipients,
    machine,
  };

  printTable(
    'Newsletter to 10,000 subscribers',
    [figures],
    [
      { title: 'enqueue (send request)', value: (f) => `${fmt(f.enqueueMs, 0)} ms`, right: true },
      { title: 'first mail at SMTP', value: (f) => `${fmt(f.firstDeliveryMs, 0)} ms`, right: true },
      { title: 'all delivered', value: (f) => `${fmt(f.allDeliveredMs / 1000, 1)} s`, right: true },
      { title: 'mails/s', value: (f) => String(f.mailsPerSecond), right: true },
      {
        title: 'server CPU while delivering',
        value: (f) => `${fmt(f.serverCpuSecondsDuringDelivery, 1)} s (${fmt(f.serverCpuShareOfOneCore * 100, 0)} % of a core)`,
        right: true,
      },
      { title: 'SMTP receiver CPU', value: (f) => `${fmt(f.smtpReceiverCpuSeconds, 1)} s`, right: true },
      { title: 'peak RSS (VmHWM)', value: (f) => mb(f.peakRssMB * 1024), right: true },
      { title: 'RSS before → peak while sending', value: (f) => `${f.rssBeforeSendMB} → ${f.peakRssSampledDuringSendMB} MB`, right: true },
    ],
  );
  const problems = [];
  if (figures.distinctRecipients !== SUBSCRIBERS) problems.push(`${figures.distinctRecipients} distinct recipients, not ${SUBSCRIBERS}`);
  if (figures.duplicateDeliveries) problems.push(`${figures.duplicateDeliveries} duplicate deliveries`);
  if (figures.unconfirmedMailed || figures.wrongRecipients)
    problems.push(`${figures.unconfirmedMailed} mails to unconfirmed subscribers, ${figures.wrongRecipients} unexpected recipients`);
  if (figures.withOneClickHeader !== SUBSCRIBERS)
    problems.push(`${figures.withOneClickHeader} of ${SUBSCRIBERS} mails carried List-Unsubscribe-Post`);
  if ((outbox.sent ?? 0) !== SUBSCRIBERS || outbox.pending || outbox.failed) problems.push(`outbox: ${JSON.stringify(outbox)}`);
  console.log(
    problems.length
      ? `\nPROBLEMS: ${problems.join('; ')}`
      : `\nchecks: ${SUBSCRIBERS} distinct recipients, no duplicates, none unconfirmed, every mail with List-Unsubscribe-Post, outbox all sent`,
  );
  console.log(JSON.stringify(figures));
} catch (err) {
  failed = true;
  console.error(err instanceof Error ? err.stack : err);
  if (product) console.error(product.output());
} finally {
  if (sampler) clearInterval(sampler);
  await product?.stop();
  await smtp?.close();
  if (dataDir) removeDataDir(dataDir);
}
process.exit(failed ? 1 : 0);
