import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { TestSmtp, toAddress } from '../support/smtp.ts';

let server: RunningServer;
let smtp: TestSmtp;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  server.createAdmin(ADMIN.email, ADMIN.password);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

async function expectNoAxeViolations(page: Page) {
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('foundation in Chromium', () => {
  it('shows the directory with a map marker per cluster and the counties without one, in Swedish', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/kluster`);
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await expect(page.locator('h1').textContent()).resolves.toBe('Klusterkatalog');
    expect(await page.locator('svg a.marker').count()).toBe(18);
    const missing = await page.locator('[data-testid=missing-counties] li').allTextContents();
    expect(missing).toContain('Blekinge län');
    expect(missing).not.toContain('Skåne län');
    await expect(page.getByRole('heading', { name: 'Vissa områden saknar ett grönt kluster' }).count()).resolves.toBe(1);
    await page.locator('svg a.marker[href="/kluster/froda"]').click();
    await page.waitForURL(/\/kluster\/froda$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('FRODA');
    await page.close();
  });

  it('has no axe-core violations on the public pages, in both languages', async () => {
    const page = await browser.context.newPage();
    for (const path of ['/', '/kluster', '/kluster/froda', '/logga-in', '/finns-inte']) {
      await page.goto(`${server.url}${path}`);
      await expectNoAxeViolations(page);
    }
    await page.goto(`${server.url}/kluster`);
    await page.getByRole('link', { name: 'In English' }).click();
    await page.waitForURL(/\/kluster$/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Cluster directory');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'På svenska' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await page.close();
  });

  it('lets an admin invite a coordinator who logs in from the mailed link and edits only their cluster, without JavaScript', async () => {
    const nojs = await launchBrowser({ javaScriptEnabled: false });
    try {
      const admin = await nojs.context.newPage();
      await admin.goto(`${server.url}/logga-in`);
      await admin.getByLabel('E-postadress').first().fill(ADMIN.email);
      await admin.getByLabel('Lösenord').fill(ADMIN.password);
      await admin.getByRole('button', { name: 'Logga in' }).click();
      await admin.waitForURL(/\/konto$/);
      await expect(admin.getByText('Nätverksadministratör').count()).resolves.toBeGreaterThan(0);

      await admin.goto(`${server.url}/admin/anvandare`);
      await admin.getByLabel('Namn').fill('Karin Koordinator');
      await admin.getByLabel('E-post', { exact: true }).fill('karin@agro-orebro.example');
      await admin.getByLabel('Koordinator för').selectOption('agro-orebro');
      await admin.getByRole('button', { name: 'Skicka inbjudan' }).click();
      await expect(admin.getByRole('status').textContent()).resolves.toContain('karin@agro-orebro.example');
      await expect(admin.locator('tbody').textContent()).resolves.toContain('Agro Örebro');

      const invitation = await smtp.waitFor((m) => toAddress(m) === 'karin@agro-orebro.example');
      expect(invitation.subject).toBe('Du är inbjuden till Samverka');
      const link = /(http:\/\/\S+\/logga-in\/lank\?token=[\w-]+)/.exec(invitation.text ?? '')?.[1];
      expect(link).toBeTruthy();

      // A separate profile for the coordinator, so the admin's cookie is not shared.
      const other = await launchBrowser({ javaScriptEnabled: false });
      try {
        const page = await other.context.newPage();
        await page.goto(link!);
        await page.getByRole('button', { name: 'Logga in' }).click();
        // A coordinator lands on their cluster's dashboard.
        await page.waitForURL(/\/mitt-kluster$/);
        await expect(page.locator('main').textContent()).resolves.toContain('Agro Örebro');

        await page.goto(`${server.url}/kluster/agro-orebro`);
        await page.getByRole('link', { name: 'Redigera profilen' }).click();
        await page.getByLabel('Kort beskrivning (en mening)').fill('Vi samlar länets gröna näringar – nu med <b>nya</b> krafter.');
        await page.getByLabel('Webbplats (https://…)').fill('javascript:alert(1)');
        await page.getByRole('button', { name: 'Spara' }).click();
        await expect(page.locator('.field-error').textContent()).resolves.toContain('http');
        await page.getByLabel('Webbplats (https://…)').fill('https://agroorebro.example/');
        await page.getByRole('button', { name: 'Spara' }).click();
        await page.waitForURL(/\/kluster\/agro-orebro\?sparat=1$/);
        // Text is shown as text: the <b> is escaped, not rendered.
        await expect(page.locator('main > p').nth(1).textContent()).resolves.toContain('<b>nya</b>');
        expect(await page.locator('main b').count()).toBe(0);

        await page.goto(`${server.url}/kluster/froda`);
        expect(await page.getByRole('link', { name: 'Redigera profilen' }).count()).toBe(0);
        const refused = await page.goto(`${server.url}/kluster/froda/redigera`);
        expect(refused?.status()).toBe(403);

        await page.goto(`${server.url}/konto`);
        await page.getByRole('button', { name: 'Logga ut' }).click();
        await page.waitForURL(/\/\?utloggad=1$/);
        await expect(page.getByRole('link', { name: 'Logga in' }).count()).resolves.toBe(1);
        const after = await page.goto(`${server.url}/konto`);
        expect(after?.url()).toContain('/logga-in');
      } finally {
        await other.close();
      }
    } finally {
      await nojs.close();
    }
  });

  it('keeps the session cookie away from page scripts', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/logga-in`);
    await page.getByLabel('E-postadress').first().fill(ADMIN.email);
    await page.getByLabel('Lösenord').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(/\/konto$/);
    const cookies = await browser.context.cookies(server.url);
    const session = cookies.find((c) => c.name === 'samverka_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect(await page.evaluate(() => document.cookie)).not.toContain('samverka_session');
    await page.goto(`${server.url}/admin/utkorg`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Utkorg');
    await expectNoAxeViolations(page);
    await page.goto(`${server.url}/admin/anvandare`);
    await expectNoAxeViolations(page);
    await page.goto(`${server.url}/konto`);
    await expectNoAxeViolations(page);
    await page.close();
  });
});
