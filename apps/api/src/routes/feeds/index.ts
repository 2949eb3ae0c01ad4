import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FeedScope } from '@samverka/core';
import { Type } from 'typebox';
import { toErrorAnswer } from '../../plugins/error-handler.ts';
import { EventKind, Id, Slug, StrictObject, Token } from '@samverka/contracts';
import { sendFeed } from './conditional.ts';

const Lang = Type.Optional(
  Type.Union([Type.Literal('sv'), Type.Literal('en')], { description: 'language of summaries and names; default sv' }),
);
const FeedQuery = StrictObject({
  cluster: Type.Optional(Slug),
  theme: Type.Optional(Slug),
  county: Type.Optional(Slug),
  kind: Type.Optional(EventKind),
  lang: Lang,
});
const LangQuery = StrictObject({ lang: Lang });
const ics = {
  200: Type.String({ description: 'text/calendar (RFC 5545)' }),
  304: Type.Null({ description: 'not modified' }),
  404: Type.String({ description: 'plain-text message' }),
};
const personalIcs = { ...ics, 410: Type.String({ description: 'plain-text message: the link was revoked or replaced' }) };
const atom = { ...ics, 200: Type.String({ description: 'application/atom+xml (RFC 4287)' }) };

/**
 * Calendar feeds that calendar apps poll for years. Errors here are plain text (calendar apps
 * show them as they are), not the API's JSON.
 */
const feedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setErrorHandler((err, req, reply) => {
    const answer = toErrorAnswer(err as Error);
    if (answer.status >= 500) req.log.error({ err }, 'feed failed');
    // An error is a message to read, never a file to save (and never a cached feed).
    reply.removeHeader('content-disposition');
    reply.removeHeader('etag');
    reply.removeHeader('last-modified');
    return reply.code(answer.status).type('text/plain; charset=utf-8').send(`${answer.message}\n`);
  });

  const tags = ['feeds'];
  app.get(
    '/feeds/all.ics',
    { schema: { tags, summary: 'Every published event; filters combine', querystring: FeedQuery, response: ics } },
    async (req, reply) => {
      const { lang, ...filters } = req.query;
      return sendFeed(req, reply, app.feeds, app.feeds.ics({ type: 'all', ...filters }, lang ?? 'sv'));
    },
  );
  app.get(
    '/feeds/all.atom',
    { schema: { tags, summary: 'Upcoming events as Atom; same filters', querystring: FeedQuery, response: atom } },
    async (req, reply) => {
      const { lang, ...filters } = req.query;
      return sendFeed(req, reply, app.feeds, app.feeds.atom({ type: 'all', ...filters }, lang ?? 'sv'));
    },
  );

  const scoped = (path: string, summary: string, scope: (slug: string) => FeedScope) =>
    app.get(
      path,
      { schema: { tags, summary, params: StrictObject({ slug: Slug }), querystring: LangQuery, response: ics } },
      async (req, reply) => sendFeed(req, reply, app.feeds, app.feeds.ics(scope(req.params.slug), req.query.lang ?? 'sv')),
    );
  scoped('/feeds/clusters/:slug.ics', 'Events a cluster leads or co-hosts', (slug) => ({ type: 'all', cluster: slug }));
  scoped('/feeds/themes/:slug.ics', 'Events on a theme', (slug) => ({ type: 'all', theme: slug }));
  scoped('/feeds/counties/:slug.ics', 'Events in a county', (slug) => ({ type: 'all', county: slug }));

  app.get(
    '/feeds/personal/:token.ics',
    {
      schema: {
        tags,
        summary: 'A person’s own feed (revocable link)',
        params: StrictObject({ token: Token }),
        querystring: LangQuery,
        response: personalIcs,
      },
    },
    async (req, reply) =>
      sendFeed(req, reply, app.feeds, app.feeds.ics({ type: 'personal', token: req.params.token }, req.query.lang ?? 'sv'), true),
  );

  app.get(
    '/events/:id.ics',
    { schema: { tags, summary: 'One event', params: StrictObject({ id: Id }), querystring: LangQuery, response: ics } },
    async (req, reply) => {
      // Built first: a missing event throws before any header says "save this as a file".
      const feed = app.feeds.ics({ type: 'event', id: req.params.id }, req.query.lang ?? 'sv');
      reply.header('content-disposition', `attachment; filename="samverka-${req.params.id}.ics"`);
      return sendFeed(req, reply, app.feeds, feed);
    },
  );
};
export default feedRoutes;
