import jwt from '@fastify/jwt';
import { actorForSession, DomainError, startSession, type Actor } from '@samverka/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; sid: string };
    user: { sub: string; sid: string };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: resolved from the Bearer token, or null when there is none. */
    actor: Actor | null;
    sessionId: string | null;
  }
  interface FastifyInstance {
    issueSessionToken(userId: number): { token: string; expiresAt: Date };
  }
}

/**
 * Bearer tokens are JWTs naming a session row; logout revokes the row, so a token stops
 * working at once rather than when it expires. A request without a token is anonymous;
 * one with a bad, expired or revoked token is refused with 401 (never treated as anonymous).
 */
export default fp(
  async function auth(app: FastifyInstance) {
    const ttlMs = app.config.sessionHours * 3_600_000;
    await app.register(jwt, { secret: app.config.jwtSecret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });

    app.decorateRequest('actor', null);
    app.decorateRequest('sessionId', null);

    app.decorate('issueSessionToken', (userId: number) => {
      const grant = startSession(app.db, userId, ttlMs);
      const token = app.jwt.sign({ sub: String(userId), sid: grant.sessionId }, { expiresIn: Math.floor(ttlMs / 1000) });
      return { token, expiresAt: grant.expiresAt };
    });

    // A plain callback for the common case of no token (visitors, feeds), so anonymous requests
    // do not pay for an async hook; the token case continues in an async function.
    app.addHook('onRequest', (request, _reply, done) => {
      if (!request.headers.authorization) return done();
      resolveToken(request).then(() => done(), done);
    });
    async function resolveToken(request: import('fastify').FastifyRequest): Promise<void> {
      const header = request.headers.authorization!;
      const invalid = new DomainError('unauthenticated', 'invalid_token', 'The login token is invalid or has expired; log in again');
      if (!/^Bearer [A-Za-z0-9._-]+$/.test(header)) throw invalid;
      let payload: { sub: string; sid: string };
      try {
        payload = await request.jwtVerify();
      } catch {
        throw invalid;
      }
      const actor = actorForSession(app.db, payload.sid);
      if (!actor || String(actor.userId) !== payload.sub) throw invalid;
      request.actor = actor;
      request.sessionId = payload.sid;
    }
  },
  { name: 'auth', dependencies: ['error-handler'] },
);
