import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// The calendar-feed parts of the pages: subscribe boxes, add-to-calendar, the personal address.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
let server: RunningServer;
let browser: Browser;
let token = '';
let eventId = 0;
const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const YEAR = new Date().getFullYear() + 1;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> };
}

beforeAll(async () => {
  server = await startServer();
  server.createAdmin(ADMIN.email, ADMIN.password);
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  token = ((await login.json()) as { token: string }).token;
  const created = await api('POST', '/api/events', {
    leadCluster: 'froda',
    title: 'Skogens kolinlagring, möte & mingel',
    kind: 'network_meeting',
    themes: ['krisberedskap'],
    start: `${YEAR}-03-10T10:00`,
    end: `${YEAR}-03-10T12:30`,
    venueName: 'Folkets hus',
    address: 'Storgatan 1, Falun',
  });
  eventId = (created.json.event as { id: number }).id;
  expect((await api('POST', `/api/events/${eventId}/publish`)).status).toBe(200);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function noAxeViolations(page: Page) {
  const v = await axeViolations(page);
  expect(v, JSON.stringify(v, null, 2)).toEqual([]);
}

describe('calendar feeds in the pages', () => {
  it('offers webcal and https addresses of the filtered feed on the calendar, and they serve the events', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/kalender?tema=krisberedskap&manad=${YEAR}-03`);
    const webcal = await page.getByRole('link', { name: 'Prenumerera (öppnar kalenderappen)' }).getAttribute('href');
    expect(webcal).toBe(`${server.url.replace('http:', 'webcal:')}/feeds/all.ics?theme=krisberedskap`);
    const https = await page.getByLabel('Adress att klistra in i kalenderappen').inputValue();
    expect(https).toBe(`${server.url}/feeds/all.ics?theme=krisberedskap`);
    const ics = await (await fetch(https)).text();
    expect(ics).toContain('SUMMARY:Skogens kolinlagring\\, möte & mingel');
    await noAxeViolations(page);
    await page.close();
  });

  it('has a cluster feed on the cluster page and a theme feed on the theme page', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/kluster/froda`);
    expect(await page.getByLabel('Adress att klistra in i kalenderappen').inputValue()).toBe(`${server.url}/feeds/clusters/froda.ics`);
    expect((await fetch(`${server.url}/feeds/clusters/froda.ics`)).status).toBe(200);
    await page.goto(`${server.url}/teman`);
    await noAxeViolations(page);
    await page.getByRole('link', { name: 'Krisberedskap och självförsörjning' }).click();
    await page.waitForURL(/\/teman\/krisberedskap$/);
    expect(await page.getByLabel('Adress att klistra in i kalenderappen').inputValue()).toBe(
      `${server.url}/feeds/themes/krisberedskap.ics`,
    );
    await expect(page.locator('main').textContent()).resolves.toContain('Skogens kolinlagring');
    await noAxeViolations(page);
    await page.close();
  });

  it('lets a visitor add the event to a calendar: its .ics has the same UID as the feeds, and a Google link with UTC times', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/evenemang/${eventId}`);
    const icsHref = await page.getByRole('link', { name: 'Ladda ner kalenderfil (.ics)' }).getAttribute('href');
    const single = await (await fetch(`${server.url}${icsHref}`)).text();
    const feed = await (await fetch(`${server.url}/feeds/all.ics`)).text();
    const uid = /UID:(\S+)/.exec(single)?.[1];
    expect(uid).toBeTruthy();
    expect(feed).toContain(`UID:${uid}`);
    const google = new URL((await page.getByRole('link', { name: 'Lägg till i Google Kalender' }).getAttribute('href'))!);
    expect(google.hostname).toBe('calendar.google.com');
    // 10:00–12:30 in March in Stockholm (CET, UTC+1) is 09:00–11:30 UTC.
    expect(google.searchParams.get('dates')).toBe(`${YEAR}0310T090000Z/${YEAR}0310T113000Z`);
    await noAxeViolations(page);
    await page.close();
  });

  it('gives a logged-in person a private address they can replace and close; the old one then answers 410 Gone (issue 15)', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/logga-in`);
    await page.getByLabel('E-postadress').first().fill(ADMIN.email);
    await page.getByLabel('Lösenord').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(/\/konto$/);
    const first = await page.locator('#personal-feed-url').inputValue();
    expect(first).toMatch(/\/feeds\/personal\/[\w-]+\.ics$/);
    expect((await fetch(first)).status).toBe(200);
    await noAxeViolations(page);

    await page.getByRole('button', { name: 'Byt till en ny adress (den gamla slutar fungera)' }).click();
    await page.waitForURL(/kalender=ny/);
    const second = await page.locator('#personal-feed-url').inputValue();
    expect(second).not.toBe(first);
    expect((await fetch(first)).status).toBe(410);
    expect((await fetch(second)).status).toBe(200);

    await page.getByRole('button', { name: 'Stäng av min kalenderadress' }).click();
    await page.waitForURL(/kalender=stangd/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('avstängd');
    expect((await fetch(second)).status).toBe(410);
    await page.close();
  });
});
