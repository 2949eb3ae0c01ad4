import type { Page } from 'playwright-core';
import { callApi } from '../support/api.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import referenceData from '../../packages/db/src/reference-data.json' with { type: 'json' };
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { eventInput } from '../support/fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { TestSmtp, toAddress } from '../support/smtp.ts';

// Every page, as a visitor, a participant on their manage page, a coordinator and an admin, in
// Swedish and English, at 320, 375 and 1280 pixels, filled with realistic long content (a
// 200-character meeting link, long names, 500 attendees, a 10-slot poll): the page is never
// wider than the screen, axe-core finds nothing (WCAG 2.0–2.2 A/AA, target size included), and a
// Swedish page shows no English from the API or the reference data.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type Lang = 'sv' | 'en';
type Role = 'visitor' | 'participant' | 'coordinator' | 'invited coordinator' | 'admin';

const VIEWPORTS = [320, 375, 1280] as const;
const LANGS: Lang[] = ['sv', 'en'];
const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const A = { email: 'anna-karin@agro-orebro.example', name: 'Anna-Karin Lindqvist-Åkerström Grönwall', cluster: 'agro-orebro' };
const B = { email: 'bo@froda.example', name: 'Bo Fredrik Östergren-Wallenberg', cluster: 'froda' };

/** A date so many days from today in Stockholm, "YYYY-MM-DD". */
function day(offset: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offset * 86_400_000),
  );
}
const EVENT_DAY = day(45);
const EVENT_MONTH = EVENT_DAY.slice(0, 7);
const YEAR = EVENT_DAY.slice(0, 4);
/** A 200-character meeting link without a place to break. */
const LONG_LINK = `https://meet.example.se/j/${'a1b2c3d4e5'.repeat(17)}?pwd=XyZ`.slice(0, 200);
const LONG_TITLE =
  'Nätverksmöte om livsmedelsberedskap, vattenhushållning och kompetensförsörjning i de gröna näringarna – vår- och höstplanering';
const LONG_WORD = 'Livsmedelsberedskapssamordningsmöte';

/** English that the API or the English-only reference data could leak onto a Swedish page. */
const ENGLISH = [
  'The request is invalid',
  'must NOT',
  'must be',
  'body/',
  'is in the past',
  'is required',
  'There is no',
  'was not found',
  'Target audience',
  'invalid fields',
  ...referenceData.clusters.map((c) => c.summary.en),
];

let server: RunningServer;
let smtp: TestSmtp;
let browser: Browser;
const sessions: Partial<Record<Role, string>> = {};
const ids = {
  event: 0,
  pastDraft: 0,
  series: 0,
  poll: 0,
  proposal: 0,
  item: 0,
  newsletter: 0,
  draftNewsletter: 0,
  subscription: '',
  registration: '',
};

const url = (path: string) => `${server.url}${path}`;

async function api(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: never }> {
  const res = await callApi(server.url, token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res as { status: number; body: never };
}

/** The admin invites a coordinator; the mailed link is redeemed through the API for a session. */
async function coordinatorSession(admin: string, who: { email: string; name: string; cluster: string }): Promise<string> {
  await api(admin, 'POST', '/api/admin/users', { email: who.email, name: who.name, coordinatorOf: [who.cluster] });
  const mail = await smtp.waitFor((m) => toAddress(m) === who.email);
  const token = /\/logga-in\/lank\?token=([\w-]+)/.exec(mail.text ?? '')?.[1];
  return ((await api(null, 'POST', '/api/auth/login-link/redeem', { token })).body as { token: string }).token;
}

beforeAll(async () => {
  smtp = new TestSmtp();
  const port = await smtp.start();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}`, REGISTRATION_RATE_LIMIT: '100000' });
  server.createAdmin(ADMIN.email, ADMIN.password);
  browser = await launchBrowser();
  const admin = ((await api(null, 'POST', '/api/auth/login', ADMIN)).body as { token: string }).token;
  sessions.admin = admin;
  const a = await coordinatorSession(admin, A);
  const b = await coordinatorSession(admin, B);
  sessions.coordinator = a;
  sessions['invited coordinator'] = b;

  await api(a, 'PATCH', '/api/clusters/agro-orebro', {
    description: `## Om oss\n\nVi samlar **länets** gröna näringar.\n\n- Rådgivning om ${LONG_WORD}\n- Kurser\n\nLäs mer på ${LONG_LINK}`,
    website: LONG_LINK,
  });

  // The event: long title, place and link, co-hosted, 500 registrations on 1000 seats.
  const created = await api(
    a,
    'POST',
    '/api/events',
    eventInput({
      title: LONG_TITLE,
      description: `${'Ett långt stycke om vad vi ska göra under dagen. '.repeat(12)}\n\n${LONG_LINK}`,
      start: `${EVENT_DAY}T09:00`,
      end: `${EVENT_DAY}T16:00`,
      venueName: 'Lantbruksuniversitetets försöksgård, stora konferenssalen i östra flygeln',
      address: 'Kvinnerstavägen 1234, 702 81 Örebro',
      onlineUrl: LONG_LINK,
      // Public, so every viewer's page carries the long link the layout must fit.
      onlineUrlPublic: true,
      capacity: 1000,
      contactEmail: 'kontakt.for.evenemanget@agro-orebro-lansnatverk.example',
    }),
  );
  ids.event = (created.body as { event: { id: number } }).event.id;
  await api(a, 'POST', `/api/events/${ids.event}/organisers`, { cluster: B.cluster });
  await api(b, 'POST', `/api/events/${ids.event}/organisers/${B.cluster}/answer`, { accept: true });
  await api(a, 'POST', `/api/events/${ids.event}/publish`);
  // A second event on the same day with one long word, for the calendar cells.
  const second = await api(
    a,
    'POST',
    '/api/events',
    eventInput({ title: `${LONG_WORD} för alla kluster`, start: `${EVENT_DAY}T13:00`, end: `${EVENT_DAY}T14:00`, kind: 'network_meeting' }),
  );
  await api(a, 'POST', `/api/events/${(second.body as { event: { id: number } }).event.id}/publish`);
  const counties = ['orebro-lan', 'skane-lan', 'dalarnas-lan', null];
  const clusters = ['agro-orebro', 'froda', 'gront-center', null];
  for (let i = 0; i < 500; i++) {
    const res = await api(null, 'POST', `/api/events/${ids.event}/registrations`, {
      name: `Deltagare ${i} Långnamnsdotter-Efternamnsson`,
      email: `deltagare-${i}@en-ganska-lang-gardsdoman.example`,
      organisation: i % 7 === 0 ? 'Lantbruksföretaget Norra och Södra Gårdarna i Samverkan Ekonomisk Förening' : 'Gården AB',
      county: counties[i % 4],
      cluster: clusters[i % 4],
      dietaryNeeds: i % 5 === 0 ? 'Vegetarisk\nInga nötter, inget sesam' : null,
      accessibilityNeeds: i % 9 === 0 ? 'Hörslinga och rullstolsplats nära utgången' : null,
      consent: true,
    });
    if (i === 0) ids.registration = (res.body as { token: string }).token;
  }

  // Two registration questions, one long, for the questions page (asked after the registrations above, so optional).
  await api(a, 'PUT', `/api/events/${ids.event}/questions`, {
    questions: [
      {
        kind: 'single_choice',
        label: `Vilket pass väljer du under ${LONG_TITLE}?`.slice(0, 200),
        required: false,
        choices: ['Förmiddag i ladan', LONG_WORD],
      },
      { kind: 'yes_no', label: 'Äter du lunch?', required: false, choices: [] },
    ],
  });

  // A draft that is already over: its page warns before publishing.
  const past = await api(
    a,
    'POST',
    '/api/events',
    eventInput({ title: 'Förra månadens möte', start: `${day(-20)}T09:00`, end: `${day(-20)}T12:00` }),
  );
  ids.pastDraft = (past.body as { event: { id: number } }).event.id;

  const series = await api(a, 'POST', '/api/series', {
    leadCluster: A.cluster,
    title: 'Månatlig nätverksträff för alla koordinatorer i de gröna klustren',
    kind: 'network_meeting',
    themes: ['metoder-och-arbetssatt'],
    rrule: 'FREQ=MONTHLY;BYDAY=+2TU;COUNT=3',
    firstDate: day(10),
    startTime: '10:00',
    endTime: '11:00',
    onlineUrl: LONG_LINK,
    // Public, so every viewer's page carries the long link the layout must fit.
    onlineUrlPublic: true,
    publish: true,
  });
  ids.series = (series.body as { seriesId: number }).seriesId;

  // A poll with ten times and six invited clusters, FRODA's answers in.
  const invited = ['froda', 'gront-center', 'agro-vast', 'innovationscenter-landsbygden', 'naturbruk-vgr', 'ojebyn-agro-park'];
  const poll = await api(a, 'POST', '/api/polls', {
    organiserCluster: A.cluster,
    title: LONG_TITLE,
    description: 'Vi behöver en tid som passar alla.',
    durationMinutes: 90,
    invitedClusters: invited,
    slots: Array.from({ length: 10 }, (_, i) => `${day(40 + i)}T${i % 2 ? '13' : '09'}:00`),
    closes: `${day(30)}T12:00`,
    onlineUrl: LONG_LINK,
  });
  const pollBody = poll.body as { id: number; slots: { id: number }[] };
  ids.poll = pollBody.id;
  await api(b, 'POST', `/api/polls/${ids.poll}/answers`, {
    cluster: B.cluster,
    answers: pollBody.slots.map((s, i) => ({ slotId: s.id, answer: (['yes', 'maybe', 'no'] as const)[i % 3] })),
  });

  // The poll's comment thread, with a long link in it.
  await api(b, 'POST', `/api/polls/${ids.poll}/comments`, { body: `Tisdagen passar oss bäst. ${LONG_LINK}` });
  await api(a, 'POST', `/api/polls/${ids.poll}/comments`, { body: `${LONG_WORD} på tisdag, då.` });

  const proposal = await api(a, 'POST', '/api/proposals', {
    cluster: A.cluster,
    title: LONG_TITLE,
    abstract: `Hur gårdar kan **spara vatten**. ${LONG_LINK}`,
    themes: ['krisberedskap', 'omvarldsbevakning'],
    format: 'Halvdagsworkshop på plats med studiebesök',
    audience: 'Lantbrukare, rådgivare och kommunala beredskapssamordnare',
    preferredFrom: day(60),
    preferredTo: day(90),
  });
  ids.proposal = (proposal.body as { id: number }).id;
  await api(b, 'POST', `/api/proposals/${ids.proposal}/responses`, { cluster: B.cluster, kind: 'cohost', on: true });
  await api(b, 'POST', `/api/proposals/${ids.proposal}/comments`, { body: `Vi kan bidra. ${LONG_LINK}` });

  const item = await api(a, 'POST', '/api/horizon', {
    title: `Utlysning: ${LONG_TITLE}`,
    url: LONG_LINK,
    summary: `Stöd till projekt.\n\n${LONG_WORD} ${LONG_LINK}`,
    source: 'Jordbruksverket och Myndigheten för samhällsskydd och beredskap',
    themes: ['kapitalforsorjning', 'krisberedskap'],
    deadline: day(5),
    cluster: A.cluster,
  });
  ids.item = (item.body as { id: number }).id;
  await api(b, 'POST', `/api/horizon/${ids.item}/comments`, { body: `Vi söker gärna tillsammans. ${LONG_LINK}` });

  const letter = await api(a, 'POST', '/api/newsletters', {
    subject: `Nyheter från ${LONG_TITLE}`.slice(0, 150),
    body: `Hej! Här är **vårens** planer. ${LONG_LINK}`,
    themes: [],
    clusters: [A.cluster],
    cluster: A.cluster,
  });
  ids.newsletter = (letter.body as { id: number }).id;
  await api(a, 'POST', `/api/newsletters/${ids.newsletter}/send`);
  const draft = await api(a, 'POST', '/api/newsletters', {
    subject: 'Utkast',
    body: 'Ett utkast.',
    themes: [],
    clusters: [],
    cluster: A.cluster,
  });
  ids.draftNewsletter = (draft.body as { id: number }).id;

  await api(null, 'POST', '/api/subscriptions', {
    email: 'prenumerant.med.lang.adress@en-ganska-lang-gardsdoman.example',
    clusters: [A.cluster, B.cluster],
    themes: ['krisberedskap'],
  });
  const confirm = await smtp.waitFor((m) => toAddress(m) === 'prenumerant.med.lang.adress@en-ganska-lang-gardsdoman.example');
  ids.subscription = /\/prenumeration\/bekrafta\?token=([\w-]+)/.exec(confirm.text ?? '')?.[1] ?? '';
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

function pagesOf(role: Role): string[] {
  const from = `${YEAR}-01-01`;
  const to = `${YEAR}-12-31`;
  switch (role) {
    case 'visitor':
      return [
        '/',
        '/kalender',
        `/kalender?manad=${EVENT_MONTH}`,
        `/kalender?manad=${Number(YEAR) - 5}-01`,
        '/kalender?vy=lista',
        `/kalender?vy=lista&dag=${EVENT_DAY}`,
        '/kluster',
        '/kluster/agro-orebro',
        '/kluster/froda',
        `/evenemang/${ids.event}`,
        `/evenemang/serie/${ids.series}`,
        '/omvarld',
        `/omvarld/${ids.item}`,
        '/nyhetsbrev',
        `/nyhetsbrev/${ids.newsletter}`,
        '/prenumeration',
        `/prenumeration/${ids.subscription}`,
        `/prenumeration/bekrafta?token=${ids.subscription}`,
        '/teman',
        '/teman/krisberedskap',
        '/logga-in',
        '/logga-in/lank?token=abcdefghijklmnopqrstuvwxyz',
        '/finns-inte',
      ];
    case 'participant':
      return [`/anmalan/${ids.registration}`, `/evenemang/${ids.event}`];
    case 'coordinator':
      return [
        '/',
        '/mitt-kluster',
        '/konto',
        '/kalender',
        `/kalender?manad=${EVENT_MONTH}`,
        '/evenemang/nytt',
        '/evenemang/serie',
        `/evenemang/${ids.event}`,
        `/evenemang/${ids.event}/redigera`,
        `/evenemang/${ids.event}/deltagare`,
        `/evenemang/${ids.event}/deltagare?sok=norra&status=confirmed&kluster=froda`,
        `/evenemang/${ids.event}/fragor`,
        `/evenemang/${ids.event}/kopiera`,
        `/evenemang/${ids.pastDraft}`,
        '/forslag',
        `/forslag/${ids.proposal}`,
        '/forslag/nytt',
        '/moten',
        `/moten/${ids.poll}`,
        `/moten/${ids.poll}?tz=America/New_York`,
        '/moten/nytt',
        '/omvarld',
        '/omvarld/nytt',
        `/omvarld/${ids.item}`,
        `/omvarld/${ids.item}/redigera`,
        '/nyhetsbrev',
        '/nyhetsbrev/nytt',
        `/nyhetsbrev/${ids.draftNewsletter}/forhandsgranska`,
        `/nyhetsbrev/${ids.draftNewsletter}/skicka`,
        `/nyhetsbrev/${ids.draftNewsletter}/redigera`,
        `/rapporter?fran=${from}&till=${to}`,
        '/kluster/agro-orebro',
        '/kluster/agro-orebro/redigera',
      ];
    case 'invited coordinator':
      return ['/', '/mitt-kluster', `/moten/${ids.poll}`, `/forslag/${ids.proposal}`, `/evenemang/${ids.event}`];
    case 'admin':
      return ['/admin/anvandare', '/admin/utkorg', '/konto', '/rapporter', '/mitt-kluster'];
  }
}

async function actAs(role: Role, lang: Lang) {
  await browser.context.clearCookies();
  const session = sessions[role];
  await browser.context.addCookies([
    { name: 'samverka_lang', value: lang, url: server.url },
    ...(session ? [{ name: 'samverka_session', value: session, url: server.url }] : []),
  ]);
}

/**
 * Words of the month grid's event titles that wrap inside themselves (a word split over two
 * lines). Only while the grid shows: on a phone the days are a list as wide as the screen, where
 * a word longer than the screen may break rather than widen the page.
 */
async function brokenWords(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const broken: string[] = [];
    const head = document.querySelector('table.month thead');
    if (!head || getComputedStyle(head).display === 'none') return broken;
    for (const link of document.querySelectorAll('table.month li a')) {
      if ((link as HTMLElement).offsetParent === null) continue;
      const text = link.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) continue;
      const value = text.textContent ?? '';
      for (const m of value.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(text, m.index!);
        range.setEnd(text, m.index! + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  });
}

const checked = { pages: new Set<string>(), views: 0 };

/** Visits every page of the role at every width in both languages; returns what is wrong, page by page. */
async function sweep(role: Role): Promise<string[]> {
  const problems: string[] = [];
  const p = await browser.context.newPage();
  try {
    for (const lang of LANGS) {
      await actAs(role, lang);
      for (const path of pagesOf(role)) {
        for (const width of VIEWPORTS) {
          await p.setViewportSize({ width, height: 800 });
          const res = await p.goto(url(path));
          const where = `${role} ${lang} ${width}px ${path}`;
          const status = res?.status() ?? 0;
          if (status !== 200 && !(path === '/finns-inte' && status === 404)) problems.push(`${where}: status ${status}`);
          if ((await p.getAttribute('html', 'lang')) !== lang) problems.push(`${where}: html lang is not ${lang}`);
          const { scrollWidth, innerWidth } = await p.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
          }));
          if (scrollWidth > innerWidth) problems.push(`${where}: ${scrollWidth} px wide in a ${innerWidth} px window`);
          for (const v of await axeViolations(p, { wcag22: true }))
            problems.push(`${where}: axe ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).join(' | ')}`);
          if (lang === 'sv') {
            const text = (await p.locator('body').textContent()) ?? '';
            for (const phrase of ENGLISH) if (text.includes(phrase)) problems.push(`${where}: English on a Swedish page: "${phrase}"`);
          }
          if (path.startsWith('/kalender?manad='))
            for (const w of await brokenWords(p)) problems.push(`${where}: "${w}" broken inside a calendar cell`);
          checked.pages.add(`${role} ${path}`);
          checked.views++;
        }
      }
    }
  } finally {
    await p.close();
  }
  return problems;
}

describe('every page fits a phone, passes axe-core and speaks the page’s language', () => {
  it.each<Role>(['visitor', 'participant', 'coordinator', 'invited coordinator', 'admin'])(
    'as %s, at 320, 375 and 1280 px, in Swedish and English',
    async (role) => {
      const problems = await sweep(role);
      expect(problems, problems.join('\n')).toEqual([]);
    },
    900_000,
  );

  it('the month grid shows whole words at 1280 px, and a list of days on a phone', async () => {
    await actAs('visitor', 'sv');
    const p = await browser.context.newPage();
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.goto(url(`/kalender?manad=${EVENT_MONTH}`));
    expect(await p.locator('table.month thead').isVisible()).toBe(true);
    expect(await p.locator('table.month li', { hasText: LONG_WORD }).count()).toBe(1);
    expect(await brokenWords(p)).toEqual([]);
    await p.setViewportSize({ width: 320, height: 800 });
    expect(await p.locator('table.month thead').isVisible()).toBe(false);
    const day = p.locator('table.month td.has-events');
    expect(await day.count()).toBeGreaterThan(0);
    await expect(day.first().locator('.day-label').isVisible()).resolves.toBe(true);
    expect(await p.locator('table.month td:not(.has-events)').first().isVisible()).toBe(false);
    // From an empty month, a link on to the next month with events.
    await p.goto(url(`/kalender?manad=${Number(YEAR) - 5}-01`));
    const next = p.getByTestId('next-with-events').getByRole('link');
    expect(await next.getAttribute('href')).toMatch(/manad=\d{4}-\d{2}/);
    // The filters are folded on a phone and open on a wide screen.
    expect(await p.getByRole('combobox', { name: 'Tema' }).isVisible()).toBe(false);
    await p.setViewportSize({ width: 1280, height: 800 });
    expect(await p.getByRole('combobox', { name: 'Tema' }).isVisible()).toBe(true);
    await p.close();
  });

  it('lists the co-hosted event on the co-host’s cluster page too, and the start page shows what comes next', async () => {
    await actAs('visitor', 'sv');
    const p = await browser.context.newPage();
    await p.goto(url('/kluster/froda'));
    await expect(p.getByTestId('cluster-events').textContent()).resolves.toContain(LONG_TITLE);
    await p.goto(url('/'));
    await expect(p.getByTestId('start-events').textContent()).resolves.toContain(LONG_TITLE);
    await expect(p.getByTestId('start-deadlines').textContent()).resolves.toContain(`Utlysning: ${LONG_TITLE}`);
    expect(await p.getByTestId('start-newsletter').getByRole('link').getAttribute('href')).toBe(`/nyhetsbrev/${ids.newsletter}`);
    expect(await p.getByTestId('waiting').count()).toBe(0);
    await actAs('coordinator', 'sv');
    await p.goto(url('/'));
    const waiting = p.getByTestId('waiting');
    // The proposal FRODA offered to co-host waits for Agro Örebro's decision.
    expect(await waiting.getByRole('link', { name: LONG_TITLE }).getAttribute('href')).toBe(`/forslag/${ids.proposal}`);
    await actAs('invited coordinator', 'sv');
    await p.goto(url('/'));
    // FRODA answered every time of the poll, so it no longer waits for FRODA.
    expect(await p.getByTestId('waiting').locator(`a[href="/moten/${ids.poll}"]`).count()).toBe(0);
    await p.close();
  });

  it('reports what it checked', () => {
    // The figure for the issue: pages × widths × languages.
    console.log(
      `phone sweep: ${checked.pages.size} pages (by role) × ${VIEWPORTS.length} widths × ${LANGS.length} languages = ${checked.views} views`,
    );
    expect(checked.views).toBe(checked.pages.size * VIEWPORTS.length * LANGS.length);
    expect(checked.pages.size).toBeGreaterThan(60);
  });
});
