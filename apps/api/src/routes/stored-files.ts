import { actorForSession, type Actor, type StoredFile } from '@samverka/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream } from 'node:fs';

/**
 * Content-Disposition with the file's own name (RFC 6266): an ASCII fallback in `filename` and
 * the exact UTF-8 name in `filename*` (RFC 8187), so å, ä and ö survive.
 */
export function contentDisposition(inline: boolean, filename: string): string {
  const ascii =
    filename
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\%]/g, '') || 'material';
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** If-None-Match against our strong ETag (RFC 9110 §13.1.2, weak comparison as for GET). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * Sends a stored material from disk as a stream: the media type decided at upload (never HTML),
 * `nosniff`, inline only for images and PDF, a strong ETag (the content's SHA-256) with 304, and
 * caching that keeps participant-only files out of shared caches. Files are never framed by
 * other sites and never run scripts: everything but PDFs (whose viewer a sandbox would stop)
 * also gets a sandboxing CSP.
 */
export function sendStoredFile(req: FastifyRequest, reply: FastifyReply, file: StoredFile) {
  const etag = `"${file.sha256}"`;
  reply.headers({
    etag,
    'cache-control': file.private ? 'private, no-cache' : 'public, no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy':
      file.contentType === 'application/pdf' ? "frame-ancestors 'none'" : "default-src 'none'; sandbox; frame-ancestors 'none'",
    'content-disposition': contentDisposition(file.inline, file.filename),
    ...(file.private ? { 'x-robots-tag': 'noindex, nofollow' } : {}),
  });
  if (matches(req.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type(file.contentType).header('content-length', file.size).send(createReadStream(file.path));
}

/** The web app's session cookie (apps/web/src/lib/server/session.ts); it holds the same JWT the API takes as a Bearer token. */
const SESSION_COOKIE = 'samverka_session';

/**
 * The actor of a browser request that carries the web app's session cookie instead of a Bearer
 * token: file links and the upload form are followed by the browser itself, which sends only
 * the cookie (SameSite=Lax, so never on another site's posts). Null without a valid session.
 */
export function cookieActor(app: FastifyInstance, req: FastifyRequest): Actor | null {
  if (req.actor) return req.actor;
  const cookie = req.headers.cookie;
  if (!cookie) return null;
  const value = cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1);
  if (!value || !/^[A-Za-z0-9._-]+$/.test(value)) return null;
  try {
    const payload = app.jwt.verify<{ sub: string; sid: string }>(value);
    const actor = actorForSession(app.db, payload.sid);
    return actor && String(actor.userId) === payload.sub ? actor : null;
  } catch {
    return null;
  }
}
