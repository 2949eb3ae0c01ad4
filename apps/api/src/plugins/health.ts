import { outboxBacklog } from '@samverka/core';
import { databaseHealth, sqliteOf } from '@samverka/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Health, Readiness } from '@samverka/contracts';

/**
 * Probes for load balancers and monitoring. /healthz: the process answers (liveness; restart it
 * if not). /readyz: it can serve (the database takes a write, every migration is applied), with
 * the outbox backlog and the age of the oldest waiting mail for alerting; 503 when not ready.
 * While the server shuts down Fastify answers 503 to new requests, so a balancer drains it.
 */
export default fp(
  async function health(app: FastifyInstance) {
    app.get('/healthz', { schema: { tags: ['operations'], response: { 200: Health } } }, async (_req, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' as const };
    });
    app.get('/readyz', { schema: { tags: ['operations'], response: { 200: Readiness, 503: Readiness } } }, async (_req, reply) => {
      const database = databaseHealth(sqliteOf(app.db));
      const migrated = database.migrations.applied === database.migrations.expected;
      const ready = database.writable && migrated;
      let outbox = { pending: 0, oldestPendingSeconds: 0 };
      try {
        outbox = outboxBacklog(app.db);
      } catch {
        // An unreadable outbox shows in the database part; the counts stay 0.
      }
      reply.header('cache-control', 'no-store');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', database, outbox });
    });
  },
  { name: 'health' },
);
