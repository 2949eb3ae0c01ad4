import Database from 'better-sqlite3';
import { callApi } from '../support/api.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { inviteCoordinators, logInWithForm } from '../support/flows.ts';
import { freePort, ROOT, startServer, type RunningServer } from '../support/server.ts';
import { TestSmtp, toAddress } from '../support/smtp.ts';

// After the workshop, in Chromium without JavaScript: the organiser uploads slides (a PDF that
// Chromium itself renders) and writes documentation, the participant answers the survey mailed
// when the event has ended, the knowledge bank finds the workshop by a word in the slides, and
// the report shows the response rate. Then the embed, framed by a page on another origin, while
// every other page still refuses framing. A browser with JavaScript runs axe-core on each page.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

let smtp: TestSmtp;
let server: RunningServer;
let dataDir: string;
let admin: Browser;
let organiser: Browser;
let participant: Browser;
let checker: Browser;
let adminToken = '';
let eventId = 0;
let upcomingId = 0;

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const ORGANISER = { email: 'olga@agro.example', name: 'Olga Organisatör', cluster: 'agro-orebro' };
const PARTICIPANT = { name: 'Pelle Deltagare', email: 'pelle@gard.example', organisation: 'Pelles gård' };
const TITLE = 'Workshop om vallbaljväxter';
/** A word that appears only inside the uploaded slides. */
const SLIDE_WORD = 'kvävefixeringsprotokollet';

const HOUR = 3_600_000;
const utcLocal = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString().slice(0, 16);
const url = (path: string) => `${server.url}${path}`;

const api = (method: string, path: string, body?: unknown) => callApi(server.url, adminToken, method, path, body);

async function adminLogin() {
  const login = await fetch(url('/api/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  adminToken = ((await login.json()) as { token: string }).token;
}

async function page(b: Browser): Promise<Page> {
  return b.context.pages()[0] ?? b.context.newPage();
}

async function text(p: Page, selector = 'main'): Promise<string> {
  return ((await p.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ');
}

/**
 * axe-core in the browser with JavaScript, as the given browser's user; and the page fits a 320-px
 * screen (not checked for /rapporter, whose older tables were wider than that before this work).
 */
async function expectAccessible(as: Browser | null, path: string, fits320 = true) {
  const p = await page(checker);
  await checker.context.clearCookies();
  if (as) await checker.context.addCookies((await as.context.cookies(server.url)).filter((c) => c.name === 'samverka_session'));
  await p.setViewportSize({ width: 320, height: 640 });
  await p.goto(url(path));
  const violations = await axeViolations(p);
  expect(violations, `${path}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  if (!fits320) return;
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  // On failure: the outermost elements that stick out, to say what to fix.
  const wide =
    width > 320
      ? await p.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > 321 && (e.parentElement?.getBoundingClientRect().right ?? 0) <= 321)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
        )
      : [];
  expect(width, `${path} is ${width} px wide at 320: ${wide.join(', ')}`).toBeLessThanOrEqual(320);
}

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  dataDir = mkdtempSync(join(tmpdir(), 'samverka-e2e-knowledge-'));
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}`, DATA_DIR: dataDir });
  server.createAdmin(ADMIN.email, ADMIN.password);
  [admin, organiser, participant, checker] = await Promise.all([
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser({ javaScriptEnabled: false }),
    launchBrowser(),
  ]);
  await adminLogin();
  const created = await api('POST', '/api/events', {
    leadCluster: 'agro-orebro',
    title: TITLE,
    kind: 'workshop',
    themes: ['krisberedskap'],
    timeZone: 'UTC',
    start: utcLocal(48 * HOUR),
    end: utcLocal(50 * HOUR),
    venueName: 'Försöksgården',
    capacity: 20,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  eventId = (created.body.event as { id: number }).id;
  expect((await api('POST', `/api/events/${eventId}/publish`)).status).toBe(200);
  const upcoming = await api('POST', '/api/events', {
    leadCluster: 'agro-orebro',
    title: 'Nätverksträff om vatten',
    kind: 'network_meeting',
    themes: ['krisberedskap'],
    start: `${new Date().getFullYear() + 1}-05-12T10:00`,
    end: `${new Date().getFullYear() + 1}-05-12T12:00`,
    venueName: 'Kvarnen',
  });
  upcomingId = (upcoming.body.event as { id: number }).id;
  expect((await api('POST', `/api/events/${upcomingId}/publish`)).status).toBe(200);
});

afterAll(async () => {
  await Promise.all([admin, organiser, participant, checker].map((b) => b?.close()));
  await server?.stop();
  await smtp?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('after the workshop', () => {
  it('the participant registers; the workshop takes place', async () => {
    const reg = await fetch(url(`/api/events/${eventId}/registrations`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...PARTICIPANT, consent: true }),
    });
    expect(reg.status).toBe(201);
    // The workshop is moved to have ended an hour ago (the clock cannot be moved in a browser test).
    const moved = await api('PATCH', `/api/events/${eventId}`, { timeZone: 'UTC', start: utcLocal(-3 * HOUR), end: utcLocal(-HOUR) });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  });

  it('the organiser uploads the slides and writes documentation, with a field error for a refused file', async () => {
    const a = await page(admin);
    await logInWithForm(a, server.url, ADMIN.email, ADMIN.password);
    const o = await page(organiser);
    await inviteCoordinators(a, server.url, smtp, [[ORGANISER, o]]);

    // The slides: a PDF rendered by Chromium, the word only inside it.
    const render = await checker.context.newPage();
    await render.setContent(`<h1>Vallbaljväxter</h1><p>Resultat från ${SLIDE_WORD} på tre gårdar.</p>`);
    const folder = mkdtempSync(join(tmpdir(), 'samverka-slides-'));
    const slides = join(folder, 'bilder.pdf');
    writeFileSync(slides, await render.pdf());
    await render.close();
    const fake = join(folder, 'anteckningar.txt');
    writeFileSync(fake, '<!doctype html><html><body><script>alert(1)</script></body></html>');

    await o.goto(url(`/evenemang/${eventId}`));
    await o.getByRole('link', { name: 'Lägg upp material och dokumentation' }).click();
    await o.waitForURL(/\/material$/);

    await o.getByLabel('Rubrik (valfritt för filer: annars filnamnet)').fill('Anteckningar');
    await o.getByLabel('Fil', { exact: true }).setInputFiles(fake);
    await o.getByRole('button', { name: 'Ladda upp' }).click();
    await o.waitForURL(/fel=unsupported_file_type/);
    await expect(o.locator('#f-file-error').textContent()).resolves.toContain('Den här filtypen tas inte emot');
    expect(await o.locator('#f-file').getAttribute('aria-invalid')).toBe('true');
    expect(await o.getByLabel('Rubrik (valfritt för filer: annars filnamnet)').inputValue()).toBe('Anteckningar');

    await o.getByLabel('Rubrik (valfritt för filer: annars filnamnet)').fill('Bilder från workshoppen');
    await o.getByLabel('Fil', { exact: true }).setInputFiles(slides);
    await o.getByRole('button', { name: 'Ladda upp' }).click();
    await o.waitForURL(/klart=uppladdad/);
    await expect(o.getByRole('status').first().textContent()).resolves.toContain('Filen är uppladdad.');
    await expect(text(o, '[data-testid=material-admin-list]')).resolves.toContain('Bilder från workshoppen');

    await o
      .getByLabel('Dokumentation (Markdown: **fetstil**, listor med -, länkar)')
      .fill('## Slutsatser\n\nVi provade **rödklöver** i vallen.');
    await o.getByRole('button', { name: 'Spara dokumentationen' }).click();
    await o.waitForURL(/klart=dokumentation/);
    rmSync(folder, { recursive: true, force: true });

    await o.goto(url(`/evenemang/${eventId}`));
    await expect(text(o, '[data-testid=documentation]')).resolves.toContain('Vi provade rödklöver i vallen.');
    const href = await o.getByRole('link', { name: 'Bilder från workshoppen' }).getAttribute('href');
    const file = await fetch(url(href!));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toMatch(/^inline; filename="bilder\.pdf"/);

    await expectAccessible(organiser, `/evenemang/${eventId}/material`);
    await expectAccessible(null, `/evenemang/${eventId}`);
  });

  it('when the event has ended the survey is mailed; the participant answers it once', async () => {
    // The survey job runs at start and every five minutes, once per five-minute period (claimed in
    // job_runs). The server started in this period already claimed it: with the server stopped,
    // the claim is dropped as if the period had passed, and a restart runs the job now.
    await server.stop();
    const db = new Database(join(dataDir, 'samverka.db'));
    db.prepare("DELETE FROM job_runs WHERE job = 'surveys'").run();
    db.close();
    server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, DATA_DIR: dataDir });
    await adminLogin();
    const mail = await smtp.waitFor((m) => toAddress(m) === PARTICIPANT.email && /Hur var/.test(m.subject ?? ''));
    expect(mail.subject).toBe(`Hur var ${TITLE}? Fem minuter om ditt utbyte`);
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toMatch(/\/api\/feedback\/[\w-]+\/opt-out>$/);
    const link = /(http:\/\/\S+\/aterkoppling\/[\w-]+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeTruthy();

    const p = await page(participant);
    await p.goto(link!);
    await expect(text(p, 'h1')).resolves.toBe('Hur var det?');
    await expectAccessible(null, new URL(link!).pathname);
    // Without an answer to the required questions, the browser keeps the form; with them it goes.
    await p.getByRole('group', { name: 'Hur värdefullt var evenemanget för dig som helhet?' }).getByLabel('4', { exact: true }).check();
    await p.getByRole('group', { name: 'Hur användbart är det du fick med dig i ditt arbete?' }).getByLabel('5 – mycket').check();
    await p.getByRole('group', { name: 'Kommer du att använda något från evenemanget?' }).getByLabel('Ja').check();
    await p.getByLabel('Något mer du vill säga till arrangörerna? (valfritt)').fill('Mer tid i fält nästa gång.');
    await p.getByRole('button', { name: 'Skicka svaret' }).click();
    await p.waitForURL(/klart=svarat/);
    await expect(text(p, '[data-testid=survey-thanks]')).resolves.toBe('Tack för ditt svar!');
    await p.goto(link!);
    await expect(text(p, '[data-testid=survey-thanks]')).resolves.toBe('Du har redan svarat på enkäten. Tack!');
  });

  it('the knowledge bank finds the workshop by a word in the slides', async () => {
    const p = await page(participant);
    await p.goto(url('/kunskapsbank'));
    await p.getByRole('searchbox', { name: 'Sök' }).fill(SLIDE_WORD);
    await p.getByRole('button', { name: 'Sök' }).click();
    await p.waitForURL(/q=/);
    await expect(text(p, '[data-testid=kb-count]')).resolves.toBe('1 dokumenterat evenemang');
    const results = await text(p, '[data-testid=kb-results]');
    expect(results).toContain(TITLE);
    expect(results).toContain(SLIDE_WORD);
    await p.getByRole('link', { name: TITLE }).click();
    await p.waitForURL(new RegExp(`/evenemang/${eventId}`));
    await expectAccessible(null, `/kunskapsbank?q=${encodeURIComponent(SLIDE_WORD)}`);
    const feed = await fetch(url('/feeds/knowledge.atom'));
    expect(await feed.text()).toContain(TITLE);
  });

  it('the organiser sees the results and the report shows the response rate', async () => {
    const o = await page(organiser);
    await o.goto(url(`/evenemang/${eventId}/aterkoppling`));
    await expect(text(o, '[data-testid=response-rate]')).resolves.toBe('1 av 1 har svarat (100 %).');
    await expect(text(o, '[data-testid=feedback-chart] desc')).resolves.toContain('Helhetsbetyg: 1: 0, 2: 0, 3: 0, 4: 1, 5: 0');
    await expect(text(o, '[data-testid=comments]')).resolves.toContain('Mer tid i fält nästa gång.');
    await expectAccessible(organiser, `/evenemang/${eventId}/aterkoppling`);

    const a = await page(admin);
    const day = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 10);
    const path = `/rapporter?fran=${day(-2 * 24 * HOUR)}&till=${day(2 * 24 * HOUR)}`;
    await a.goto(url(path));
    const feedback = await text(a, '[data-testid=report-feedback]');
    expect(feedback).toContain(TITLE);
    expect(feedback).toMatch(/Totalt\s*1\s*1\s*100 %\s*4,0\s*5,0/);
    await expectAccessible(admin, path, false);
    await expectAccessible(admin, '/admin/lagring');
  });

  it('the online backup copies the uploaded files', () => {
    const out = join(dataDir, 'backup.db');
    const r = spawnSync(process.execPath, [join(ROOT, 'apps/api/dist/admin-cli.mjs'), 'backup', '--out', out], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Copied 1 files \(\d+ bytes\)/);
    const copy = new Database(out, { readonly: true });
    const { sha256 } = copy.prepare("select sha256 from materials where kind = 'file'").get() as { sha256: string };
    copy.close();
    const copied = join(`${out}.files`, sha256.slice(0, 2), sha256);
    expect(existsSync(copied)).toBe(true);
    expect(readFileSync(copied).equals(readFileSync(join(dataDir, 'files', sha256.slice(0, 2), sha256)))).toBe(true);
  });
});

describe('on the clusters’ own websites', () => {
  let other: Server;
  let otherUrl = '';

  beforeAll(async () => {
    // A cluster's own site on another origin (another port), framing the embed and, for contrast, the calendar.
    const port = await freePort();
    other = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="sv"><head><title>Agro Örebros webbplats</title></head><body><h1>Välkommen</h1>` +
          `<iframe name="embed" title="Evenemang" src="${server.url}/inbaddning/kluster/agro-orebro" width="300" height="400"></iframe>` +
          `<iframe name="calendar" title="Kalender" src="${server.url}/kalender" width="300" height="400"></iframe></body></html>`,
      );
    });
    await new Promise<void>((r) => other.listen(port, '127.0.0.1', () => r()));
    otherUrl = `http://localhost:${port}/`;
  });
  afterAll(async () => {
    await new Promise((r) => other?.close(r));
  });

  it('the embed renders inside a page on another origin and its links open the event in a new tab; other pages refuse framing', async () => {
    const p = await checker.context.newPage();
    await p.setViewportSize({ width: 360, height: 800 });
    await p.goto(otherUrl);
    const embed = p.frame({ name: 'embed' })!;
    await embed.waitForSelector('[data-testid=embed-events]');
    await expect(embed.locator('[data-testid=embed-events]').textContent()).resolves.toContain('Nätverksträff om vatten');
    // The calendar refused to be framed: its frame shows Chromium's error page, not the calendar.
    const calendar = p.frame({ name: 'calendar' })!;
    await expect.poll(() => calendar.url()).not.toBe(url('/kalender'));
    expect(await calendar.locator('a[href="/kalender"]').count()).toBe(0);

    const [opened] = await Promise.all([
      checker.context.waitForEvent('page'),
      embed.getByRole('link', { name: /Nätverksträff om vatten/ }).click(),
    ]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe(url(`/evenemang/${upcomingId}`));
    await expect(opened.locator('h1').textContent()).resolves.toBe('Nätverksträff om vatten');
    await opened.close();
    await p.close();

    for (const path of ['/inbaddning/kluster/agro-orebro', '/inbaddning?sprak=en', '/inbaddning/tema/krisberedskap']) {
      const res = await fetch(url(path));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy'), path).toContain('frame-ancestors *');
    }
    expect(await (await fetch(url('/inbaddning?sprak=en'))).text()).toContain('<html lang="en">');
    for (const path of ['/', '/kalender', '/kluster/agro-orebro', `/evenemang/${upcomingId}`, '/kunskapsbank', '/logga-in']) {
      const res = await fetch(url(path));
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
    expect((await fetch(url('/inbaddning/kluster/finns-inte'))).status).toBe(404);
    await expectAccessible(null, '/inbaddning/kluster/agro-orebro');
  });

  it('each cluster page offers the snippet to copy, with a preview', async () => {
    const p = await page(participant);
    await p.goto(url('/kluster/agro-orebro'));
    const code = await p.getByLabel('Kod för svenska').inputValue();
    expect(code).toBe(
      `<iframe src="${server.url}/inbaddning/kluster/agro-orebro" title="Kommande evenemang: Agro Örebro" width="100%" height="420" style="border:0;max-width:100%" loading="lazy"></iframe>`,
    );
    expect(await p.getByLabel('Kod för engelska').inputValue()).toContain('?sprak=en');
    expect(await p.locator('[data-testid=embed-snippet] iframe').getAttribute('src')).toBe('/inbaddning/kluster/agro-orebro');
    await expectAccessible(null, '/kluster/agro-orebro');
  });

  it('the public event list answers cross-origin reads', async () => {
    const p = await checker.context.newPage();
    await p.goto(otherUrl);
    const titles = await p.evaluate(async (api) => {
      const res = await fetch(`${api}/api/events?limit=50`);
      return ((await res.json()) as { events: { title: string }[] }).events.map((e) => e.title);
    }, server.url);
    expect(titles).toContain('Nätverksträff om vatten');
    const refused = await p.evaluate(async (api) => {
      try {
        await fetch(`${api}/api/clusters`);
        return 'read';
      } catch {
        return 'blocked';
      }
    }, server.url);
    expect(refused).toBe('blocked');
    await p.close();
  });
});
