import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sv } from '../../apps/web/src/lib/i18n/sv.ts';
import { callApi } from '../support/api.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { startSmtp, toAddress, type TestSmtp } from '../support/smtp.ts';

/**
 * Issue 12 on the built product's pages: unlisted and internal events as a visitor and as an
 * admin finds them, and a participant-only meeting link on no page a visitor can read; then the
 * matrix for every role with a real session (participant, coordinator of another cluster,
 * co-host, lead, admin): event pages, lists, the personal feed and the public feeds.
 */
const ADMIN = { email: 'sekretariatet@example.se', password: 'correct horse battery staple' };
const LINK = `https://meet.example.se/${randomUUID()}`;
const tag = randomUUID().slice(0, 8);
const titles = { public: `Publikt ${tag}`, unlisted: `Olistat ${tag}`, internal: `Internt ${tag}` };

let server: RunningServer;
let smtp: TestSmtp;
let token = '';
const ids = { public: 0, unlisted: 0, internal: 0 };

/** The people with a session besides the admin: invited by the admin, logged in from the mailed link. */
const PEOPLE = {
  participant: { email: 'deltagare@example.se', coordinatorOf: [] as string[] },
  other: { email: 'annan@example.se', coordinatorOf: ['gront-center'] },
  cohost: { email: 'medarrangor@example.se', coordinatorOf: ['froda'] },
  lead: { email: 'arrangor@example.se', coordinatorOf: ['agro-orebro'] },
} as const;
type Person = keyof typeof PEOPLE;
const sessions: Record<Person, string> = { participant: '', other: '', cohost: '', lead: '' };

/** A page as a visitor (no cookie) or with the admin's session. */
async function page(path: string, asAdmin = false): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: asAdmin ? { cookie: `samverka_session=${token}` } : {}, redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, LOGIN_RATE_LIMIT: '1000' });
  server.createAdmin(ADMIN.email, ADMIN.password);
  const login = await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN);
  expect(login.status).toBe(200);
  token = login.body.token as string;
  for (const [who, p] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
    const invited = await callApi(server.url, token, 'POST', '/api/admin/users', {
      name: who,
      email: p.email,
      coordinatorOf: [...p.coordinatorOf],
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const mail = await smtp.waitFor((m) => toAddress(m) === p.email && /logga-in\/lank\?token=/.test(m.text ?? ''));
    const linkToken = /logga-in\/lank\?token=([\w-]+)/.exec(mail.text ?? '')![1];
    const redeemed = await callApi(server.url, null, 'POST', '/api/auth/login-link/redeem', { token: linkToken });
    expect(redeemed.status).toBe(200);
    sessions[who] = redeemed.body.token as string;
  }
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  for (const v of ['public', 'unlisted', 'internal'] as const) {
    const created = await callApi(server.url, token, 'POST', '/api/events', {
      leadCluster: 'agro-orebro',
      title: titles[v],
      kind: 'webinar',
      themes: ['krisberedskap'],
      start: `${day}T09:00`,
      end: `${day}T11:00`,
      onlineUrl: LINK,
      visibility: v,
      registrationEnabled: true,
    });
    expect(created.status).toBe(201);
    ids[v] = (created.body.event as { id: number }).id;
    expect((await callApi(server.url, token, 'POST', `/api/events/${ids[v]}/organisers`, { cluster: 'froda' })).status).toBe(200);
    const accepted = await callApi(server.url, sessions.cohost, 'POST', `/api/events/${ids[v]}/organisers/froda/answer`, { accept: true });
    expect(accepted.status).toBe(200);
    expect((await callApi(server.url, token, 'POST', `/api/events/${ids[v]}/publish`)).status).toBe(200);
  }
  // The participant holds a seat at the events they may see (an internal event takes no registration from them).
  for (const v of ['public', 'unlisted'] as const) {
    const reg = await callApi(server.url, null, 'POST', `/api/events/${ids[v]}/registrations`, {
      name: 'Deltagare',
      email: PEOPLE.participant.email,
      organisation: 'Gården AB',
      consent: true,
    });
    expect(reg.status).toBe(201);
  }
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await smtp?.stop();
});

describe('pages by visibility', () => {
  const LISTS = ['/', '/kalender?vy=lista', '/kluster/agro-orebro', '/teman/krisberedskap', '/inbaddning'];

  it('a visitor finds only the public event in lists, reaches the unlisted one by its link, never the internal one; no page shows the link', async () => {
    for (const path of LISTS) {
      const { status, body } = await page(path);
      expect(status, path).toBe(200);
      expect(body, path).toContain(titles.public);
      expect(body.includes(titles.unlisted), path).toBe(false);
      expect(body.includes(titles.internal), path).toBe(false);
      expect(body.includes(LINK), path).toBe(false);
    }
    for (const v of ['public', 'unlisted'] as const) {
      const { status, body } = await page(`/evenemang/${ids[v]}`);
      expect(status).toBe(200);
      expect(body).toContain(titles[v]);
      expect(body.includes(LINK)).toBe(false);
      expect(body).toContain('Länken skickas till anmälda deltagare.');
    }
    const hidden = await page(`/evenemang/${ids.internal}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.includes(titles.internal)).toBe(false);
  });

  it('an admin finds the internal and unlisted events in the calendar list and sees the link on the page', async () => {
    const { status, body } = await page('/kalender?vy=lista', true);
    expect(status).toBe(200);
    for (const v of ['public', 'unlisted', 'internal'] as const) expect(body).toContain(titles[v]);
    const internal = await page(`/evenemang/${ids.internal}`, true);
    expect(internal.status).toBe(200);
    expect(internal.body).toContain(LINK);
    // The organiser is told that visitors do not see it; a visitor's page says it is sent instead.
    expect(internal.body).toContain(sv.linkParticipantsOnly);
    expect((await page(`/evenemang/${ids.public}`)).body.includes(sv.linkParticipantsOnly)).toBe(false);
  });
});

type Role = 'visitor' | Person | 'admin';
type Visibility = keyof typeof ids;
const ROLES: Role[] = ['visitor', 'participant', 'other', 'cohost', 'lead', 'admin'];
const VISIBILITIES: Visibility[] = ['public', 'unlisted', 'internal'];
const sessionOf = (role: Role) => (role === 'visitor' ? null : role === 'admin' ? token : sessions[role]);

/** core's event-access rules, as this file's events and people meet them. */
const rules = {
  /** canSeeEvent: an internal event only for coordinators (of any cluster) and admins. */
  seesPage: (role: Role, v: Visibility) => v !== 'internal' || ['other', 'cohost', 'lead', 'admin'].includes(role),
  /** listedVisibilities and unlistedInListsFor: internal for coordinators and admins, unlisted only for those who run it (and admins). */
  listed: (role: Role, v: Visibility) =>
    v === 'public' ||
    (v === 'internal' && ['other', 'cohost', 'lead', 'admin'].includes(role)) ||
    (v === 'unlisted' && ['cohost', 'lead', 'admin'].includes(role)),
  /** canSeeMeetingLink: those who manage the event (the lead, the accepted co-host, admins). */
  seesLink: (role: Role) => ['cohost', 'lead', 'admin'].includes(role),
  /** personalCondition: the events one's clusters run, and those one holds a seat at (internal ones only for coordinators). */
  inPersonalFeed: (role: Person, v: Visibility) => role === 'cohost' || role === 'lead' || (role === 'participant' && v !== 'internal'),
  /** personalLinkEvents: the link for the events one's clusters run and those one holds a confirmed seat at. */
  linkInPersonalFeed: (role: Person) => role !== 'other',
};

async function pageAs(role: Role, path: string): Promise<{ status: number; body: string }> {
  const session = sessionOf(role);
  const res = await fetch(`${server.url}${path}`, {
    headers: session ? { cookie: `samverka_session=${session}` } : {},
    redirect: 'manual',
  });
  return { status: res.status, body: await res.text() };
}

/** Which of the three events a text names. */
const named = (body: string) => VISIBILITIES.filter((v) => body.includes(titles[v]));

describe('the authorisation matrix on pages and feeds, for every role with a real session', () => {
  it.each(ROLES)(
    '%s: each event page as core says (404 for an internal event to those who may not see it; the link only to organisers)',
    async (role) => {
      for (const v of VISIBILITIES) {
        const { status, body } = await pageAs(role, `/evenemang/${ids[v]}`);
        const path = `${role} /evenemang/${ids[v]} (${v})`;
        if (rules.seesPage(role, v)) {
          expect(status, path).toBe(200);
          expect(body, path).toContain(titles[v]);
        } else {
          expect(status, path).toBe(404);
          expect(body.includes(titles[v]), path).toBe(false);
        }
        expect(body.includes(LINK), `${path}: the meeting link`).toBe(status === 200 && rules.seesLink(role));
      }
    },
  );

  const LIST_PAGES = ['/', '/kalender?vy=lista', '/kluster/agro-orebro', '/kluster/froda', '/teman/krisberedskap'];
  it.each(ROLES)(
    '%s: the start page, calendar list, both organising clusters’ pages and the theme page list exactly the events core lists for them',
    async (role) => {
      const expected = VISIBILITIES.filter((v) => rules.listed(role, v));
      for (const path of LIST_PAGES) {
        const { status, body } = await pageAs(role, path);
        expect(status, `${role} ${path}`).toBe(200);
        expect(named(body), `${role} ${path}`).toEqual(expected);
        // Lists carry no meeting link, whoever reads them.
        expect(body.includes(LINK), `${role} ${path}: the meeting link`).toBe(false);
      }
    },
  );

  it.each(Object.keys(PEOPLE) as Person[])(
    '%s: the personal feed holds the events they run or hold a seat at, with the link where they may have it',
    async (role) => {
      const feed = await callApi(server.url, sessions[role], 'GET', '/api/me/feed');
      expect(feed.status).toBe(200);
      const res = await fetch(feed.body.url as string);
      expect(res.status).toBe(200);
      const ics = (await res.text()).replace(/\r\n[ \t]/g, '');
      const expected = VISIBILITIES.filter((v) => rules.inPersonalFeed(role, v));
      expect(named(ics), role).toEqual(expected);
      expect(ics.includes(LINK), `${role}: the meeting link`).toBe(expected.length > 0 && rules.linkInPersonalFeed(role));
    },
  );

  const PUBLIC_FEEDS = [
    '/feeds/all.ics',
    '/feeds/all.atom',
    '/feeds/clusters/agro-orebro.ics',
    '/feeds/clusters/froda.ics',
    '/feeds/themes/krisberedskap.ics',
  ];
  it.each(ROLES)('%s: the public feeds and the Atom feed hold the public event only, without the link, whoever asks', async (role) => {
    for (const path of PUBLIC_FEEDS) {
      const session = sessionOf(role);
      const res = await fetch(`${server.url}${path}`, {
        headers: session ? { cookie: `samverka_session=${session}`, authorization: `Bearer ${session}` } : {},
      });
      expect(res.status, `${role} ${path}`).toBe(200);
      const body = (await res.text()).replace(/\r\n[ \t]/g, '');
      expect(named(body), `${role} ${path}`).toEqual(['public']);
      expect(body.includes(LINK), `${role} ${path}: the meeting link`).toBe(false);
    }
  });
});
