import { callApi } from '../support/api.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { eventInput } from '../support/fixtures.ts';
import { logInWithForm } from '../support/flows.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// A long attendee list in pages of 100, in Chromium with JavaScript off: the page links, the
// current page marked for assistive technology, and a check-in on a later page of a filtered
// list that comes back to that page, with the filter and the notice.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const PEOPLE = 130;
const YEAR = new Date().getFullYear() + 1;

let server: RunningServer;
let browser: Browser;
let eventId = 0;
let p: Page;

const person = (i: number) => ({
  name: `Deltagare ${String(i).padStart(3, '0')}`,
  email: `deltagare${i}@gard.example`,
  organisation: i % 2 === 0 ? 'Jämngården' : 'Uddaskogen',
  consent: true,
});

beforeAll(async () => {
  server = await startServer({ REGISTRATION_RATE_LIMIT: '100000' });
  server.createAdmin(ADMIN.email, ADMIN.password);
  const token = ((await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN)).body as { token: string }).token;
  const api = (method: string, path: string, body?: unknown) => callApi(server.url, token, method, path, body);
  const created = await api(
    'POST',
    '/api/events',
    eventInput({ title: 'Stora fältdagen', start: `${YEAR}-05-20T09:00`, end: `${YEAR}-05-20T15:00`, capacity: 500 }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  eventId = (created.body as { event: { id: number } }).event.id;
  expect((await api('POST', `/api/events/${eventId}/publish`)).status).toBe(200);
  for (let i = 1; i <= PEOPLE; i++) {
    const res = await callApi(server.url, null, 'POST', `/api/events/${eventId}/registrations`, person(i));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  browser = await launchBrowser({ javaScriptEnabled: false });
  p = browser.context.pages()[0] ?? (await browser.context.newPage());
  await logInWithForm(p, server.url, ADMIN.email, ADMIN.password);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const pager = () => p.getByRole('navigation', { name: 'Sidor i deltagarlistan' });
const rows = () => p.locator('tbody tr');

describe('the attendee list in pages', () => {
  it('shows 100 rows, links to every page and marks the current one', async () => {
    await p.goto(`${server.url}/evenemang/${eventId}/deltagare`);
    expect(await rows().count()).toBe(100);
    await expect(pager().textContent()).resolves.toContain(`Rad 1–100 av ${PEOPLE}.`);
    await expect(pager().getByRole('link', { name: 'Sida 1' }).getAttribute('aria-current')).resolves.toBe('page');
    expect(await pager().getByRole('link', { name: 'Sida 2' }).getAttribute('aria-current')).toBeNull();

    await pager().getByRole('link', { name: 'Sida 2' }).click();
    await p.waitForURL(/[?&]sida=2$/);
    expect(await rows().count()).toBe(PEOPLE - 100);
    await expect(pager().textContent()).resolves.toContain(`Rad 101–${PEOPLE} av ${PEOPLE}.`);
    await expect(pager().getByRole('link', { name: 'Sida 2' }).getAttribute('aria-current')).resolves.toBe('page');
    // The counts above the list are everyone's, whatever page is shown.
    await expect(p.locator('[data-testid=attendee-counts]').textContent()).resolves.toMatch(new RegExp(`Bekräftade\\s*${PEOPLE}`));
  });

  it('checks in someone on page 2 of a filtered list and comes back to that page, filter and row', async () => {
    // Jämngården: the even numbers, 65 people: one page, so no page links.
    await p.goto(`${server.url}/evenemang/${eventId}/deltagare?sok=J%C3%A4mng%C3%A5rden`);
    await expect(p.getByTestId('attendees-shown').textContent()).resolves.toContain('65');
    expect(await rows().count()).toBe(65);
    expect(await pager().count()).toBe(0);

    await p.goto(`${server.url}/evenemang/${eventId}/deltagare?status=confirmed&sida=2`);
    expect(await rows().count()).toBe(PEOPLE - 100);
    const name = 'Deltagare 120';
    const row = p.locator('tbody tr', { has: p.getByRole('rowheader', { name, exact: true }) });
    await row.getByRole('button', { name: `Checka in ${name}` }).click();
    await p.waitForURL(
      (u) => u.searchParams.has('incheckad') && u.searchParams.get('sida') === '2' && u.searchParams.get('status') === 'confirmed',
    );
    await expect(p.getByRole('status').first().textContent()).resolves.toBe(`${name} är incheckad.`);
    await expect(row.textContent()).resolves.toContain('Ja,');
    await expect(pager().getByRole('link', { name: 'Sida 2' }).getAttribute('aria-current')).resolves.toBe('page');
  });

  it('shows no rows, and no error, for a page past the end', async () => {
    const res = await p.goto(`${server.url}/evenemang/${eventId}/deltagare?sida=9`);
    expect(res?.status()).toBe(200);
    expect(await rows().count()).toBe(0);
    await expect(pager().getByRole('link', { name: 'Sida 1' }).isVisible()).resolves.toBe(true);
  });
});
