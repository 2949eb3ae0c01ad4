import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fixtures.ts';
import { freePort, startServer, type RunningServer } from '../support/server.ts';

// The README's two reverse-proxy configurations, run as written (only the address, the port and
// the certificate changed) with Debian's Caddy and nginx in front of the built product: pages,
// API answers and styles reach a browser that accepts gzip compressed and still whole, a client
// that does not gets them as they are, and a feed the product compressed itself is not
// compressed twice.

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** The fenced block that follows `after` in the README (its first fence after that text). */
function block(after: string, fence: string): string {
  const start = README.indexOf(after);
  expect(start, `README: "${after}"`).toBeGreaterThan(-1);
  const open = README.indexOf(`${fence}\n`, start);
  const close = README.indexOf('\n```', open + fence.length);
  return README.slice(open + fence.length + 1, close + 1);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the wire (not decoded). */
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(u, { headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntilUp(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`the proxy exited with ${proc.exitCode}:\n${log()}`);
    try {
      if ((await get(`${url}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the proxy did not answer:\n${log()}`);
}

function run(command: string, args: string[], env: Record<string, string> = {}) {
  let log = '';
  const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d) => (log += d));
  proc.stderr?.on('data', (d) => (log += d));
  return { proc, log: () => log };
}

let server: RunningServer;
const proxies: { name: string; url: string; proc: ChildProcess }[] = [];
const dir = tempDir('samverka-proxy-');
const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  server = await startServer();
  // Both proxies' workers may run as another user (nginx's "nobody" when started as root).
  chmodSync(dir.path, 0o777);

  const caddyPort = await freePort();
  const caddyfile = block("Caddy (certificates from Let's Encrypt", '```')
    .replace('samverka.example.se {', `http://127.0.0.1:${caddyPort} {`)
    .replace('127.0.0.1:3000', `127.0.0.1:${server.port}`);
  expect(caddyfile).toContain('encode zstd gzip');
  const caddyConfig = join(dir.path, 'Caddyfile');
  writeFileSync(caddyConfig, `{\n\tadmin off\n\tauto_https off\n}\n${caddyfile}`);
  const caddyHome = join(dir.path, 'caddy-home');
  mkdirSync(caddyHome);
  const caddy = run('caddy', ['run', '--config', caddyConfig, '--adapter', 'caddyfile'], {
    HOME: caddyHome,
    XDG_DATA_HOME: caddyHome,
    XDG_CONFIG_HOME: caddyHome,
  });
  await waitUntilUp(`http://127.0.0.1:${caddyPort}`, caddy.proc, caddy.log);
  proxies.push({ name: 'Caddy', url: `http://127.0.0.1:${caddyPort}`, proc: caddy.proc });

  const nginxPort = await freePort();
  const key = join(dir.path, 'key.pem');
  const cert = join(dir.path, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=samverka.example.se',
    ],
    {
      stdio: 'ignore',
    },
  );
  const nginxServers = block('nginx (with a certificate from certbot', '```nginx');
  // The TLS server as written; the redirect from port 80 is left out (it needs that port).
  const tlsServer = nginxServers
    .split('\n')
    .filter((line) => !line.includes('listen 80'))
    .join('\n')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${nginxPort} ssl http2;`)
    .replace(/ssl_certificate +\S+;/, `ssl_certificate ${cert};`)
    .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${key};`)
    .replace('http://127.0.0.1:3000', `http://127.0.0.1:${server.port}`);
  expect(tlsServer).toContain('gzip_proxied any;');
  const temp = (name: string) => `${name}_temp_path ${join(dir.path, name)};`;
  const nginxConfig = join(dir.path, 'nginx.conf');
  writeFileSync(
    nginxConfig,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir.path, 'nginx.pid')};`,
      `error_log ${join(dir.path, 'nginx-error.log')};`,
      'events {}',
      'http {',
      '  access_log off;',
      `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
      tlsServer,
      '}',
      '',
    ].join('\n'),
  );
  // Debian puts nginx in /usr/sbin, which a user's PATH may not have.
  const nginx = run(existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', [
    '-p',
    dir.path,
    '-c',
    nginxConfig,
    '-e',
    join(dir.path, 'nginx-error.log'),
  ]);
  await waitUntilUp(
    `https://127.0.0.1:${nginxPort}`,
    nginx.proc,
    () => `${nginx.log()}${readFileSync(join(dir.path, 'nginx-error.log'), 'utf8')}`,
  );
  proxies.push({ name: 'nginx', url: `https://127.0.0.1:${nginxPort}`, proc: nginx.proc });
}, 120_000);

afterAll(async () => {
  for (const p of proxies) p.proc.kill('SIGTERM');
  await server?.stop();
  dir.remove();
});

const header = (a: Answer, name: string) => String(a.headers[name] ?? '');

describe.each(['Caddy', 'nginx'])('behind %s as the README configures it', (name) => {
  const base = () => proxies.find((p) => p.name === name)!.url;

  it('sends a page gzipped to a browser that accepts it, whole, and says it varies by Accept-Encoding', async () => {
    const direct = await get(`${server.url}/ping/stor?kb=16`);
    const viaProxy = await get(`${base()}/ping/stor?kb=16`, { 'accept-encoding': 'gzip, deflate' });
    expect(viaProxy.status).toBe(200);
    expect(header(viaProxy, 'content-encoding')).toBe('gzip');
    expect(header(viaProxy, 'vary').toLowerCase()).toContain('accept-encoding');
    expect(gunzipSync(viaProxy.body).toString('utf8')).toBe(direct.body.toString('utf8'));
    expect(viaProxy.body.length).toBeLessThan(direct.body.length / 4);
    // The product's own headers pass through.
    expect(header(viaProxy, 'content-security-policy')).toBe(header(direct, 'content-security-policy'));
  });

  it('compresses the calendar month, an API answer and the style sheet', async () => {
    const month_ = await get(`${base()}/kalender?manad=${month}`, { 'accept-encoding': 'gzip' });
    expect(month_.status).toBe(200);
    expect(header(month_, 'content-encoding')).toBe('gzip');
    const html = gunzipSync(month_.body).toString('utf8');
    expect(html).toContain('<html lang="sv"');
    const api = await get(`${base()}/api/clusters`, { 'accept-encoding': 'gzip' });
    expect(header(api, 'content-type')).toMatch(/^application\/json/);
    expect(header(api, 'content-encoding')).toBe('gzip');
    expect((JSON.parse(gunzipSync(api.body).toString('utf8')) as unknown[]).length).toBeGreaterThan(10);
    const css = /<link[^>]+href="([^"]+\.css)"/.exec(html)?.[1];
    expect(css, 'the page links a style sheet').toBeTruthy();
    const style = await get(new URL(css!, `${base()}/kalender`).href, { 'accept-encoding': 'gzip' });
    expect(style.status).toBe(200);
    expect(header(style, 'content-type')).toMatch(/^text\/css/);
    expect(header(style, 'content-encoding')).toBe('gzip');
  });

  it('sends a client that accepts no compression the page as it is', async () => {
    const plain = await get(`${base()}/ping/stor?kb=16`);
    expect(plain.status).toBe(200);
    expect(header(plain, 'content-encoding')).toBe('');
    expect(plain.body.toString('utf8')).toContain('<h1>OK</h1>');
  });

  it('passes the feed the product compressed itself through once, not compressed twice', async () => {
    const feed = await get(`${base()}/feeds/all.ics`, { 'accept-encoding': 'gzip' });
    expect(feed.status).toBe(200);
    expect(header(feed, 'content-encoding')).toBe('gzip');
    expect(gunzipSync(feed.body).toString('utf8')).toMatch(/^BEGIN:VCALENDAR\r\n/);
  });
});
