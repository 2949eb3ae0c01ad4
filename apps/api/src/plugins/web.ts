import { getMe } from '@samverka/core';
import type { User } from '@samverka/contracts';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { baseSecurityHeaders } from './security-headers.ts';

/** The header through which the web app learns the client's address (adapter-node's ADDRESS_HEADER). */
export const CLIENT_ADDRESS_HEADER = 'x-samverka-client-address';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/** The key under which the web app finds this Fastify instance, to call the API in-process. */
export const IN_PROCESS_API = Symbol.for('samverka.api');

/**
 * The key under which the web app finds the user a session token stands for: GET /api/me's
 * answer (`User`, a fresh object each call) without a request through Fastify, since every
 * logged-in page asks for it first. null when the token stands for nobody or the lookup fails:
 * the web app then asks GET /api/me, whose error answer (401, 404, 500) it acts on as before.
 */
export const IN_PROCESS_ME = Symbol.for('samverka.me');

/**
 * Serves the SvelteKit app (adapter-node's handler) for every URL that no API or feed route
 * claims, from the same process and port. Encapsulated, with its own content-type parsing:
 * the body must reach SvelteKit unread, or form posts hang (see docs/toolchain.md).
 */
export async function webPlugin(app: FastifyInstance, opts: { buildDir: string; publicUrl: string }) {
  const file = join(opts.buildDir, 'handler.js');
  if (!existsSync(file)) throw new Error(`The web app is not built: ${file} is missing. Run the build first.`);
  // adapter-node compares the Origin of form posts with ORIGIN (CSRF protection).
  process.env.ORIGIN ??= opts.publicUrl;
  // The client's address is the one Fastify settled on (TRUST_PROXY decides whether
  // X-Forwarded-For counts), handed over in a header this plugin always overwrites, so the
  // web app's rate-limited calls and logs see the same address as the API's.
  process.env.ADDRESS_HEADER = CLIENT_ADDRESS_HEADER;
  (globalThis as Record<symbol, unknown>)[IN_PROCESS_API] = app;
  (globalThis as Record<symbol, unknown>)[IN_PROCESS_ME] = (token: string): User | null => {
    try {
      const login = app.loginOf(token);
      return login ? getMe(app.db, login.actor) : null;
    } catch {
      return null;
    }
  };
  // Lets the web app keep visitors' pages while the data has not changed (lib/server/page-cache.ts).
  // Without it (ANSWER_CACHE=off) the web app keeps no page.
  if (app.config.answerCache) (globalThis as Record<symbol, unknown>)[Symbol.for('samverka.dataVersion')] = () => app.feeds.version();
  const { handler } = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));
  const headers = Object.entries(baseSecurityHeaders(opts.publicUrl));
  app.setNotFoundHandler((request, reply) => {
    reply.hijack();
    request.raw.headers[CLIENT_ADDRESS_HEADER] = request.ip;
    // Hijacked answers skip Fastify's onSend hooks: the headers every answer carries go on here.
    for (const [k, v] of headers) reply.raw.setHeader(k, v);
    handler(request.raw, reply.raw, () => {
      reply.raw.statusCode = 404;
      reply.raw.end('Not found');
    });
  });
}
