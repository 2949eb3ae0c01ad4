import type { ParsedMail } from 'mailparser';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { inviteCoordinators, logInWithForm } from '../support/flows.ts';
import { TestSmtp, toAddress } from '../support/smtp.ts';

// Joint scheduling polls, subscriptions, invitations, newsletters, horizon scanning and reports,
// driven through the pages in Chromium. Everyone acts with JavaScript switched off (the pages
// ship none); a fifth browser with JavaScript runs axe-core on the same pages.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let server: RunningServer;
let smtp: TestSmtp;
let admin: Browser;
let a: Browser;
let b: Browser;
let reader: Browser;
let checker: Browser;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const A = { email: 'anna@agro-orebro.example', name: 'Anna Agro', cluster: 'agro-orebro', clusterName: 'Agro Örebro' };
const B = { email: 'bo@froda.example', name: 'Bo Froda', cluster: 'froda', clusterName: 'FRODA' };
const SUBSCRIBER = 'lena@gard.example';

/** A date so many days from today in Stockholm, "YYYY-MM-DD": the flow works whenever it runs. */
function daysFromNow(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}
// Within the 60 days a newsletter lists upcoming events for, and after the poll closes.
const SLOTS = [`${daysFromNow(40)}T10:00`, `${daysFromNow(41)}T13:00`, `${daysFromNow(42)}T09:00`];
const CLOSES = `${daysFromNow(30)}T12:00`;
const MONTH = SLOTS[0]!.slice(0, 7);
const YEAR = SLOTS[0]!.slice(0, 4);
const DEADLINE = daysFromNow(10);

const POLL_TITLE = 'Gemensamt planeringsmöte om vattenhushållning';
const ITEM_TITLE = 'Utlysning: innovation för torrare somrar';
const NEWSLETTER_SUBJECT = 'Nyheter från Agro Örebro';

// Filled in as the flow goes.
let pollId = 0;
let eventId = 0;
let itemId = 0;
let newsletterId = 0;
let subscriptionToken = '';

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  server.createAdmin(ADMIN.email, ADMIN.password);
  [admin, a, b, reader, checker] = await Promise.all([
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await Promise.all([admin, a, b, reader, checker].map((x) => x?.close()));
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

/** The raw value of a header line as it went over SMTP (unfolded). */
function headerLine(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.replace(/\r?\n[ \t]+/g, ' ')
    .slice(name.length + 1)
    .trim();
}

/** The checker browser takes over someone's session (or none), and a language. */
async function actAs(from: BrowserContext | null, lang: 'sv' | 'en' = 'sv') {
  await checker.context.clearCookies();
  const cookies = from ? (await from.cookies(server.url)).filter((c) => c.name !== 'samverka_lang') : [];
  await checker.context.addCookies([...cookies, { name: 'samverka_lang', value: lang, url: server.url }]);
}

async function expectNoAxeViolations(p: Page, path: string) {
  await p.goto(url(path));
  const violations = await axeViolations(p);
  expect(violations, `${path}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

describe('meeting polls, mailings, horizon scanning and reports in Chromium', () => {
  it('lets the admin invite two coordinators, who log in from their mailed links', async () => {
    const p = await page(admin);
    await logInWithForm(p, server.url, ADMIN.email, ADMIN.password);
    await inviteCoordinators(p, server.url, smtp, [
      [A, await page(a)],
      [B, await page(b)],
    ]);
    for (const browser of [a, b]) {
      const q = await page(browser);
      // Coordinators get meetings and reports in the menu, everyone horizon scanning.
      const menu = q.getByRole('navigation', { name: 'Huvudmeny' });
      for (const name of ['Omvärld', 'Möten', 'Rapporter']) expect(await menu.getByRole('link', { name, exact: true }).count()).toBe(1);
    }
    // Visitors see horizon scanning but not meetings or reports; the footer has the newsletters.
    const v = await page(reader);
    await v.goto(url('/'));
    const menu = v.getByRole('navigation', { name: 'Huvudmeny' });
    expect(await menu.getByRole('link', { name: 'Omvärld', exact: true }).count()).toBe(1);
    expect(await menu.getByRole('link', { name: 'Möten', exact: true }).count()).toBe(0);
    expect(await menu.getByRole('link', { name: 'Rapporter', exact: true }).count()).toBe(0);
    const footer = v.getByRole('navigation', { name: 'Nyhetsbrev och prenumeration' });
    expect(await footer.getByRole('link', { name: 'Nyhetsbrev' }).getAttribute('href')).toBe('/nyhetsbrev');
    expect(await footer.getByRole('link', { name: 'Prenumerera' }).getAttribute('href')).toBe('/prenumeration');
  });

  it('A starts a poll inviting FRODA with three times; a wrong closing time is reported and the form kept', async () => {
    const pa = await page(a);
    await pa.goto(url('/konto'));
    await pa.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Möten', exact: true }).click();
    await pa.waitForURL(/\/moten$/);
    await pa.getByRole('link', { name: 'Planera ett nytt möte' }).click();
    await pa.waitForURL(/\/moten\/nytt$/);
    await pa.getByLabel('Titel').fill(POLL_TITLE);
    await pa.getByLabel('Beskrivning').fill('Vi samordnar vårens insatser om vatten.');
    await pa.getByLabel('Mötets längd i minuter').fill('90');
    await pa.getByRole('group', { name: 'Inbjudna kluster' }).getByLabel('FRODA', { exact: true }).check();
    for (const [i, slot] of SLOTS.entries()) await pa.getByLabel(`Tid ${i + 1}`, { exact: true }).fill(slot);
    // Closing after the first time is refused: answers would come too late.
    await pa.getByLabel('Svar senast (datum och klockslag, svensk tid)').fill(`${SLOTS[1]!.slice(0, 10)}T08:00`);
    await pa.getByLabel('Länk till digitalt möte (https://…)').fill('https://meet.example.se/vatten');
    await pa.getByRole('button', { name: 'Starta förfrågan' }).click();
    await expect(pa.locator('#f-closes-error').textContent()).resolves.toBe('Svarstiden måste gå ut före den första föreslagna tiden.');
    expect(await pa.getByLabel('Tid 3', { exact: true }).inputValue()).toBe(SLOTS[2]);
    expect(await pa.getByRole('group', { name: 'Inbjudna kluster' }).getByLabel('FRODA', { exact: true }).isChecked()).toBe(true);
    await pa.getByLabel('Svar senast (datum och klockslag, svensk tid)').fill(CLOSES);
    await pa.getByRole('button', { name: 'Starta förfrågan' }).click();
    await pa.waitForURL(/\/moten\/\d+\?klart=created$/);
    pollId = Number(/\/moten\/(\d+)/.exec(pa.url())![1]);
    await expect(pa.locator('h1').textContent()).resolves.toBe(POLL_TITLE);
    expect(await pa.locator('[data-testid=poll-table] tbody tr').count()).toBe(3);
    await expect(text(pa, '[data-testid=poll-table] thead')).resolves.toContain('Tid (Europe/Stockholm)');
    await expect(text(pa, '[data-testid=poll-table] tbody tr:first-child th')).resolves.toContain('10:00–11:30');
  });

  it('B answers yes / if need be / no for FRODA; the table shows the answers and the counts', async () => {
    const pb = await page(b);
    await pb.goto(url('/moten'));
    await pb.getByTestId('open-polls').getByRole('link', { name: POLL_TITLE }).click();
    await pb.waitForURL(new RegExp(`/moten/${pollId}$`));
    // B answers only for FRODA, and cannot choose the time.
    expect(await pb.getByRole('heading', { name: 'Svara för FRODA' }).count()).toBe(1);
    expect(await pb.getByRole('heading', { name: 'Svara för Agro Örebro' }).count()).toBe(0);
    expect(await pb.getByRole('button', { name: /^Välj den här tiden/ }).count()).toBe(0);
    const groups = pb.locator('fieldset.answer-choices');
    expect(await groups.count()).toBe(3);
    await groups.nth(0).getByLabel('Ja', { exact: true }).check();
    await groups.nth(1).getByLabel('Om det behövs', { exact: true }).check();
    await groups.nth(2).getByLabel('Nej', { exact: true }).check();
    await pb.getByRole('button', { name: 'Spara svaren för FRODA' }).click();
    await pb.waitForURL(/klart=answered#svar$/);
    await expect(pb.getByRole('status').textContent()).resolves.toBe('Svaren för FRODA är sparade.');
    const rows = pb.locator('[data-testid=poll-table] tbody tr');
    await expect(rows.nth(0).textContent()).resolves.toContain('1 ja, 0 om det behövs, 0 nej');
    await expect(rows.nth(1).textContent()).resolves.toContain('Om det behövs');
    await expect(rows.nth(2).textContent()).resolves.toContain('0 ja, 0 om det behövs, 1 nej');
    // The stored answers are the form's choices next time.
    expect(await groups.nth(1).getByLabel('Om det behövs', { exact: true }).isChecked()).toBe(true);

    // Times in a second zone on request; an unknown zone is said so.
    await pb.getByLabel('Visa tiderna även i en annan tidszon').fill('Europe/London');
    await pb.getByRole('button', { name: 'Visa tiderna' }).click();
    await pb.waitForURL(/tz=Europe%2FLondon/);
    await expect(text(pb, '[data-testid=poll-table] thead')).resolves.toContain('Tid (Europe/London)');
    await expect(text(pb, '[data-testid=poll-table] tbody tr:first-child td')).resolves.toContain('09:00–10:30');
    await pb.goto(url(`/moten/${pollId}?tz=Mars/Olympus`));
    await expect(text(pb, '#f-tz-error')).resolves.toContain('Tidszonen finns inte');
    await pb.goto(url(`/moten/${pollId}`));
  });

  it('A sees the answers and chooses the first time: the event exists, FRODA is invited as co-host, B gets the decision with an .ics', async () => {
    const pa = await page(a);
    await pa.goto(url(`/moten/${pollId}`));
    await expect(text(pa, '[data-testid=poll-table] tbody tr:first-child')).resolves.toContain('Ja');
    await pa
      .getByRole('button', { name: /^Välj den här tiden/ })
      .first()
      .click();
    // Deciding is final: the page asks once more.
    // The decision is a draft (issue 12): A makes it public, with registration, before deciding.
    const confirm = pa.getByTestId('confirm-finalise');
    await confirm.getByLabel('Vem hittar evenemanget').selectOption('public');
    await confirm.getByLabel('Ta emot anmälningar').check();
    await confirm.getByRole('button', { name: 'Ja, bestäm den tiden' }).click();
    await pa.waitForURL(/klart=finalised$/);
    await expect(text(pa, '[data-testid=decided]')).resolves.toContain('Tiden är bestämd');
    await expect(text(pa, '[data-testid=poll-table] tbody tr.chosen')).resolves.toContain('Vald tid');
    const href = await pa.getByTestId('decided').getByRole('link', { name: 'Till evenemanget' }).getAttribute('href');
    eventId = Number(/\/evenemang\/(\d+)$/.exec(href ?? '')?.[1]);
    expect(eventId).toBeGreaterThan(0);
    // Decided: no more choosing.
    expect(await pa.getByRole('button', { name: /^Välj den här tiden/ }).count()).toBe(0);

    await pa.goto(url(`/evenemang/${eventId}`));
    await expect(pa.locator('h1').textContent()).resolves.toBe(POLL_TITLE);
    await expect(text(pa, 'dl.facts')).resolves.toContain('10:00–11:30');
    await expect(pa.getByTestId('cohosts').textContent()).resolves.toMatch(/FRODA.*inbjuden, har inte svarat/s);
    await pa.getByRole('button', { name: 'Publicera evenemanget' }).click();
    await pa.waitForURL(new RegExp(`/evenemang/${eventId}\\?klart=published`));

    const v = await page(reader);
    await v.goto(url(`/kalender?manad=${MONTH}`));
    expect(await v.locator('table.month').getByRole('link', { name: POLL_TITLE }).count()).toBe(1);

    const decided = await smtp.waitFor((msg) => toAddress(msg) === B.email && msg.subject === `Bestämt: ${POLL_TITLE}`);
    const ics = decided.attachments.find((x) => x.contentType === 'text/calendar');
    expect(ics, decided.attachments.map((x) => x.contentType).join(', ')).toBeDefined();
    expect(ics!.content.toString('utf8')).toContain(POLL_TITLE);

    // B's page still has the answer form; posting it now is refused, in the page's language.
    const pb = await page(b);
    await pb.getByRole('button', { name: 'Spara svaren för FRODA' }).click();
    await expect(pb.getByRole('alert').textContent()).resolves.toContain('Tiden är redan bestämd');
    expect(await pb.getByRole('button', { name: 'Spara svaren för FRODA' }).count()).toBe(0);
  });

  it('a subscriber subscribes and confirms with a POST from the mailed link; A sends the invitation, which arrives once with List-Unsubscribe', async () => {
    const ps = await page(reader);
    await ps.goto(url('/'));
    await ps.getByRole('navigation', { name: 'Nyhetsbrev och prenumeration' }).getByRole('link', { name: 'Prenumerera' }).click();
    await ps.waitForURL(/\/prenumeration$/);
    await ps.getByLabel('Din e-postadress').fill(SUBSCRIBER);
    // Following nothing is refused, and the address is kept.
    await ps.getByRole('button', { name: 'Prenumerera' }).click();
    await expect(ps.locator('#themes-error').textContent()).resolves.toBe('Välj minst ett tema eller kluster.');
    expect(await ps.getByLabel('Din e-postadress').inputValue()).toBe(SUBSCRIBER);
    await ps.getByRole('group', { name: 'Kluster att följa' }).getByLabel(A.clusterName, { exact: true }).check();
    await ps.getByRole('button', { name: 'Prenumerera' }).click();
    await ps.waitForURL(/\/prenumeration\?klart=sent$/);
    await expect(ps.getByRole('status').textContent()).resolves.toContain('Titta i din inkorg');

    const confirmation = await smtp.waitFor((msg) => toAddress(msg) === SUBSCRIBER);
    const link = /(http:\/\/\S+\/prenumeration\/bekrafta\?token=[\w-]+)/.exec(confirmation.text ?? '')?.[1];
    expect(link).toBeTruthy();
    subscriptionToken = new URL(link!).searchParams.get('token')!;
    // Opening the link (as a mail scanner would) confirms nothing: the manage page still says so.
    await ps.goto(link!);
    const manage = await ps.goto(url(`/prenumeration/${subscriptionToken}`));
    expect(manage!.headers()['cache-control']).toContain('no-store');
    await expect(text(ps)).resolves.toContain('inte bekräftad');
    await ps.goto(link!);
    await ps.getByRole('button', { name: 'Bekräfta prenumerationen' }).click();
    await ps.waitForURL(new RegExp(`/prenumeration/${subscriptionToken}\\?klart=confirmed$`));
    await expect(ps.getByRole('status').textContent()).resolves.toContain('bekräftad');
    expect(await ps.getByRole('group', { name: 'Kluster att följa' }).getByLabel(A.clusterName, { exact: true }).isChecked()).toBe(true);
    // An unknown token is a page that does not exist.
    const missing = await ps.goto(url('/prenumeration/AAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(missing?.status()).toBe(404);

    const pa = await page(a);
    await pa.goto(url(`/evenemang/${eventId}`));
    await pa.getByRole('button', { name: 'Skicka inbjudan till följarna av Agro Örebro' }).click();
    // A mail cannot be called back: the page asks once more.
    await pa.getByRole('button', { name: 'Ja, skicka till följarna av Agro Örebro' }).click();
    await pa.waitForURL(/inbjudan=skickad&antal=1/);
    await expect(pa.getByRole('status').textContent()).resolves.toBe('Inbjudan skickades till en följare.');
    const invitation = await smtp.waitFor((msg) => toAddress(msg) === SUBSCRIBER && msg.subject === `Inbjudan: ${POLL_TITLE}`);
    expect(headerLine(invitation, 'List-Unsubscribe')).toMatch(
      new RegExp(`^<http://\\S+/api/subscriptions/${subscriptionToken}/one-click>$`),
    );
    expect(headerLine(invitation, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Sending again reaches nobody new.
    await pa.getByRole('button', { name: 'Skicka inbjudan till följarna av Agro Örebro' }).click();
    await pa.getByRole('button', { name: 'Ja, skicka till följarna av Agro Örebro' }).click();
    await pa.waitForURL(/inbjudan=skickad&antal=0/);
    await expect(pa.getByRole('status').textContent()).resolves.toContain('inte till någon ny');
    // A later mail to the same address (subscribing again) arrives after anything queued before it.
    await ps.goto(url('/prenumeration'));
    await ps.getByLabel('Din e-postadress').fill(SUBSCRIBER);
    await ps.getByRole('group', { name: 'Teman att följa' }).getByLabel('Omvärldsbevakning').check();
    await ps.getByRole('button', { name: 'Prenumerera' }).click();
    await ps.waitForURL(/klart=sent$/);
    await smtp.waitFor((msg) => toAddress(msg) === SUBSCRIBER && msg.subject === 'Din prenumeration på Samverka');
    expect(smtp.messages.filter((msg) => toAddress(msg) === SUBSCRIBER && msg.subject?.startsWith('Inbjudan:')).length).toBe(1);
  });

  it('A shares the invitation with FRODA; B passes it on from the dashboard', async () => {
    const pa = await page(a);
    await pa.goto(url(`/evenemang/${eventId}`));
    await pa.locator('summary', { hasText: 'Välj kluster att dela med' }).click();
    await pa.getByRole('group', { name: 'Kluster att dela med' }).getByLabel(B.clusterName, { exact: true }).check();
    await pa.getByRole('button', { name: 'Dela inbjudan' }).click();
    await pa.waitForURL(/inbjudan=delad&antal=1/);
    await expect(pa.getByRole('status').textContent()).resolves.toBe('Inbjudan är delad med ett kluster.');

    const pb = await page(b);
    await pb.goto(url('/mitt-kluster'));
    const shared = pb.getByTestId('shared-invitations');
    await expect(shared.textContent()).resolves.toContain(POLL_TITLE);
    await expect(shared.textContent()).resolves.toContain('Agro Örebro delar med FRODA');
    await pb.getByRole('button', { name: /^Skicka vidare till följarna av FRODA/ }).click();
    await pb.getByRole('button', { name: 'Ja, skicka till följarna av FRODA' }).click();
    await pb.waitForURL(/\/mitt-kluster\?vidare=0$/);
    await expect(text(pb, '[role=status]')).resolves.toContain('0 följare');
    expect(await pb.getByTestId('shared-invitations').count()).toBe(0);
  });

  it('A posts a horizon-scanning item with a deadline: it shows on the board, under closing soon, and on its own page', async () => {
    const pa = await page(a);
    await pa.goto(url('/omvarld'));
    await pa.getByRole('link', { name: 'Lägg upp en bevakning' }).click();
    await pa.waitForURL(/\/omvarld\/nytt$/);
    await pa.getByLabel('Titel').fill(ITEM_TITLE);
    await pa.getByLabel('Länk (https://…)').fill('https://jordbruksverket.example/utlysning');
    await pa.getByLabel('Källa (till exempel Jordbruksverket)').fill('Jordbruksverket');
    await pa.getByLabel('Sammanfattning').fill('Stöd till projekt som sparar vatten i lantbruket.');
    await pa.getByLabel('Sista dag (valfritt)').fill(DEADLINE);
    await pa.getByRole('button', { name: 'Lägg upp' }).click();
    await expect(pa.locator('#themes-error').textContent()).resolves.toBe('Välj minst ett tema.');
    await pa.getByLabel('Kapitalförsörjning').check();
    await pa.getByRole('button', { name: 'Lägg upp' }).click();
    await pa.waitForURL(/\/omvarld\/\d+\?klart=created$/);
    itemId = Number(/\/omvarld\/(\d+)/.exec(pa.url())![1]);
    await expect(text(pa, 'dl.facts')).resolves.toContain('10 dagar kvar');
    await pa.getByRole('button', { name: 'Markera som relevant för Agro Örebro' }).click();
    await pa.waitForURL(/klart=relevance$/);
    await expect(pa.getByTestId('relevant-for').textContent()).resolves.toBe('Agro Örebro');

    const pb = await page(b);
    await pb.goto(url(`/omvarld/${itemId}`));
    await pb.getByLabel('Din kommentar').fill('Vi söker gärna tillsammans.');
    await pb.getByRole('button', { name: 'Skicka kommentaren' }).click();
    await pb.waitForURL(/klart=comment/);
    await expect(text(pb, '.comment')).resolves.toContain('Vi söker gärna tillsammans.');
    expect(await pb.getByRole('link', { name: 'Redigera' }).count()).toBe(0);

    // A visitor, as a calendar feed's link brings them.
    const v = await page(reader);
    await v.goto(url('/omvarld'));
    await expect(v.getByTestId('closing-soon').textContent()).resolves.toContain(ITEM_TITLE);
    const out = v.getByTestId('horizon-items').getByRole('link', { name: ITEM_TITLE, exact: true });
    expect(await out.getAttribute('href')).toBe('https://jordbruksverket.example/utlysning');
    expect(await out.getAttribute('rel')).toBe('noopener noreferrer');
    await expect(text(v, '[data-testid=horizon-items]')).resolves.toContain('Relevant för: Agro Örebro');
    // The theme filter is a GET form.
    await v.getByLabel('Tema').selectOption('krisberedskap');
    await v.getByRole('button', { name: 'Visa' }).click();
    await v.waitForURL(/tema=krisberedskap/);
    expect(await v.getByRole('link', { name: ITEM_TITLE, exact: true }).count()).toBe(0);
    await v.goto(url(`/omvarld/${itemId}`));
    await expect(v.locator('h1').textContent()).resolves.toBe(ITEM_TITLE);
    await expect(text(v, 'dl.facts')).resolves.toContain('Jordbruksverket');
    // The coordinators' discussion is theirs: a visitor sees the item without it (issue 11).
    expect(await v.locator('.comment').count()).toBe(0);
    await expect(text(v)).resolves.not.toContain('Vi söker gärna tillsammans.');
    expect(await v.getByRole('button', { name: 'Skicka kommentaren' }).count()).toBe(0);
  });

  it('A writes a newsletter, previews the assembled issue and sends it after confirming; it reaches the subscriber and the archive', async () => {
    const pa = await page(a);
    await pa.goto(url('/nyhetsbrev'));
    await pa.getByRole('link', { name: 'Skriv ett nyhetsbrev' }).click();
    await pa.waitForURL(/\/nyhetsbrev\/nytt$/);
    await pa.getByLabel('Ämnesrad').fill(NEWSLETTER_SUBJECT);
    await pa.getByLabel('Text', { exact: true }).fill('Hej! Här är **vårens** planer.');
    await pa.locator('summary', { hasText: 'Välj kluster' }).click();
    await pa.getByRole('group', { name: 'Kluster', exact: true }).getByLabel(A.clusterName, { exact: true }).check();
    await pa.getByRole('button', { name: 'Spara och förhandsgranska' }).click();
    await pa.waitForURL(/\/nyhetsbrev\/\d+\/forhandsgranska\?klart=saved$/);
    newsletterId = Number(/\/nyhetsbrev\/(\d+)/.exec(pa.url())![1]);
    await expect(pa.getByTestId('recipients').textContent()).resolves.toBe('Det går till en prenumerant.');
    await expect(pa.getByTestId('newsletter-events').textContent()).resolves.toContain(POLL_TITLE);
    await expect(pa.getByTestId('newsletter-deadlines').textContent()).resolves.toContain(ITEM_TITLE);
    await pa.getByRole('link', { name: 'Gå vidare till att skicka' }).click();
    await pa.waitForURL(/\/skicka$/);
    await expect(text(pa)).resolves.toContain('Nyhetsbrevet skickas till en prenumerant.');
    await pa.getByRole('button', { name: 'Ja, skicka nyhetsbrevet nu' }).click();
    await pa.waitForURL(new RegExp(`/nyhetsbrev/${newsletterId}\\?klart=sent$`));
    await expect(pa.getByRole('status').textContent()).resolves.toContain('Det gick till en prenumerant.');

    const mail = await smtp.waitFor((msg) => toAddress(msg) === SUBSCRIBER && msg.subject === NEWSLETTER_SUBJECT);
    expect(headerLine(mail, 'List-Unsubscribe')).toContain(subscriptionToken);

    const v = await page(reader);
    await v.goto(url('/nyhetsbrev'));
    await v.getByTestId('newsletter-archive').getByRole('link', { name: NEWSLETTER_SUBJECT }).click();
    await v.waitForURL(new RegExp(`/nyhetsbrev/${newsletterId}$`));
    await expect(text(v, '.mail-text')).resolves.toContain('Hej! Här är vårens planer.');
    // Addresses in the text are links; nothing else in it is markup.
    expect(await v.locator('.mail-text a', { hasText: `/evenemang/${eventId}` }).count()).toBe(1);
    expect(await v.locator('.mail-text strong').count()).toBe(0);
  });

  it('shows the report with its tables and chart to the admin, with a CSV download', async () => {
    const p = await page(admin);
    await p.goto(url('/rapporter'));
    await p.getByLabel('Från och med').fill(`${YEAR}-01-01`);
    await p.getByLabel('Till och med').fill(`${YEAR}-12-31`);
    await p.getByRole('button', { name: 'Visa' }).click();
    await p.waitForURL(new RegExp(`fran=${YEAR}-01-01&till=${YEAR}-12-31`));
    const summary = p.getByTestId('report-summary');
    await expect(summary.locator('tr', { hasText: 'Evenemang' }).first().locator('td').textContent()).resolves.toBe('1');
    const byKind = p.locator('table.report', { has: p.locator('caption', { hasText: 'Evenemang per typ' }) });
    await expect(byKind.textContent()).resolves.toContain('Nätverksmöte');
    const chart = p.getByTestId('report-chart').locator('svg[role=img]');
    expect(await chart.count()).toBe(1);
    await expect(chart.locator('title').first().textContent()).resolves.toBe('Evenemang och deltagare per månad');
    await expect(text(p, '[data-testid=report-months]')).resolves.toMatch(/\d/);

    const csvHref = await p.getByRole('link', { name: 'Ladda ner som CSV (för kalkylark)' }).getAttribute('href');
    const res = await admin.context.request.get(url(csvHref!));
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    expect(res.headers()['content-disposition']).toContain(`samverka-rapport-${YEAR}-01-01-${YEAR}-12-31.csv`);
    // For Swedish Excel: ';' between fields, headings and names in the page's language.
    expect(await res.text()).toContain('Evenemang per typ;Nätverksmöte;1;');
    // Reports are not for visitors.
    const anonymous = await reader.context.request.get(url('/rapporter.csv'), { maxRedirects: 0 });
    expect(anonymous.status()).toBe(303);
  });

  it('has no axe-core violations on the new pages, in Swedish and English', async () => {
    const p = await page(checker);
    const publicPaths = [
      '/prenumeration',
      `/prenumeration/${subscriptionToken}`,
      '/omvarld',
      `/omvarld/${itemId}`,
      '/nyhetsbrev',
      `/nyhetsbrev/${newsletterId}`,
    ];
    const coordinatorPaths = [
      '/moten',
      `/moten/${pollId}`,
      `/moten/${pollId}?tz=Europe/London`,
      '/moten/nytt',
      '/omvarld/nytt',
      `/omvarld/${itemId}`,
      '/nyhetsbrev/nytt',
      `/rapporter?fran=${YEAR}-01-01&till=${YEAR}-12-31`,
      `/evenemang/${eventId}`,
      '/mitt-kluster',
    ];
    for (const lang of ['sv', 'en'] as const) {
      await actAs(null, lang);
      for (const path of publicPaths) await expectNoAxeViolations(p, path);
      await actAs(a.context, lang);
      for (const path of coordinatorPaths) await expectNoAxeViolations(p, path);
    }
    // A poll still open, with the answer form and the choose buttons, and a form showing its errors.
    await actAs(a.context);
    await p.goto(url('/moten/nytt'));
    await p.getByLabel('Titel').fill('Utan tider');
    await p.getByRole('group', { name: 'Inbjudna kluster' }).getByLabel('FRODA', { exact: true }).check();
    for (const [i, slot] of SLOTS.slice(0, 2).entries()) await p.getByLabel(`Tid ${i + 1}`, { exact: true }).fill(slot);
    await p.getByLabel('Svar senast (datum och klockslag, svensk tid)').fill(`${SLOTS[1]}`);
    await p.getByRole('button', { name: 'Starta förfrågan' }).click();
    await p.waitForSelector('.field-error');
    const violations = await axeViolations(p);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await p.getByLabel('Svar senast (datum och klockslag, svensk tid)').fill(CLOSES);
    await p.getByRole('button', { name: 'Starta förfrågan' }).click();
    await p.waitForURL(/klart=created$/);
    const open = new URL(p.url()).pathname;
    await expectNoAxeViolations(p, open);
    await actAs(b.context, 'en');
    await expectNoAxeViolations(p, open);
    // The newsletter preview and confirmation steps of a draft.
    await actAs(a.context);
    await p.goto(url('/nyhetsbrev/nytt'));
    await p.getByLabel('Ämnesrad').fill('Utkast');
    await p.getByLabel('Text', { exact: true }).fill('Ett utkast.');
    await p.getByRole('button', { name: 'Spara och förhandsgranska' }).click();
    await p.waitForURL(/forhandsgranska/);
    const preview = new URL(p.url()).pathname;
    await expectNoAxeViolations(p, preview);
    await expectNoAxeViolations(p, preview.replace('forhandsgranska', 'skicka'));
  });

  it('the subscriber unsubscribes with one button; the link then leads nowhere', async () => {
    const ps = await page(reader);
    await ps.goto(url(`/prenumeration/${subscriptionToken}`));
    await ps.getByRole('button', { name: 'Avsluta prenumerationen' }).click();
    await ps.waitForURL(/\/prenumeration\?klart=unsubscribed$/);
    await expect(ps.getByRole('status').textContent()).resolves.toContain('din adress är raderad');
    const gone = await ps.goto(url(`/prenumeration/${subscriptionToken}`));
    expect(gone!.status()).toBe(404);
  });
});
