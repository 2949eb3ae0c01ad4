import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, type ProductProcess, sessionCookie, spawnProduct } from '../support/product.ts';
import { ROOT } from '../support/server.ts';

// Issue 15 on the built product: redirects, tokens kept out of the log, headers on pages,
// non-form posts to every form action, log out everywhere, the participant's data download,
// and client addresses behind a proxy.

const CLI = join(ROOT, 'apps/api/dist/admin-cli.mjs');
const ADMIN = { email: 'admin@example.se', password: 'ett långt lösenord' };
const dirs: string[] = [];
let server: ProductProcess;
let logFile: string;
let adminToken: string;
let eventId: number;
const secrets: Record<string, string> = {};

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

async function api<T>(method: string, path: string, body?: unknown, token = adminToken): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** The newest outbox mail to `to` whose text matches, read as an admin reads the outbox (no SMTP here). */
async function mailText(to: string, pattern: RegExp): Promise<string> {
  const page = await api<{ mails: { toAddress: string; text: string }[] }>('GET', '/api/admin/outbox');
  const mail = page.mails.find((m) => m.toAddress === to && pattern.test(m.text));
  if (!mail) throw new Error(`no mail to ${to} matching ${pattern}`);
  return mail.text;
}

async function loginCookie(email = ADMIN.email, password = ADMIN.password, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${server.url}/logga-in?/password`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url, ...headers },
    body: new URLSearchParams({ email, password, back: '/konto' }).toString(),
  });
  expect(res.status).toBe(303);
  return sessionCookie(res);
}

beforeAll(async () => {
  const dataDir = tempDir('samverka-prod-');
  logFile = join(tempDir('samverka-log-'), 'server.log');
  server = await spawnProduct(dataDir, logFile, { LOGIN_RATE_LIMIT: '1000' });
  const cli = spawnSync(process.execPath, [CLI, 'create-admin', '--email', ADMIN.email, '--name', 'Sekretariatet'], {
    env: { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: ADMIN.password },
    encoding: 'utf8',
  });
  expect(cli.status, cli.stderr).toBe(0);
  adminToken = (await api<{ token: string }>('POST', '/api/auth/login', ADMIN, '')).token;
  const created = await api<{ event: { id: number } }>('POST', '/api/events', {
    leadCluster: 'agro-orebro',
    title: 'Markdag',
    kind: 'workshop',
    themes: ['krisberedskap'],
    start: '2031-03-10T09:00',
    end: '2031-03-10T12:00',
    venueName: 'Skolan',
    capacity: 20,
  });
  eventId = created.event.id;
  await api('POST', `/api/events/${eventId}/publish`);
  const reg = await api<{ token: string }>(
    'POST',
    `/api/events/${eventId}/registrations`,
    { name: 'Greta Gård', email: 'greta@example.se', organisation: 'Gården AB', consent: true },
    '',
  );
  secrets.manage = reg.token;
  secrets.feed = new URL((await api<{ url: string }>('GET', '/api/me/feed')).url).pathname.replace(/^\/feeds\/personal\/|\.ics$/g, '');
  await api('POST', '/api/subscriptions', { email: 'prenumerant@example.se', clusters: ['agro-orebro'], themes: [] }, '');
  secrets.subscription = /bekrafta\?token=([\w-]+)/.exec(await mailText('prenumerant@example.se', /bekrafta/))![1]!;
  await api('POST', '/api/auth/login-link', { email: ADMIN.email }, '');
  secrets.loginLink = /lank\?token=([\w-]+)/.exec(await mailText(ADMIN.email, /lank\?token=/))![1]!;
  for (const [name, value] of Object.entries(secrets)) expect(value, name).toMatch(/^[\w-]{40,}$/);
});

afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('redirects', () => {
  const location = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual', ...init });
    expect(res.status, path).toBe(303);
    return res.headers.get('location');
  };
  // Each value as the browser's query holds it after one decoding.
  const hostile = [
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    ' //evil.example',
    '/.//evil.example',
    '/..//evil.example',
    '/%09/evil.example',
    '/%2F%2Fevil.example',
    '/%252F%252Fevil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    'https://evil.example/konto',
    'https:evil.example',
    '//127.0.0.1@evil.example',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/\u0085/evil.example',
  ];

  it('the language switch refuses every return path that leaves the site, and keeps those within it', async () => {
    for (const back of hostile) {
      expect(await location(`/sprak?till=sv&tillbaka=${encodeURIComponent(back)}`), JSON.stringify(back)).toBe('/');
    }
    expect(await location(`/sprak?till=en&tillbaka=${encodeURIComponent('/kalender?vy=lista#idag')}`)).toBe('/kalender?vy=lista#idag');
    expect(await location(`/sprak?till=sv&tillbaka=${encodeURIComponent(`${server.url}/kluster`)}`)).toBe('/kluster');
  });

  it('the login form’s return field and /logga-in?tillbaka= after login never send the user to another site', async () => {
    for (const back of hostile.slice(0, 8)) {
      const res = await postForm(`${server.url}/logga-in?/password`, server.url, { email: ADMIN.email, password: ADMIN.password, back });
      expect(res.status).toBe(303);
      expect(res.headers.get('location'), JSON.stringify(back)).toBe('/konto');
    }
    const cookie = await loginCookie();
    for (const back of hostile.slice(0, 8)) {
      expect(await location(`/logga-in?tillbaka=${encodeURIComponent(back)}`, { headers: { cookie } }), JSON.stringify(back)).toBe(
        '/konto',
      );
    }
    expect(await location(`/logga-in?tillbaka=${encodeURIComponent('/rapporter?from=2026-01-01')}`, { headers: { cookie } })).toBe(
      '/rapporter?from=2026-01-01',
    );
  });
});

describe('headers on pages', () => {
  it('pages with personal data are private, no-store; public pages are not; nosniff on all, files included', async () => {
    const cookie = await loginCookie();
    for (const path of [
      '/konto',
      '/admin/anvandare',
      '/admin/utkorg',
      `/evenemang/${eventId}/deltagare`,
      `/evenemang/${eventId}/deltagare.csv`,
      '/kalender',
    ]) {
      const res = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    for (const path of [`/anmalan/${secrets.manage}`, `/prenumeration/${secrets.subscription}`]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
    }
    const visitor = await fetch(`${server.url}/kalender`);
    expect(visitor.headers.get('cache-control') ?? '').not.toContain('no-store');
    const asset = await fetch(`${server.url}/favicon.svg`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the participant’s data', () => {
  it('the manage page links to a JSON download of everything stored about the address', async () => {
    const page = await (await fetch(`${server.url}/anmalan/${secrets.manage}`)).text();
    expect(page).toContain(`href="/anmalan/${secrets.manage}/mina-uppgifter.json"`);
    const res = await fetch(`${server.url}/anmalan/${secrets.manage}/mina-uppgifter.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="samverka-mina-uppgifter.json"');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const data = (await res.json()) as { email: string; registrations: { name: string; event: { title: string } }[]; mails: unknown[] };
    expect(data.email).toBe('greta@example.se');
    expect(data.registrations.map((r) => [r.name, r.event.title])).toEqual([['Greta Gård', 'Markdag']]);
    expect(data.mails.length).toBeGreaterThanOrEqual(1);
    const missing = await fetch(`${server.url}/anmalan/${'x'.repeat(43)}/mina-uppgifter.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-disposition')).toBeNull();
  });
});

describe('log out everywhere', () => {
  it('from /konto ends every session of the user; another user stays logged in', async () => {
    const user = { email: 'koordinator@example.se', password: 'ett annat långt lösenord' };
    await api('POST', '/api/admin/users', { email: user.email, name: 'Kim Koordinator', coordinatorOf: ['froda'] });
    const linkToken = /lank\?token=([\w-]+)/.exec(await mailText(user.email, /lank\?token=/))![1]!;
    const first = sessionCookie(await postForm(`${server.url}/logga-in/lank`, server.url, { token: linkToken }));
    expect((await postForm(`${server.url}/konto?/password`, server.url, { password: user.password }, first)).status).toBe(200);
    const second = await loginCookie(user.email, user.password);
    const other = await loginCookie();
    const konto = await (await fetch(`${server.url}/konto`, { headers: { cookie: second } })).text();
    expect(konto).toContain('action="?/logoutEverywhere"');
    const out = await postForm(`${server.url}/konto?/logoutEverywhere`, server.url, {}, first);
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/?utloggad=1');
    for (const cookie of [first, second]) {
      const res = await fetch(`${server.url}/konto`, { headers: { cookie }, redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/logga-in/);
    }
    expect((await fetch(`${server.url}/konto`, { headers: { cookie: other }, redirect: 'manual' })).status).toBe(200);
  });
});

/** Every form action: the route of each +page.server.ts that exports `actions`, with its action names. */
function formActions(): { route: string; action: string }[] {
  const routes = join(ROOT, 'apps/web/src/routes');
  const found: { route: string; action: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === '+page.server.ts') {
        const source = readFileSync(path, 'utf8');
        const start = source.indexOf('export const actions');
        if (start === -1) continue;
        const body = source.slice(start, source.indexOf('\n};', start));
        const route = `/${relative(routes, dir)}`.replace(/\/$/, '');
        for (const m of body.matchAll(/^ {2}(\w+): /gm)) found.push({ route: route || '/', action: m[1]! });
      }
    }
  };
  walk(routes);
  return found;
}

describe('form actions with a body that is not form data', () => {
  it('every action answers 400 or 415 with a message, never 5xx, and nothing is logged as an error', async () => {
    const actions = formActions();
    expect(actions.length).toBeGreaterThanOrEqual(54);
    const params: Record<string, string> = {
      '[id]': String(eventId),
      '[slug]': 'agro-orebro',
    };
    const url = ({ route, action }: { route: string; action: string }) => {
      let path = route.replace(/\[(id|slug)\]/g, (p) => params[p]!);
      path = path.replace('[token]', route.startsWith('/anmalan') ? secrets.manage! : secrets.subscription!);
      return `${server.url}${path}${action === 'default' ? '' : `?/${action}`}`;
    };
    const cookie = await loginCookie();
    const logBefore = server.log().length;
    const bodies: [string, Record<string, string>, BodyInit][] = [
      ['text/plain', { 'content-type': 'text/plain' }, 'name=value'],
      ['no content type', {}, new Uint8Array(Buffer.from('name=value'))],
      ['multipart without a boundary', { 'content-type': 'multipart/form-data' }, 'name=value'],
      ['multipart with a broken body', { 'content-type': 'multipart/form-data; boundary=xyz' }, '--xyz\r\nbroken'],
      ['JSON', { 'content-type': 'application/json' }, '{"name":"value"}'],
    ];
    const answers: string[] = [];
    for (const a of actions) {
      for (const [what, headers, body] of bodies) {
        const res = await fetch(url(a), {
          method: 'POST',
          redirect: 'manual',
          headers: { origin: server.url, accept: 'text/html', cookie, ...headers },
          body,
        });
        const text = await res.text();
        answers.push(`${res.status} ${a.route}?/${a.action} ${what}`);
        expect([400, 415], `${a.route}?/${a.action} with ${what}: ${res.status} ${text.slice(0, 200)}`).toContain(res.status);
        expect(text.trim().length).toBeGreaterThan(10);
      }
    }
    expect(answers.filter((a) => a.startsWith('5'))).toEqual([]);
    const log = server.log().slice(logBefore);
    expect(log).not.toMatch(/"level":50/);
    expect(log).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

describe('the request log', () => {
  it('holds no manage, feed, subscription or login-link token, whatever URLs were asked', async () => {
    const get = (path: string) => fetch(`${server.url}${path}`, { redirect: 'manual' });
    await get(`/anmalan/${secrets.manage}`);
    await get(`/anmalan/${secrets.manage}?klart=sparad`);
    await get(`/api/registrations/${secrets.manage}`);
    await get(`/api/registrations/${secrets.manage}/personal-data`);
    await get(`/feeds/personal/${secrets.feed}.ics`);
    await get(`/feeds/personal/${secrets.feed}.ics?lang=en`);
    await get(`/prenumeration/bekrafta?token=${secrets.subscription}`);
    await get(`/prenumeration/${secrets.subscription}`);
    await get(`/api/subscriptions/${secrets.subscription}`);
    await get(`/logga-in/lank?token=${secrets.loginLink}`);
    await get(`/logga-in?tillbaka=${encodeURIComponent(`/anmalan/${secrets.manage}`)}`);
    await get(`/nothing/here?token=${secrets.loginLink}`);
    const unsubscribe = await fetch(`${server.url}/api/subscriptions/${secrets.subscription}/one-click`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.status).toBeLessThan(300);
    const log = server.log();
    expect(log).toContain('"msg":"incoming request"');
    expect(log).toContain('/feeds/personal/[redacted].ics');
    expect(log).toContain('/anmalan/[redacted]');
    for (const [name, secret] of Object.entries(secrets)) expect(log.includes(secret), `${name} token in the log`).toBe(false);
  });
});

describe('behind a proxy (TRUST_PROXY=1)', () => {
  it('each client behind the proxy has its own login limit on the login page, and the log shows its address; HSTS on pages under https', async () => {
    const proxied = await spawnProduct(tempDir('samverka-proxy-'), join(tempDir('samverka-proxylog-'), 'server.log'), {
      TRUST_PROXY: '1',
      LOGIN_RATE_LIMIT: '2',
    });
    try {
      const attempt = (client: string) =>
        fetch(`${proxied.url}/logga-in?/password`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'text/html',
            origin: proxied.url,
            'x-forwarded-for': client,
          },
          body: 'email=nobody%40example.se&password=fel+l%C3%B6senord&back=%2Fkonto',
        });
      expect((await attempt('198.51.100.1')).status).toBe(401);
      expect((await attempt('198.51.100.1')).status).toBe(401);
      expect((await attempt('198.51.100.1')).status).toBe(429);
      expect((await attempt('198.51.100.2')).status).toBe(401);
      expect(proxied.log()).toContain('"remoteAddress":"198.51.100.1"');
    } finally {
      await proxied.stop();
    }
    const secure = await spawnProduct(tempDir('samverka-https-'), join(tempDir('samverka-httpslog-'), 'server.log'), {
      PUBLIC_URL: 'https://samverka.example',
    });
    try {
      for (const path of ['/', '/kalender', '/favicon.svg', '/api/themes', '/feeds/all.ics']) {
        expect((await fetch(`${secure.url}${path}`)).headers.get('strict-transport-security'), path).toBe('max-age=63072000');
      }
    } finally {
      await secure.stop();
    }
  });
});
