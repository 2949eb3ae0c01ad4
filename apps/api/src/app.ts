import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { setMailFrom, setPublicUrl } from '@samverka/core';
import type { Db } from '@samverka/db';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import { lazySerializers } from './lazy-compilers.ts';
import auth from './plugins/auth.ts';
import docs from './plugins/docs.ts';
import errorHandler, { toErrorAnswer } from './plugins/error-handler.ts';
import feeds from './plugins/feeds.ts';
import health from './plugins/health.ts';
import securityHeaders from './plugins/security-headers.ts';
import jobs from './plugins/jobs.ts';
import listCache from './plugins/list-cache.ts';
import mail from './plugins/mail.ts';
import validation from './plugins/validation.ts';
import { webPlugin } from './plugins/web.ts';
import adminRoutes from './routes/api/admin/index.ts';
import authRoutes from './routes/api/auth/index.ts';
import clusterRoutes from './routes/api/clusters/index.ts';
import eventRoutes from './routes/api/events/index.ts';
import feedRoutes from './routes/feeds/index.ts';
import eventRegistrationRoutes from './routes/api/events/registrations.ts';
import manageRoutes from './routes/api/registrations/index.ts';
import proposalRoutes from './routes/api/proposals/index.ts';
import seriesRoutes from './routes/api/series/index.ts';
import pollRoutes from './routes/api/polls/index.ts';
import subscriptionRoutes from './routes/api/subscriptions/index.ts';
import newsletterRoutes from './routes/api/newsletters/index.ts';
import horizonRoutes from './routes/api/horizon/index.ts';
import reportRoutes from './routes/api/reports/index.ts';
import announcementRoutes from './routes/api/events/announcements.ts';
import questionRoutes from './routes/api/events/questions.ts';
import overviewRoutes from './routes/api/events/overview.ts';
import meRoutes from './routes/api/me/index.ts';
import referenceRoutes from './routes/api/reference/index.ts';
import publicCors from './plugins/public-cors.ts';
import materialRoutes from './routes/api/events/materials.ts';
import eventFeedbackRoutes from './routes/api/events/feedback.ts';
import participantMaterialRoutes from './routes/api/registrations/materials.ts';
import feedbackRoutes from './routes/api/feedback/index.ts';
import knowledgeRoutes from './routes/api/knowledge/index.ts';
import embedRoutes from './routes/api/embed/index.ts';
import storageRoutes from './routes/api/admin/storage.ts';
import knowledgeFeedRoutes from './routes/feeds/knowledge.ts';
import startRoutes from './routes/api/start/index.ts';
import exportRoutes from './routes/api/exports/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
  }
}

export interface AppOptions {
  config: Config;
  db: Db;
  logger?: FastifyServerOptions['logger'];
  /** Mount the built SvelteKit app (production); tests of the API leave it out. */
  web?: boolean;
  /** Start the outbox worker (default true). */
  mailWorker?: boolean;
  mailPollMs?: number;
  /** Run scheduled jobs (reminders, retention); default: when the mail worker runs. */
  jobs?: boolean;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 256 * 1024,
    // Response schemas are compiled at their first use, not at start (memory at start).
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
    // Request ids let a log line be matched to a user's report without logging their data.
    requestIdHeader: false,
    // Behind a reverse proxy (TRUST_PROXY), request.ip is the client from X-Forwarded-For: rate
    // limits and log lines see people, not the proxy. Off by default: a forged header counts for nothing.
    trustProxy:
      typeof opts.config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(opts.config.trustProxy)
        : opts.config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    // A bad percent-encoding or an over-long path parameter is refused by the router before
    // any error handler runs; without this it answers in Fastify's own shape, echoing the path.
    frameworkErrors: (err, _request, reply) => {
      const answer = toErrorAnswer(err);
      void (reply as FastifyReply)
        .code(answer.status)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ error: { code: answer.code, message: answer.message } }));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', opts.config);
  setPublicUrl(opts.config.publicUrl);
  setMailFrom(opts.config.mailFrom);
  app.decorate('db', opts.db);

  // External plugins, then the app's own, then routes.
  await app.register(validation);
  await app.register(errorHandler);
  await app.register(securityHeaders);
  await app.register(rateLimit, { global: false });
  await app.register(docs);
  await app.register(auth);
  await app.register(mail, { startWorker: opts.mailWorker, pollMs: opts.mailPollMs });
  await app.register(feeds);
  await app.register(listCache);
  await app.register(jobs, { enabled: opts.jobs ?? opts.mailWorker !== false });
  await app.register(health);
  await app.register(publicCors);

  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth' });
      await api.register(meRoutes, { prefix: '/me' });
      await api.register(clusterRoutes, { prefix: '/clusters' });
      await api.register(referenceRoutes);
      await api.register(startRoutes);
      await api.register(adminRoutes, { prefix: '/admin' });
      await api.register(eventRoutes, { prefix: '/events' });
      await api.register(eventRegistrationRoutes, { prefix: '/events' });
      await api.register(announcementRoutes, { prefix: '/events' });
      await api.register(questionRoutes, { prefix: '/events' });
      await api.register(overviewRoutes, { prefix: '/events' });
      await api.register(manageRoutes, { prefix: '/registrations' });
      await api.register(proposalRoutes, { prefix: '/proposals' });
      await api.register(seriesRoutes, { prefix: '/series' });
      await api.register(pollRoutes, { prefix: '/polls' });
      await api.register(subscriptionRoutes, { prefix: '/subscriptions' });
      await api.register(newsletterRoutes, { prefix: '/newsletters' });
      await api.register(horizonRoutes, { prefix: '/horizon' });
      await api.register(reportRoutes, { prefix: '/reports' });
      await api.register(materialRoutes, { prefix: '/events' });
      await api.register(eventFeedbackRoutes, { prefix: '/events' });
      await api.register(participantMaterialRoutes, { prefix: '/registrations' });
      await api.register(feedbackRoutes, { prefix: '/feedback' });
      await api.register(knowledgeRoutes, { prefix: '/knowledge' });
      await api.register(embedRoutes, { prefix: '/embed' });
      await api.register(storageRoutes, { prefix: '/admin' });
      await api.register(exportRoutes);
      api.setNotFoundHandler((req, reply) =>
        reply.code(404).send({ error: { code: 'not_found', message: `No API route ${req.method} ${req.url.split('?')[0]}` } }),
      );
    },
    { prefix: '/api' },
  );

  await app.register(feedRoutes);
  await app.register(knowledgeFeedRoutes);

  if (opts.web && opts.config.webBuildDir) {
    await app.register(webPlugin, { buildDir: opts.config.webBuildDir, publicUrl: opts.config.publicUrl });
  } else {
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ error: { code: 'not_found', message: `Nothing at ${req.url.split('?')[0]}` } }),
    );
  }
  return app;
}
