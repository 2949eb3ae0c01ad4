import jwt from '@fastify/jwt';
import { DomainError, LoginCache, startSession, type Actor, type ResolvedLogin } from '@samverka/core';
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
    /**
     * The login a Bearer token (without "Bearer ") stands for, resolved as for a request, or
     * null when it stands for nobody (malformed, bad signature, expired, revoked).
     */
    loginOf(token: string): ResolvedLogin | null;
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

    // A page of the web app calls the API several times with one token: the login is resolved
    // (signature, session, user, roles) once and kept until anything that decides it changes.
    const logins = new LoginCache(app.db);
    const verify = (token: string) => app.jwt.verify<{ sub: string; sid: string; exp?: number }>(token);
    // Built only when a token is refused (a stack trace costs more than the whole lookup).
    const invalid = () => new DomainError('unauthenticated', 'invalid_token', 'The login token is invalid or has expired; log in again');
    const tokenShape = /^[A-Za-z0-9._-]+$/;
    const loginOf = (token: string) => (tokenShape.test(token) ? logins.resolve(token, verify) : null);
    app.decorate('loginOf', loginOf);

    // Synchronous: the common case of no token (visitors, feeds) pays nothing, and a token is
    // checked without a promise.
    app.addHook('onRequest', (request, _reply, done) => {
      const header = request.headers.authorization;
      if (!header) return done();
      // "Bearer <token>", the token resolved as loginOf resolves it (its shape checked first).
      const login = header.startsWith('Bearer ') ? loginOf(header.slice(7)) : null;
      if (!login) return done(invalid());
      request.actor = login.actor;
      request.sessionId = login.sessionId;
      done();
    });
  },
  { name: 'auth', dependencies: ['error-handler'] },
);
