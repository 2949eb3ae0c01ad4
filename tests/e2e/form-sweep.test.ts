import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../apps/web/src/lib/i18n/en.ts';
import { sv } from '../../apps/web/src/lib/i18n/sv.ts';
import { callApi } from '../support/api.ts';
import { launchBrowser } from '../support/browser.ts';
import { eventInput, tempDir } from '../support/fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

// Every form of the web app that takes typed input, posted with each wrong input a person can
// cause, without JavaScript and without the browser's own checks (required, min, type="email"):
// the field's message appears next to that field in the page's language (the catalogue's text,
// never the API's English), and what was typed is still in the form. The expected texts come
// from the web app's catalogues, so the test checks that the right one reached the right field.

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type Lang = 'sv' | 'en';

let server: RunningServer;
let browser: Browser;
let p: Page;
let adminToken = '';
/** The server's data folder, kept over a restart (the survey job runs at start). */
const data = tempDir('samverka-e2e-forms-');
const ENV = { REGISTRATION_RATE_LIMIT: '100000', LOGIN_RATE_LIMIT: '1000', DATA_DIR: data.path };

const ADMIN = { email: 'sekretariat@example.se', password: 'ett långt lösenord' };
const Y = new Date().getFullYear() + 2;
const ids = { event: 0, poll: 0, proposal: 0, item: 0, newsletter: 0, registration: '', subscription: '', survey: '' };
/** An event whose questions came after Lena's registration: a required choice she has not answered, and an optional text. */
const asked = { registration: '', choice: 0, text: 0 };
const HOUR = 3_600_000;
/** A time so many milliseconds from now, as local time in UTC ("YYYY-MM-DDTHH:mm"). */
const utcLocal = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString().slice(0, 16);

/** A value from the server's database file, read as the tests of mailed links do (the mails are not the subject here). */
function fromDb<T>(sql: string, ...params: unknown[]): T | undefined {
  const db = new Database(join(data.path, 'samverka.db'), { readonly: true });
  try {
    return db.prepare(sql).get(...params) as T | undefined;
  } finally {
    db.close();
  }
}

/** Wording of the API's own messages (schema language) that must never reach a page. */
const API_WORDING = ['body/', 'must NOT', 'must match', 'The request is invalid', 'has invalid fields'];
/** English from the API's messages that must not reach a Swedish page either. */
const API_ENGLISH = [...API_WORDING, 'must be', 'is in the past', 'is required', 'not an email address', 'too long'];

async function api(method: string, path: string, body?: unknown, token: string | null = adminToken) {
  const res = await callApi(server.url, token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown> & { id: number; event: { id: number }; token: string };
}

beforeAll(async () => {
  server = await startServer(ENV);
  server.createAdmin(ADMIN.email, ADMIN.password);
  adminToken = ((await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN)).body as { token: string }).token;
  browser = await launchBrowser({ javaScriptEnabled: false });
  p = await browser.context.newPage();
  // A phone: after a refused post the person must see what went wrong without hunting for it.
  await p.setViewportSize({ width: 375, height: 740 });

  const event = await api('POST', '/api/events', eventInput({ start: `${Y}-03-10T09:00`, end: `${Y}-03-10T12:00`, capacity: 40 }));
  ids.event = event.event.id;
  await api('POST', `/api/events/${ids.event}/publish`);
  const reg = await api(
    'POST',
    `/api/events/${ids.event}/registrations`,
    { name: 'Lena Lantbrukare', email: 'lena@example.se', organisation: 'Gården AB', consent: true },
    null,
  );
  ids.registration = reg.token;
  const askedEvent = (await api('POST', '/api/events', eventInput({ start: `${Y}-03-11T09:00`, end: `${Y}-03-11T12:00`, capacity: 40 })))
    .event.id;
  await api('POST', `/api/events/${askedEvent}/publish`);
  asked.registration = (
    await api(
      'POST',
      `/api/events/${askedEvent}/registrations`,
      { name: 'Lena Lantbrukare', email: 'lena@example.se', organisation: 'Gården AB', consent: true },
      null,
    )
  ).token;
  const qs = (
    await callApi(server.url, adminToken, 'PUT', `/api/events/${askedEvent}/questions`, {
      questions: [
        { kind: 'single_choice', label: 'Vilket pass?', required: true, choices: ['Förmiddag', 'Eftermiddag'] },
        { kind: 'short_text', label: 'Fakturareferens' },
      ],
    })
  ).body as unknown as { id: number }[];
  asked.choice = qs[0]!.id;
  asked.text = qs[1]!.id;
  ids.poll = (
    await api('POST', '/api/polls', {
      organiserCluster: 'agro-orebro',
      title: 'Planeringsmöte',
      durationMinutes: 60,
      invitedClusters: ['froda'],
      slots: [`${Y}-02-05T10:00`, `${Y}-02-06T10:00`],
      closes: `${Y}-01-20T12:00`,
    })
  ).id;
  ids.proposal = (
    await api('POST', '/api/proposals', {
      cluster: 'agro-orebro',
      title: 'Workshop om vatten',
      abstract: 'Hur lantbruket kan spara vatten.',
      themes: ['krisberedskap'],
      format: 'Halvdag',
      audience: 'Lantbrukare',
      preferredFrom: `${Y}-09-01`,
      preferredTo: `${Y}-10-01`,
    })
  ).id;
  ids.item = (
    await api('POST', '/api/horizon', {
      title: 'Utlysning om vatten',
      summary: 'Stöd till projekt.',
      source: 'Jordbruksverket',
      themes: ['kapitalforsorjning'],
      cluster: 'agro-orebro',
    })
  ).id;
  ids.newsletter = (
    await api('POST', '/api/newsletters', {
      subject: 'Utkast',
      body: 'Ett utkast.',
      themes: [],
      clusters: ['agro-orebro'],
      cluster: 'agro-orebro',
    })
  ).id;
  // The subscription's key arrives by mail; here it is read where the mail took it from.
  await api('POST', '/api/subscriptions', { email: 'prenumerant@example.se', clusters: ['froda'], themes: [] }, null);
  ids.subscription = fromDb<{ token: string }>('select token from subscribers where email = ?', 'prenumerant@example.se')!.token;

  // The survey: an event that has ended with a confirmed participant, then the survey job, which
  // runs when the server starts (once per five-minute period: the claim is dropped while stopped).
  const ended = await api(
    'POST',
    '/api/events',
    eventInput({ title: 'Avslutad workshop', timeZone: 'UTC', start: utcLocal(48 * HOUR), end: utcLocal(50 * HOUR) }),
  );
  await api('POST', `/api/events/${ended.event.id}/publish`);
  await api(
    'POST',
    `/api/events/${ended.event.id}/registrations`,
    { name: 'Pelle', email: 'pelle@example.se', organisation: 'Pelles gård', consent: true },
    null,
  );
  await api('PATCH', `/api/events/${ended.event.id}`, { timeZone: 'UTC', start: utcLocal(-3 * HOUR), end: utcLocal(-HOUR) });
  await server.stop();
  const db = new Database(join(data.path, 'samverka.db'));
  db.prepare("DELETE FROM job_runs WHERE job = 'surveys'").run();
  db.close();
  server = await startServer(ENV);
  ids.survey = (
    await waitFor(
      () => fromDb<{ token: string }>('select token from feedback_invitations where event_id = ?', ended.event.id),
      'the survey invitation',
    )
  ).token;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data.remove();
});

/** Who posts the form, in which language. */
async function as(who: 'admin' | 'anonymous', lang: Lang) {
  await browser.context.clearCookies();
  await browser.context.addCookies([
    { name: 'samverka_lang', value: lang, url: server.url },
    ...(who === 'admin' ? [{ name: 'samverka_session', value: adminToken, url: server.url }] : []),
  ]);
}

interface Case {
  /** Page, form and the wrong input, as the report counts them. */
  name: string;
  path: () => string;
  who?: 'admin' | 'anonymous';
  lang?: Lang;
  /** The form on the page: its action ("?/comment"), or the first form in main that posts (or gets, with `get`). */
  action?: string;
  get?: boolean;
  /** Typed into inputs and text areas by name. */
  fill?: Record<string, string>;
  /** Options chosen in selects by name. */
  select?: Record<string, string>;
  /** Checkboxes and radio buttons to tick, as name=value. */
  tick?: string[];
  /** Checkboxes and radio buttons to clear, as name=value. */
  untick?: string[];
  /** Checkboxes and radio buttons (name=value) that must still be ticked after the post. */
  keepTicked?: string[];
  /** The submit button's own text, when the form has more than one. */
  button?: string;
  /** id of the error element (next to its field) → the text expected there. */
  errors: (m: typeof sv) => Record<string, string>;
  /** Names whose typed value must survive; by default every filled one except passwords. */
  keep?: string[];
}

const CASES: Case[] = [
  // ---- Events: create, edit, series, cancel ----
  {
    name: 'event (new): no title, no theme',
    path: () => '/evenemang/nytt',
    fill: { title: '', start: `${Y}-05-14T09:00`, end: `${Y}-05-14T16:00`, venueName: 'Ladan' },
    select: { leadCluster: 'agro-orebro', kind: 'workshop' },
    errors: (m) => ({ 'f-title-error': m.errRequired, 'themes-error': m.apiErrors.byField.themes.required }),
    keep: ['start', 'end', 'venueName'],
  },
  {
    name: 'event (new): no seats',
    path: () => '/evenemang/nytt',
    fill: { title: 'Markdagen', start: `${Y}-05-14T09:00`, end: `${Y}-05-14T16:00`, venueName: 'Ladan', capacity: '0' },
    select: { leadCluster: 'agro-orebro', kind: 'workshop' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({
      'f-capacity-error': (m.apiErrors.detail.out_of_range as (p: { min?: number; max?: number }) => string)({ min: 1, max: 100_000 }),
    }),
  },
  {
    name: 'event (new): a contact address that is not one',
    path: () => '/evenemang/nytt',
    fill: { title: 'Markdagen', start: `${Y}-05-14T09:00`, end: `${Y}-05-14T16:00`, venueName: 'Ladan', contactEmail: 'inte-en-adress' },
    select: { leadCluster: 'agro-orebro', kind: 'workshop' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({ 'f-contactEmail-error': m.apiErrors.detail.invalid_email }),
  },
  {
    name: 'event (new), English: end before start',
    path: () => '/evenemang/nytt',
    lang: 'en',
    fill: { title: 'Field day', start: `${Y}-05-14T16:00`, end: `${Y}-05-14T09:00`, venueName: 'The barn' },
    select: { leadCluster: 'agro-orebro', kind: 'workshop' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({ 'f-end-error': m.apiErrors.detail.end_before_start }),
  },
  {
    name: 'event (new): a link that is not a web address',
    path: () => '/evenemang/nytt',
    fill: { title: 'Markdagen', start: `${Y}-05-14T09:00`, end: `${Y}-05-14T16:00`, onlineUrl: 'ftp://example.se/möte' },
    select: { leadCluster: 'agro-orebro', kind: 'workshop' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({ 'f-onlineUrl-error': m.apiErrors.detail.invalid_url }),
    keep: ['title', 'onlineUrl'],
  },
  {
    name: 'event (edit): end before start',
    path: () => `/evenemang/${ids.event}/redigera`,
    fill: { start: `${Y}-03-10T12:00`, end: `${Y}-03-10T09:00` },
    errors: (m) => ({ 'f-end-error': m.apiErrors.detail.end_before_start }),
  },
  {
    name: 'event (edit): empty title',
    path: () => `/evenemang/${ids.event}/redigera`,
    fill: { title: '' },
    errors: (m) => ({ 'f-title-error': m.errRequired }),
    keep: [],
  },
  {
    name: 'series: a rule that never ends',
    path: () => '/evenemang/serie',
    fill: {
      title: 'Nätverksträff',
      rrule: 'FREQ=WEEKLY',
      firstDate: `${Y}-01-05`,
      startTime: '10:00',
      endTime: '12:00',
      venueName: 'Ladan',
    },
    select: { leadCluster: 'agro-orebro' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({ 'f-rrule-error': m.apiErrors.detail.unbounded }),
  },
  {
    name: 'event: cancel without a reason',
    path: () => `/evenemang/${ids.event}`,
    action: '?/cancel',
    fill: { reason: '' },
    errors: (m) => ({ 'f-reason-error': m.errRequired }),
    keep: [],
  },
  // ---- Registration, the manage page, the organisers' message ----
  {
    name: 'registration: no name',
    path: () => `/evenemang/${ids.event}`,
    who: 'anonymous',
    action: '?/register',
    fill: { name: '', email: 'lena@gard.example', organisation: 'Gården AB' },
    tick: ['consent='],
    errors: (m) => ({ 'f-name-error': m.errRequired }),
    keep: ['email', 'organisation'],
  },
  {
    name: 'registration: an address that is not one',
    path: () => `/evenemang/${ids.event}`,
    who: 'anonymous',
    action: '?/register',
    fill: { name: 'Lena', email: 'lena@-gard.example', organisation: 'Gården AB' },
    tick: ['consent='],
    errors: (m) => ({ 'f-email-error': m.apiErrors.detail.invalid_email }),
  },
  {
    name: 'registration: no consent',
    path: () => `/evenemang/${ids.event}`,
    who: 'anonymous',
    action: '?/register',
    fill: { name: 'Lena', email: 'lena@gard.example', organisation: 'Gården AB' },
    errors: (m) => ({ 'f-consent-error': m.reg.errConsent }),
  },
  {
    name: 'registration (manage page): name removed',
    path: () => `/anmalan/${ids.registration}`,
    who: 'anonymous',
    action: '?/update',
    fill: { name: '', organisation: 'Gården AB' },
    errors: (m) => ({ 'f-name-error': m.errRequired }),
    keep: ['organisation'],
  },
  {
    name: 'registration (manage page): a required question left unanswered',
    path: () => `/anmalan/${asked.registration}`,
    who: 'anonymous',
    action: '?/update',
    // Getters: the question ids exist only once beforeAll has made them.
    get fill() {
      return { [`answer-${asked.text}`]: 'REF 12' };
    },
    errors: (m) => ({ [`f-answer-${asked.choice}-error`]: m.errRequired }),
  },
  {
    name: 'registration (manage page), English: a required question left unanswered, the name removed',
    path: () => `/anmalan/${asked.registration}`,
    who: 'anonymous',
    lang: 'en',
    action: '?/update',
    get fill() {
      return { name: '', [`answer-${asked.text}`]: 'Invoice 7' };
    },
    errors: (m) => ({ 'f-name-error': m.errRequired, [`f-answer-${asked.choice}-error`]: m.errRequired }),
    get keep() {
      return [`answer-${asked.text}`];
    },
  },
  {
    name: 'attendees: message without subject and text',
    path: () => `/evenemang/${ids.event}/deltagare`,
    action: '?/message',
    fill: { subject: '', body: '' },
    errors: (m) => ({ 'f-subject-error': m.errRequired, 'f-body-error': m.errRequired }),
    keep: [],
  },
  {
    name: 'material: a link without title to something that is not a web address',
    path: () => `/evenemang/${ids.event}/material`,
    action: '?/link',
    fill: { title: '', url: 'www.example.se' },
    errors: (m) => ({ 'f-title-error': m.errRequired, 'f-url-error': m.kb.errUrl }),
    keep: ['url'],
  },
  // ---- Polls ----
  {
    name: 'poll (new): past times and closing time',
    path: () => '/moten/nytt',
    fill: {
      title: 'Planeringsmöte',
      durationMinutes: '60',
      slot0: '2020-02-05T10:00',
      slot1: '2020-02-06T10:00',
      closes: '2020-01-20T12:00',
    },
    select: { organiserCluster: 'agro-orebro' },
    tick: ['invitedClusters=froda'],
    errors: (m) => ({
      'f-slot0-error': m.apiErrors.detail.in_the_past,
      'f-slot1-error': m.apiErrors.detail.in_the_past,
      'f-closes-error': m.apiErrors.byField.closes.in_the_past,
    }),
  },
  {
    name: 'poll (new): duration 5 minutes, no invited cluster, one time, closes after it',
    path: () => '/moten/nytt',
    fill: { title: 'Planeringsmöte', durationMinutes: '5', slot0: `${Y}-02-05T10:00`, closes: `${Y}-03-01T10:00` },
    select: { organiserCluster: 'agro-orebro' },
    errors: (m) => ({
      'f-durationMinutes-error': m.pollErrDuration,
      'invitedClusters-error': m.errInviteCluster,
      'slots-error': m.pollErrSlotCount,
      'f-closes-error': m.pollErrClosesBeforeSlots,
    }),
  },
  {
    name: 'poll: add a past time and one it has',
    path: () => `/moten/${ids.poll}`,
    action: '?/addSlots',
    fill: { newSlot0: '2020-03-01T10:00', newSlot1: `${Y}-02-05T10:00` },
    errors: (m) => ({ 'f-newSlot0-error': m.apiErrors.detail.in_the_past, 'f-newSlot1-error': m.pollErrSlotExists }),
  },
  {
    name: 'poll: add no time',
    path: () => `/moten/${ids.poll}`,
    action: '?/addSlots',
    fill: {},
    errors: (m) => ({ 'f-newSlot0-error': m.pollErrNoNewSlot }),
  },
  {
    name: 'poll: closing time in the past',
    path: () => `/moten/${ids.poll}`,
    action: '?/deadline',
    fill: { closes: '2020-01-01T12:00' },
    errors: (m) => ({ 'f-closes-error': m.apiErrors.byField.closes.in_the_past }),
  },
  {
    name: 'poll, English: closing time in the past',
    path: () => `/moten/${ids.poll}`,
    lang: 'en',
    action: '?/deadline',
    fill: { closes: '2020-01-01T12:00' },
    errors: () => ({ 'f-closes-error': en.apiErrors.byField.closes.in_the_past }),
  },
  {
    name: 'poll: empty comment',
    path: () => `/moten/${ids.poll}`,
    action: '?/comment',
    fill: { body: '   ' },
    errors: (m) => ({ 'f-body-error': m.errRequired }),
    keep: [],
  },
  {
    name: 'poll: times shown in a time zone that does not exist',
    path: () => `/moten/${ids.poll}`,
    get: true,
    fill: { tz: 'Mars/Olympus_Mons' },
    errors: (m) => ({ 'f-tz-error': m.pollZoneUnknown }),
  },
  // ---- Proposals ----
  {
    name: 'proposal (new): a period that ends before it starts',
    path: () => '/forslag/nytt',
    fill: {
      title: 'Workshop om vatten',
      abstract: 'Spara vatten.',
      format: 'Halvdag',
      audience: 'Lantbrukare',
      preferredFrom: `${Y}-10-01`,
      preferredTo: `${Y}-09-01`,
    },
    select: { cluster: 'agro-orebro' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({ 'f-preferredTo-error': m.apiErrors.byField.preferredTo.end_before_start }),
  },
  {
    name: 'proposal (new): no title',
    path: () => '/forslag/nytt',
    fill: {
      title: '',
      abstract: 'Spara vatten.',
      format: 'Halvdag',
      audience: 'Lantbrukare',
      preferredFrom: `${Y}-09-01`,
      preferredTo: `${Y}-10-01`,
    },
    select: { cluster: 'agro-orebro' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({ 'f-title-error': m.errRequired }),
    keep: ['abstract', 'preferredFrom'],
  },
  {
    name: 'proposal (new): a period that has passed',
    path: () => '/forslag/nytt',
    fill: {
      title: 'Vatten',
      abstract: 'Spara vatten.',
      format: 'Halvdag',
      audience: 'Lantbrukare',
      preferredFrom: '2020-09-01',
      preferredTo: '2020-10-01',
    },
    select: { cluster: 'agro-orebro' },
    tick: ['themes=krisberedskap'],
    errors: (m) => ({ 'f-preferredFrom-error': m.apiErrors.detail.in_the_past }),
  },
  {
    name: 'proposal: empty comment',
    path: () => `/forslag/${ids.proposal}`,
    action: '?/comment',
    fill: { body: '' },
    errors: (m) => ({ 'f-body-error': m.errRequired }),
    keep: [],
  },
  {
    name: 'proposal: accept with an end before the start',
    path: () => `/forslag/${ids.proposal}`,
    action: '?/accept',
    fill: { start: `${Y}-09-10T12:00`, end: `${Y}-09-10T09:00` },
    errors: (m) => ({ 'f-end-error': m.apiErrors.detail.end_before_start }),
  },
  {
    name: 'proposal: decline without a reason',
    path: () => `/forslag/${ids.proposal}`,
    action: '?/decline',
    fill: { reason: '' },
    errors: (m) => ({ 'f-reason-error': m.errRequired }),
    keep: [],
  },
  // ---- Horizon scanning ----
  {
    name: 'horizon item (new): a link that is no web address, a deadline that has passed',
    path: () => '/omvarld/nytt',
    fill: { title: 'Utlysning', url: 'https://ex%ample.se/utlysning', source: 'Jordbruksverket', summary: 'Stöd.', deadline: '2020-01-01' },
    tick: ['themes=kapitalforsorjning'],
    errors: (m) => ({ 'f-url-error': m.apiErrors.detail.invalid_url, 'f-deadline-error': m.apiErrors.detail.in_the_past }),
  },
  {
    name: 'horizon item (edit): empty source',
    path: () => `/omvarld/${ids.item}/redigera`,
    fill: { source: '', title: 'Utlysning om vatten, ändrad' },
    errors: (m) => ({ 'f-source-error': m.errRequired }),
    keep: ['title'],
  },
  {
    name: 'horizon item: empty comment',
    path: () => `/omvarld/${ids.item}`,
    action: '?/comment',
    fill: { body: '' },
    errors: (m) => ({ 'f-body-error': m.errRequired }),
    keep: [],
  },
  // ---- Newsletters ----
  {
    name: 'newsletter (new): no subject, no text',
    path: () => '/nyhetsbrev/nytt',
    fill: { subject: '', body: '' },
    select: { cluster: 'agro-orebro' },
    errors: (m) => ({ 'f-subject-error': m.errRequired, 'f-body-error': m.errRequired }),
    keep: [],
  },
  {
    name: 'newsletter (edit): no subject',
    path: () => `/nyhetsbrev/${ids.newsletter}/redigera`,
    fill: { subject: '', body: 'Ändrad text.' },
    errors: (m) => ({ 'f-subject-error': m.errRequired }),
    keep: ['body'],
  },
  // ---- Reports ----
  {
    name: 'report: a period that ends before it starts',
    path: () => '/rapporter',
    get: true,
    fill: { fran: `${Y}-05-01`, till: `${Y}-04-01` },
    errors: (m) => ({ 'f-till-error': m.reportsErrOrder }),
  },
  {
    name: 'report, English: a period that ends before it starts',
    path: () => '/rapporter',
    lang: 'en',
    get: true,
    fill: { fran: `${Y}-05-01`, till: `${Y}-04-01` },
    errors: (m) => ({ 'f-till-error': m.reportsErrOrder }),
  },
  // ---- Clusters, accounts, subscriptions ----
  {
    name: 'cluster profile: a website that is not a web address',
    path: () => '/kluster/agro-orebro/redigera',
    fill: { website: 'agro-orebro' },
    errors: (m) => ({ 'f-website-error': m.apiErrors.detail.invalid_url }),
  },
  {
    name: 'cluster profile: a contact address that is not one',
    path: () => '/kluster/agro-orebro/redigera',
    fill: { contactEmail: 'info@' },
    errors: (m) => ({ 'f-contactEmail-error': m.apiErrors.detail.invalid_email }),
  },
  {
    name: 'admin: invite a coordinator without name or address',
    path: () => '/admin/anvandare',
    action: '?/invite',
    fill: { name: '', email: '' },
    errors: (m) => ({ 'f-name-error': m.errRequired, 'f-email-error': m.errRequired }),
  },
  {
    name: 'admin: invite with an address that is not one',
    path: () => '/admin/anvandare',
    action: '?/invite',
    fill: { name: 'Anna Agro', email: 'anna@' },
    errors: (m) => ({ 'f-email-error': m.apiErrors.detail.invalid_email }),
  },
  {
    name: 'admin: invite with an address that has an account',
    path: () => '/admin/anvandare',
    action: '?/invite',
    fill: { name: 'Sekretariatet igen', email: ADMIN.email },
    errors: (m) => ({ 'f-email-error': m.apiErrors.byField.email.duplicate }),
  },
  {
    name: 'account: a password that is too short',
    path: () => '/konto',
    action: '?/password',
    fill: { password: 'kort' },
    errors: (m) => ({ 'f-password-error': (m.apiErrors.detail.too_short as (p: { min?: number }) => string)({ min: 10 }) }),
  },
  {
    name: 'log in with a password: no address',
    path: () => '/logga-in',
    who: 'anonymous',
    action: '?/password',
    fill: { email: '', password: 'ett långt lösenord' },
    errors: (m) => ({ 'f-email-error': m.errRequired }),
    keep: [],
  },
  {
    name: 'log in by link: an address that is not one',
    path: () => '/logga-in',
    who: 'anonymous',
    action: '?/link',
    fill: { email: 'lena@' },
    errors: (m) => ({ 'link-email-error': m.apiErrors.detail.invalid_email }),
  },
  {
    name: 'subscription: an address the API does not take',
    path: () => '/prenumeration',
    who: 'anonymous',
    fill: { email: 'lena@-gard.example' },
    tick: ['clusters=froda'],
    errors: (m) => ({ 'f-email-error': m.apiErrors.detail.invalid_email }),
  },
  {
    name: 'subscription: nothing followed',
    path: () => '/prenumeration',
    who: 'anonymous',
    fill: { email: 'lena@example.se' },
    errors: (m) => ({ 'themes-error': m.mailingErrFollowOne }),
  },
  {
    name: 'subscription (manage page, from the mailed link): nothing followed any more',
    path: () => `/prenumeration/${ids.subscription}`,
    who: 'anonymous',
    action: '?/save',
    untick: ['clusters=froda'],
    errors: (m) => ({ 'themes-error': m.mailingErrFollowOne }),
  },
  {
    name: 'subscription (manage page), English: nothing followed any more',
    path: () => `/prenumeration/${ids.subscription}`,
    who: 'anonymous',
    lang: 'en',
    action: '?/save',
    untick: ['clusters=froda'],
    errors: (m) => ({ 'themes-error': m.mailingErrFollowOne }),
  },
  // ---- The feedback survey, from the mailed link ----
  {
    name: 'survey: no answer to the required questions',
    path: () => `/aterkoppling/${ids.survey}`,
    who: 'anonymous',
    action: '?/answer',
    fill: { comment: 'Mer tid i fält nästa gång.' },
    errors: (m) => ({ 'overall-error': m.kb.errScale, 'usefulness-error': m.kb.errScale, 'willUse-error': m.kb.errWillUse }),
  },
  {
    name: 'survey, English: one of three answered',
    path: () => `/aterkoppling/${ids.survey}`,
    who: 'anonymous',
    lang: 'en',
    action: '?/answer',
    tick: ['overall=4'],
    fill: { comment: 'More time outdoors.' },
    errors: (m) => ({ 'usefulness-error': m.kb.errScale, 'willUse-error': m.kb.errWillUse }),
    keepTicked: ['overall=4'],
  },
  // ---- Notification settings on /konto ----
  {
    name: 'account: notifications for some themes, with none chosen',
    path: () => '/konto',
    action: '?/notifications',
    select: { 'mode-registrations': 'off' },
    tick: ['allThemes=no'],
    errors: (m) => ({ 'themes-error': m.apiErrors.byField.themes.required }),
    keep: ['mode-registrations'],
    keepTicked: ['allThemes=no'],
  },
  {
    name: 'account: e-mail language, neither chosen',
    path: () => '/konto',
    action: '?/language',
    untick: ['language=sv', 'language=en'],
    errors: (m) => ({ 'language-error': m.accountLanguageChoose }),
  },
  // ---- Registration questions and copying an event ----
  {
    name: 'questions: a single choice without choices',
    path: () => `/evenemang/${ids.event}/fragor`,
    fill: { 'q-0-label': 'Vilket pass väljer du?', 'q-0-choices': '' },
    select: { 'q-0-kind': 'single_choice' },
    tick: ['q-0-required'],
    errors: (m) => ({ 'f-q-0-choices-error': m.questionChoicesTooFew }),
    keep: ['q-0-label', 'q-0-kind'],
    keepTicked: ['q-0-required'],
  },
  {
    name: 'questions, English: the same choice twice',
    path: () => `/evenemang/${ids.event}/fragor`,
    lang: 'en',
    fill: { 'q-0-label': 'Which session?', 'q-0-choices': 'Morning\nMorning' },
    select: { 'q-0-kind': 'multiple_choice' },
    errors: (m) => ({ 'f-q-0-choices-error': m.questionChoicesDuplicate }),
    keep: ['q-0-label', 'q-0-choices', 'q-0-kind'],
  },
  {
    name: 'questions: a question without text among two',
    path: () => `/evenemang/${ids.event}/fragor`,
    fill: { 'q-0-label': '', 'q-0-choices': 'Förmiddag\nEftermiddag' },
    select: { 'q-0-kind': 'single_choice' },
    errors: (m) => ({ 'f-q-0-label-error': m.errRequired }),
    keep: ['q-0-choices'],
  },
  {
    name: 'copy: no new start',
    path: () => `/evenemang/${ids.event}/kopiera`,
    fill: { start: '' },
    errors: (m) => ({ 'f-start-error': m.errRequired }),
    keep: [],
  },
  {
    name: 'copy, English: no new start',
    path: () => `/evenemang/${ids.event}/kopiera`,
    lang: 'en',
    fill: { start: '' },
    errors: (m) => ({ 'f-start-error': m.errRequired }),
    keep: [],
  },
];

/** The form a case posts. */
function formOf(c: Case): Locator {
  if (c.action) return p.locator(`main form[action^="${c.action}"]`).first();
  return p.locator(`main form[method="${c.get ? 'GET' : 'POST'}"]`).first();
}

describe('every form: each wrong input gives its message next to its field, in the page language, and keeps what was typed', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const lang = c.lang ?? 'sv';
    const m = lang === 'sv' ? sv : en;
    await as(c.who ?? 'admin', lang);
    await p.goto(`${server.url}${c.path()}`);
    const form = formOf(c);
    // Without the browser's checks, as a browser without them (or a person past them) would post.
    await form.evaluate((f) => {
      (f as HTMLFormElement).noValidate = true;
    });
    for (const [name, value] of Object.entries(c.select ?? {})) await form.locator(`select[name="${name}"]`).selectOption(value);
    for (const t of c.tick ?? []) {
      const [name, value] = t.split('=');
      await form.locator(value ? `input[name="${name}"][value="${value}"]` : `input[name="${name}"]`).check();
    }
    // Set rather than clicked: a radio button cannot be cleared by a click, only by a crafted post.
    for (const t of c.untick ?? []) {
      const [name, value] = t.split('=');
      await form.locator(`input[name="${name}"][value="${value}"]`).evaluate((box) => {
        (box as HTMLInputElement).checked = false;
      });
    }
    for (const [name, value] of Object.entries(c.fill ?? {})) await form.locator(`[name="${name}"]`).fill(value);
    const submit = c.button ? form.getByRole('button', { name: c.button }) : form.locator('button[type="submit"]').first();
    await submit.click();
    await p.waitForLoadState('domcontentloaded');
    for (const [id, text] of Object.entries(c.errors(m))) {
      const el = p.locator(`[id="${id}"]`);
      expect(await el.count(), `${id} on ${p.url()}`).toBe(1);
      expect((await el.textContent())?.trim(), id).toBe(text);
    }
    // The page opens where the form is (an anchor in its action when it is far down): the form's
    // alert or a field message is on the first screen.
    const seen = await p.evaluate(() =>
      [...document.querySelectorAll('main .alert, main .field-error')].some((e) => {
        const r = e.getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
      }),
    );
    expect(seen, `what went wrong is on the first screen of ${p.url()}`).toBe(true);
    const page = (await p.locator('main').textContent()) ?? '';
    for (const phrase of lang === 'sv' ? API_ENGLISH : API_WORDING) expect(page, `API text "${phrase}"`).not.toContain(phrase);
    const kept = c.keep ?? Object.keys(c.fill ?? {}).filter((n) => n !== 'password');
    for (const name of kept)
      expect(await formOf(c).locator(`[name="${name}"]`).first().inputValue(), name).toBe(c.fill?.[name] ?? c.select?.[name]);
    for (const t of c.keepTicked ?? []) {
      const [name, value] = t.split('=');
      const box = formOf(c).locator(value ? `input[name="${name}"][value="${value}"]` : `input[name="${name}"]`);
      expect(await box.isChecked(), `${t} still ticked`).toBe(true);
    }
  });
});

describe('the sweep covers every form', () => {
  it('reports forms × wrong inputs', () => {
    const forms = new Set(CASES.map((c) => `${c.path().replace(/\d+|[\w-]{20,}/g, ':id')} ${c.action ?? ''}`));
    const inputs = CASES.reduce((n, c) => n + Object.keys(c.errors(sv)).length, 0);
    console.log(`form sweep: ${CASES.length} cases, ${forms.size} forms, ${inputs} field messages checked`);
    expect(forms.size).toBeGreaterThan(20);
  });
});

describe('changing the answers on the manage page', () => {
  it('the participant answers the question added after registering; the page shows the answers as saved', async () => {
    await as('anonymous', 'sv');
    await p.goto(`${server.url}/anmalan/${asked.registration}`);
    const form = p.locator('main form[action^="?/update"]');
    await form.locator(`input[name="answer-${asked.choice}"][value="Eftermiddag"]`).check();
    await form.locator(`[name="answer-${asked.text}"]`).fill('REF 12');
    await form.locator('button[type="submit"]').click();
    await p.waitForURL(/klart=sparad/);
    const facts = (await p.locator('dl.facts').textContent()) ?? '';
    expect(facts).toMatch(/Vilket pass\?\s*Eftermiddag/);
    expect(facts).toMatch(/Fakturareferens\s*REF 12/);
    expect(await form.locator(`input[name="answer-${asked.choice}"][value="Eftermiddag"]`).isChecked()).toBe(true);
    const stored = (await callApi(server.url, null, 'GET', `/api/registrations/${asked.registration}`)).body as { answers: unknown };
    expect(stored.answers).toEqual([
      { question: asked.choice, value: 'Eftermiddag' },
      { question: asked.text, value: 'REF 12' },
    ]);
  });
});

describe('editing a poll and publishing a past series in the browser', () => {
  it('the organiser adds a time, removes one after confirming, and comments; the text is shown as typed', async () => {
    await as('admin', 'sv');
    const poll = await api('POST', '/api/polls', {
      organiserCluster: 'agro-orebro',
      title: 'Ändringsmöte',
      durationMinutes: 60,
      invitedClusters: ['froda'],
      slots: [`${Y}-04-05T10:00`, `${Y}-04-06T10:00`],
      closes: `${Y}-03-20T12:00`,
    });
    await api('POST', `/api/polls/${poll.id}/answers`, {
      cluster: 'agro-orebro',
      answers: [{ slotId: (poll as unknown as { slots: { id: number }[] }).slots[0]!.id, answer: 'yes' }],
    });
    await p.goto(`${server.url}/moten/${poll.id}`);
    // Who answered is named beside the answer.
    await expect(p.getByTestId('poll-table').textContent()).resolves.toContain('svar av Sekretariatet');
    expect(await p.locator('#f-newSlot0').getAttribute('min')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    await p.locator('#f-newSlot0').fill(`${Y}-04-07T13:00`);
    await p.getByRole('button', { name: 'Lägg till tiderna' }).click();
    await p.waitForURL(/klart=slotsAdded/);
    await expect(p.locator('ul.slot-list li').count()).resolves.toBe(3);

    await p.locator('ul.slot-list li').first().getByRole('button').click();
    await expect(p.getByTestId('confirm-remove-slot').textContent()).resolves.toContain('Ett svar försvinner');
    await p.getByRole('button', { name: 'Ja, ta bort tiden' }).click();
    await p.waitForURL(/klart=slotRemoved/);
    await expect(p.locator('ul.slot-list li').count()).resolves.toBe(2);

    await p.locator('form[action^="?/comment"] textarea').fill('<b>Tisdag</b> passar');
    await p.getByRole('button', { name: 'Skicka kommentaren' }).click();
    await p.waitForURL(/klart=comment/);
    await expect(p.locator('.comment').last().textContent()).resolves.toContain('<b>Tisdag</b> passar');
    expect(await p.locator('.comment b').count()).toBe(0);
  });

  it('a series published at once with meetings already over asks "publish anyway", keeping the form', async () => {
    await as('admin', 'sv');
    await p.goto(`${server.url}/evenemang/serie`);
    const form = p.locator('main form[method="POST"]').first();
    await form.locator('select[name="leadCluster"]').selectOption('agro-orebro');
    await form.locator('[name="title"]').fill('Gamla träffar');
    await form.locator('input[name="themes"][value="krisberedskap"]').check();
    await form.locator('[name="rrule"]').fill('FREQ=WEEKLY;COUNT=2');
    await form.locator('[name="firstDate"]').fill('2020-03-03');
    await form.locator('[name="startTime"]').fill('10:00');
    await form.locator('[name="endTime"]').fill('11:00');
    await form.locator('[name="venueName"]').fill('Ladan');
    await form.locator('input[name="publish"]').check();
    await form.locator('button[type="submit"]').first().click();
    await expect(p.getByTestId('past-warning').textContent()).resolves.toContain('Några av mötena har redan ägt rum');
    expect(await p.locator('main [name="title"]').inputValue()).toBe('Gamla träffar');
    await p.getByRole('button', { name: 'Publicera ändå' }).click();
    await p.waitForURL(/\/evenemang\/serie\/\d+\?klart=series/);
  });
});
