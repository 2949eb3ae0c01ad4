import { outbox } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '@samverka/contracts';
import { LONE_SURROGATE } from '../../../tests/support/text.ts';
import { codePointLength } from '../src/escape.ts';
import { DomainError } from '../src/errors.ts';
import { backoffMs, dueMails, enqueueMail, listOutbox, markFailedAttempt, markSent, MAX_PERMANENT_FAILURES } from '../src/outbox/outbox.ts';
import { freshDb, type TestDb } from '../../../tests/support/fixtures.ts';

let t: TestDb;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.dispose());

const now = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const row = (id: number) => t.db.select().from(outbox).where(eq(outbox.id, id)).get()!;

describe('backoffMs', () => {
  it('doubles from 5 s per attempt', () => {
    expect([1, 2, 3, 4, 5].map(backoffMs)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
  });
  it('treats 0 attempts like the first', () => {
    expect(backoffMs(0)).toBe(5_000);
  });
  it('is capped at 30 minutes, also for very many attempts', () => {
    expect(backoffMs(10)).toBe(30 * 60_000);
    expect(backoffMs(1000)).toBe(30 * 60_000);
  });
});

describe('enqueueMail', () => {
  it('stores a pending mail due now', () => {
    enqueueMail(t.db, { to: 'a@example.se', subject: 'Hej', text: 'Text', html: '<p>Text</p>' }, now);
    expect(t.db.select().from(outbox).all()).toEqual([
      expect.objectContaining({
        toAddress: 'a@example.se',
        subject: 'Hej',
        text: 'Text',
        html: '<p>Text</p>',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        sentAt: null,
      }),
    ]);
  });

  it('flattens the subject and header values to one line', () => {
    enqueueMail(
      t.db,
      { to: 'a@example.se', subject: 'Hej\r\nBcc: evil@x.se', text: 'T', headers: { 'X-Event\r\nBcc': 'v\r\nBcc: evil@x.se' } },
      now,
    );
    const m = t.db.select().from(outbox).get()!;
    expect(m.subject).toBe('Hej Bcc: evil@x.se');
    expect(m.headers).toEqual({ 'X-Event Bcc': 'v Bcc: evil@x.se' });
  });

  it('cuts a long subject to 250 code points ending in an ellipsis, never inside an emoji', () => {
    enqueueMail(t.db, { to: 'a@example.se', subject: `Anmälan bekräftad: ${'🌱'.repeat(300)}`, text: 'T' }, now);
    const { subject } = t.db.select().from(outbox).get()!;
    expect(subject).toBe(`Anmälan bekräftad: ${'🌱'.repeat(LIMITS.mailSubject - 20)}…`);
    expect(codePointLength(subject)).toBe(LIMITS.mailSubject);
    expect(subject).not.toMatch(LONE_SURROGATE);
  });

  it('refuses a recipient that is not one plain address', () => {
    for (const to of ['a@example.se\r\nBcc: evil@x.se', 'a@example.se, b@example.se', 'Anna <a@example.se>']) {
      expect(() => enqueueMail(t.db, { to, subject: 's', text: 't' }, now)).toThrow(DomainError);
    }
    expect(t.db.select().from(outbox).all()).toHaveLength(0);
  });
});

describe('dueMails', () => {
  it('returns pending mails whose time has come, oldest first, up to the limit', () => {
    enqueueMail(t.db, { to: 'late@example.se', subject: 's', text: 't' }, at(60_000));
    enqueueMail(t.db, { to: 'b@example.se', subject: 's', text: 't' }, at(1000));
    enqueueMail(t.db, { to: 'a@example.se', subject: 's', text: 't' }, now);
    enqueueMail(t.db, { to: 'sent@example.se', subject: 's', text: 't' }, now);
    const sentId = t.db.select().from(outbox).where(eq(outbox.toAddress, 'sent@example.se')).get()!.id;
    markSent(t.db, sentId, now);
    expect(dueMails(t.db, at(1000), 10).map((m) => m.toAddress)).toEqual(['a@example.se', 'b@example.se']);
    expect(dueMails(t.db, at(1000), 1).map((m) => m.toAddress)).toEqual(['a@example.se']);
    expect(dueMails(t.db, at(999), 10).map((m) => m.toAddress)).toEqual(['a@example.se']);
  });
});

describe('markFailedAttempt and markSent', () => {
  function enqueue(): number {
    enqueueMail(t.db, { to: 'a@example.se', subject: 's', text: 't' }, now);
    return t.db.select().from(outbox).all().at(-1)!.id;
  }

  it('a temporary failure keeps the mail pending, counts the attempt and delays the next by the backoff', () => {
    const id = enqueue();
    markFailedAttempt(t.db, row(id), 'connect ECONNREFUSED', false, now);
    expect(row(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connect ECONNREFUSED', nextAttemptAt: at(5_000) });
    expect(dueMails(t.db, at(4_999), 10)).toHaveLength(0);
    expect(dueMails(t.db, at(5_000), 10)).toHaveLength(1);
    markFailedAttempt(t.db, row(id), 'again', false, at(5_000));
    expect(row(id)).toMatchObject({ attempts: 2, nextAttemptAt: at(15_000) });
  });

  it('keeps the first 500 code points of a long error, never half an emoji', () => {
    const id = enqueue();
    markFailedAttempt(t.db, row(id), `x${'🌱'.repeat(600)}`, false, now);
    expect(row(id).lastError).toBe(`x${'🌱'.repeat(LIMITS.mailError - 1)}`);
    expect(row(id).lastError).not.toMatch(LONE_SURROGATE);
  });

  it('temporary failures never give up: nothing is lost while SMTP is down', () => {
    const id = enqueue();
    for (let i = 0; i < 3 * MAX_PERMANENT_FAILURES; i++) markFailedAttempt(t.db, row(id), 'down', false, now);
    expect(row(id)).toMatchObject({ status: 'pending', attempts: 3 * MAX_PERMANENT_FAILURES });
  });

  it('permanent (5xx) failures give up after MAX_PERMANENT_FAILURES attempts', () => {
    const id = enqueue();
    for (let i = 1; i < MAX_PERMANENT_FAILURES; i++) {
      markFailedAttempt(t.db, row(id), '550 no such user', true, now);
      expect(row(id).status).toBe('pending');
    }
    markFailedAttempt(t.db, row(id), '550 no such user', true, now);
    expect(row(id)).toMatchObject({ status: 'failed', attempts: MAX_PERMANENT_FAILURES });
  });

  it('keeps at most 500 characters of the error', () => {
    const id = enqueue();
    markFailedAttempt(t.db, row(id), 'e'.repeat(2000), false, now);
    expect(row(id).lastError).toHaveLength(500);
  });

  it('markSent records the time, counts the attempt and clears the last error', () => {
    const id = enqueue();
    markFailedAttempt(t.db, row(id), 'down', false, now);
    markSent(t.db, id, at(6_000));
    expect(row(id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null, sentAt: at(6_000) });
    expect(dueMails(t.db, at(3_600_000), 10)).toHaveLength(0);
  });
});

describe('listOutbox', () => {
  it('shows admins the newest mails first with counts per status, filtered by status', () => {
    const admin = { userId: 1, isAdmin: true, coordinatorOf: [] };
    for (const to of ['a@example.se', 'b@example.se', 'c@example.se']) enqueueMail(t.db, { to, subject: 's', text: 't' }, now);
    markSent(t.db, 1, now);
    const page = listOutbox(t.db, admin);
    expect(page.counts).toEqual({ pending: 2, sent: 1, failed: 0 });
    expect(page.mails.map((m) => m.toAddress)).toEqual(['c@example.se', 'b@example.se', 'a@example.se']);
    expect(listOutbox(t.db, admin, { status: 'sent' }).mails.map((m) => m.toAddress)).toEqual(['a@example.se']);
    expect(listOutbox(t.db, admin, { limit: 1 }).mails).toHaveLength(1);
  });
});
