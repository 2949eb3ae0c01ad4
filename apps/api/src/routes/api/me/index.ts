import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  boundaryToDate,
  changeOwnPassword,
  coordinatorDashboard,
  getMe,
  getNotificationSettings,
  pendingCohostInvitations,
  personalFeed,
  regeneratePersonalFeed,
  revokePersonalFeed,
  setLanguage,
  setNotificationSettings,
  sharedAnnouncements,
} from '@samverka/core';
import { Type } from 'typebox';
import {
  Dashboard,
  DashboardQuery,
  errors,
  MePatch,
  NotificationSettings,
  NotificationSettingsBody,
  PasswordBody,
  PendingCohostInvitation,
  PersonalFeed,
  SharedAnnouncement,
  User,
} from '@samverka/contracts';

const me: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { schema: { tags: ['me'], security: [{ bearer: [] }], response: { 200: User, ...errors(401) } } }, async (req) =>
    getMe(app.db, req.actor),
  );

  app.patch(
    '/',
    { schema: { tags: ['me'], security: [{ bearer: [] }], body: MePatch, response: { 200: User, ...errors(400, 401) } } },
    async (req) => setLanguage(app.db, req.actor, req.body.language),
  );

  app.get(
    '/cohost-invitations',
    {
      schema: {
        tags: ['me'],
        summary: 'Co-host invitations waiting for the clusters I coordinate',
        security: [{ bearer: [] }],
        response: { 200: Type.Array(PendingCohostInvitation), ...errors(401) },
      },
    },
    async (req) => pendingCohostInvitations(app.db, req.actor),
  );

  app.get(
    '/dashboard',
    {
      schema: {
        tags: ['me'],
        summary: "The coordinator dashboard: invitations, and each of my clusters' next events, drafts and proposals",
        security: [{ bearer: [] }],
        querystring: DashboardQuery,
        response: { 200: Dashboard, ...errors(400, 401) },
      },
    },
    async (req) => coordinatorDashboard(app.db, req.actor, boundaryToDate(req.query.from, 'from')),
  );

  const feedView = (f: Pick<PersonalFeed, 'token' | 'createdAt'>): PersonalFeed => {
    const url = `${app.config.publicUrl}/feeds/personal/${f.token}.ics`;
    return { ...f, url, webcal: url.replace(/^https?:/, 'webcal:') };
  };
  app.get(
    '/feed',
    {
      schema: {
        tags: ['me', 'feeds'],
        summary: 'My personal calendar feed (made on first request)',
        security: [{ bearer: [] }],
        response: { 200: PersonalFeed, ...errors(401) },
      },
    },
    async (req) => feedView(personalFeed(app.db, req.actor)),
  );
  app.post(
    '/feed/regenerate',
    {
      schema: {
        tags: ['me', 'feeds'],
        summary: 'Replace my feed link; the old one stops working',
        security: [{ bearer: [] }],
        response: { 200: PersonalFeed, ...errors(401) },
      },
    },
    async (req) => feedView(regeneratePersonalFeed(app.db, req.actor)),
  );
  app.delete(
    '/feed',
    {
      schema: {
        tags: ['me', 'feeds'],
        summary: 'Revoke my feed link',
        security: [{ bearer: [] }],
        response: { 204: { type: 'null' }, ...errors(401) },
      },
    },
    async (req, reply) => {
      revokePersonalFeed(app.db, req.actor);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/password',
    {
      schema: {
        tags: ['me'],
        summary: 'Set my password; every other login of mine ends (this one stays)',
        security: [{ bearer: [] }],
        body: PasswordBody,
        response: { 204: { type: 'null' }, ...errors(400, 401) },
      },
    },
    async (req, reply) => {
      await changeOwnPassword(app.db, req.actor, req.body.password, req.sessionId);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/shared-announcements',
    {
      schema: {
        tags: ['me', 'announcements'],
        summary: 'Invitations shared with my clusters, not yet passed on',
        security: [{ bearer: [] }],
        response: { 200: Type.Array(SharedAnnouncement), ...errors(401) },
      },
    },
    async (req) => sharedAnnouncements(app.db, req.actor),
  );

  app.get(
    '/notification-settings',
    {
      schema: {
        tags: ['me'],
        summary: 'My notification settings: immediate, daily or off per category, and the themes I follow',
        security: [{ bearer: [] }],
        response: { 200: NotificationSettings, ...errors(401) },
      },
    },
    async (req) => getNotificationSettings(app.db, req.actor),
  );
  app.put(
    '/notification-settings',
    {
      schema: {
        tags: ['me'],
        summary: 'Change my notification settings; categories left out keep theirs',
        security: [{ bearer: [] }],
        body: NotificationSettingsBody,
        response: { 200: NotificationSettings, ...errors(400, 401) },
      },
    },
    async (req) => setNotificationSettings(app.db, req.actor, req.body),
  );
};
export default me;
