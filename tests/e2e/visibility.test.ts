import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sv } from '../../apps/web/src/lib/i18n/sv.ts';
import { callApi } from '../support/api.ts';
import { startServer, type RunningServer } from '../support/server.ts';

/**
 * Issue 12 on the built product's pages: unlisted and internal events as a visitor and as an
 * admin finds them, and a participant-only meeting link on no page a visitor can read.
 */
const ADMIN = { email: 'sekretariatet@example.se', password: 'correct horse battery staple' };
const LINK = `https://meet.example.se/${randomUUID()}`;
const tag = randomUUID().slice(0, 8);
const titles = { public: `Publikt ${tag}`, unlisted: `Olistat ${tag}`, internal: `Internt ${tag}` };

let server: RunningServer;
let token = '';
const ids = { public: 0, unlisted: 0, internal: 0 };

/** A page as a visitor (no cookie) or with the admin's session. */
async function page(path: string, asAdmin = false): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: asAdmin ? { cookie: `samverka_session=${token}` } : {}, redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  server = await startServer();
  server.createAdmin(ADMIN.email, ADMIN.password);
  const login = await callApi(server.url, null, 'POST', '/api/auth/login', ADMIN);
  expect(login.status).toBe(200);
  token = login.body.token as string;
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
    });
    expect(created.status).toBe(201);
    ids[v] = (created.body.event as { id: number }).id;
    expect((await callApi(server.url, token, 'POST', `/api/events/${ids[v]}/publish`)).status).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await server?.stop();
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
