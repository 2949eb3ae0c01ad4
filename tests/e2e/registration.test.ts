import { callApi } from '../support/api.ts';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { expectValidItip } from '../support/libical.ts';
import { readWithIcalJs } from '../support/ics-readers.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { eventInput } from '../support/fixtures.ts';
import { TestSmtp, toAddress } from '../support/smtp.ts';

// Registration for an event with one seat, driven through the pages in Chromium with JavaScript
// switched off (the pages ship none): a seat, the waiting list, the mailed manage link,
// cancelling and the promotion that follows, the organisers' attendee list with check-in, the
// CSV and a message to everyone. A browser with JavaScript runs axe-core on the same pages.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: RunningServer;
let smtp: TestSmtp;
let people: Browser;
let organiser: Browser;
let outsider: Browser;
let checker: Browser;
let adminToken = '';

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const P1 = { name: 'Pia Ett', email: 'pia@gard.example', organisation: 'Ettgården AB' };
const P2 = { name: 'Per Två', email: 'per@skog.example', organisation: 'Tvåskogen' };
const P3 = { name: 'Formel Tre', email: 'formel@example.se', organisation: '=1+1' };
const OUTSIDER = { email: 'olle@froda.example', name: 'Olle Froda' };

const YEAR = new Date().getFullYear() + 1;
const TITLE = 'Markdagen om kolinlagring';
let eventId = 0;
let p1Link = '';
let p2Link = '';
let p3Link = '';

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  server.createAdmin(ADMIN.email, ADMIN.password);
  [people, organiser, outsider, checker] = await Promise.all([
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser(),
  ]);

  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  adminToken = ((await login.json()) as { token: string }).token;
  // Admins may create events for any cluster.
  const created = await api(
    'POST',
    '/api/events',
    eventInput({ title: TITLE, start: `${YEAR}-04-14T09:00`, end: `${YEAR}-04-14T15:00`, venueName: 'Försöksgården', capacity: 1 }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  eventId = (created.body.event as { id: number }).id;
  expect((await api('POST', `/api/events/${eventId}/publish`)).status).toBe(200);
});

afterAll(async () => {
  await Promise.all([people, organiser, outsider, checker].map((x) => x?.close()));
  await server?.stop();
  await smtp?.stop();
});

const url = (path: string) => `${server.url}${path}`;
const eventPath = () => `/evenemang/${eventId}`;

const api = (method: string, path: string, body?: unknown) => callApi(server.url, adminToken, method, path, body);

async function attendees() {
  const res = await api('GET', `/api/events/${eventId}/registrations`);
  expect(res.status).toBe(200);
  return res.body as {
    confirmed: number;
    waitlisted: number;
    cancelled: number;
    checkedIn: number;
    attendees: { name: string | null; email: string | null; status: string; position: number | null }[];
  };
}

async function text(p: Page, selector = 'main'): Promise<string> {
  return ((await p.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ');
}

async function firstPage(browser: Browser): Promise<Page> {
  return browser.context.pages()[0] ?? browser.context.newPage();
}

/** Fills and posts the registration form on the event page. */
async function register(
  p: Page,
  person: { name: string; email: string; organisation: string },
  opts: { consent?: boolean; dietary?: string } = {},
) {
  await p.goto(url(eventPath()));
  const form = p.locator('form[action^="?/register"]');
  await form.getByLabel('Namn', { exact: true }).fill(person.name);
  await form.getByLabel('E-postadress').fill(person.email);
  await form.getByLabel('Organisation eller företag').fill(person.organisation);
  await form.getByLabel('Län (valfritt)').selectOption('orebro-lan');
  await form.getByLabel('Anknytning till ett grönt kluster (valfritt)').selectOption('agro-orebro');
  if (opts.dietary) await form.getByLabel('Kost och allergier (valfritt)').fill(opts.dietary);
  if (opts.consent !== false) await form.getByLabel('Jag godkänner att mina uppgifter sparas så som det står ovan').check();
  await form.getByRole('button').click();
}

const manageLinkIn = (mailText: string | undefined) => /(http:\/\/\S+\/anmalan\/[\w-]+)/.exec(mailText ?? '')?.[1] ?? '';

/** The checker browser takes over someone's session (or none), and a language. */
async function actAs(from: BrowserContext | null, lang: 'sv' | 'en' = 'sv') {
  await checker.context.clearCookies();
  const cookies = from ? (await from.cookies(server.url)).filter((c) => c.name !== 'samverka_lang') : [];
  await checker.context.addCookies([...cookies, { name: 'samverka_lang', value: lang, url: server.url }]);
}

async function expectNoAxeViolations(p: Page, path?: string) {
  if (path) await p.goto(url(path));
  const violations = await axeViolations(p);
  expect(violations, `${path ?? p.url()}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

describe('registration in Chromium without JavaScript', () => {
  it('shows seats and the form to visitors, and refuses a registration without consent with a field error', async () => {
    const p = await firstPage(people);
    await p.goto(url(eventPath()));
    const summary = await text(p, '[data-testid=registration-summary]');
    expect(summary).toContain('1 plats kvar av 1.');
    expect(summary).toContain('Ingen står på väntelistan.');
    expect(summary).toContain('Anmälan är öppen till');
    await expect(text(p, '#anmalan')).resolves.toContain('12 månader efter evenemanget');
    // Visitors get no link to the attendee list.
    expect(await p.getByRole('link', { name: 'Deltagarlista, incheckning och utskick' }).count()).toBe(0);
    expect(await p.locator('script').count()).toBe(0);

    await register(p, P1, { consent: false });
    await expect(p.locator('#f-consent-error').textContent()).resolves.toContain('Kryssa i rutan');
    await expect(p.getByRole('alert').first().textContent()).resolves.toContain('Formuläret har fel');
    expect(await p.locator('#f-consent').getAttribute('aria-invalid')).toBe('true');
    // What was typed is kept.
    expect(await p.getByLabel('Namn', { exact: true }).inputValue()).toBe(P1.name);
    expect(await p.getByLabel('Organisation eller företag').inputValue()).toBe(P1.organisation);
    expect(await p.getByLabel('Län (valfritt)').inputValue()).toBe('orebro-lan');
    // Nobody was registered.
    expect((await attendees()).attendees).toEqual([]);
  });

  it('P1 registers and gets the seat; the private page says so and is kept from search engines, caches and other sites’ Referer headers', async () => {
    const p = await firstPage(people);
    await register(p, P1, { dietary: 'Vegetarisk' });
    await p.waitForURL(/\/anmalan\/[\w-]+\?klart=anmald/);
    p1Link = url(new URL(p.url()).pathname);
    await expect(text(p, '[data-testid=registration-status]')).resolves.toContain('Du har en plats.');
    await expect(p.getByRole('status').first().textContent()).resolves.toContain(`på väg till ${P1.email}`);
    await expect(text(p, 'dl.facts')).resolves.toContain('Vegetarisk');

    const res = await p.goto(p1Link);
    expect(res!.status()).toBe(200);
    expect(res!.headers()['referrer-policy']).toBe('same-origin');
    expect(res!.headers()['cache-control']).toContain('no-store');
    expect(await p.locator('meta[name=robots]').getAttribute('content')).toContain('noindex');
  });

  it('P2 registers for the full event and lands on the waiting list in position 1', async () => {
    const p = await firstPage(people);
    await p.goto(url(eventPath()));
    const summary = await text(p, '[data-testid=registration-summary]');
    expect(summary).toContain('Fullbokat.');
    expect(summary).toContain('hamnar du på väntelistan');
    await register(p, P2);
    await p.waitForURL(/\/anmalan\/[\w-]+\?klart=anmald/);
    p2Link = url(new URL(p.url()).pathname);
    await expect(text(p, '[data-testid=registration-status]')).resolves.toContain('Du står på väntelistan, plats 1.');
    await p.goto(url(eventPath()));
    await expect(text(p, '[data-testid=registration-summary]')).resolves.toContain('1 person står på väntelistan.');
    expect(await p.getByRole('button', { name: 'Ställ mig på väntelistan' }).count()).toBe(1);
  });

  it('a repeat address gets a neutral notice on the page and its link by mail', async () => {
    const p = await firstPage(people);
    await register(p, { ...P1, name: 'Någon annan' });
    await p.waitForURL(new RegExp(`/evenemang/${eventId}\\?anmalan=mejlad`));
    const notice = await text(p, '#anmalan [role=status]');
    expect(notice).toContain('Om adressen redan är anmäld till evenemanget har vi mejlat länken');
    // Nothing about the registration itself.
    expect(notice).not.toContain(P1.name);
    expect(notice).not.toMatch(/plats|väntelista/i);
    const again = await smtp.waitFor((m) => toAddress(m) === P1.email && m.subject === `Din anmälan: ${TITLE}`);
    expect(manageLinkIn(again.text)).toBe(p1Link);
    expect((await attendees()).attendees).toHaveLength(2);
  });

  it('P1 gets the confirmation mail with the link and the .ics, follows the link and cancels; P2 is promoted and mailed', async () => {
    const confirmed = await smtp.waitFor((m) => toAddress(m) === P1.email && m.subject === `Anmälan bekräftad: ${TITLE}`);
    expect(manageLinkIn(confirmed.text)).toBe(p1Link);
    // The .ics file nodemailer attaches, and the text/calendar alternative (an iTIP REQUEST since issue 10) that calendars act on.
    expect(
      confirmed.attachments.find((a) => a.filename?.endsWith('.ics')),
      confirmed.attachments.map((a) => a.filename).join(),
    ).toBeTruthy();
    const ics = confirmed.attachments.find((a) => a.contentType === 'text/calendar');
    expect(ics!.contentType).toBe('text/calendar');
    expectValidItip(ics!.content.toString('utf8'), 'REQUEST');
    const calendar = readWithIcalJs(ics!.content.toString('utf8'));
    expect(calendar.events.map((e) => e.summary)).toEqual([TITLE]);
    const waiting = await smtp.waitFor((m) => toAddress(m) === P2.email && m.subject === `Väntelista: ${TITLE}`);
    expect(waiting.text).toContain('nummer 1 på väntelistan');

    const p = await people.context.newPage();
    await p.goto(manageLinkIn(confirmed.text));
    await expect(p.locator('h1').textContent()).resolves.toBe('Din anmälan');
    await p.getByRole('button', { name: 'Avboka min anmälan' }).click();
    // The first post only asks.
    await expect(p.getByRole('alert').textContent()).resolves.toContain('Vill du avboka?');
    expect((await attendees()).confirmed).toBe(1);
    await p.getByRole('button', { name: 'Ja, avboka min anmälan' }).click();
    await p.waitForURL(/\?klart=avbokad/);
    await expect(text(p, '[data-testid=registration-status]')).resolves.toContain('Anmälan är avbokad.');
    expect(await p.getByRole('button', { name: 'Avboka min anmälan' }).count()).toBe(0);
    await p.close();

    const promoted = await smtp.waitFor((m) => toAddress(m) === P2.email && m.subject === `Du har fått en plats: ${TITLE}`);
    expect(manageLinkIn(promoted.text)).toBe(p2Link);
    expect(promoted.attachments.some((a) => a.filename?.endsWith('.ics'))).toBe(true);
    expectValidItip(promoted.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString('utf8'), 'REQUEST');
    const p2 = await firstPage(people);
    await p2.goto(p2Link);
    await expect(text(p2, '[data-testid=registration-status]')).resolves.toContain('Du har en plats.');
  });

  it('P2 changes their details on the private page', async () => {
    const p = await firstPage(people);
    await p.goto(p2Link);
    await p.getByLabel('Tillgänglighet, till exempel hörslinga, rullstolsplats eller tolk (valfritt)').fill('Hörslinga');
    expect(await p.getByLabel('Namn', { exact: true }).inputValue()).toBe(P2.name);
    await p.getByRole('button', { name: 'Spara ändringarna' }).click();
    await p.waitForURL(/\?klart=sparad/);
    await expect(text(p, 'dl.facts')).resolves.toContain('Hörslinga');
  });

  it('the organiser sees P2 confirmed on the attendee page and checks P2 in', async () => {
    const p = await firstPage(organiser);
    await p.goto(url('/logga-in'));
    await p.getByLabel('E-postadress').first().fill(ADMIN.email);
    await p.getByLabel('Lösenord').fill(ADMIN.password);
    await p.getByRole('button', { name: 'Logga in' }).click();
    await p.waitForURL(/\/konto$/);

    await p.goto(url(eventPath()));
    await p.getByRole('link', { name: 'Deltagarlista, incheckning och utskick' }).click();
    await p.waitForURL(new RegExp(`/evenemang/${eventId}/deltagare$`));
    const row = (name: string) => p.locator('tbody tr', { has: p.getByRole('rowheader', { name, exact: true }) });
    await expect(text(p, '[data-testid=attendee-counts]')).resolves.toMatch(
      /Bekräftade\s*1\s*På väntelistan\s*0\s*Avbokade\s*1\s*Incheckade\s*0\s*Antal platser\s*1/,
    );
    await expect(text(p, `tbody tr >> nth=0`)).resolves.toContain(P2.name);
    await expect(row(P2.name).textContent()).resolves.toContain('Bekräftad');
    await expect(row(P2.name).textContent()).resolves.toContain('Hörslinga');
    await expect(row(P1.name).textContent()).resolves.toContain('Avbokad');
    await expect(row(P1.name).textContent()).resolves.toContain('Vegetarisk');
    // Only confirmed participants can be checked in.
    expect(await row(P1.name).getByRole('button').count()).toBe(0);

    await row(P2.name)
      .getByRole('button', { name: `Checka in ${P2.name}` })
      .click();
    await p.waitForURL(/\?incheckad=\d+/);
    await expect(p.getByRole('status').textContent()).resolves.toBe(`${P2.name} är incheckad.`);
    await expect(row(P2.name).textContent()).resolves.toContain('Ja,');
    await expect(text(p, '[data-testid=attendee-counts]')).resolves.toMatch(/Incheckade\s*1/);
    // And back, and in again.
    await row(P2.name)
      .getByRole('button', { name: `Ångra incheckningen ${P2.name}` })
      .click();
    await p.waitForURL(/\?angrad=\d+/);
    await expect(text(p, '[data-testid=attendee-counts]')).resolves.toMatch(/Incheckade\s*0/);
    await row(P2.name)
      .getByRole('button', { name: `Checka in ${P2.name}` })
      .click();
    await p.waitForURL(/\?incheckad=\d+/);
    expect((await attendees()).checkedIn).toBe(1);

    await p.goto(p2Link);
    await expect(text(p, '[data-testid=registration-status]')).resolves.toContain('Du är incheckad på plats.');
  });

  it('downloads the CSV through the web app, with a formula cell neutralised', async () => {
    const people3 = await firstPage(people);
    await register(people3, P3);
    await people3.waitForURL(/\/anmalan\/[\w-]+\?klart=anmald/);
    p3Link = url(new URL(people3.url()).pathname);
    await expect(text(people3, '[data-testid=registration-status]')).resolves.toContain('Du står på väntelistan, plats 1.');

    const p = await firstPage(organiser);
    await p.goto(url(`${eventPath()}/deltagare`));
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('link', { name: 'Ladda ner deltagarlistan (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`deltagare-${eventId}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).split('\r\n');
    // For Swedish Excel: ';' between fields, statuses in words.
    expect(lines[0]).toMatch(/^Status;Plats i kön;Namn;E-post;Organisation/);
    const formula = lines.find((l) => l.includes(P3.email));
    expect(formula).toContain(";'=1+1;");
    expect(csv).not.toMatch(/(^|;)=1\+1/m);
    expect(lines.find((l) => l.includes(P2.email))).toMatch(/^Bekräftad;/);

    // The same address with the organiser's cookies: the headers the API gave.
    const res = await organiser.context.request.get(url(`${eventPath()}/deltagare.csv`));
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers()['content-disposition']).toBe(`attachment; filename="deltagare-${eventId}.csv"`);
    expect(res.headers()['cache-control']).toContain('no-store');
  });

  it('the organiser sends a message to everyone registered and sees how many got it', async () => {
    const p = await firstPage(organiser);
    await p.goto(url(`${eventPath()}/deltagare`));
    await p.getByLabel('Ämne').fill('Parkering');
    await p.getByLabel('Text', { exact: true }).fill('Parkera vid ladugården, inte vid boningshuset.');
    await p.getByRole('button', { name: 'Skicka meddelandet' }).click();
    await p.waitForURL(/\?skickat=2(#|$)/);
    await expect(p.getByRole('status').textContent()).resolves.toBe('Meddelandet är skickat till 2 anmälda.');
    for (const person of [P2, P3]) {
      const mail = await smtp.waitFor((m) => toAddress(m) === person.email && m.subject === `${TITLE}: Parkering`);
      expect(mail.text).toContain('Parkera vid ladugården');
    }
    expect(smtp.messages.some((m) => toAddress(m) === P1.email && m.subject === `${TITLE}: Parkering`)).toBe(false);
  });

  it('keeps the attendee list and the CSV from visitors and from other clusters’ coordinators', async () => {
    const visitor = await people.context.newPage();
    await visitor.goto(url(`${eventPath()}/deltagare`));
    expect(new URL(visitor.url()).pathname).toBe('/logga-in');
    const csv = await people.context.request.get(url(`${eventPath()}/deltagare.csv`), { maxRedirects: 0 });
    expect(csv.status()).toBe(303);
    expect(csv.headers().location).toMatch(/^\/logga-in/);
    await visitor.close();

    const invited = await api('POST', '/api/admin/users', { email: OUTSIDER.email, name: OUTSIDER.name, coordinatorOf: ['froda'] });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const mail = await smtp.waitFor((m) => toAddress(m) === OUTSIDER.email);
    const link = /(http:\/\/\S+\/logga-in\/lank\?token=[\w-]+)/.exec(mail.text ?? '')?.[1];
    const p = await firstPage(outsider);
    await p.goto(link!);
    await p.getByRole('button', { name: 'Logga in' }).click();
    // A coordinator lands on their cluster's dashboard.
    await p.waitForURL(/\/mitt-kluster$/);
    const res = await p.goto(url(`${eventPath()}/deltagare`));
    expect(res!.status()).toBe(403);
    await expect(text(p)).resolves.toContain('Bara evenemangets arrangörer ser deltagarlistan.');
    expect(await p.locator('table').count()).toBe(0);
    expect((await outsider.context.request.get(url(`${eventPath()}/deltagare.csv`))).status()).toBe(403);
    await p.goto(url(eventPath()));
    expect(await p.getByRole('link', { name: 'Deltagarlista, incheckning och utskick' }).count()).toBe(0);
  });

  it('P3 deletes their personal data after a confirmation; the link then gives a helpful 404', async () => {
    const p = await firstPage(people);
    await p.goto(p3Link);
    await expect(p.getByRole('heading', { name: 'Lämna väntelistan' }).count()).resolves.toBe(1);
    await p.getByRole('button', { name: 'Radera mina personuppgifter' }).click();
    await expect(p.getByRole('alert').textContent()).resolves.toContain('Vill du radera dina uppgifter?');
    await p.getByRole('button', { name: 'Ja, radera mina uppgifter' }).click();
    await p.waitForURL(new RegExp(`/evenemang/${eventId}\\?anmalan=raderad`));
    await expect(text(p, '#anmalan [role=status]')).resolves.toContain('Dina personuppgifter är raderade');
    const list = await attendees();
    expect(list.attendees.some((a) => a.email === P3.email)).toBe(false);

    for (const gone of [p3Link, url('/anmalan/finns-inte'), url('/anmalan/abcdefghijklmnopqrstuvwxyz')]) {
      const res = await p.goto(gone);
      expect(res!.status(), gone).toBe(404);
      await expect(p.locator('h1').textContent()).resolves.toBe('Länken till anmälan gäller inte');
      await expect(text(p)).resolves.toContain('Anmäl dig igen med samma e-postadress');
      expect(res!.headers()['referrer-policy']).toBe('same-origin');
      expect(await p.locator('meta[name=robots]').getAttribute('content')).toContain('noindex');
    }
  });

  it('has no axe-core violations on the event page with the form (sv, en, with errors), the manage page and the attendee page', async () => {
    const p = await firstPage(checker);
    for (const lang of ['sv', 'en'] as const) {
      await actAs(null, lang);
      await expectNoAxeViolations(p, eventPath());
      expect(await p.locator('form[action^="?/register"]').count()).toBe(1);
      await expectNoAxeViolations(p, new URL(p2Link).pathname);
      await expectNoAxeViolations(p, '/anmalan/finns-inte-alls-0123456789');
    }
    // The form showing its errors, and the confirmation steps.
    await actAs(null);
    await register(p, { name: 'Axel Axe', email: 'axe@example.se', organisation: 'Kontrollen' }, { consent: false });
    await p.waitForSelector('.field-error');
    await expectNoAxeViolations(p);
    await p.goto(p2Link);
    await p.getByRole('button', { name: 'Avboka min anmälan' }).click();
    await p.getByRole('button', { name: 'Ja, avboka min anmälan' }).waitFor();
    await expectNoAxeViolations(p);

    for (const lang of ['sv', 'en'] as const) {
      await actAs(organiser.context, lang);
      await expectNoAxeViolations(p, eventPath());
      await expectNoAxeViolations(p, `${eventPath()}/deltagare`);
    }
  });
});
