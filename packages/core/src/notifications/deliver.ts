import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  coordinators,
  driverValues,
  insertPlaceholders,
  keptStatement,
  notificationPending,
  notificationSettings,
  notificationThemeChoices,
  notificationThemes,
  users,
} from '@samverka/db';
import type { Tx } from '../domain-events.ts';
import { isEmail, singleLine } from '../escape.ts';
import { composeMail } from '../outbox/compose.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { textsFor, type Lang, type Texts } from '../texts/index.ts';
import { DEFAULT_MODES, THEMED_CATEGORIES, type NotificationCategory, type NotificationMode } from './categories.ts';
import { notificationLinks } from './links.ts';

/** Someone to tell: an enabled user with their address and language. */
export interface Recipient {
  userId: number;
  email: string;
  name: string;
  language: Lang;
}

/** The enabled coordinators of the given clusters, each once, by user id. */
export function coordinatorsOf(tx: Tx, clusterIds: readonly number[]): Recipient[] {
  if (clusterIds.length === 0) return [];
  // Kept, the ids as one JSON array: every registration tells its event's coordinators.
  return keptStatement(tx, 'notifications.coordinatorsOf', (d) =>
    d
      .selectDistinct({ userId: users.id, email: users.email, name: users.name, language: users.language })
      .from(coordinators)
      .innerJoin(users, eq(users.id, coordinators.userId))
      .where(and(sql`${coordinators.clusterId} in (select value from json_each(${sql.placeholder('ids')}))`, isNull(users.disabledAt)))
      .orderBy(users.id)
      .prepare(),
  ).all({ ids: JSON.stringify(clusterIds) });
}

/** One step as its reader is told it: a line in their language and the page where they act. */
export interface Step {
  line: string;
  url: string;
}

export interface NotifyOptions {
  /** users.id of whoever acted: never told about their own step. */
  actorId: number | null;
  now: Date;
  /** For proposal_new and horizon_deadline: the subject's theme ids; a reader who chose themes and follows none of these is not told. Empty: everyone is. */
  themeIds?: readonly number[];
}

/** Each recipient's mode for `category`: their own choice, else the default (categories.ts). */
function modesFor(tx: Tx, category: NotificationCategory, userIds: number[]): Map<number, NotificationMode> {
  const modes = new Map(userIds.map((id) => [id, DEFAULT_MODES[category]] as const));
  if (userIds.length === 0) return modes;
  const rows = keptStatement(tx, 'notifications.modesFor', (d) =>
    d
      .select({ userId: notificationSettings.userId, mode: notificationSettings.mode })
      .from(notificationSettings)
      .where(
        and(
          eq(notificationSettings.category, sql.placeholder('category')),
          sql`${notificationSettings.userId} in (select value from json_each(${sql.placeholder('ids')}))`,
        ),
      )
      .prepare(),
  ).all({ category, ids: JSON.stringify(userIds) });
  for (const r of rows) modes.set(r.userId, r.mode);
  return modes;
}

/** The users among `userIds` whose chosen themes (if they chose) miss every one of `themeIds`. */
function notFollowing(tx: Tx, userIds: number[], themeIds: readonly number[]): Set<number> {
  if (userIds.length === 0 || themeIds.length === 0) return new Set();
  const choosing = tx
    .select({ userId: notificationThemeChoices.userId })
    .from(notificationThemeChoices)
    .where(inArray(notificationThemeChoices.userId, userIds))
    .all()
    .map((r) => r.userId);
  if (choosing.length === 0) return new Set();
  const following = new Set(
    tx
      .select({ userId: notificationThemes.userId })
      .from(notificationThemes)
      .where(and(inArray(notificationThemes.userId, choosing), inArray(notificationThemes.themeId, [...themeIds])))
      .all()
      .map((r) => r.userId),
  );
  return new Set(choosing.filter((id) => !following.has(id)));
}

/** The mail for one step at once: the line as subject and first paragraph, the link to act, the link to the settings. */
export function stepMail(lang: Lang, name: string, step: Step) {
  const t = textsFor(lang).notifications;
  return composeMail(lang, {
    subject: step.line,
    greeting: textsFor(lang).mail.greeting(name),
    paragraphs: [step.line, t.settings(notificationLinks.settings())],
    action: { label: t.action, url: step.url },
    footer: textsFor(lang).mail.footer,
  });
}

/**
 * Tells each recipient about one step as they chose for `category`, inside the change's
 * transaction: `immediate` puts one mail in the outbox (in the recipient's language, linking to
 * the page where they act and to the settings), `daily` records a pending line for the 07:00
 * summary, `off` does nothing. The actor, recipients listed twice, addresses that cannot be
 * mailed and (for themed categories) readers not following the subject's themes are skipped.
 * Returns how many were told (mailed or queued for the summary).
 */
export function notify(
  tx: Tx,
  category: NotificationCategory,
  recipients: readonly Recipient[],
  step: (t: Texts) => Step,
  opts: NotifyOptions,
): number {
  const seen = new Set<number>();
  const list = recipients.filter((r) => {
    if (r.userId === opts.actorId || seen.has(r.userId) || !isEmail(r.email)) return false;
    seen.add(r.userId);
    return true;
  });
  const ids = list.map((r) => r.userId);
  const modes = modesFor(tx, category, ids);
  const skip = THEMED_CATEGORIES.includes(category) ? notFollowing(tx, ids, opts.themeIds ?? []) : new Set<number>();
  let told = 0;
  for (const r of list) {
    const mode = modes.get(r.userId);
    if (mode === 'off' || skip.has(r.userId)) continue;
    const s = step(textsFor(r.language));
    const line = singleLine(s.line, 300);
    if (mode === 'immediate') enqueueMail(tx, { to: r.email, ...stepMail(r.language, r.name, { line, url: s.url }) }, opts.now);
    else
      keptStatement(tx, 'notifications.pendingInsert', (d) =>
        d
          .insert(notificationPending)
          .values(insertPlaceholders(['userId', 'category', 'line', 'url', 'createdAt'] as const))
          .prepare(),
      ).run(driverValues(notificationPending, { userId: r.userId, category, line, url: s.url, createdAt: opts.now }));
    told++;
  }
  return told;
}
