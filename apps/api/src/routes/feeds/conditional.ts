import type { BuiltFeed, FeedService } from '@samverka/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

type Encoding = 'br' | 'gzip';

/** The best encoding the client accepts (RFC 9110 §12.5.3), brotli first; q=0 refuses. */
export function chooseEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name!, q ? Number(q.slice(2)) || 0 : 1);
  }
  const ok = (e: string) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): any of our tags for this content matches. */
function etagMatches(header: string, hash: string): boolean {
  return header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${hash}"` || tag === `"${hash}-gz"` || tag === `"${hash}-br"`;
  });
}

/**
 * Sends a built feed with a strong ETag per representation and Last-Modified, answering 304
 * when the client's copy is current (If-None-Match wins over If-Modified-Since, RFC 9110 §13.2.2).
 */
export function sendFeed(req: FastifyRequest, reply: FastifyReply, feeds: FeedService, feed: BuiltFeed, isPrivate = false) {
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified =
    inm !== undefined
      ? etagMatches(inm, feed.hash)
      : ims !== undefined && !Number.isNaN(Date.parse(ims)) && feed.lastModified.getTime() <= Date.parse(ims);
  // A 304 carries the validators and caching headers a 200 would have (RFC 9110 §15.4.5).
  reply.headers({
    // Node caches its Date string and refreshes it on a timer, which lags under load: written
    // here from the clock, Date is never earlier than Last-Modified (RFC 9110 §8.8.2.1, §6.6.1).
    date: new Date().toUTCString(),
    etag: `"${feed.hash}${encoding === 'br' ? '-br' : encoding === 'gzip' ? '-gz' : ''}"`,
    'last-modified': feed.lastModifiedHttp,
    'cache-control': isPrivate ? 'private, max-age=300' : 'public, max-age=300',
    vary: 'Accept-Encoding',
  });
  if (notModified) return reply.code(304).send();
  reply.type(feed.contentType);
  if (encoding) {
    reply.header('content-encoding', encoding);
    return reply.send(feeds.encoded(feed, encoding));
  }
  return reply.send(feed.body);
}
