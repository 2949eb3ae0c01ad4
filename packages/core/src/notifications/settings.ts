import type { NotificationSettings, NotificationSettingsBody } from '@samverka/contracts';
import { asc, eq, inArray } from 'drizzle-orm';
import { notificationSettings, notificationThemeChoices, notificationThemes, themes, users, type Db } from '@samverka/db';
import { canCoordinate, requireActor, type Actor } from '../access.ts';
import { DomainError } from '../errors.ts';
import { DEFAULT_MODES, NOTIFICATION_CATEGORIES, type NotificationCategory, type NotificationMode } from './categories.ts';

type Modes = Record<NotificationCategory, NotificationMode>;

/**
 * The actor's notification settings: the mode of every category (their choice, else the default
 * of categories.ts), the defaults, and the themes they follow (all, until they choose some).
 * Theme names are in the user's language.
 *
 * @throws DomainError unauthenticated without an actor.
 */
export function getNotificationSettings(db: Db, actor: Actor | null): NotificationSettings {
  const a = requireActor(actor);
  const lang = db.select({ language: users.language }).from(users).where(eq(users.id, a.userId)).get()?.language ?? 'sv';
  const modes: Modes = { ...DEFAULT_MODES };
  for (const r of db.select().from(notificationSettings).where(eq(notificationSettings.userId, a.userId)).all()) modes[r.category] = r.mode;
  const chose = db.select().from(notificationThemeChoices).where(eq(notificationThemeChoices.userId, a.userId)).get() !== undefined;
  const all = db.select().from(themes).orderBy(asc(themes.id)).all();
  const followed = chose
    ? new Set(
        db
          .select({ id: notificationThemes.themeId })
          .from(notificationThemes)
          .where(eq(notificationThemes.userId, a.userId))
          .all()
          .map((r) => r.id),
      )
    : null;
  return {
    modes,
    defaults: { ...DEFAULT_MODES },
    allThemes: !chose,
    themes: all.filter((t) => !followed || followed.has(t.id)).map((t) => ({ slug: t.slug, name: lang === 'en' ? t.nameEn : t.nameSv })),
    canFollowThemes: canCoordinate(a),
  };
}

/**
 * Saves the actor's choices: each category given gets its mode (one equal to the default is
 * stored all the same, so a later change of defaults does not change a choice made); with
 * allThemes false, `themes` (slugs, at least one) become the followed themes; with allThemes true
 * every theme is followed again. Returns the settings as getNotificationSettings does.
 *
 * @throws DomainError unauthenticated without an actor; invalid with details `themes`
 *   unknown_choice (a slug that is no theme) or `themes` required (allThemes false and no theme).
 */
export function setNotificationSettings(
  db: Db,
  actor: Actor | null,
  input: NotificationSettingsBody,
  now = new Date(),
): NotificationSettings {
  const a = requireActor(actor);
  let themeIds: number[] | null = null;
  if (input.allThemes === false) {
    const slugs = input.themes ?? [];
    if (slugs.length === 0)
      throw new DomainError('invalid', 'invalid_notification_settings', 'Choose at least one theme, or follow all themes', [
        { field: 'themes', code: 'required', message: 'choose at least one theme' },
      ]);
    const found = db.select().from(themes).where(inArray(themes.slug, slugs)).all();
    const unknown = slugs.filter((s) => !found.some((t) => t.slug === s));
    if (unknown.length)
      throw new DomainError(
        'invalid',
        'invalid_notification_settings',
        `Unknown theme: ${unknown.join(', ')}`,
        unknown.map((s) => ({ field: 'themes', code: 'unknown_choice' as const, message: `unknown theme "${s}"` })),
      );
    themeIds = found.map((t) => t.id);
  }
  db.transaction((tx) => {
    for (const category of NOTIFICATION_CATEGORIES) {
      const mode = input.modes?.[category];
      if (!mode) continue;
      tx.insert(notificationSettings)
        .values({ userId: a.userId, category, mode })
        .onConflictDoUpdate({ target: [notificationSettings.userId, notificationSettings.category], set: { mode } })
        .run();
    }
    if (input.allThemes === true) {
      tx.delete(notificationThemes).where(eq(notificationThemes.userId, a.userId)).run();
      tx.delete(notificationThemeChoices).where(eq(notificationThemeChoices.userId, a.userId)).run();
    } else if (themeIds) {
      tx.delete(notificationThemes).where(eq(notificationThemes.userId, a.userId)).run();
      for (const themeId of themeIds) tx.insert(notificationThemes).values({ userId: a.userId, themeId }).run();
      tx.insert(notificationThemeChoices)
        .values({ userId: a.userId, updatedAt: now })
        .onConflictDoUpdate({ target: notificationThemeChoices.userId, set: { updatedAt: now } })
        .run();
    }
  });
  return getNotificationSettings(db, a);
}
