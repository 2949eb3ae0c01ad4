import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { inviteCoordinators, logInWithForm } from '../support/flows.ts';
import { TestSmtp } from '../support/smtp.ts';

// Events, co-hosting and workshop proposals, driven through the pages in Chromium. The three
// people act in browsers with JavaScript switched off (the pages ship none); a fourth browser
// with JavaScript runs axe-core on the same pages.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: RunningServer;
let smtp: TestSmtp;
let admin: Browser;
let a: Browser;
let b: Browser;
let checker: Browser;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const A = { email: 'anna@agro-orebro.example', name: 'Anna Agro', cluster: 'agro-orebro', clusterName: 'Agro Örebro' };
const B = { email: 'bo@froda.example', name: 'Bo Froda', cluster: 'froda', clusterName: 'FRODA' };

// Next year's May: in the future whenever the test runs, and the same month in every step.
const YEAR = new Date().getFullYear() + 1;
const MONTH = `${YEAR}-05`;
const DAY = `${MONTH}-12`;

const PROPOSAL_TITLE = 'Vattenhushållning när somrarna blir torrare';
const EVENT_TITLE = 'Vattenhushållning i ett torrare klimat';

// Filled in as the flow goes.
let proposalId = 0;
let eventId = 0;

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  server.createAdmin(ADMIN.email, ADMIN.password);
  [admin, a, b, checker] = await Promise.all([
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await Promise.all([admin, a, b, checker].map((x) => x?.close()));
  await server?.stop();
  await smtp?.stop();
});

const url = (path: string) => `${server.url}${path}`;

async function page(browser: Browser): Promise<Page> {
  const pages = browser.context.pages();
  return pages[0] ?? browser.context.newPage();
}

async function text(p: Page, selector = 'main'): Promise<string> {
  return (await p.locator(selector).first().textContent()) ?? '';
}

async function expectNoAxeViolations(p: Page, path: string) {
  await p.goto(url(path));
  const violations = await axeViolations(p);
  expect(violations, `${path}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

/** The checker browser takes over someone's session (or none), and a language. */
async function actAs(from: BrowserContext | null, lang: 'sv' | 'en' = 'sv') {
  await checker.context.clearCookies();
  const cookies = from ? (await from.cookies(server.url)).filter((c) => c.name !== 'samverka_lang') : [];
  await checker.context.addCookies([...cookies, { name: 'samverka_lang', value: lang, url: server.url }]);
}

describe('events and workshop proposals in Chromium', () => {
  it('lets the admin invite two coordinators, who log in from their mailed links without JavaScript', async () => {
    const p = await page(admin);
    await logInWithForm(p, server.url, ADMIN.email, ADMIN.password);

    await inviteCoordinators(p, server.url, smtp, [
      [A, await page(a)],
      [B, await page(b)],
    ]);

    for (const browser of [a, b]) {
      const q = await page(browser);
      // Coordinators get the calendar, their cluster and the proposals in the menu.
      const menu = q.getByRole('navigation', { name: 'Huvudmeny' });
      for (const name of ['Kalender', 'Mitt kluster', 'Förslag'])
        expect(await menu.getByRole('link', { name, exact: true }).count()).toBe(1);
    }
  });

  it('sends visitors to the login form from the proposals board and back afterwards', async () => {
    await actAs(null);
    const p = await page(checker);
    await p.goto(url('/forslag'));
    expect(new URL(p.url()).pathname).toBe('/logga-in');
    expect(new URL(p.url()).searchParams.get('tillbaka')).toBe('/forslag');
  });

  it('A proposes a workshop, B offers to co-host, A accepts and gets a draft event with B invited', async () => {
    const pa = await page(a);
    await pa.goto(url('/konto'));
    await pa.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Förslag', exact: true }).click();
    await pa.waitForURL(/\/forslag$/);
    await pa.getByRole('link', { name: 'Föreslå en workshop' }).click();
    await pa.waitForURL(/\/forslag\/nytt$/);
    // A missing theme is reported next to the group, and what was typed is kept.
    await pa.getByLabel('Titel').fill(PROPOSAL_TITLE);
    await pa.getByLabel('Sammanfattning').fill('Hur lantbruk och trädgård kan **spara vatten**.\n\n<script>alert(1)</script>');
    await pa.getByLabel('Format', { exact: true }).fill('Halvdagsworkshop på plats');
    await pa.getByLabel('Målgrupp').fill('Lantbrukare och rådgivare');
    await pa.getByLabel('Önskad period från').fill(`${MONTH}-10`);
    await pa.getByLabel('Önskad period till').fill(`${MONTH}-20`);
    await pa.getByRole('button', { name: 'Lämna förslaget' }).click();
    await expect(pa.locator('#themes-error').textContent()).resolves.toBe('Välj minst ett tema.');
    expect(await pa.getByLabel('Titel').inputValue()).toBe(PROPOSAL_TITLE);
    await pa.getByLabel('Krisberedskap och självförsörjning').check();
    await pa.getByLabel('Omvärldsbevakning').check();
    await pa.getByRole('button', { name: 'Lämna förslaget' }).click();
    await pa.waitForURL(/\/forslag\/\d+\?klart=created$/);
    proposalId = Number(/\/forslag\/(\d+)/.exec(pa.url())![1]);
    await expect(pa.locator('h1').textContent()).resolves.toBe(PROPOSAL_TITLE);
    // The abstract is the API's sanitised HTML: Markdown rendered, the script gone.
    expect(await pa.locator('.prose strong').textContent()).toBe('spara vatten');
    expect(await pa.locator('.prose script').count()).toBe(0);
    // The proposing cluster cannot answer its own proposal.
    expect(await pa.getByRole('button', { name: 'Vi erbjuder oss att samarrangera' }).count()).toBe(0);

    const pb = await page(b);
    await pb.goto(url('/forslag'));
    const item = pb.locator('li', { has: pb.getByRole('link', { name: PROPOSAL_TITLE }) });
    await expect(item.textContent()).resolves.toContain('Föreslaget av Agro Örebro');
    await expect(item.textContent()).resolves.toContain('0 kluster intresserade, 0 erbjudanden att samarrangera');
    await pb.getByRole('link', { name: PROPOSAL_TITLE }).click();
    await pb.waitForURL(new RegExp(`/forslag/${proposalId}$`));
    await pb.getByRole('button', { name: 'Vi är intresserade' }).click();
    await pb.waitForURL(/klart=response/);
    await pb.getByRole('button', { name: 'Vi erbjuder oss att samarrangera' }).click();
    // Same address as after the first answer: wait for the page to show the new state.
    await pb.getByRole('button', { name: 'Ta tillbaka erbjudandet' }).waitFor();
    await expect(text(pb)).resolves.toContain('FRODA har erbjudit sig att samarrangera.');
    await expect(pb.getByTestId('cohost-offers').textContent()).resolves.toContain('FRODA');
    // Taking the interest back and forth is a toggle.
    expect(await pb.getByRole('button', { name: 'Ta tillbaka vårt intresse' }).count()).toBe(1);
    await pb.getByLabel('Din kommentar').fill('Vi kan bidra med en fältvandring.');
    await pb.getByRole('button', { name: 'Skicka kommentaren' }).click();
    await pb.waitForURL(/klart=comment/);
    await expect(text(pb, '.comment')).resolves.toContain('Vi kan bidra med en fältvandring.');
    // Only the proposing cluster decides.
    expect(await pb.getByRole('button', { name: 'Anta och skapa evenemanget' }).count()).toBe(0);

    await pa.goto(url(`/forslag/${proposalId}`));
    await expect(pa.getByTestId('cohost-offers').textContent()).resolves.toContain('FRODA');
    await pa.getByLabel('Börjar (valfritt)').fill(`${DAY}T09:00`);
    await pa.getByLabel('Slutar (valfritt)').fill(`${DAY}T16:00`);
    await pa.getByRole('button', { name: 'Anta och skapa evenemanget' }).click();
    await pa.waitForURL(/\/evenemang\/\d+\/redigera#main$/);
    eventId = Number(/\/evenemang\/(\d+)/.exec(pa.url())![1]);
    expect(await pa.getByLabel('Titel').inputValue()).toBe(PROPOSAL_TITLE);
    expect(await pa.getByLabel('Börjar').inputValue()).toBe(`${DAY}T09:00`);

    await pa.goto(url(`/forslag/${proposalId}`));
    await expect(text(pa)).resolves.toContain('Förslaget är antaget');
    expect(await pa.getByRole('link', { name: 'Till evenemanget' }).getAttribute('href')).toBe(`/evenemang/${eventId}`);
  });

  it('B accepts the co-host invitation on the dashboard; A and B both edit the event; one publishes it', async () => {
    const pa = await page(a);
    await pa.goto(url(`/evenemang/${eventId}/redigera`));
    await pa.getByLabel('Titel').fill(EVENT_TITLE);
    await pa.getByLabel('Lokal eller plats').fill('Länsgården');
    await pa.getByLabel('Län', { exact: true }).selectOption('orebro-lan');
    await pa.getByRole('button', { name: 'Spara' }).click();
    await pa.waitForURL(new RegExp(`/evenemang/${eventId}\\?klart=saved`));
    await expect(pa.locator('h1').textContent()).resolves.toBe(EVENT_TITLE);
    await expect(pa.getByTestId('cohosts').textContent()).resolves.toContain('inbjuden, har inte svarat');

    const pb = await page(b);
    await pb.goto(url('/mitt-kluster'));
    const invitations = pb.getByTestId('invitations');
    await expect(invitations.textContent()).resolves.toContain(EVENT_TITLE);
    await expect(invitations.textContent()).resolves.toContain('Agro Örebro bjuder in FRODA');
    await pb.getByRole('button', { name: 'Tacka ja för FRODA' }).click();
    await pb.waitForURL(/\/mitt-kluster\?klart=accepted$/);
    await expect(pb.getByRole('status').textContent()).resolves.toContain('medarrangörer');
    // The draft is now FRODA's too.
    const drafts = pb.locator('section', { has: pb.getByRole('heading', { name: 'FRODA', exact: true }) });
    await expect(drafts.textContent()).resolves.toContain(EVENT_TITLE);

    await pb.getByRole('link', { name: EVENT_TITLE }).first().click();
    await pb.waitForURL(new RegExp(`/evenemang/${eventId}$`));
    await pb.getByRole('link', { name: 'Redigera evenemanget' }).click();
    await pb.getByLabel('Adress', { exact: true }).fill('Stora gatan 1, 702 10 Örebro');
    await pb.getByLabel('Antal platser').fill('40');
    await pb.getByRole('button', { name: 'Spara' }).click();
    await pb.waitForURL(new RegExp(`/evenemang/${eventId}\\?klart=saved`));
    await expect(text(pb, 'dl.facts')).resolves.toContain('Stora gatan 1, 702 10 Örebro');
    await expect(text(pb, 'dl.facts')).resolves.toContain('Länsgården');
    await pb.getByRole('button', { name: 'Publicera evenemanget' }).click();
    await pb.waitForURL(new RegExp(`/evenemang/${eventId}\\?klart=published`));
    await expect(pb.getByRole('status').textContent()).resolves.toContain('publicerat');

    // Seen by a visitor: both organisers, time in Swedish, no management.
    await actAs(null);
    const pv = await page(checker);
    await pv.goto(url(`/evenemang/${eventId}`));
    await expect(pv.getByTestId('organisers').textContent()).resolves.toMatch(/Agro Örebro.*huvudarrangör.*FRODA.*medarrangör/s);
    await expect(text(pv, 'dl.facts')).resolves.toContain('09:00–16:00');
    expect(await pv.getByRole('heading', { name: 'Hantera evenemanget' }).count()).toBe(0);
    expect(await pv.locator('script').count()).toBe(0);

    // Both clusters' profiles list it, naming both organisers, and so does the calendar for its month.
    for (const slug of ['agro-orebro', 'froda']) {
      await pv.goto(url(`/kluster/${slug}`));
      await expect(pv.getByTestId('cluster-events').textContent()).resolves.toContain(EVENT_TITLE);
      await expect(pv.getByTestId('cluster-events').textContent()).resolves.toContain('Arrangörer: Agro Örebro, FRODA');
    }
    await pv.goto(url(`/kalender?manad=${MONTH}`));
    const cell = pv.locator('table.month td', { has: pv.getByRole('link', { name: EVENT_TITLE }) });
    expect(await cell.count()).toBe(1);
    await expect(cell.locator('.day-number [aria-hidden]').textContent()).resolves.toBe('12');
    await expect(cell.textContent()).resolves.toContain('09:00');

    // The change log tells the organisers who did what.
    await pa.goto(url(`/evenemang/${eventId}`));
    const log = await text(pa, 'table');
    for (const entry of ['Skapades', 'Ändrades', 'Medarrangör tackade ja', 'Publicerades', 'Anna Agro', 'Bo Froda'])
      expect(log).toContain(entry);
  });

  it('warns about a clash when a second event is created at the same time, and marks a cancelled event', async () => {
    const pa = await page(a);
    await pa.goto(url('/mitt-kluster'));
    await pa.getByRole('link', { name: 'Skapa ett evenemang' }).first().click();
    await pa.waitForURL(/\/evenemang\/nytt/);
    // Missing fields are all marked at once, and what was typed is kept. (The title is
    // `required`, which the browser checks itself before posting.)
    await pa.getByLabel('Titel').fill('Styrelsemöte Agro Örebro');
    await pa.getByLabel('Lokal eller plats').fill('Digitalt');
    await pa.getByRole('button', { name: 'Skapa utkast' }).click();
    await expect(pa.locator('#themes-error').textContent()).resolves.toBe('Välj minst ett tema.');
    await expect(pa.locator('#f-start-error').textContent()).resolves.toBe('Ange datum och klockslag.');
    await expect(pa.locator('#f-end-error').textContent()).resolves.toBe('Ange datum och klockslag.');
    await expect(pa.getByRole('alert').textContent()).resolves.toContain('Formuläret har fel');
    expect(await pa.getByLabel('Titel').inputValue()).toBe('Styrelsemöte Agro Örebro');
    expect(await pa.getByLabel('Lokal eller plats').inputValue()).toBe('Digitalt');

    await pa.getByLabel('Typ av evenemang').selectOption('network_meeting');
    await pa.getByLabel('Regler och villkor').check();
    await pa.getByLabel('Börjar').fill(`${DAY}T13:00`);
    await pa.getByLabel('Slutar').fill(`${DAY}T14:30`);
    // An error from the API lands next to its field too.
    await pa.getByLabel('Länk till digitalt möte (https://…)').fill('ftp://example.se/möte');
    await pa.getByRole('button', { name: 'Skapa utkast' }).click();
    await expect(pa.locator('#f-onlineUrl-error').textContent()).resolves.toContain('https://');
    await pa.getByLabel('Länk till digitalt möte (https://…)').fill('https://meet.example.se/styrelse');
    await pa.getByRole('button', { name: 'Skapa utkast' }).click();
    await pa.waitForURL(/\/evenemang\/\d+\?klart=created&krockar=1$/);
    const clashId = Number(/\/evenemang\/(\d+)/.exec(pa.url())![1]);
    const warning = pa.locator('section.warning');
    await expect(warning.getByRole('heading').textContent()).resolves.toBe('Krockar med andra evenemang');
    expect(await warning.getByRole('link', { name: EVENT_TITLE }).getAttribute('href')).toBe(`/evenemang/${eventId}`);

    // Published, then cancelled: the calendar keeps it, marked, and the page says why.
    await pa.getByRole('button', { name: 'Publicera evenemanget' }).click();
    await pa.waitForURL(/klart=published/);
    await pa.getByLabel('Anledning (visas för alla)').fill('Krockar med workshoppen om vatten');
    await pa.getByRole('button', { name: 'Ställ in' }).click();
    await pa.waitForURL(/klart=cancelled/);
    await expect(text(pa, '.cancelled-banner')).resolves.toContain('INSTÄLLT');
    await expect(text(pa, '.cancelled-banner')).resolves.toContain('Krockar med workshoppen om vatten');
    await pa.goto(url(`/kalender?manad=${MONTH}`));
    const item = pa.locator('table.month li', { has: pa.getByRole('link', { name: 'Styrelsemöte Agro Örebro' }) });
    await expect(item.textContent()).resolves.toContain('INSTÄLLT');
    expect(await pa.locator(`a[href="/evenemang/${clashId}"]`).count()).toBe(1);
  });

  it('creates a recurring series and moves this and the following occurrences', async () => {
    const pa = await page(a);
    await pa.goto(url('/evenemang/serie'));
    await pa.getByLabel('Titel').fill('Nätverksträff');
    await pa.getByLabel('Metoder och arbetssätt').check();
    await pa.getByLabel('Upprepningsregel (RRULE)').fill('FREQ=MONTHLY;BYDAY=+2TU;COUNT=3');
    await pa.getByLabel('Första datum (regeln räknas härifrån)').fill(`${YEAR}-09-01`);
    await pa.getByLabel('Starttid').fill('10:00');
    await pa.getByLabel('Sluttid').fill('11:00');
    await pa.getByLabel('Länk till digitalt möte (https://…)').fill('https://meet.example.se/natverk');
    await pa.getByLabel('Publicera alla tillfällen direkt').check();
    await pa.getByRole('button', { name: 'Skapa serien' }).click();
    await pa.waitForURL(/\/evenemang\/serie\/\d+\?klart=series/);
    const seriesUrl = pa.url();
    const occurrences = pa.locator('ul.event-list li a');
    expect(await occurrences.count()).toBe(3);
    const second = (await occurrences.nth(1).getAttribute('href'))!;
    const last = (await occurrences.nth(2).getAttribute('href'))!;
    // "tisdag 10 november 2027, 10:00": the date the last meeting must keep.
    const lastDate = (await occurrences.nth(2).textContent())!.split(',')[0]!;
    expect(lastDate).toMatch(/^tisdag /);

    await pa.goto(url(`${second}/redigera`));
    const date = (await pa.getByLabel('Börjar').inputValue()).slice(0, 10);
    expect(await pa.getByLabel('Börjar').inputValue()).toBe(`${date}T10:00`);
    await pa.getByLabel('Börjar').fill(`${date}T13:00`);
    await pa.getByLabel('Slutar').fill(`${date}T14:00`);
    await pa.getByLabel('Det här och alla följande tillfällen').check();
    await pa.getByRole('button', { name: 'Spara' }).click();
    await pa.waitForURL(/klart=saved/);
    await pa.goto(url(last));
    await expect(text(pa, 'dl.facts')).resolves.toContain(`${lastDate}, 13:00–14:00`);
    // The earlier meeting keeps its time.
    await pa.goto(seriesUrl);
    await expect(occurrences.nth(0).textContent()).resolves.toContain('10:00');
    await expect(occurrences.nth(1).textContent()).resolves.toContain('13:00');
  });

  it('keeps the calendar filters in the URL across views and when the link is shared', async () => {
    await actAs(null);
    const p = await page(checker);
    await p.goto(url(`/kalender?manad=${MONTH}`));
    await p.getByLabel('Tema').selectOption('krisberedskap');
    await p.getByLabel('Kluster', { exact: true }).selectOption('froda');
    await p.getByRole('button', { name: 'Visa' }).click();
    await p.waitForURL(/tema=krisberedskap/);
    const shared = new URL(p.url());
    expect(shared.searchParams.get('manad')).toBe(MONTH);
    expect(shared.searchParams.get('kluster')).toBe('froda');
    expect(await p.getByRole('link', { name: EVENT_TITLE }).count()).toBe(1);
    expect(await p.getByRole('link', { name: 'Styrelsemöte Agro Örebro' }).count()).toBe(0);

    // Month links and the list view keep the filters.
    expect(new URL(url((await p.getByRole('link', { name: /juni/ }).getAttribute('href'))!)).searchParams.get('kluster')).toBe('froda');
    await p.getByRole('navigation', { name: 'Visning' }).getByRole('link', { name: 'Lista' }).click();
    await p.waitForURL(/vy=lista/);
    expect(new URL(p.url()).searchParams.get('tema')).toBe('krisberedskap');
    expect(await p.getByRole('navigation', { name: 'Visning' }).getByRole('link', { name: 'Lista' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await p.getByRole('link', { name: EVENT_TITLE }).count()).toBe(1);

    // The shared address opens the same view, with the choices shown in the form.
    const fresh = await checker.context.newPage();
    await fresh.goto(shared.toString());
    expect(await fresh.getByLabel('Tema').inputValue()).toBe('krisberedskap');
    expect(await fresh.getByLabel('Kluster', { exact: true }).inputValue()).toBe('froda');
    expect(await fresh.getByRole('link', { name: EVENT_TITLE }).count()).toBe(1);
    await fresh.goto(url(`/kalender?manad=${MONTH}&kluster=agro-sormland`));
    expect(await fresh.getByRole('link', { name: EVENT_TITLE }).count()).toBe(0);
    await fresh.close();
  });

  it('has no axe-core violations on the calendar, event, form, proposal and dashboard pages', async () => {
    const p = await page(checker);
    for (const lang of ['sv', 'en'] as const) {
      await actAs(null, lang);
      for (const path of [
        `/kalender?manad=${MONTH}`,
        '/kalender?vy=lista',
        `/kalender?manad=${MONTH}&tema=finns-inte`,
        `/evenemang/${eventId}`,
        '/kluster/froda',
      ]) {
        await expectNoAxeViolations(p, path);
      }
    }
    for (const lang of ['sv', 'en'] as const) {
      await actAs(a.context, lang);
      for (const path of [
        `/evenemang/${eventId}`,
        `/evenemang/${eventId}?krockar=1`,
        `/evenemang/${eventId}/redigera`,
        '/evenemang/nytt',
        '/evenemang/serie',
        '/forslag',
        '/forslag/nytt',
        `/forslag/${proposalId}`,
        '/mitt-kluster',
      ]) {
        await expectNoAxeViolations(p, path);
      }
    }
    // A form showing its errors.
    await actAs(a.context);
    await p.goto(url('/evenemang/nytt'));
    await p.getByLabel('Titel').fill('Utan tid');
    await p.getByLabel('Latitud').fill('59.27');
    await p.getByRole('button', { name: 'Skapa utkast' }).click();
    await p.waitForSelector('.field-error');
    const violations = await axeViolations(p);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    // And a proposal still open, with the answer and decision forms.
    await actAs(b.context);
    const pb = await page(b);
    await pb.goto(url('/forslag/nytt'));
    await pb.getByLabel('Titel').fill('Kapital till gröna företag');
    await pb.getByLabel('Sammanfattning').fill('Vilka finansieringsvägar finns?');
    await pb.getByLabel('Kapitalförsörjning').check();
    await pb.getByLabel('Format', { exact: true }).fill('Webbinarium');
    await pb.getByLabel('Målgrupp').fill('Företagare');
    await pb.getByLabel('Önskad period från').fill(`${YEAR}-06-01`);
    await pb.getByLabel('Önskad period till').fill(`${YEAR}-06-30`);
    await pb.getByRole('button', { name: 'Lämna förslaget' }).click();
    await pb.waitForURL(/klart=created/);
    const open = new URL(pb.url()).pathname;
    await expectNoAxeViolations(p, open);
    await actAs(a.context);
    await expectNoAxeViolations(p, open);
  });
});
