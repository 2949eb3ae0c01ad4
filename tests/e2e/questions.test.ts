import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../support/api.ts';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { eventInput } from '../support/fixtures.ts';
import { inviteCoordinators, logInWithForm } from '../support/flows.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { TestSmtp } from '../support/smtp.ts';

// Issue 12: a coordinator copies last year's workshop, adds two registration questions with the
// questions page (no JavaScript: "add another question" is a post) and publishes the copy; a
// participant on a 375-px phone answers them in Swedish; the organiser sees the answers in the
// attendee list and in the spreadsheet exports.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: RunningServer;
let smtp: TestSmtp;
let adminBrowser: Browser;
let coordBrowser: Browser;
let phoneBrowser: Browser;
let coord: Page;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const COORD = { email: 'kim@agro.example', name: 'Kim Koordinator', cluster: 'agro-orebro' };
const YEAR = new Date().getFullYear() + 1;
const TITLE = 'Workshop om vattenförsörjning';
let originalId = 0;
let copyId = 0;

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  server.createAdmin(ADMIN.email, ADMIN.password);
  [adminBrowser, coordBrowser, phoneBrowser] = await Promise.all([
    launchBrowser(),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser(),
  ]);
  const login = await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN);
  expect(login.status).toBe(200);
  const token = login.body.token as string;
  // Last year's workshop, as the network already has it.
  const created = await callApi(
    server.url,
    token,
    'POST',
    '/api/events',
    eventInput({ title: TITLE, start: `${YEAR}-03-10T09:00`, end: `${YEAR}-03-10T12:00`, capacity: 20 }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  originalId = (created.body.event as { id: number }).id;
  expect((await callApi(server.url, token, 'POST', `/api/events/${originalId}/publish`)).status).toBe(200);

  const admin = await adminBrowser.context.newPage();
  await logInWithForm(admin, server.url, ADMIN.email, ADMIN.password);
  coord = await coordBrowser.context.newPage();
  await inviteCoordinators(admin, server.url, smtp, [[COORD, coord]]);
});

afterAll(async () => {
  await Promise.all([adminBrowser, coordBrowser, phoneBrowser].map((b) => b?.close()));
  await server?.stop();
  await smtp?.stop();
});

const url = (path: string) => `${server.url}${path}`;

/**
 * The page fits a 320-px phone without sideways scrolling (the viewport is restored after), and
 * passes axe-core, run as the admin in a browser with JavaScript (axe is a script).
 */
async function fitsPhone(p: Page) {
  const before = p.viewportSize();
  await p.setViewportSize({ width: 320, height: 640 });
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  if (before) await p.setViewportSize(before);
  const checker = await adminBrowser.context.newPage();
  await checker.goto(p.url());
  expect(await axeViolations(checker)).toEqual([]);
  await checker.close();
}

describe('registration questions on a copied event', () => {
  it('the coordinator copies the event to a new date, adds two questions and publishes the copy', async () => {
    await coord.goto(url(`/evenemang/${originalId}`));
    await coord.getByRole('link', { name: 'Kopiera evenemanget' }).click();
    await fitsPhone(coord);
    // The original's time is beside the field for the new one.
    await expect(coord.locator('#f-start-hint').textContent()).resolves.toMatch(
      new RegExp(`^Evenemanget du kopierar: [a-zåäö]+dag 10 mars ${YEAR}, 09:00–12:00\\.$`),
    );
    await coord.getByLabel('Kopian börjar').fill(`${YEAR + 1}-03-09T13:00`);
    await coord.getByRole('button', { name: 'Skapa kopian' }).click();
    await coord.waitForURL(/\/evenemang\/\d+\?klart=copied$/);
    copyId = Number(/\/evenemang\/(\d+)\?/.exec(coord.url())![1]);
    await expect(coord.getByRole('status').first().textContent()).resolves.toContain('Kopian är skapad som utkast');
    expect(copyId).not.toBe(originalId);
    await expect(coord.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(TITLE);

    await coord.getByRole('link', { name: 'Frågor vid anmälan' }).click();
    await fitsPhone(coord);
    const row = (n: number) => coord.getByRole('group', { name: `Fråga ${n}`, exact: true });
    await row(1).getByLabel('Frågans text').fill('Vilket pass väljer du?');
    await row(1).getByLabel('Typ av svar').selectOption('single_choice');
    await row(1).getByLabel('Svaret är obligatoriskt').check();
    await row(1).getByLabel('Svarsalternativ, ett per rad').fill('Förmiddag\nEftermiddag');
    // Without JavaScript, another row is a post that keeps what was typed.
    await coord.getByRole('button', { name: 'Lägg till en fråga till' }).click();
    expect(await row(1).getByLabel('Frågans text').inputValue()).toBe('Vilket pass väljer du?');
    await row(2).getByLabel('Frågans text').fill('Driver du en gård?');
    await row(2).getByLabel('Typ av svar').selectOption('yes_no');
    await row(2).getByLabel('Svaret är obligatoriskt').check();
    await coord.getByRole('button', { name: 'Spara frågorna' }).click();
    await expect(coord.getByRole('status').textContent()).resolves.toContain('Frågorna är sparade.');

    await coord.getByRole('link', { name: 'Tillbaka till evenemanget' }).click();
    await coord.getByRole('button', { name: 'Publicera evenemanget' }).click();
    await coord.waitForURL(/klart=published/);
  });

  it('a participant on a 375-px phone answers the questions in Swedish; a missing answer is shown next to its question', async () => {
    const p = await phoneBrowser.context.newPage();
    await p.setViewportSize({ width: 375, height: 800 });
    await p.goto(url(`/evenemang/${copyId}`));
    await p.getByLabel('Namn', { exact: true }).fill('Pia Deltagare');
    await p.getByLabel('E-postadress', { exact: true }).fill('pia@gard.example');
    await p.getByLabel('Organisation eller företag', { exact: true }).fill('Piagården');
    await p.getByRole('group', { name: 'Vilket pass väljer du?' }).getByLabel('Eftermiddag').check();
    await p.getByLabel('Jag godkänner', { exact: false }).check();
    // As a browser without its own checks would post it: the yes/no question unanswered.
    await p.locator('form[action="?/register#anmalan"]').evaluate((form) => {
      (form as HTMLFormElement).noValidate = true;
    });
    await p.getByRole('button', { name: /Anmäl/ }).click();
    const farm = p.getByRole('group', { name: 'Driver du en gård?' });
    await expect(farm.locator('.field-error').textContent()).resolves.toBe('Fyll i fältet.');
    // What was typed and chosen stays.
    expect(await p.getByLabel('Namn', { exact: true }).inputValue()).toBe('Pia Deltagare');
    expect(await p.getByRole('group', { name: 'Vilket pass väljer du?' }).getByLabel('Eftermiddag').isChecked()).toBe(true);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeViolations(p)).toEqual([]);

    await farm.getByLabel('Ja').check();
    // A choice the event does not offer (a tampered post) is refused by core, and its message
    // (detail answers/<id>) lands next to that question.
    const pass = p.getByRole('group', { name: 'Vilket pass väljer du?' });
    await pass.getByLabel('Eftermiddag').evaluate((input) => {
      (input as HTMLInputElement).value = 'Natt';
    });
    await p.getByRole('button', { name: /Anmäl/ }).click();
    await expect(pass.locator('.field-error').textContent()).resolves.toBe('Välj ett alternativ i listan.');
    expect(await p.getByRole('group', { name: 'Driver du en gård?' }).getByLabel('Ja').isChecked()).toBe(true);

    await pass.getByLabel('Eftermiddag').check();
    await p.getByRole('button', { name: /Anmäl/ }).click();
    await p.waitForURL(/\/anmalan\/[\w-]+/);
    // The participant's own page shows the answers with the questions as asked.
    const details = (await p.locator('dl.facts').textContent()) ?? '';
    expect(details).toMatch(/Vilket pass väljer du\?\s*Eftermiddag/);
    expect(details).toMatch(/Driver du en gård\?\s*Ja/);
    await p.close();
  });

  it('the organiser sees the answers in the attendee list and in the exports', async () => {
    await coord.goto(url(`/evenemang/${copyId}/deltagare`));
    const table = coord.getByTestId('attendees');
    const headers = await table.locator('thead th').allTextContents();
    expect(headers.slice(-2)).toEqual(['Vilket pass väljer du?', 'Driver du en gård?']);
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(-2)).toEqual(['Eftermiddag', 'Ja']);

    const csv = await coordBrowser.context.request.get(url(`/evenemang/${copyId}/deltagare.csv`));
    expect(csv.status()).toBe(200);
    const rows = parse((await csv.text()).replace(/^\uFEFF/, ''), { delimiter: ';', record_delimiter: '\r\n' }) as string[][];
    expect(rows[0]!.slice(-2)).toEqual(['Vilket pass väljer du?', 'Driver du en gård?']);
    expect(rows[1]!.slice(-2)).toEqual(['Eftermiddag', 'Ja']);

    const xlsx = await coordBrowser.context.request.get(url(`/evenemang/${copyId}/deltagare.xlsx`));
    expect(xlsx.status()).toBe(200);
    // Read back cell by cell with exceljs in apps/api/test/exports.test.ts; here: the organiser gets the file.
    expect(xlsx.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');

    // The original keeps its date and has no questions and no registrations.
    const original = await callApi(server.url, null, 'GET', `/api/events/${originalId}`);
    expect(original.body.start).toBe(`${YEAR}-03-10T09:00`);
    expect((await callApi(server.url, null, 'GET', `/api/events/${originalId}/questions`)).body).toEqual([]);
  });
});
