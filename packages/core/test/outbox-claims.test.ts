import { openDatabase, outbox } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setPublicUrl } from '../src/links.ts';
import { claimDueMails, enqueueMail, MAIL_LEASE_MS, markSent, outboxBacklog, releaseAllLeases } from '../src/outbox/outbox.ts';
import { eraseMailsCarrying, mailsTo, purgeOldMail } from '../src/outbox/retention.ts';
import { OutboxWorker } from '../src/outbox/worker.ts';
import { freshDb, type TestDb } from '../../../tests/support/fixtures.ts';
import { startSmtp } from '../../../tests/support/smtp.ts';
import { waitFor } from '../../../tests/support/wait.ts';

// One writer for the outbox: claims with a lease, a Message-ID made once, retention and erasure.

let t: TestDb;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(() => {
  t = freshDb();
  setPublicUrl('https://samverka.example');
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  t.dispose();
  setPublicUrl('http://localhost:3000');
});

const now = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const rows = () => t.db.select().from(outbox).orderBy(outbox.id).all();
const enqueue = (to: string, when = now, text = 'Hej') => enqueueMail(t.db, { to, subject: `Till ${to}`, text }, when);
const messageIdOf = (raw: string) => /^Message-ID: (.+?)\r?$/im.exec(raw)?.[1];

describe('claimDueMails', () => {
  it('gives each due mail to one claimer only, and holds it for the lease', () => {
    for (let i = 0; i < 10; i++) enqueue(`m${i}@example.se`);
    // A second connection to the same file, as a second process would have.
    const other = openDatabase(join(t.dir, 'samverka.db'));
    cleanups.push(() => other.close());
    const a = claimDueMails(t.db, now, 6);
    const b = claimDueMails(other.db, now, 6);
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(4);
    const ids = [...a, ...b].map((m) => m.id);
    expect(new Set(ids).size).toBe(10);
    expect(claimDueMails(t.db, at(MAIL_LEASE_MS - 1), 100)).toHaveLength(0);
    // A claimer that died frees its mails when the lease runs out.
    expect(claimDueMails(t.db, at(MAIL_LEASE_MS), 100)).toHaveLength(10);
  });

  it('gives a Message-ID made when the mail was written, the same on every claim', () => {
    enqueue('a@example.se');
    const written = rows()[0]!.messageId;
    expect(written).toMatch(/^<[0-9a-f-]{36}@samverka\.example>$/);
    expect(claimDueMails(t.db, now, 1)[0]!.messageId).toBe(written);
    expect(claimDueMails(t.db, at(MAIL_LEASE_MS), 1)[0]!.messageId).toBe(written);
    // A mail from before Message-IDs existed gets one at its first claim, and keeps it.
    t.db.update(outbox).set({ messageId: null, leaseUntil: null }).run();
    const first = claimDueMails(t.db, now, 1)[0]!.messageId;
    expect(first).toMatch(/^<[0-9a-f]{32}@samverka\.example>$/);
    expect(claimDueMails(t.db, at(MAIL_LEASE_MS), 1)[0]!.messageId).toBe(first);
  });

  it('releaseAllLeases frees claimed mail at once (the one writer after a crash), not sent mail', () => {
    enqueue('a@example.se');
    enqueue('b@example.se');
    const [a] = claimDueMails(t.db, now, 2);
    markSent(t.db, a!.id, now);
    expect(releaseAllLeases(t.db)).toBe(1);
    expect(claimDueMails(t.db, now, 10).map((m) => m.toAddress)).toEqual(['b@example.se']);
  });
});

describe('two workers on one outbox', () => {
  it('send every mail once, with its own Message-ID', async () => {
    const server = await startSmtp();
    cleanups.push(() => server.stop());
    for (let i = 0; i < 20; i++) enqueue(`m${i}@example.se`, new Date());
    const other = openDatabase(join(t.dir, 'samverka.db'));
    const workers = [t.db, other.db].map(
      (db) => new OutboxWorker({ db, smtpUrl: `smtp://127.0.0.1:${server.port}`, from: 'noreply@samverka.test', batchSize: 5 }),
    );
    cleanups.push(async () => {
      for (const w of workers) await w.stop();
      other.close();
    });
    await Promise.all(workers.map((w) => w.kick()));
    await waitFor(() => rows().every((r) => r.status === 'sent'), 'every mail to be sent');
    expect(server.received).toHaveLength(20);
    expect(new Set(server.received.map((m) => m.envelopeTo[0])).size).toBe(20);
    const ids = new Map(rows().map((r) => [r.toAddress, r.messageId]));
    for (const m of server.received) expect(messageIdOf(m.raw)).toBe(ids.get(m.envelopeTo[0]!));
  });

  it('a mail resent after a failed attempt carries the Message-ID of the first attempt', async () => {
    const dead = await startSmtp();
    await dead.stop();
    enqueue('a@example.se', new Date());
    const id = rows()[0]!.messageId;
    const w1 = new OutboxWorker({ db: t.db, smtpUrl: `smtp://127.0.0.1:${dead.port}`, from: 'noreply@samverka.test' });
    await w1.kick();
    await w1.stop();
    expect(rows()[0]).toMatchObject({ status: 'pending', attempts: 1, messageId: id, leaseUntil: null });
    const server = await startSmtp();
    cleanups.push(() => server.stop());
    t.db
      .update(outbox)
      .set({ nextAttemptAt: new Date(Date.now() - 1) })
      .run();
    const w2 = new OutboxWorker({ db: t.db, smtpUrl: `smtp://127.0.0.1:${server.port}`, from: 'noreply@samverka.test' });
    cleanups.push(() => w2.stop());
    await w2.kick();
    expect(server.received).toHaveLength(1);
    expect(messageIdOf(server.received[0]!.raw)).toBe(id);
  });
});

describe('mail retention and erasure', () => {
  it('purgeOldMail deletes sent and given-up mail older than the retention, never pending mail', () => {
    enqueue('old-sent@example.se', at(-40 * 86_400_000));
    enqueue('new-sent@example.se', at(-40 * 86_400_000));
    enqueue('old-pending@example.se', at(-40 * 86_400_000));
    enqueue('old-failed@example.se', at(-40 * 86_400_000));
    const [oldSent, newSent, , oldFailed] = rows();
    markSent(t.db, oldSent!.id, at(-31 * 86_400_000));
    markSent(t.db, newSent!.id, at(-29 * 86_400_000));
    t.db.update(outbox).set({ status: 'failed' }).where(eq(outbox.id, oldFailed!.id)).run();
    expect(purgeOldMail(t.db, 30, now)).toBe(2);
    expect(rows().map((r) => r.toAddress)).toEqual(['new-sent@example.se', 'old-pending@example.se']);
  });

  it('eraseMailsCarrying deletes pending and sent mail holding the token, and only those', () => {
    const token = `${'A'.repeat(20)}secretsecretsecretsecret`;
    enqueue('p@example.se', now, `Hantera: https://samverka.example/anmalan/${token}`);
    enqueue('p@example.se', now, 'Ett annat mejl');
    enqueueMail(
      t.db,
      { to: 'p@example.se', subject: 's', text: 't', headers: { 'List-Unsubscribe': `<https://x/${token}/one-click>` } },
      now,
    );
    markSent(t.db, rows()[0]!.id, now);
    expect(eraseMailsCarrying(t.db, token)).toBe(2);
    expect(rows().map((r) => r.text)).toEqual(['Ett annat mejl']);
    expect(() => eraseMailsCarrying(t.db, '')).toThrow();
  });

  it('mailsTo lists subjects and dates for one address; outboxBacklog counts and ages what waits', () => {
    enqueue('a@example.se', at(-90_000));
    enqueue('b@example.se', at(-30_000));
    expect(mailsTo(t.db, 'a@example.se')).toEqual([
      { subject: 'Till a@example.se', status: 'pending', createdAt: at(-90_000).toISOString(), sentAt: null },
    ]);
    expect(outboxBacklog(t.db, now)).toEqual({ pending: 2, oldestPendingSeconds: 90 });
    for (const r of rows()) markSent(t.db, r.id, now);
    expect(outboxBacklog(t.db, now)).toEqual({ pending: 0, oldestPendingSeconds: 0 });
  });
});
