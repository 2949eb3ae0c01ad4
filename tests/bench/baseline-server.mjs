// Bare Fastify 5 (the same copy the API uses) answering constant bodies: the ceiling that the
// product's routes are compared with, measured on the same machine in the same run.
//
//   node tests/bench/baseline-server.mjs [--port N] [--blob-size BYTES [--gz-size BYTES] | --blob-file PATH]
//
// GET /small         a constant small JSON body
// GET /blob          a constant text/calendar body: --blob-size bytes of made-up text, or the bytes
//                    of --blob-file (a copy of the feed compared with: autocannon decodes every body
//                    to a string, which is slower for UTF-8 text like a Swedish feed than for
//                    ASCII, so the same bytes make the fairest baseline)
// GET /blob-gz       the same body gzipped (level 6, as the product) ahead of time, sent with
//                    content-encoding gzip; made-up text is mixed so that its gzipped size comes
//                    near --gz-size, so both sides move about the same number of bytes
// GET /not-modified  304 with an ETag
//
// Prints one JSON line {"port": N, "blobBytes": …, "blobGzBytes": …} on stdout once listening.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const requireApi = createRequire(new URL('../../apps/api/package.json', import.meta.url));
const Fastify = requireApi('fastify');

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(arg('--port', 0));
const blobFile = arg('--blob-file', undefined);
const blobSize = Number(arg('--blob-size', 1024));
const gzTarget = Number(arg('--gz-size', 0));

/** Deterministic text of `size` bytes: a share `randomShare` of its 75-byte lines is random, the rest repeats. */
function makeText(size, randomShare) {
  let seed = 0x9e3779b9;
  const rnd = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ';
  const fixed = 'DESCRIPTION:Samverka gröna kluster evenemang i Europe/Stockholm kl 10:00'.padEnd(73, ' ');
  const lines = [];
  let length = 0;
  while (length < size) {
    let line = '';
    if (rnd() < randomShare) for (let i = 0; i < 73; i++) line += alphabet[Math.floor(rnd() * alphabet.length)];
    else line = fixed;
    line += '\r\n';
    lines.push(line);
    length += Buffer.byteLength(line);
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

const blob = blobFile ? readFileSync(blobFile) : makeText(blobSize, 0.25);
let blobGz = gzipSync(blob, { level: 6 });
if (!blobFile && gzTarget > 0) {
  // gzipped size rises with the random share: bisect the share to land near the target size.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 16; i++) {
    const mid = (lo + hi) / 2;
    const gz = gzipSync(makeText(blobSize, mid), { level: 6 });
    if (Math.abs(gz.length - gzTarget) < Math.abs(blobGz.length - gzTarget)) blobGz = gz;
    if (Math.abs(gz.length - gzTarget) / gzTarget < 0.01) break;
    if (gz.length < gzTarget) lo = mid;
    else hi = mid;
  }
}

const etag = '"baseline-etag-0123456789abcdef"';
const lastModified = new Date(0).toUTCString();
const small = { status: 'ok', service: 'baseline' };

const app = Fastify({ logger: false });
app.get('/small', async () => small);
app.get('/blob', async (_req, reply) =>
  reply
    .header('etag', etag)
    .header('last-modified', lastModified)
    .header('cache-control', 'public, max-age=300')
    .header('vary', 'Accept-Encoding')
    .type('text/calendar; charset=utf-8')
    .send(blob),
);
app.get('/blob-gz', async (_req, reply) =>
  reply
    .header('etag', etag)
    .header('last-modified', lastModified)
    .header('cache-control', 'public, max-age=300')
    .header('vary', 'Accept-Encoding')
    .header('content-encoding', 'gzip')
    .type('text/calendar; charset=utf-8')
    .send(blobGz),
);
app.get('/not-modified', async (_req, reply) =>
  reply
    .code(304)
    .header('etag', etag)
    .header('last-modified', lastModified)
    .header('cache-control', 'public, max-age=300')
    .header('vary', 'Accept-Encoding')
    .send(),
);

await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port, blobBytes: blob.length, blobGzBytes: blobGz.length })}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => app.close().then(() => process.exit(0)));
