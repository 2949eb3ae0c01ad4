import { OutboxWorker } from '@samverka/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    mailer: OutboxWorker;
  }
}

/** The outbox worker lives as long as the server; without SMTP_URL mail waits in the outbox. */
export default fp(
  async function mail(app: FastifyInstance, opts: { startWorker?: boolean; pollMs?: number }) {
    const worker = new OutboxWorker({
      db: app.db,
      smtpUrl: app.config.smtpUrl,
      from: app.config.mailFrom,
      pollMs: opts.pollMs,
      log: app.log,
    });
    app.decorate('mailer', worker);
    if (opts.startWorker !== false) app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());
  },
  { name: 'mail' },
);
