import { Type, type Static } from 'typebox';
import { IsoDateTime } from './common.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Lang = Type.Union([Type.Literal('sv'), Type.Literal('en')]);

/** GET /api/registrations/:token/personal-data: everything stored about the registration's address. */
export const PersonalData = Type.Object({
  exportedAt: IsoDateTime,
  email: Type.String(),
  registrations: Type.Array(
    Type.Object({
      event: Type.Object({ id: Type.Integer(), title: Type.String(), startsAt: IsoDateTime }),
      status: Type.String(),
      name: Nullable(Type.String()),
      organisation: Nullable(Type.String()),
      county: Nullable(Type.String()),
      cluster: Nullable(Type.String()),
      dietaryNeeds: Nullable(Type.String()),
      accessibilityNeeds: Nullable(Type.String()),
      language: Lang,
      newsletter: Type.Boolean(),
      consentAt: IsoDateTime,
      createdAt: IsoDateTime,
      updatedAt: IsoDateTime,
      waitlistedAt: Nullable(IsoDateTime),
      promotedAt: Nullable(IsoDateTime),
      checkedInAt: Nullable(IsoDateTime),
      reminderSentAt: Nullable(IsoDateTime),
      cancelledAt: Nullable(IsoDateTime),
      answers: Type.Array(Type.Object({ question: Type.String(), answer: Type.String() })),
    }),
  ),
  subscriptions: Type.Array(
    Type.Object({
      language: Lang,
      confirmed: Type.Boolean(),
      confirmedAt: Nullable(IsoDateTime),
      createdAt: IsoDateTime,
      clusters: Type.Array(Type.String()),
      themes: Type.Array(Type.String()),
    }),
  ),
  mails: Type.Array(
    Type.Object({
      subject: Type.String(),
      status: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]),
      createdAt: IsoDateTime,
      sentAt: Nullable(IsoDateTime),
    }),
  ),
});
export type PersonalData = Static<typeof PersonalData>;
