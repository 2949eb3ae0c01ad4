import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeTestApp, type TestApp } from './helpers.ts';

// Issue 15: Atom variants that say which feed they are, `updated` from every entry, error
// answers that are never files, and revoked personal feeds that are gone.

let t: TestApp;
let lead: { token: string };
beforeAll(async () => {
  t = await makeTestApp();
  lead = await t.login('coordinator', { clusters: ['agro-orebro'] });
  const res = await t.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(lead.token),
    payload: {
      leadCluster: 'agro-orebro',
      title: 'Markdag',
      kind: 'workshop',
      themes: ['krisberedskap'],
      start: '2031-03-10T09:00',
      end: '2031-03-10T12:00',
      venueName: 'Skolan',
    },
  });
  const id = (res.json() as { event: { id: number } }).event.id;
  expect((await t.inject({ method: 'POST', url: `/api/events/${id}/publish`, headers: bearer(lead.token) })).statusCode).toBe(200);
});
afterAll(async () => {
  await t.close();
});

/** The feed-level id, self link and updated of an Atom document, read by Python's XML parser. */
function feedHead(xml: Buffer): { id: string; self: string; updated: string; entries: string[] } {
  return JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `import sys, json, xml.etree.ElementTree as E
A = '{http://www.w3.org/2005/Atom}'
r = E.parse(sys.stdin).getroot()
print(json.dumps({'id': r.find(A + 'id').text, 'self': [l.get('href') for l in r.findall(A + 'link') if l.get('rel') == 'self'][0], 'updated': r.find(A + 'updated').text, 'entries': [e.find(A + 'updated').text for e in r.findall(A + 'entry')]}))`,
      ],
      { input: xml },
    ).toString(),
  );
}

describe('Atom variants', () => {
  it('each filtered variant has its own self link and id, its canonical address (RFC 4287 §4.2.7.2, §4.2.6)', async () => {
    const variants = [
      ['/feeds/all.atom', 'http://samverka.test/feeds/all.atom'],
      ['/feeds/all.atom?lang=en', 'http://samverka.test/feeds/all.atom?lang=en'],
      ['/feeds/all.atom?kind=workshop&cluster=agro-orebro', 'http://samverka.test/feeds/all.atom?cluster=agro-orebro&kind=workshop'],
      ['/feeds/all.atom?theme=krisberedskap&lang=sv', 'http://samverka.test/feeds/all.atom?theme=krisberedskap'],
    ];
    for (const [url, canonical] of variants) {
      const res = await t.inject({ method: 'GET', url: url! });
      expect(res.statusCode, url).toBe(200);
      const head = feedHead(res.rawPayload);
      expect(head.self, url).toBe(canonical);
      expect(head.id, url).toBe(canonical);
    }
  });

  it('the feed’s updated is the latest of all its entries, deadline entries included', async () => {
    const item = await t.inject({
      method: 'POST',
      url: '/api/horizon',
      headers: bearer(lead.token),
      payload: {
        title: 'Utlysning',
        summary: 'Sök senast',
        source: 'Vinnova',
        themes: ['krisberedskap'],
        deadline: '2031-01-15',
        cluster: 'agro-orebro',
      },
    });
    expect(item.statusCode, item.body).toBe(201);
    const updatedAt = (item.json() as { updatedAt: string }).updatedAt;
    const head = feedHead((await t.inject({ method: 'GET', url: '/feeds/all.atom' })).rawPayload);
    expect(head.entries).toContain(updatedAt);
    expect(head.updated).toBe([...head.entries].sort().at(-1));
    expect(head.updated).toBe(updatedAt);
  });
});

describe('errors are never files', () => {
  it('a missing event’s .ics answers 404 without Content-Disposition; a published one has it', async () => {
    const missing = await t.inject({ method: 'GET', url: '/events/999999.ics' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(missing.headers['content-disposition']).toBeUndefined();
    expect(missing.headers.etag).toBeUndefined();
    const found = await t.inject({ method: 'GET', url: '/events/1.ics' });
    expect(found.statusCode).toBe(200);
    expect(found.headers['content-disposition']).toBe('attachment; filename="samverka-1.ics"');
  });
});

describe('personal feeds', () => {
  it('a revoked or replaced link answers 410 Gone; a link never issued answers 404', async () => {
    const me = await t.login('coordinator', { clusters: ['agro-orebro'] });
    const path = async (res: Promise<{ json(): unknown }>) => new URL(((await res).json() as { url: string }).url).pathname;
    const first = await path(t.inject({ method: 'GET', url: '/api/me/feed', headers: bearer(me.token) }));
    const second = await path(t.inject({ method: 'POST', url: '/api/me/feed/regenerate', headers: bearer(me.token) }));
    expect((await t.inject({ method: 'GET', url: first })).statusCode).toBe(410);
    expect((await t.inject({ method: 'GET', url: second })).statusCode).toBe(200);
    await t.inject({ method: 'DELETE', url: '/api/me/feed', headers: bearer(me.token) });
    const gone = await t.inject({ method: 'GET', url: second });
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toMatch(/revoked/);
    expect((await t.inject({ method: 'GET', url: `/feeds/personal/${'n'.repeat(43)}.ics` })).statusCode).toBe(404);
  });
});
