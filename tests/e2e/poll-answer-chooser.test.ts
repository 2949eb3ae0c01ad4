import { callApi } from '../support/api.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { launchBrowser } from '../support/browser.ts';
import { adminCoordinatingInBrowser } from '../support/flows.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// A reader who may answer a scheduling poll for several clusters (the secretariat may answer for
// every cluster in it) gets one answer form at a time and a link per cluster to its form, in
// Chromium with JavaScript off: the form of their own cluster first, the chosen one after
// following its link, an answer saved for the cluster it names with the page back at that form,
// and a refused post's error in that cluster's form, in sight.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const Y = new Date().getFullYear() + 1;
const INVITED = ['froda', 'agro-vast', 'vreta-kluster'];

let server: RunningServer;
let browser: Browser;
let p: Page;
let token: string;
let poll: { id: number; slots: { id: number }[] };

beforeAll(async () => {
  server = await startServer();
  server.createAdmin(ADMIN.email, ADMIN.password);
  token = ((await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN)).body as { token: string }).token;
  const created = await callApi(server.url, token, 'POST', '/api/polls', {
    organiserCluster: 'agro-orebro',
    title: 'Nätverksmöte om vatten',
    durationMinutes: 60,
    invitedClusters: INVITED,
    slots: [`${Y}-03-05T10:00`, `${Y}-03-06T10:00`],
    closes: `${Y}-02-20T12:00`,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  poll = created.body as typeof poll;
  // FRODA has answered already.
  const answered = await callApi(server.url, token, 'POST', `/api/polls/${poll.id}/answers`, {
    cluster: 'froda',
    answers: [
      { slotId: poll.slots[0]!.id, answer: 'no' },
      { slotId: poll.slots[1]!.id, answer: 'maybe' },
    ],
  });
  expect(answered.status, JSON.stringify(answered.body)).toBe(200);
  // The admin also coordinates the organiser, so that cluster is "their own".
  ({ browser, page: p } = await adminCoordinatingInBrowser(server.url, ADMIN, token, 'agro-orebro'));
  // A phone: the answer form is far down the page, so where the page lands after a post matters.
  await p.setViewportSize({ width: 320, height: 640 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const answerForms = () => p.locator('main section.answer-card');
const chooser = () => p.getByRole('navigation', { name: 'Vilket kluster svarar du för?' });
/** How far the page is scrolled, and where an element is, in CSS pixels from the top of the view. */
const inView = (selector: string) =>
  p.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  });

describe('answering a poll for one of several clusters', () => {
  it('shows one answer form, the reader’s own cluster first, and a link to each of the four that marks who has answered', async () => {
    await p.goto(`${server.url}/moten/${poll.id}`);
    expect(await answerForms().count()).toBe(1);
    await expect(p.getByRole('heading', { name: 'Svara för Agro Örebro' }).count()).resolves.toBe(1);
    expect(await p.locator('fieldset.answer-choices').count()).toBe(2);
    const links = await chooser().getByRole('link').allTextContents();
    expect(links.toSorted()).toEqual(['Agro Väst', 'Agro Örebro', 'FRODA (har svarat)', 'Vreta Kluster'].toSorted());
    await expect(chooser().locator('a[aria-current="true"]').textContent()).resolves.toBe('Agro Örebro');
  });

  it('opens the chosen cluster’s form with its stored answers, and keeps the time zone asked for', async () => {
    await p.goto(`${server.url}/moten/${poll.id}?tz=Europe/London`);
    await chooser().getByRole('link', { name: 'FRODA (har svarat)' }).click();
    await p.waitForURL(
      (u) => u.searchParams.get('svara') === 'froda' && u.searchParams.get('tz') === 'Europe/London' && u.hash === '#svar',
    );
    await expect(chooser().locator('a[aria-current="true"]').textContent()).resolves.toBe('FRODA (har svarat)');
    expect(await answerForms().count()).toBe(1);
    await expect(p.getByRole('heading', { name: 'Svara för FRODA' }).count()).resolves.toBe(1);
    const groups = p.locator('fieldset.answer-choices');
    expect(await groups.nth(0).getByLabel('Nej', { exact: true }).isChecked()).toBe(true);
    expect(await groups.nth(1).getByLabel('Om det behövs', { exact: true }).isChecked()).toBe(true);
    await expect(p.getByTestId('poll-table').locator('thead').textContent()).resolves.toContain('Tid (Europe/London)');
  });

  it('saves the answers for the cluster the form names and shows that cluster’s form again', async () => {
    await p.goto(`${server.url}/moten/${poll.id}?svara=agro-vast`);
    const groups = p.locator('fieldset.answer-choices');
    await groups.nth(0).getByLabel('Ja', { exact: true }).check();
    await groups.nth(1).getByLabel('Ja', { exact: true }).check();
    await p.getByRole('button', { name: 'Spara svaren för Agro Väst' }).click();
    await p.waitForURL(/\?svara=agro-vast&klart=answered#svar$/);
    // Said next to the form, which is in sight, naming the cluster.
    await expect(answerForms().getByRole('status').textContent()).resolves.toBe('Svaren för Agro Väst är sparade.');
    expect(await inView('#svar')).toBe(true);
    await expect(p.getByRole('heading', { name: 'Svara för Agro Väst' }).count()).resolves.toBe(1);
    await expect(chooser().locator('a[aria-current="true"]').textContent()).resolves.toBe('Agro Väst (har svarat)');
    const stored = (await callApi(server.url, token, 'GET', `/api/polls/${poll.id}`)).body as {
      slots: { answers: { cluster: { slug: string }; answer: string }[] }[];
    };
    expect(stored.slots.map((s) => s.answers.find((a) => a.cluster.slug === 'agro-vast')?.answer)).toEqual(['yes', 'yes']);
    // FRODA's answers are untouched.
    expect(stored.slots.map((s) => s.answers.find((a) => a.cluster.slug === 'froda')?.answer)).toEqual(['no', 'maybe']);
  });

  it('shows a refused post’s error in the form of the cluster it was for', async () => {
    await p.goto(`${server.url}/moten/${poll.id}?svara=vreta-kluster`);
    await p.getByRole('button', { name: 'Spara svaren för Vreta Kluster' }).click();
    await expect(p.getByRole('heading', { name: 'Svara för Vreta Kluster' }).count()).resolves.toBe(1);
    expect(await answerForms().count()).toBe(1);
    await expect(answerForms().getByRole('alert').textContent()).resolves.toBe('Svara för minst en tid.');
    // The page comes back at the form, so the error is in sight on a phone too.
    expect(await inView('#svar [role=alert]')).toBe(true);
  });

  it('an unknown cluster in the address falls back to the reader’s own; the links speak English on an English page', async () => {
    await p.goto(`${server.url}/sprak?till=en&tillbaka=/`);
    await p.goto(`${server.url}/moten/${poll.id}?svara=nosuch`);
    await expect(p.getByRole('heading', { name: 'Answer for Agro Örebro' }).count()).resolves.toBe(1);
    const nav = p.getByRole('navigation', { name: 'Which cluster are you answering for?' });
    await expect(nav.locator('a[aria-current="true"]').textContent()).resolves.toBe('Agro Örebro');
    expect(await nav.getByRole('link', { name: 'FRODA (has answered)' }).count()).toBe(1);
  });
});
