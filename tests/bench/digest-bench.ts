// Daily summary benchmark, in process on a real SQLite file: the 07:00 job
// (sendDailySummaries) over 10,000 pending notification lines.
//
//   node scripts/pnpm.mjs run bench:digest
//
// The lines are spread over BENCH_DIGEST_USERS users (1,000: ten lines each, in every category)
// and written straight into a fresh, migrated database. Figures: the time of the run that
// writes one summary per user into the outbox and marks the lines sent (one transaction), the
// time of the rerun that finds nothing, and the size of the mails. A report, not a gate: exits 0
// whatever the figures, and ends with one JSON line of them.
//
// Knobs: BENCH_DIGEST_ITEMS (10000), BENCH_DIGEST_USERS (1000).
import { performance } from 'node:perf_hooks';
import { NOTIFICATION_CATEGORIES, notificationPending, outbox } from '../../packages/db/src/index.ts';
import { sendDailySummaries } from '../../packages/core/src/notifications/jobs.ts';
import { freshDb, insertUser } from '../support/fixtures.ts';

const ITEMS = Number(process.env.BENCH_DIGEST_ITEMS ?? 10_000);
const USERS = Number(process.env.BENCH_DIGEST_USERS ?? 1_000);

const t = freshDb('samverka-bench-digest-');
try {
  const userIds = Array.from({ length: USERS }, (_, i) => insertUser(t.db, { language: i % 3 === 0 ? 'en' : 'sv' }));
  const created = new Date('2030-01-09T12:00:00Z');
  t.db.transaction((tx) => {
    for (let i = 0; i < ITEMS; i++) {
      tx.insert(notificationPending)
        .values({
          userId: userIds[i % USERS]!,
          category: NOTIFICATION_CATEGORIES[i % NOTIFICATION_CATEGORIES.length]!,
          line: `Ny anmälan till Evenemang nummer ${i} med en lagom lång titel`,
          url: `http://samverka.test/evenemang/${i}/deltagare`,
          createdAt: created,
        })
        .run();
    }
  });
  const now = new Date('2030-01-10T06:00:00Z');
  const t0 = performance.now();
  const mails = sendDailySummaries(t.db, now);
  const firstMs = performance.now() - t0;
  const t1 = performance.now();
  const again = sendDailySummaries(t.db, new Date(now.getTime() + 86_400_000));
  const rerunMs = performance.now() - t1;
  const rows = t.db.select({ text: outbox.text, html: outbox.html }).from(outbox).all();
  const bytes = rows.reduce((n, r) => n + r.text.length + (r.html?.length ?? 0), 0);
  const figures = {
    items: ITEMS,
    users: USERS,
    mails,
    firstRunMs: Math.round(firstMs),
    perItemUs: Math.round((firstMs * 1000) / ITEMS),
    rerunMails: again,
    rerunMs: Math.round(rerunMs * 10) / 10,
    avgMailKiB: Math.round((bytes / Math.max(rows.length, 1) / 1024) * 10) / 10,
  };
  console.log(`Daily summary over ${ITEMS} pending lines for ${USERS} users`);
  console.log(`  first run: ${figures.firstRunMs} ms, ${mails} mails (${figures.perItemUs} µs a line), ${figures.avgMailKiB} KiB a mail`);
  console.log(`  rerun:     ${figures.rerunMs} ms, ${again} mails`);
  console.log(JSON.stringify(figures));
} finally {
  t.dispose();
}
