import { sendDueSurveys } from '@samverka/core';
import { events, feedbackInvitations, registrations } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elf, html, KINDS, pdfWithText } from '../../../packages/core/test/knowledge-files.ts';
import { multipart } from '../../../tests/support/multipart.ts';
import { bearer, expectError, makeTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
type Who = { token: string; email: string };
let admin: Who;
let lead: Who;
let other: Who;

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.login('admin');
  lead = await t.login('coordinator', { clusters: ['agro-orebro'] });
  other = await t.login('coordinator', { clusters: ['gront-center'] });
});
afterAll(async () => {
  await t.close();
});

const ORIGIN = 'http://samverka.test';

async function makeEvent(fields: Record<string, unknown> = {}, publish = true): Promise<number> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(lead.token),
    payload: {
      leadCluster: 'agro-orebro',
      title: 'Workshop om täckgrödor',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2031-03-10T09:00',
      end: '2031-03-10T12:00',
      venueName: 'Lantbruksskolan',
      ...fields,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = (res.json().event as { id: number }).id;
  if (publish)
    expect((await t.inject({ method: 'POST', url: `/api/events/${id}/publish`, headers: bearer(lead.token) })).statusCode).toBe(200);
  return id;
}

async function upload(eventId: number, name: string, bytes: Buffer, fields: Record<string, string> = {}, who: Who = lead) {
  const body = multipart(fields, { name, bytes });
  return t.inject({
    method: 'POST',
    url: `/api/events/${eventId}/materials/files`,
    headers: { ...bearer(who.token), ...body.headers },
    payload: body.payload,
  });
}

function storedFiles(): string[] {
  const root = join(t.dataDir, 'files');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('uploading and serving files', () => {
  it('accepts each allowed type and serves it with its type, nosniff, a strong ETag and 304; attachment except images and PDF', async () => {
    const id = await makeEvent();
    for (const [kind, k] of Object.entries(KINDS)) {
      const res = await upload(id, k.name, k.make(), { title: `Fil ${kind}` });
      expect(res.statusCode, `${kind}: ${res.body}`).toBe(201);
      const m = res.json() as { href: string; contentType: string; title: string };
      expect([m.contentType, m.title]).toEqual([k.type, `Fil ${kind}`]);
      const file = await t.inject({ method: 'GET', url: m.href });
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.equals(k.make()), kind).toBe(true);
      expect(file.headers['content-type']).toBe(k.type);
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      expect(file.headers['content-type']).not.toMatch(/html/);
      const inline = kind === 'pdf' || kind === 'png' || kind === 'jpeg';
      expect(String(file.headers['content-disposition']).split(';')[0], kind).toBe(inline ? 'inline' : 'attachment');
      const etag = String(file.headers.etag);
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const again = await t.inject({ method: 'GET', url: m.href, headers: { 'if-none-match': etag } });
      expect([again.statusCode, again.body]).toEqual([304, '']);
    }
  });

  it('refuses a renamed executable and an HTML file with 415 in the one error shape', async () => {
    const id = await makeEvent();
    const before = storedFiles().length;
    for (const [name, bytes] of [
      ['slides.pdf', elf()],
      ['notes.txt', html()],
    ] as const) {
      const err = expectError(await upload(id, name, bytes), 415, 'unsupported_file_type');
      expect(err.details).toEqual([{ field: 'file', code: 'file_type_not_accepted', message: 'type not accepted' }]);
    }
    expect(storedFiles()).toHaveLength(before);
  });

  it('refuses a 21-MB file with 413 and leaves nothing on disk', async () => {
    const id = await makeEvent();
    const before = storedFiles();
    const err = expectError(await upload(id, 'stor.txt', Buffer.alloc(21 * 1024 * 1024, 0x61)), 413, 'file_too_large');
    expect(err.details).toEqual([
      { field: 'file', code: 'file_too_large', message: 'larger than 20 MB', params: { max: 20 * 1024 * 1024 } },
    ]);
    expect(storedFiles()).toEqual(before);
    expect(readdirSync(join(t.dataDir, 'files', 'tmp'))).toEqual([]);
  });

  it('is for the organisers only, refused before the upload is read; a form without a file is a 400', async () => {
    const id = await makeEvent();
    expectError(await upload(id, 'a.pdf', pdfWithText('x'), {}, other), 403, 'forbidden');
    const body = multipart({}, { name: 'a.pdf', bytes: pdfWithText('x') });
    expectError(
      await t.inject({ method: 'POST', url: `/api/events/${id}/materials/files`, headers: body.headers, payload: body.payload }),
      401,
    );
    const empty = multipart({ title: 'x' });
    expectError(
      await t.inject({
        method: 'POST',
        url: `/api/events/${id}/materials/files`,
        headers: { ...bearer(lead.token), ...empty.headers },
        payload: empty.payload,
      }),
      400,
      'file_required',
    );
  });

  it('keeps participant-only files from everyone without the manage link of a confirmed participant', async () => {
    const id = await makeEvent({ capacity: 1 });
    const m = (await upload(id, 'intern.pdf', pdfWithText('intern'), { visibility: 'participants' })).json() as {
      id: number;
      href: string;
    };
    const reg = async (email: string) =>
      (
        await t.inject({
          method: 'POST',
          url: `/api/events/${id}/registrations`,
          payload: { name: 'Deltagare', email, organisation: 'Gården', consent: true },
        })
      ).json() as { token: string };
    const seated = await reg('sitter@example.se');
    const waiting = await reg('vantar@example.se');
    expectError(await t.inject({ method: 'GET', url: m.href }), 404, 'unknown_material');
    expectError(await t.inject({ method: 'GET', url: m.href, headers: bearer(other.token) }), 404, 'unknown_material');
    const own = await t.inject({ method: 'GET', url: m.href, headers: bearer(lead.token) });
    expect([own.statusCode, own.headers['cache-control']]).toEqual([200, 'private, no-cache']);
    const list = await t.inject({ method: 'GET', url: `/api/registrations/${seated.token}/materials` });
    const href = (list.json() as { materials: { href: string }[] }).materials[0]!.href;
    const mine = await t.inject({ method: 'GET', url: href });
    expect([mine.statusCode, mine.headers['content-type'], mine.headers['x-robots-tag']]).toEqual([
      200,
      'application/pdf',
      'noindex, nofollow',
    ]);
    expectError(
      await t.inject({ method: 'GET', url: `/api/registrations/${waiting.token}/materials/${m.id}/file` }),
      404,
      'unknown_material',
    );
    expect(((await t.inject({ method: 'GET', url: `/api/events/${id}/materials` })).json() as { materials: unknown[] }).materials).toEqual(
      [],
    );
    // Organisers also reach it from a plain link, by the web app's session cookie.
    const byCookie = await t.inject({
      method: 'GET',
      url: m.href,
      headers: { cookie: `samverka_lang=sv; samverka_session=${lead.token}` },
    });
    expect(byCookie.statusCode).toBe(200);
    expectError(await t.inject({ method: 'GET', url: m.href, headers: { cookie: 'samverka_session=forged.token.x' } }), 404);
  });

  it('deleting a material removes its file from disk', async () => {
    const id = await makeEvent();
    const m = (await upload(id, 'unik.pdf', pdfWithText(`unik ${Date.now()}`))).json() as { id: number; href: string };
    const count = storedFiles().length;
    expectError(await t.inject({ method: 'DELETE', url: `/api/events/${id}/materials/${m.id}`, headers: bearer(other.token) }), 403);
    const res = await t.inject({ method: 'DELETE', url: `/api/events/${id}/materials/${m.id}`, headers: bearer(lead.token) });
    expect(res.statusCode).toBe(204);
    expect(storedFiles()).toHaveLength(count - 1);
    expectError(await t.inject({ method: 'GET', url: m.href }), 404);
  });
});

describe('the upload form of the web app', () => {
  it('takes the session cookie, answers with a redirect, and refuses posts from other sites', async () => {
    const id = await makeEvent();
    const post = (headers: Record<string, string>, name: string, bytes: Buffer) => {
      const body = multipart({ title: 'Bilder från dagen', visibility: 'public' }, { name, bytes });
      return t.inject({
        method: 'POST',
        url: `/api/events/${id}/materials/form`,
        headers: { ...body.headers, ...headers },
        payload: body.payload,
      });
    };
    const cookie = `samverka_session=${lead.token}`;
    expectError(await post({ cookie, origin: 'https://evil.example' }, 'a.pdf', pdfWithText('a')), 403, 'cross_site_post');
    const anonymous = await post({ origin: ORIGIN }, 'a.pdf', pdfWithText('a'));
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([
      303,
      `/logga-in?tillbaka=${encodeURIComponent(`/evenemang/${id}/material`)}`,
    ]);
    const ok = await post({ cookie, origin: ORIGIN }, 'a.pdf', pdfWithText('formulär'));
    expect([ok.statusCode, ok.headers.location]).toEqual([303, `/evenemang/${id}/material?klart=uppladdad#material-lista`]);
    const refused = await post({ cookie, origin: ORIGIN }, 'a.pdf', elf());
    expect(refused.statusCode).toBe(303);
    const back = new URL(String(refused.headers.location), ORIGIN);
    expect([back.pathname, back.searchParams.get('fel'), back.searchParams.get('titel')]).toEqual([
      `/evenemang/${id}/material`,
      'unsupported_file_type',
      'Bilder från dagen',
    ]);
  });
});

describe('documentation, links and the knowledge bank', () => {
  it('finds an event by a word that appears only inside an uploaded PDF', async () => {
    const id = await makeEvent({ title: 'Fältvandring' });
    expect((await upload(id, 'bilder.pdf', pdfWithText('Vi mätte daggmaskar per kvadratmeter'))).statusCode).toBe(201);
    const doc = await t.inject({
      method: 'PUT',
      url: `/api/events/${id}/documentation`,
      headers: bearer(lead.token),
      payload: { body: 'Vi gick **över fälten**.' },
    });
    expect(doc.json().documentation.html).toContain('<strong>över fälten</strong>');
    const link = await t.inject({
      method: 'POST',
      url: `/api/events/${id}/materials/links`,
      headers: bearer(lead.token),
      payload: { title: 'Film', url: 'https://film.example/x' },
    });
    expect(link.statusCode).toBe(201);
    expectError(
      await t.inject({
        method: 'POST',
        url: `/api/events/${id}/materials/links`,
        headers: bearer(lead.token),
        payload: { title: 'Farlig', url: 'javascript:alert(1)' },
      }),
      400,
      'invalid_material',
    );
    const res = await t.inject({ method: 'GET', url: '/api/knowledge?q=daggmaskar' });
    const page = res.json() as { entries: { event: { id: number }; match: string; materials: { title: string }[] }[]; years: number[] };
    expect(page.entries.map((e) => e.event.id)).toEqual([id]);
    expect(page.entries[0]!.match).toContain('daggmaskar');
    expect(page.entries[0]!.materials.map((m) => m.title)).toEqual(['bilder', 'Film']);
    expect(page.years).toContain(2031);
    expectError(await t.inject({ method: 'GET', url: '/api/knowledge?theme=finns-inte' }), 404, 'unknown_theme');
    expectError(await t.inject({ method: 'GET', url: '/api/knowledge?year=1999' }), 400, 'invalid_request');
  });

  it('has an Atom feed with an ETag and 304', async () => {
    const first = await t.inject({ method: 'GET', url: '/feeds/knowledge.atom' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(first.body).toContain('<title>Samverka – kunskapsbanken</title>');
    expect(first.body).toContain('Fältvandring');
    const again = await t.inject({ method: 'GET', url: '/feeds/knowledge.atom', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('shows admins the disk usage, in total and per event', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/admin/storage', headers: bearer(admin.token) });
    const usage = res.json() as { totalBytes: number; files: number; events: { bytes: number }[] };
    expect(usage.totalBytes).toBeGreaterThan(0);
    expect(usage.events.reduce((s, e) => s + e.bytes, 0)).toBeGreaterThanOrEqual(usage.totalBytes);
    expectError(await t.inject({ method: 'GET', url: '/api/admin/storage', headers: bearer(lead.token) }), 403);
  });
});

describe('cross-origin reads of public events (CORS)', () => {
  it('lets any site GET the public lists, with a preflight that allows GET only; other routes stay same-origin', async () => {
    const draft = await makeEvent({ title: 'Hemligt utkast' }, false);
    const headers = { origin: 'https://kluster.example' };
    const list = await t.inject({ method: 'GET', url: '/api/events?limit=200', headers });
    expect(list.headers['access-control-allow-origin']).toBe('*');
    expect((list.json() as { events: { id: number }[] }).events.map((e) => e.id)).not.toContain(draft);
    const published = await makeEvent({ title: 'Öppen träff' });
    for (const url of ['/api/events/brief', '/api/embed/events?cluster=agro-orebro', '/api/knowledge', `/api/events/${published}`])
      expect((await t.inject({ method: 'GET', url, headers })).headers['access-control-allow-origin'], url).toBe('*');
    expect((await t.inject({ method: 'HEAD', url: '/api/events', headers })).headers['access-control-allow-origin']).toBe('*');
    const preflight = await t.inject({
      method: 'OPTIONS',
      url: '/api/events',
      headers: { ...headers, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET');
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    for (const [method, url] of [
      ['GET', '/api/clusters'],
      ['GET', '/api/me'],
      ['POST', '/api/events'],
    ] as const)
      expect((await t.inject({ method, url, headers })).headers['access-control-allow-origin'], url).toBeUndefined();
  });
});

describe('the survey through the API', () => {
  it('a participant answers once by the mailed link; organisers see the results; one-click opt-out', async () => {
    const id = await makeEvent({ title: 'Enkätdagen' });
    const people = await Promise.all(
      ['a', 'b', 'c'].map(async (n) =>
        (
          await t.inject({
            method: 'POST',
            url: `/api/events/${id}/registrations`,
            payload: { name: n, email: `${n}-enkat@example.se`, organisation: 'Gården', consent: true },
          })
        ).json(),
      ),
    );
    expect(people).toHaveLength(3);
    // The event took place an hour ago; the survey job (plugins/jobs.ts) runs sendDueSurveys.
    const now = new Date();
    t.db
      .update(events)
      .set({ startsAt: new Date(now.getTime() - 7_200_000), endsAt: new Date(now.getTime() - 3_600_000) })
      .where(eq(events.id, id))
      .run();
    expect(sendDueSurveys(t.db, now)).toBe(3);
    const tokens = t.db
      .select({ token: feedbackInvitations.token, email: registrations.email })
      .from(feedbackInvitations)
      .innerJoin(registrations, eq(registrations.id, feedbackInvitations.registrationId))
      .where(eq(feedbackInvitations.eventId, id))
      .all();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => tokens.find((x) => x.email === `${n}-enkat@example.se`)!.token);
    const form = await t.inject({ method: 'GET', url: `/api/feedback/${a}` });
    expect([form.statusCode, form.json().state, form.headers['cache-control']]).toEqual([200, 'open', 'private, no-store']);
    const answer = (token: string, payload: Record<string, unknown>) =>
      t.inject({ method: 'POST', url: `/api/feedback/${token}/answers`, payload });
    expect((await answer(a!, { overall: 5, usefulness: 3, willUse: 'yes', comment: 'Mycket bra' })).statusCode).toBe(204);
    expectError(await answer(a!, { overall: 5, usefulness: 3, willUse: 'yes' }), 409, 'already_answered');
    expect((await answer(b!, { overall: 2, usefulness: 4, willUse: 'no' })).statusCode).toBe(204);
    expectError(await answer(c!, { overall: 9, usefulness: 3, willUse: 'yes' }), 400, 'invalid_request');
    const oneClick = await t.inject({
      method: 'POST',
      url: `/api/feedback/${c}/opt-out`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(204);

    const results = await t.inject({ method: 'GET', url: `/api/events/${id}/feedback`, headers: bearer(lead.token) });
    const r = results.json() as {
      invited: number;
      answered: number;
      responseRate: number;
      overall: { average: number };
      comments: string[];
    };
    // 2 of 3; overall (5 + 2) / 2 = 3.5.
    expect([r.invited, r.answered, r.responseRate, r.overall.average, r.comments]).toEqual([3, 2, 0.667, 3.5, ['Mycket bra']]);
    expectError(await t.inject({ method: 'GET', url: `/api/events/${id}/feedback`, headers: bearer(other.token) }), 403);
    const chart = await t.inject({ method: 'GET', url: `/api/events/${id}/feedback/chart.svg?lang=en`, headers: bearer(lead.token) });
    expect(chart.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(chart.body).toContain('Overall value (mean 3.5, 2 answers)');

    const from = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const to = new Date(now.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    const report = await t.inject({ method: 'GET', url: `/api/reports?from=${from}&to=${to}`, headers: bearer(admin.token) });
    const event = (report.json() as { feedback: { byEvent: { key: string; responseRate: number }[] } }).feedback.byEvent.find(
      (e) => e.key === String(id),
    );
    expect(event?.responseRate).toBe(0.667);
  });
});
