import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../support/api.ts';
import { launchBrowser } from '../support/browser.ts';
import { inviteCoordinators } from '../support/flows.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { TestSmtp } from '../support/smtp.ts';

// A co-host invitation that reaches a person: coordinator A invites cluster B from the event's
// page; B's coordinator finds the notification on the SMTP server, follows its link in a browser
// that is not logged in, logs in when asked and accepts; A is mailed that B accepted. Every page
// is used without JavaScript.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: RunningServer;
let smtp: TestSmtp;
let admin: Browser;
let a: Browser;
let b: Browser;
let bElsewhere: Browser;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const A = { email: 'anna@agro-orebro.example', name: 'Anna Agro', cluster: 'agro-orebro' };
const B = { email: 'bo@froda.example', name: 'Bo Froda', cluster: 'froda' };
const B_PASSWORD = 'bos eget långa lösenord';
const TITLE = 'Vattenhushållning i praktiken';

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  server.createAdmin(ADMIN.email, ADMIN.password);
  [admin, a, b, bElsewhere] = await Promise.all([
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
  ]);
});

afterAll(async () => {
  await Promise.all([admin, a, b, bElsewhere].map((x) => x?.close()));
  await server?.stop();
  await smtp?.stop();
});

const url = (path: string) => `${server.url}${path}`;
const page = async (browser: Browser): Promise<Page> => browser.context.pages()[0] ?? browser.context.newPage();

/** The category a received mail belongs to, by its subject (Swedish: both coordinators read Swedish). */
function categoryOf(subject: string): string {
  if (/inloggningslänk|inbjuden till Samverka/.test(subject)) return 'account (login link)';
  if (/ bjuder in .* att samarrangera /.test(subject)) return 'cohost_invited';
  if (/ tackade (ja|nej) till att samarrangera /.test(subject)) return 'cohost_answered';
  return `other: ${subject}`;
}

describe('a co-host invitation by mail', () => {
  it('B finds the mail, follows its link, logs in when asked and accepts; A is told', async () => {
    const [pAdmin, pa, pb] = await Promise.all([page(admin), page(a), page(b)]);
    await pAdmin.goto(url('/logga-in'));
    await pAdmin.getByLabel('E-postadress').first().fill(ADMIN.email);
    await pAdmin.getByLabel('Lösenord').fill(ADMIN.password);
    await pAdmin.getByRole('button', { name: 'Logga in' }).click();
    await pAdmin.waitForURL(/\/konto$/);
    await inviteCoordinators(pAdmin, server.url, smtp, [
      [A, pa],
      [B, pb],
    ]);
    // B chooses a password, to log in again from another browser.
    await pb.goto(url('/konto'));
    const pwForm = pb.locator('form[action="?/password"]');
    await pwForm.getByLabel('Nytt lösenord (minst 10 tecken)').fill(B_PASSWORD);
    await pwForm.getByRole('button').click();
    await expect(pb.getByRole('status').first().textContent()).resolves.toBeTruthy();

    // The event, made by the secretariat for A's cluster through the API.
    const login = await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN);
    const start = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const created = await callApi(server.url, String(login.body.token), 'POST', '/api/events', {
      leadCluster: A.cluster,
      title: TITLE,
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: `${start}T09:00`,
      end: `${start}T12:00`,
      venueName: 'Lantbruksskolan',
    });
    expect(created.status).toBe(201);
    const eventId = Number((created.body.event as { id: number }).id);

    // A invites B on the event's page.
    await pa.goto(url(`/evenemang/${eventId}`));
    await pa.getByLabel('Bjud in ett kluster som medarrangör').selectOption(B.cluster);
    await pa.getByRole('button', { name: 'Bjud in', exact: true }).click();
    await pa.waitForURL(new RegExp(`/evenemang/${eventId}`));

    // B's coordinator finds the mail and follows its link, in a browser that is not logged in.
    const invitation = await smtp.waitForMailTo(B.email, /bjuder in FRODA att samarrangera Vattenhushållning i praktiken$/);
    const link = /(http:\/\/\S+\/mitt-kluster)\b/.exec(invitation.parsed.text ?? '')?.[1];
    expect(link).toBe(url('/mitt-kluster'));
    expect(invitation.parsed.text).toContain(url('/konto#aviseringar'));
    const elsewhere = await page(bElsewhere);
    await elsewhere.goto(link!);
    await elsewhere.waitForURL(/\/logga-in\?tillbaka=/);
    await elsewhere.getByLabel('E-postadress').first().fill(B.email);
    await elsewhere.getByLabel('Lösenord').fill(B_PASSWORD);
    await elsewhere.getByRole('button', { name: 'Logga in' }).click();
    await elsewhere.waitForURL(/\/mitt-kluster$/);
    await elsewhere.getByRole('button', { name: 'Tacka ja för FRODA' }).click();
    await elsewhere.waitForURL(/\/mitt-kluster\?klart=accepted$/);

    // A is told, with a link to the event; B is not mailed about their own answer.
    const accepted = await smtp.waitForMailTo(A.email, 'FRODA tackade ja till att samarrangera Vattenhushållning i praktiken');
    expect(accepted.parsed.text).toContain(url(`/evenemang/${eventId}`));
    expect(smtp.to(B.email).map((m) => categoryOf(m.parsed.subject ?? ''))).toEqual(['account (login link)', 'cohost_invited']);

    // The figures for the note: mails per category in this flow.
    const counts: Record<string, number> = {};
    for (const m of smtp.received) {
      const c = categoryOf(m.parsed.subject ?? '');
      counts[c] = (counts[c] ?? 0) + 1;
    }
    console.log('mails per category in the co-host flow:', JSON.stringify(counts));
    expect(counts).toEqual({ 'account (login link)': 2, cohost_invited: 1, cohost_answered: 1 });
  });
});
