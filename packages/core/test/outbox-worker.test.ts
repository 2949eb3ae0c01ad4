import { outbox } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueMail, MAX_PERMANENT_FAILURES } from '../src/outbox/outbox.ts';
import { OutboxWorker } from '../src/outbox/worker.ts';
import { freshDb, type TestDb } from '../../../tests/support/fixtures.ts';
import { startSmtp, type TestSmtp } from '../../../tests/support/smtp.ts';
import { waitFor } from '../../../tests/support/wait.ts';

let t: TestDb;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(() => {
  t = freshDb();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  t.dispose();
});

async function smtp(opts: Parameters<typeof startSmtp>[0] = {}): Promise<TestSmtp> {
  const s = await startSmtp(opts);
  cleanups.push(() => s.stop());
  return s;
}

function worker(port: number | undefined, pollMs?: number): OutboxWorker {
  const w = new OutboxWorker({
    db: t.db,
    smtpUrl: port ? `smtp://127.0.0.1:${port}` : undefined,
    from: 'Samverka <noreply@samverka.test>',
    pollMs,
  });
  cleanups.push(() => w.stop());
  return w;
}

const rows = () => t.db.select().from(outbox).orderBy(outbox.id).all();
const enqueue = (to: string) => enqueueMail(t.db, { to, subject: `Till ${to}`, text: 'Hej' });
/** Makes every pending mail due now, as if its backoff had passed. */
const makeDue = () =>
  t.db
    .update(outbox)
    .set({ nextAttemptAt: new Date(Date.now() - 1) })
    .where(eq(outbox.status, 'pending'))
    .run();

/** A port nothing listens on: taken from a server that is then closed. */
async function deadPort(): Promise<number> {
  const s = await startSmtp();
  await s.stop();
  return s.port;
}

describe('OutboxWorker', () => {
  it('without an SMTP URL is disabled and leaves mail in the outbox', async () => {
    enqueue('a@example.se');
    const w = worker(undefined);
    expect(w.enabled).toBe(false);
    await w.kick();
    expect(rows()[0]).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('sends every due mail and marks it sent', async () => {
    const server = await smtp();
    enqueue('a@example.se');
    enqueue('b@example.se');
    await worker(server.port).kick();
    expect(server.received.map((m) => m.envelopeTo)).toEqual([['a@example.se'], ['b@example.se']]);
    expect(server.received[0]!.envelopeFrom).toBe('noreply@samverka.test');
    expect(server.received[0]!.raw).toMatch(/^Subject: Till a@example\.se\r?$/m);
    expect(rows().map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('when SMTP is down keeps the mail pending with a 5 s backoff, and sends it once SMTP is back', async () => {
    const port = await deadPort();
    enqueue('a@example.se');
    const w = worker(port);
    const before = Date.now();
    await w.kick();
    const after = Date.now();
    const failed = rows()[0]!;
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 5_000);
    expect(failed.nextAttemptAt.getTime()).toBeLessThanOrEqual(after + 5_000);

    // Not due yet: another run does not try again.
    await w.kick();
    expect(rows()[0]!.attempts).toBe(1);

    const server = await smtp({ port });
    makeDue();
    await w.kick();
    expect(server.received.map((m) => m.envelopeTo)).toEqual([['a@example.se']]);
    expect(rows()[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('a mail the server refuses (5xx) does not hold up the others, and is given up after repeated refusals', async () => {
    const server = await smtp({ rejectRecipient: (a) => a === 'bad@example.se' });
    enqueue('bad@example.se');
    enqueue('good@example.se');
    const w = worker(server.port);
    await w.kick();
    expect(server.received.map((m) => m.envelopeTo)).toEqual([['good@example.se']]);
    const [bad, good] = rows();
    expect(good).toMatchObject({ status: 'sent' });
    expect(bad).toMatchObject({ status: 'pending', attempts: 1 });
    expect(bad!.lastError).toMatch(/550/);

    for (let i = 2; i <= MAX_PERMANENT_FAILURES; i++) {
      makeDue();
      await w.kick();
    }
    expect(rows()[0]).toMatchObject({ status: 'failed', attempts: MAX_PERMANENT_FAILURES });
    expect(server.received).toHaveLength(1);
  });

  it('once started, picks up new mail by polling, and stops when asked', async () => {
    const server = await smtp();
    const w = worker(server.port, 50);
    w.start();
    enqueue('polled@example.se');
    await waitFor(() => server.received.length === 1, 'the polled mail to arrive');
    expect(server.received[0]!.envelopeTo).toEqual(['polled@example.se']);
    await waitFor(() => rows()[0]!.status === 'sent', 'the mail to be marked sent');
    await w.stop();
    // After stop no run happens: a kick is a no-op once the transport is closed.
    enqueue('after-stop@example.se');
    await w.kick();
    expect(rows()[1]).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('stop() waits for the run in progress, and no queued run starts after it', async () => {
    const server = await smtp();
    enqueue('first@example.se');
    const w = worker(server.port);
    const first = w.kick();
    enqueue('second@example.se');
    void w.kick(); // queued behind the first run
    await w.stop();
    await first;
    expect(rows()[0]).toMatchObject({ status: 'sent' });
    // Nothing is left running that could touch the database after it is closed.
    expect((w as unknown as { running: Promise<void> | null }).running).toBeNull();
    // The queued run never started; the mail waits in the outbox for the next start.
    expect(rows()[1]).toMatchObject({ status: 'pending', attempts: 0 });
    t.sqlite.close(); // as server.ts does after app.close()
    await expect(w.kick()).resolves.toBeUndefined();
  });

  it('a run that fails on the database is logged and does not reject (callers do not await a kick)', async () => {
    const server = await smtp();
    const warnings: string[] = [];
    const w = new OutboxWorker({
      db: t.db,
      smtpUrl: `smtp://127.0.0.1:${server.port}`,
      from: 'noreply@samverka.test',
      log: { info: () => {}, warn: (_o, msg) => warnings.push(msg) },
    });
    cleanups.push(() => w.stop());
    t.sqlite.exec('DROP TABLE outbox');
    await expect(w.kick()).resolves.toBeUndefined();
    expect(warnings).toEqual(['outbox run failed; will retry']);
  });
});
