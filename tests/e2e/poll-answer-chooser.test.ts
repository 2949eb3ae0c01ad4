import { callApi } from '../support/api.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { launchBrowser } from '../support/browser.ts';
import { adminCoordinatingInBrowser } from '../support/flows.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// A reader who may answer a scheduling poll for several clusters (the secretariat may answer for
// every cluster in it) gets one answer form at a time and a chooser of whose, in Chromium with
// JavaScript off: the form of their own cluster first, the chosen one after a reload, an answer
// saved for the cluster it names, and a refused post's error in that cluster's form.

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
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const answerForms = () => p.locator('main section.answer-card');
const chooser = () => p.getByLabel('Kluster', { exact: true });

describe('answering a poll for one of several clusters', () => {
  it('shows one answer form, the reader’s own cluster first, and a chooser of all four that marks who has answered', async () => {
    await p.goto(`${server.url}/moten/${poll.id}`);
    expect(await answerForms().count()).toBe(1);
    await expect(p.getByRole('heading', { name: 'Svara för Agro Örebro' }).count()).resolves.toBe(1);
    expect(await p.locator('fieldset.answer-choices').count()).toBe(2);
    const options = await chooser().locator('option').allTextContents();
    expect(options.toSorted()).toEqual(['Agro Väst', 'Agro Örebro', 'FRODA (har svarat)', 'Vreta Kluster'].toSorted());
    await expect(chooser().inputValue()).resolves.toBe('agro-orebro');
  });

  it('opens the chosen cluster’s form with its stored answers, and keeps the time zone asked for', async () => {
    await p.goto(`${server.url}/moten/${poll.id}?tz=Europe/London`);
    await chooser().selectOption('froda');
    await p.getByRole('button', { name: 'Visa svarsformuläret' }).click();
    await p.waitForURL((u) => u.searchParams.get('svara') === 'froda' && u.searchParams.get('tz') === 'Europe/London');
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
    await p.waitForURL(/\?svara=agro-vast&klart=answered$/);
    await expect(p.getByRole('status').textContent()).resolves.toBe('Svaren är sparade.');
    await expect(p.getByRole('heading', { name: 'Svara för Agro Väst' }).count()).resolves.toBe(1);
    expect(await chooser().locator('option:checked').textContent()).toBe('Agro Väst (har svarat)');
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
  });

  it('an unknown cluster in the address falls back to the reader’s own; the chooser speaks English on an English page', async () => {
    await p.goto(`${server.url}/sprak?till=en&tillbaka=/`);
    await p.goto(`${server.url}/moten/${poll.id}?svara=nosuch`);
    await expect(p.getByRole('heading', { name: 'Answer for Agro Örebro' }).count()).resolves.toBe(1);
    await expect(p.getByLabel('Cluster', { exact: true }).inputValue()).resolves.toBe('agro-orebro');
    expect(await p.getByRole('button', { name: 'Show the answer form' }).count()).toBe(1);
  });
});
