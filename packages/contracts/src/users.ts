import { Type, type Static } from 'typebox';
import { Email, Id, Lang, NamedRef, Slug, StrictObject } from './common.ts';
import { LIMITS } from './limits.ts';

export const User = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  language: Lang,
  isAdmin: Type.Boolean(),
  roles: Type.Array(Type.Union([Type.Literal('admin'), Type.Literal('coordinator'), Type.Literal('participant')])),
  clusters: Type.Array(NamedRef),
  hasPassword: Type.Boolean(),
  createdAt: Type.String(),
  canCoordinate: Type.Boolean({ description: 'may start events, polls, proposals, newsletters and horizon items, and read reports' }),
  actsFor: Type.Array(NamedRef, { description: 'the clusters I may act for: those I coordinate, every cluster for an admin' }),
  actsForNetwork: Type.Boolean({ description: 'may post newsletters and horizon items as the secretariat, under no cluster' }),
});
export type User = Static<typeof User>;
export const UserList = Type.Array(User);

export const LoginBody = StrictObject({
  email: Type.String({ minLength: 1, maxLength: LIMITS.email }),
  password: Type.String({ minLength: 1, maxLength: LIMITS.password }),
});
export type LoginBody = Static<typeof LoginBody>;

export const LoginLinkBody = StrictObject({ email: Type.String({ minLength: 1, maxLength: LIMITS.email }) });
export const RedeemBody = StrictObject({ token: Type.String({ minLength: LIMITS.loginTokenMin, maxLength: LIMITS.loginToken }) });

export const Session = Type.Object({ token: Type.String(), expiresAt: Type.String(), user: User });
export type Session = Static<typeof Session>;

export const Message = Type.Object({ message: Type.String() });
export type Message = Static<typeof Message>;

/** The person's private calendar feed (GET /api/me/feed): the secret, and the link as https and webcal. */
export const PersonalFeed = Type.Object({ token: Type.String(), createdAt: Type.String(), url: Type.String(), webcal: Type.String() });
export type PersonalFeed = Static<typeof PersonalFeed>;

export const PasswordBody = StrictObject({ password: Type.String({ minLength: 1, maxLength: LIMITS.password }) });
export const MePatch = StrictObject({ language: Lang });

export const InviteBody = StrictObject({
  email: Email,
  name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
  language: Type.Optional(Lang),
  isAdmin: Type.Optional(Type.Boolean()),
  coordinatorOf: Type.Optional(Type.Array(Slug, { maxItems: LIMITS.clusters, uniqueItems: true })),
});
export type InviteBody = Static<typeof InviteBody>;

export const UserPatch = StrictObject({ isAdmin: Type.Boolean() });
export const UserClusterParams = StrictObject({ id: Id, slug: Slug });

export const OutboxMail = Type.Object({
  id: Type.Integer(),
  toAddress: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
});
export const OutboxPage = Type.Object({
  mails: Type.Array(OutboxMail),
  counts: Type.Object({ pending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() }),
});
export type OutboxPage = Static<typeof OutboxPage>;
export const OutboxQuery = StrictObject({
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')])),
});
