import { Type, type Static } from 'typebox';
import { LIMITS } from './limits.ts';
import { NamedRef, Slug, StrictObject } from './common.ts';

/** The categories of notification, as the API names them; packages/db checks its settings column against this list. */
export const NotificationCategoryNames = [
  'proposal_new',
  'proposal_activity',
  'proposal_decided',
  'cohost_invited',
  'cohost_answered',
  'cohost_removed',
  'poll_invited',
  'poll_closing',
  'poll_decided',
  'announcement_shared',
  'event_changed',
  'horizon_deadline',
  'registrations',
] as const;
export type NotificationCategoryName = (typeof NotificationCategoryNames)[number];

export const NotificationMode = Type.Union([Type.Literal('immediate'), Type.Literal('daily'), Type.Literal('off')], {
  description: 'immediate: one mail per step; daily: in the summary mailed at 07:00 Europe/Stockholm; off: nothing',
});
export type NotificationMode = Static<typeof NotificationMode>;

const categoryModes = Object.fromEntries(NotificationCategoryNames.map((c) => [c, NotificationMode])) as Record<
  NotificationCategoryName,
  typeof NotificationMode
>;
const optionalCategoryModes = Object.fromEntries(NotificationCategoryNames.map((c) => [c, Type.Optional(NotificationMode)])) as Record<
  NotificationCategoryName,
  ReturnType<typeof Type.Optional<typeof NotificationMode>>
>;

/** GET /api/me/notification-settings: the mode of every category (the default where none was chosen) and the followed themes. */
export const NotificationSettings = Type.Object({
  modes: Type.Object(categoryModes),
  /** The defaults, so a client can say which choices are the default. */
  defaults: Type.Object(categoryModes),
  /** true: every theme is followed (the default); false: only `themes`. Used for new proposals and horizon deadlines. */
  allThemes: Type.Boolean(),
  themes: Type.Array(NamedRef, { description: 'the followed themes when allThemes is false; every theme otherwise' }),
  canFollowThemes: Type.Boolean({
    description: 'true for coordinators: themes filter new proposals and horizon deadlines, which only coordinators get',
  }),
});
export type NotificationSettings = Static<typeof NotificationSettings>;

/** PUT /api/me/notification-settings: categories left out keep their mode; themes only with allThemes false. */
export const NotificationSettingsBody = StrictObject({
  modes: Type.Optional(StrictObject(optionalCategoryModes)),
  allThemes: Type.Optional(Type.Boolean()),
  themes: Type.Optional(Type.Array(Slug, { maxItems: LIMITS.followedThemes, uniqueItems: true })),
});
export type NotificationSettingsBody = Static<typeof NotificationSettingsBody>;
