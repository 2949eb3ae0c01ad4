import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { logInWithForm } from '../support/flows.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// Input that passes the web app's own checks but not the API's: the refusal comes back as
// codes, and the page shows the catalogue's Swedish text next to each field, never the API's
// English message, and keeps what was typed. JavaScript is off, as for every visitor.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: RunningServer;
let browser: Browser;
let p: Page;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const Y = new Date().getFullYear() + 2;

beforeAll(async () => {
  server = await startServer();
  server.createAdmin(ADMIN.email, ADMIN.password);
  browser = await launchBrowser({ javaScriptEnabled: false });
  p = await browser.context.newPage();
  await logInWithForm(p, server.url, ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const url = (path: string) => `${server.url}${path}`;
const errorOf = (field: string) => p.locator(`#f-${field}-error`).textContent();

/** The page shows none of the API's English texts for the refusal (error message and details). */
async function expectNoApiText(...texts: string[]) {
  const page = (await p.locator('main').textContent()) ?? '';
  for (const t of texts) expect(page).not.toContain(t);
  await expect(p.getByRole('alert').textContent()).resolves.toContain('Formuläret har fel');
}

/**
 * Lets a form post what the browser's own checks (type="email", type="url") would stop, as a
 * browser without them would: the web app and the API must still answer in the reader's words.
 */
async function skipBrowserChecks() {
  await p
    .locator('main form')
    .first()
    .evaluate((form) => {
      (form as HTMLFormElement).noValidate = true;
    });
}

describe('API refusals are shown in Swedish next to their fields', () => {
  it('event: an end before the start and a link that is not a web address', async () => {
    await p.goto(url('/evenemang/nytt'));
    await p.getByLabel('Huvudarrangör (kluster)').selectOption('agro-orebro');
    await p.getByLabel('Titel').fill('Markdagen');
    await p.getByLabel('Typ av evenemang').selectOption('workshop');
    await p.getByLabel('Krisberedskap och självförsörjning').check();
    await p.getByLabel('Börjar').fill(`${Y}-05-14T16:00`);
    await p.getByLabel('Slutar').fill(`${Y}-05-14T09:00`);
    await p.getByLabel('Länk till digitalt möte (https://…)').fill('ftp://example.se/möte');
    await p.getByRole('button', { name: 'Skapa utkast' }).click();
    await expect(errorOf('end')).resolves.toBe('Slutet måste komma efter början.');
    await expect(errorOf('onlineUrl')).resolves.toBe('Skriv en webbadress som börjar med https://.');
    await expectNoApiText('the end is not after the start', 'must be a web address', 'The event has');
    expect(await p.getByLabel('Titel').inputValue()).toBe('Markdagen');
    expect(await p.getByLabel('Slutar').inputValue()).toBe(`${Y}-05-14T09:00`);
  });

  it('poll: candidate times and a closing time that have passed', async () => {
    await p.goto(url('/moten/nytt'));
    await p.getByLabel('Arrangerande kluster').selectOption('agro-orebro');
    await p.getByLabel('Titel').fill('Planeringsmöte');
    await p.getByLabel('Mötets längd i minuter').fill('60');
    await p.getByRole('group', { name: 'Inbjudna kluster' }).getByLabel('FRODA', { exact: true }).check();
    await p.getByLabel('Tid 1', { exact: true }).fill('2020-02-05T10:00');
    await p.getByLabel('Tid 2', { exact: true }).fill('2020-02-06T10:00');
    await p.getByLabel('Svar senast (datum och klockslag, svensk tid)').fill('2020-01-20T12:00');
    // The inputs' `min` stops past times in the browser; the server must still say it in Swedish.
    await skipBrowserChecks();
    await p.getByRole('button', { name: 'Starta förfrågan' }).click();
    await expect(errorOf('slot0')).resolves.toBe('Tiden har redan varit. Välj en tid framåt.');
    await expect(errorOf('slot1')).resolves.toBe('Tiden har redan varit. Välj en tid framåt.');
    await expect(errorOf('closes')).resolves.toBe('Svarstiden måste gå ut i framtiden.');
    await expectNoApiText('is in the past', 'the poll must close in the future', 'The poll has');
    expect(await p.getByLabel('Tid 2', { exact: true }).inputValue()).toBe('2020-02-06T10:00');
  });

  it('proposal: a period that ends before it starts', async () => {
    await p.goto(url('/forslag/nytt'));
    await p.getByLabel('Föreslås av (kluster)').selectOption('agro-orebro');
    await p.getByLabel('Titel').fill('Workshop om vatten');
    await p.getByLabel('Sammanfattning').fill('Hur lantbruket kan spara vatten.');
    await p.getByLabel('Krisberedskap och självförsörjning').check();
    await p.getByLabel('Format', { exact: true }).fill('Halvdag på plats');
    await p.getByLabel('Målgrupp').fill('Lantbrukare');
    await p.getByLabel('Önskad period från').fill(`${Y}-10-01`);
    await p.getByLabel('Önskad period till').fill(`${Y}-09-01`);
    await p.getByRole('button', { name: 'Lämna förslaget' }).click();
    await expect(errorOf('preferredTo')).resolves.toBe('Perioden slutar innan den börjar.');
    await expectNoApiText('the period ends before it starts', 'The proposal has');
    expect(await p.getByLabel('Målgrupp').inputValue()).toBe('Lantbrukare');
  });

  it('horizon item: a link that is no web address', async () => {
    await p.goto(url('/omvarld/nytt'));
    await skipBrowserChecks();
    await p.getByLabel('Titel').fill('Utlysning om vatten');
    await p.getByLabel('Länk (https://…)').fill('https://ex%ample.se/utlysning');
    await p.getByLabel('Källa (till exempel Jordbruksverket)').fill('Jordbruksverket');
    await p.getByLabel('Sammanfattning').fill('Stöd till projekt som sparar vatten.');
    await p.getByLabel('Kapitalförsörjning').check();
    await p.getByRole('button', { name: 'Lägg upp' }).click();
    await expect(errorOf('url')).resolves.toBe('Skriv en webbadress som börjar med https://.');
    await expectNoApiText('must be a web address', 'The item has');
    expect(await p.getByLabel('Källa (till exempel Jordbruksverket)').inputValue()).toBe('Jordbruksverket');
  });

  it('subscription: an address the API does not take', async () => {
    await p.goto(url('/prenumeration'));
    await skipBrowserChecks();
    await p.getByLabel('Din e-postadress').fill('lena@-gard.example');
    await p.getByRole('group', { name: 'Kluster att följa' }).getByLabel('FRODA', { exact: true }).check();
    await p.getByRole('button', { name: 'Prenumerera' }).click();
    await expect(errorOf('email')).resolves.toBe('Skriv en giltig e-postadress, till exempel namn@example.se.');
    await expectNoApiText('not a valid email address', 'not an email address');
    expect(await p.getByLabel('Din e-postadress').inputValue()).toBe('lena@-gard.example');
  });
});
