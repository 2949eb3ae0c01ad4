import { outbox } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addresses, headerSection, startSmtp, type TestSmtp } from '../../../tests/support/smtp.ts';
import { waitFor } from '../../../tests/support/wait.ts';
import { bearer, makeTestApp, type TestApp } from './helpers.ts';

describe('mail through a real SMTP server', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await makeTestApp(
      { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Samverka <noreply@samverka.test>' },
      { mailWorker: true, mailPollMs: 100 },
    );
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const mailTo = (address: string) => () => smtp.to(address)[0];

  it('a login link request delivers a mail with subject, text and HTML parts holding the link, which logs in', async () => {
    const { email, userId } = await t.login('participant');
    expect((await t.inject({ method: 'POST', url: '/api/auth/login-link', payload: { email } })).statusCode).toBe(202);

    const mail = await waitFor(mailTo(email), `the login link mail to ${email}`);
    expect(mail.envelopeTo).toEqual([email]);
    expect(addresses(mail.parsed.to)).toEqual([email]);
    expect(addresses(mail.parsed.from)).toEqual(['noreply@samverka.test']);
    expect(mail.parsed.subject).toBe('Din inloggningslänk till Samverka');

    const link = /http:\/\/samverka\.test\/logga-in\/lank\?token=([A-Za-z0-9_-]{43})/.exec(mail.parsed.text ?? '');
    expect(link, mail.parsed.text).not.toBeNull();
    expect(mail.parsed.html).toBeTruthy();
    expect(mail.parsed.html).toContain(`href="${link![0]}"`);

    const session = await t.inject({ method: 'POST', url: '/api/auth/login-link/redeem', payload: { token: link![1] } });
    expect(session.statusCode).toBe(200);
    expect(session.json().user.id).toBe(userId);

    await waitFor(
      () => t.db.select().from(outbox).where(eq(outbox.toAddress, email)).get()?.status === 'sent',
      'the outbox row to be marked sent',
    );
  });

  it('a name with "\\r\\nBcc: …" in an invitation adds no header and no recipient', async () => {
    const { token } = await t.login('admin');
    const res = await t.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: bearer(token),
      payload: { email: 'eve@example.se', name: 'Eve\r\nBcc: evil@x.se\r\nSubject: Hacked', language: 'en' },
    });
    expect(res.statusCode).toBe(201);

    const mail = await waitFor(mailTo('eve@example.se'), 'the invitation mail');
    expect(mail.envelopeTo).toEqual(['eve@example.se']);
    expect(addresses(mail.parsed.to)).toEqual(['eve@example.se']);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.parsed.cc).toBeUndefined();
    expect(mail.parsed.subject).toBe('You are invited to Samverka');
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    const headers = headerSection(mail.raw);
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(headers).not.toContain('evil@x.se');
    expect(headers).not.toContain('Hacked');
    expect(smtp.received.some((m) => m.envelopeTo.includes('evil@x.se'))).toBe(false);
    // The name reaches the body as one harmless line of text.
    expect(mail.parsed.text).toContain('Hello Eve Bcc: evil@x.se Subject: Hacked,');
  });
});

describe('when SMTP is down', () => {
  const toClose: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of toClose.splice(0).reverse()) await c();
  });

  it('the mail waits in the outbox with attempts > 0, and arrives once SMTP is back on the same port', async () => {
    // A port with nothing listening: taken from a server that is then stopped.
    const smtp = await startSmtp();
    await smtp.stop();
    const port = smtp.port;

    const t = await makeTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` }, { mailWorker: true, mailPollMs: 100 });
    toClose.push(() => t.close());
    const { email } = await t.login('participant');
    const admin = await t.login('admin');

    expect((await t.inject({ method: 'POST', url: '/api/auth/login-link', payload: { email } })).statusCode).toBe(202);
    const row = () => t.db.select().from(outbox).where(eq(outbox.toAddress, email)).get();
    await waitFor(() => (row()?.attempts ?? 0) > 0, 'a failed send attempt');
    expect(row()).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row()!.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(row()!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    // Admins see it waiting.
    const page = (await t.inject({ method: 'GET', url: '/api/admin/outbox?status=pending', headers: bearer(admin.token) })).json();
    expect(page.mails.find((m: { toAddress: string }) => m.toAddress === email)).toMatchObject({
      status: 'pending',
      attempts: 1,
      sentAt: null,
    });

    // SMTP comes back on the same port.
    await smtp.start();
    toClose.push(() => smtp.stop());
    // The backoff (5 s, then doubling) is unit-tested in packages/core; here the retry is
    // made due at once and the worker asked to run, rather than waiting the backoff out.
    t.db.update(outbox).set({ nextAttemptAt: new Date() }).where(eq(outbox.toAddress, email)).run();
    void t.app.mailer.kick();

    const mail = await waitFor(() => smtp.to(email)[0], 'the mail to arrive after SMTP came back');
    expect(mail.parsed.subject).toBe('Din inloggningslänk till Samverka');
    expect(mail.parsed.text).toMatch(/token=[A-Za-z0-9_-]{43}/);
    await waitFor(() => row()?.status === 'sent', 'the outbox row to be marked sent');
    expect(row()).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(smtp.to(email)).toHaveLength(1);
  });
});
