import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import {
  horizonItems,
  horizonItemThemes,
  horizonRelevance,
  notificationPending,
  notificationReminders,
  pollAnswers,
  pollClusters,
  polls,
  pollSlots,
  users,
  type Db,
} from '@samverka/db';
import type { Tx } from '../domain-events.ts';
import { escapeHtml } from '../escape.ts';
import { claimJobRun } from '../jobs.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { DEFAULT_ZONE } from '../time.ts';
import { textsFor } from '../texts/index.ts';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from './categories.ts';
import { coordinatorsOf, notify } from './deliver.ts';
import { notificationLinks } from './links.ts';
import { when } from './reactions.ts';

/** The local hour (Europe/Stockholm) of the daily summary. */
export const SUMMARY_HOUR = 7;

/**
 * The period of the daily summary that `now` falls in: the latest 07:00 Europe/Stockholm at or
 * before `now`, in ms since the epoch (07:00 local on both sides of a change to or from summer
 * time). Claimed with claimJobRun, so the summary goes once per day whoever runs it.
 */
export function summarySlot(now: Date): number {
  const local = DateTime.fromJSDate(now, { zone: DEFAULT_ZONE });
  let at = local.startOf('day').set({ hour: SUMMARY_HOUR });
  if (at > local) at = at.minus({ days: 1 }).set({ hour: SUMMARY_HOUR });
  return at.toMillis();
}

/** The body of one user's summary: the intro, then per category (in NOTIFICATION_CATEGORIES order) its heading and lines with links. */
function summaryMail(lang: 'sv' | 'en', name: string, items: { category: NotificationCategory; line: string; url: string }[]) {
  const t = textsFor(lang);
  const n = t.notifications;
  const groups = NOTIFICATION_CATEGORIES.map((c) => ({ c, lines: items.filter((i) => i.category === c) })).filter((g) => g.lines.length);
  const text = [
    t.mail.greeting(name),
    '',
    n.summary.intro,
    '',
    ...groups.flatMap((g) => [n.categories[g.c], ...g.lines.map((i) => `- ${i.line}\n  ${i.url}`), '']),
    n.settings(notificationLinks.settings()),
    '',
    '--',
    t.mail.footer,
  ].join('\n');
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(n.summary.subject(items.length))}</title></head><body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a">
<p>${escapeHtml(t.mail.greeting(name))}</p>
<p>${escapeHtml(n.summary.intro)}</p>
${groups
  .map(
    (g) =>
      `<h2 style="font-size:1.1em">${escapeHtml(n.categories[g.c])}</h2>\n<ul>${g.lines
        .map((i) => `<li><a href="${escapeHtml(i.url)}">${escapeHtml(i.line)}</a></li>`)
        .join('')}</ul>`,
  )
  .join('\n')}
<p>${escapeHtml(n.settings(notificationLinks.settings()))}</p>
<hr><p style="font-size:0.9em;color:#444">${escapeHtml(t.mail.footer)}</p></body></html>`;
  return { subject: n.summary.subject(items.length), text, html };
}

/**
 * The daily summary (run at 07:00 Europe/Stockholm, once per summarySlot): every user with lines
 * pending from up to `upTo` (default: now) gets ONE mail in their language listing them grouped
 * by category, with links, and those lines are marked sent in the same transaction, so a second
 * run sends nothing. Users without pending lines get nothing; lines of a disabled user are marked
 * sent unmailed. Returns the number of mails put in the outbox.
 */
export function sendDailySummaries(db: Db, now = new Date(), upTo = now): number {
  const due = and(isNull(notificationPending.sentAt), lte(notificationPending.createdAt, upTo));
  return db.transaction((tx) => {
    const rows = tx
      .select({
        id: notificationPending.id,
        userId: notificationPending.userId,
        category: notificationPending.category,
        line: notificationPending.line,
        url: notificationPending.url,
      })
      .from(notificationPending)
      .where(due)
      .orderBy(asc(notificationPending.userId), asc(notificationPending.id))
      .all();
    if (rows.length === 0) return 0;
    const byUser = new Map<number, typeof rows>();
    for (const r of rows) {
      const list = byUser.get(r.userId);
      if (list) list.push(r);
      else byUser.set(r.userId, [r]);
    }
    const people = new Map(
      chunks([...byUser.keys()], 500).flatMap((ids) =>
        tx
          .select()
          .from(users)
          .where(inArray(users.id, ids))
          .all()
          .map((u) => [u.id, u] as const),
      ),
    );
    let sent = 0;
    for (const [userId, items] of byUser) {
      const u = people.get(userId);
      if (!u || u.disabledAt) continue;
      enqueueMail(tx, { to: u.email, ...summaryMail(u.language, u.name, items) }, now);
      sent++;
    }
    tx.update(notificationPending).set({ sentAt: now }).where(due).run();
    return sent;
  });
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Records that a reminder went out; false when it had already (the key is the table's primary key). */
function firstTime(tx: Tx, kind: 'poll_closing' | 'horizon_deadline', subjectId: number, variant: string, now: Date): boolean {
  return tx.insert(notificationReminders).values({ kind, subjectId, variant, sentAt: now }).onConflictDoNothing().run().changes === 1;
}

/** How long before a poll closes its invitees who have not answered are reminded. */
export const POLL_REMINDER_MS = 48 * 3_600_000;

/**
 * poll_closing: for every open poll closing within 48 hours of `now` (and not yet closed), the
 * coordinators of invited clusters that have answered no slot are told, once per poll (a
 * reminder row makes a rerun send nothing). Run every few minutes. Returns how many were told.
 */
export function sendPollClosingReminders(db: Db, now = new Date()): number {
  return db.transaction((tx) => {
    const due = tx
      .select()
      .from(polls)
      .where(and(isNull(polls.finalisedAt), gt(polls.closesAt, now), lte(polls.closesAt, new Date(now.getTime() + POLL_REMINDER_MS))))
      .all();
    let told = 0;
    for (const p of due) {
      if (!firstTime(tx, 'poll_closing', p.id, '', now)) continue;
      const invited = tx
        .select({ id: pollClusters.clusterId })
        .from(pollClusters)
        .where(eq(pollClusters.pollId, p.id))
        .all()
        .map((r) => r.id)
        .filter((c) => c !== p.organiserClusterId);
      const answered = new Set(
        tx
          .selectDistinct({ clusterId: pollAnswers.clusterId })
          .from(pollAnswers)
          .innerJoin(pollSlots, eq(pollSlots.id, pollAnswers.slotId))
          .where(eq(pollSlots.pollId, p.id))
          .all()
          .map((r) => r.clusterId),
      );
      const silent = invited.filter((c) => !answered.has(c));
      told += notify(
        tx,
        'poll_closing',
        coordinatorsOf(tx, silent),
        (t) => ({ line: t.notifications.pollClosing(p.title, when(t, p.closesAt, p.timeZone)), url: notificationLinks.poll(p.id) }),
        { actorId: null, now },
      );
    }
    return told;
  });
}

/** How many days ahead horizon deadlines are told. */
export const HORIZON_NOTICE_DAYS = 7;

/**
 * horizon_deadline: every horizon item whose deadline is 7 days after today (Europe/Stockholm)
 * is told to the coordinators of the clusters that marked it relevant and follow one of its
 * themes (an item without themes reaches all of them); once per item and deadline. Called with
 * the day's 07:00 as `now` (runNotificationJobs), so the lines are of that moment and daily readers
 * find them in the same morning's summary. Returns how many were told.
 */
export function sendHorizonDeadlineNotices(db: Db, now = new Date()): number {
  const day = DateTime.fromJSDate(now, { zone: DEFAULT_ZONE }).plus({ days: HORIZON_NOTICE_DAYS }).toISODate() ?? '';
  return db.transaction((tx) => {
    const items = tx.select().from(horizonItems).where(eq(horizonItems.deadline, day)).all();
    let told = 0;
    for (const item of items) {
      const marking = tx
        .select({ clusterId: horizonRelevance.clusterId })
        .from(horizonRelevance)
        .where(eq(horizonRelevance.itemId, item.id))
        .all()
        .map((r) => r.clusterId);
      if (marking.length === 0 || !firstTime(tx, 'horizon_deadline', item.id, day, now)) continue;
      const themeIds = tx
        .select({ id: horizonItemThemes.themeId })
        .from(horizonItemThemes)
        .where(eq(horizonItemThemes.itemId, item.id))
        .all()
        .map((r) => r.id);
      told += notify(
        tx,
        'horizon_deadline',
        coordinatorsOf(tx, marking),
        (t) => ({ line: t.notifications.horizonDeadline(item.title, day), url: notificationLinks.horizonItem(item.id) }),
        { actorId: null, now, themeIds },
      );
    }
    return told;
  });
}

/** The name the daily summary claims its day under in job_runs. */
export const SUMMARY_JOB = 'notification-summary';

/**
 * The notifications' timed work, for a scheduler that calls it every few minutes (the API's
 * reminders job): poll reminders (sendPollClosingReminders); then, for the latest 07:00
 * Europe/Stockholm (summarySlot), the deadlines a week after that day, recorded as of 07:00, and,
 * when lines from before 07:00 are waiting, the daily summary of those lines, claimed for that
 * day with claimJobRun so it goes once whoever runs it (`owner` names the process). Lines
 * written after 07:00 wait for the next morning. Returns how many were told or mailed.
 */
export function runNotificationJobs(db: Db, owner: string, now = new Date()): number {
  let done = sendPollClosingReminders(db, now);
  const slot = new Date(summarySlot(now));
  done += sendHorizonDeadlineNotices(db, slot);
  const waiting = db
    .select({ n: sql<number>`count(*)` })
    .from(notificationPending)
    .where(and(isNull(notificationPending.sentAt), lte(notificationPending.createdAt, slot)))
    .get();
  if ((waiting?.n ?? 0) > 0 && claimJobRun(db, SUMMARY_JOB, slot.getTime(), owner, now)) done += sendDailySummaries(db, now, slot);
  return done;
}
