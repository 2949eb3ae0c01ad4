import { callApi } from '../support/api.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { launchBrowser } from '../support/browser.ts';
import { adminCoordinatingInBrowser } from '../support/flows.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// The proposals board in pages of 50, in Chromium with JavaScript off: the page links, the
// current page marked for assistive technology, and a cluster filter kept from page to page.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const FROM_OREBRO = 60;
const FROM_FRODA = 5;
const ALL = FROM_OREBRO + FROM_FRODA;
const YEAR = new Date().getFullYear() + 1;

let server: RunningServer;
let browser: Browser;
let p: Page;

beforeAll(async () => {
  server = await startServer();
  server.createAdmin(ADMIN.email, ADMIN.password);
  const token = ((await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN)).body as { token: string }).token;
  const propose = async (cluster: string, title: string) => {
    const res = await callApi(server.url, token, 'POST', '/api/proposals', {
      cluster,
      title,
      abstract: 'Om vatten på gården.',
      themes: ['krisberedskap'],
      format: 'Halvdag',
      audience: 'Lantbrukare',
      preferredFrom: `${YEAR}-04-01`,
      preferredTo: `${YEAR}-04-30`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  for (let i = 1; i <= FROM_OREBRO; i++) await propose('agro-orebro', `Örebroförslag ${i}`);
  for (let i = 1; i <= FROM_FRODA; i++) await propose('froda', `Frödaförslag ${i}`);
  // The admin also coordinates Agro Örebro, for its dashboard.
  ({ browser, page: p } = await adminCoordinatingInBrowser(server.url, ADMIN, token, 'agro-orebro'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const pager = () => p.getByRole('navigation', { name: 'Sidor med förslag' });
const items = () => p.locator('main .event-list > li');

describe('the proposals board in pages', () => {
  it('shows 50 proposals, links to every page and marks the current one', async () => {
    await p.goto(`${server.url}/forslag`);
    expect(await items().count()).toBe(50);
    await expect(pager().textContent()).resolves.toContain(`Förslag 1–50 av ${ALL}.`);
    await expect(pager().getByRole('link', { name: 'Sida 1' }).getAttribute('aria-current')).resolves.toBe('page');
    expect(await pager().getByRole('link', { name: 'Sida 2' }).getAttribute('aria-current')).toBeNull();

    await pager().getByRole('link', { name: 'Sida 2' }).click();
    await p.waitForURL(/\/forslag\?sida=2$/);
    expect(await items().count()).toBe(ALL - 50);
    await expect(pager().textContent()).resolves.toContain(`Förslag 51–${ALL} av ${ALL}.`);
    await expect(pager().getByRole('link', { name: 'Sida 2' }).getAttribute('aria-current')).resolves.toBe('page');
  });

  it('keeps the cluster filter on the next page', async () => {
    await p.goto(`${server.url}/forslag`);
    await p.getByLabel('Föreslås av (kluster)').selectOption('agro-orebro');
    await p.getByRole('button', { name: 'Visa', exact: true }).click();
    await p.waitForURL((u) => u.searchParams.get('kluster') === 'agro-orebro');
    await expect(pager().textContent()).resolves.toContain(`Förslag 1–50 av ${FROM_OREBRO}.`);

    await pager().getByRole('link', { name: 'Nästa sida' }).click();
    await p.waitForURL((u) => u.searchParams.get('kluster') === 'agro-orebro' && u.searchParams.get('sida') === '2');
    expect(await items().count()).toBe(FROM_OREBRO - 50);
    for (const text of await items().allTextContents()) expect(text).toContain('Föreslaget av Agro Örebro');
    await expect(pager().getByRole('link', { name: 'Sida 2' }).getAttribute('aria-current')).resolves.toBe('page');
    expect(await pager().getByRole('link', { name: 'Sida 1' }).getAttribute('href')).toBe('/forslag?kluster=agro-orebro');
    await expect(p.getByLabel('Föreslås av (kluster)').inputValue()).resolves.toBe('agro-orebro');
  });

  it('links from the dashboard’s first proposals to the board filtered by that cluster', async () => {
    await p.goto(`${server.url}/mitt-kluster`);
    const all = p.getByRole('link', { name: 'Alla förslag' });
    await expect(all.getAttribute('href')).resolves.toBe('/forslag?kluster=agro-orebro');
    await all.click();
    await p.waitForURL((u) => u.pathname === '/forslag' && u.searchParams.get('kluster') === 'agro-orebro');
    await expect(pager().textContent()).resolves.toContain(`Förslag 1–50 av ${FROM_OREBRO}.`);
  });

  it('shows no proposals, and no error, for a page past the end', async () => {
    const res = await p.goto(`${server.url}/forslag?sida=9`);
    expect(res?.status()).toBe(200);
    expect(await items().count()).toBe(0);
    await expect(pager().getByRole('link', { name: 'Sida 1' }).isVisible()).resolves.toBe(true);
  });
});
