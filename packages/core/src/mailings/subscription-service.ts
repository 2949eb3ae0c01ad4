import type { SubscribeBody, Subscription, SubscriptionUpdateBody } from '@samverka/contracts';
import { and, eq, inArray, isNotNull, or, type SQL } from 'drizzle-orm';
import { clusters, subscriberClusters, subscribers, subscriberThemes, themes, type Db, type Subscriber } from '@samverka/db';
import { DomainError, type ErrorDetail } from '../errors.ts';
import { isEmail, normaliseEmail } from '../escape.ts';
import { links } from '../links.ts';
import { composeMail, type ComposedMail } from '../outbox/compose.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { takeRepeatMailSlot } from '../outbox/throttle.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { eraseMailsCarrying } from '../outbox/retention.ts';
import { newToken } from '../tokens.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A subscription as the API takes it. */
export type SubscriptionInput = SubscribeBody;

export const subscriptionLinks = {
  confirm: (token: string) => `${links.base}/prenumeration/bekrafta?token=${token}`,
  manage: (token: string) => `${links.base}/prenumeration/${token}`,
  /** RFC 8058 one-click endpoint (a POST from the mail client, no cookies, no page). */
  oneClick: (token: string) => `${links.base}/api/subscriptions/${token}/one-click`,
};

/** Headers every mailing carries (RFC 2369 List-Unsubscribe, RFC 8058 one-click). */
export function unsubscribeHeaders(token: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${subscriptionLinks.oneClick(token)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

function resolveFollows(db: Db | Tx, input: { clusters: string[]; themes: string[] }): { clusterIds: number[]; themeIds: number[] } {
  const details: ErrorDetail[] = [];
  const cs = [...new Set(input.clusters)];
  const ts = [...new Set(input.themes)];
  const clusterRows = cs.length
    ? db.select({ id: clusters.id, slug: clusters.slug }).from(clusters).where(inArray(clusters.slug, cs)).all()
    : [];
  const themeRows = ts.length ? db.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, ts)).all() : [];
  for (const s of cs)
    if (!clusterRows.some((r) => r.slug === s))
      details.push({ field: 'clusters', code: 'unknown_choice', message: `unknown cluster "${s}"` });
  for (const s of ts)
    if (!themeRows.some((r) => r.slug === s)) details.push({ field: 'themes', code: 'unknown_choice', message: `unknown theme "${s}"` });
  if (cs.length + ts.length === 0) details.push({ field: 'clusters', code: 'required', message: 'follow at least one cluster or theme' });
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_subscription',
      `The subscription has invalid fields: ${details.map((d) => d.message).join('; ')}`,
      details,
    );
  return { clusterIds: clusterRows.map((r) => r.id), themeIds: themeRows.map((r) => r.id) };
}

function setFollows(tx: Tx, subscriberId: number, f: { clusterIds: number[]; themeIds: number[] }) {
  tx.delete(subscriberClusters).where(eq(subscriberClusters.subscriberId, subscriberId)).run();
  tx.delete(subscriberThemes).where(eq(subscriberThemes.subscriberId, subscriberId)).run();
  for (const clusterId of f.clusterIds) tx.insert(subscriberClusters).values({ subscriberId, clusterId }).run();
  for (const themeId of f.themeIds) tx.insert(subscriberThemes).values({ subscriberId, themeId }).run();
}

/** A mail with one link and its kind's subject, text and button (texts: mail.mailings). */
function linkMail(lang: Lang, kind: 'confirmSubscription' | 'alreadySubscribed', url: string): ComposedMail {
  const t = textsFor(lang);
  const m = t.mail.mailings[kind];
  return composeMail(lang, {
    subject: m.subject,
    greeting: t.mail.greetingNoName,
    paragraphs: [m.body],
    action: { label: m.action, url },
    footer: t.mail.footer,
  });
}

/** The confirmation a new address gets (double opt-in); nothing else is sent before it is confirmed. */
export function confirmSubscriptionMail(lang: Lang, confirmUrl: string): ComposedMail {
  return linkMail(lang, 'confirmSubscription', confirmUrl);
}

/** What an address that already subscribes gets when subscribed again: its manage link. */
export function alreadySubscribedMail(lang: Lang, manageUrl: string): ComposedMail {
  return linkMail(lang, 'alreadySubscribed', manageUrl);
}

/**
 * Double opt-in: a new address gets a confirmation link and nothing else until it is confirmed.
 * An address that already subscribes gets its manage link instead; the answer is the same either
 * way, so nobody learns who subscribes. Either mail goes to one address at most once per 15
 * minutes (takeRepeatMailSlot): anyone can post any address, and its owner is not flooded.
 */
export function subscribe(db: Db, input: SubscriptionInput, now = new Date()): void {
  const email = normaliseEmail(input.email);
  if (!isEmail(email))
    throw new DomainError('invalid', 'invalid_email', 'That is not a valid email address', [
      { field: 'email', code: 'invalid_email', message: 'not an email address' },
    ]);
  const follows = resolveFollows(db, input);
  const lang = input.language ?? 'sv';
  db.transaction((tx) => {
    const existing = tx.select().from(subscribers).where(eq(subscribers.email, email)).get();
    if (existing?.confirmedAt) {
      if (!takeRepeatMailSlot(tx, 'subscription_manage_link', email, now)) return;
      const mail = alreadySubscribedMail(existing.language, subscriptionLinks.manage(existing.token));
      enqueueMail(tx, { to: email, ...mail, headers: unsubscribeHeaders(existing.token) }, now);
      return;
    }
    const token = existing?.token ?? newToken();
    const row = existing
      ? tx.update(subscribers).set({ language: lang, updatedAt: now }).where(eq(subscribers.id, existing.id)).returning().get()
      : tx.insert(subscribers).values({ email, language: lang, token, createdAt: now, updatedAt: now }).returning().get();
    setFollows(tx, row.id, follows);
    if (!takeRepeatMailSlot(tx, 'subscription_confirm', email, now)) return;
    const mail = confirmSubscriptionMail(lang, subscriptionLinks.confirm(token));
    enqueueMail(tx, { to: email, ...mail }, now);
  });
}

function byToken(db: Db | Tx, token: string): Subscriber {
  const s = db.select().from(subscribers).where(eq(subscribers.token, token)).get();
  if (!s) throw new DomainError('not_found', 'unknown_subscription', 'There is no subscription for this link (it may have been cancelled)');
  return s;
}

export function confirmSubscription(db: Db, token: string, now = new Date()): Subscription {
  const s = byToken(db, token);
  if (!s.confirmedAt) db.update(subscribers).set({ confirmedAt: now, updatedAt: now }).where(eq(subscribers.id, s.id)).run();
  return getSubscription(db, token);
}

export function getSubscription(db: Db, token: string): Subscription {
  const s = byToken(db, token);
  const cs = db
    .select({ slug: clusters.slug })
    .from(subscriberClusters)
    .innerJoin(clusters, eq(clusters.id, subscriberClusters.clusterId))
    .where(eq(subscriberClusters.subscriberId, s.id))
    .all();
  const ts = db
    .select({ slug: themes.slug })
    .from(subscriberThemes)
    .innerJoin(themes, eq(themes.id, subscriberThemes.themeId))
    .where(eq(subscriberThemes.subscriberId, s.id))
    .all();
  return {
    email: s.email,
    language: s.language,
    confirmed: !!s.confirmedAt,
    clusters: cs.map((c) => c.slug),
    themes: ts.map((t) => t.slug),
  };
}

export function updateSubscription(db: Db, token: string, patch: SubscriptionUpdateBody, now = new Date()): Subscription {
  const s = byToken(db, token);
  const follows = resolveFollows(db, patch);
  db.transaction((tx) => {
    tx.update(subscribers)
      .set({ language: patch.language ?? s.language, updatedAt: now })
      .where(eq(subscribers.id, s.id))
      .run();
    setFollows(tx, s.id, follows);
  });
  return getSubscription(db, token);
}

/**
 * Unsubscribing deletes the subscriber and what they followed, and every mail to them in the
 * outbox, waiting or sent (each carries their token in its links): nothing about them is kept.
 */
export function unsubscribe(db: Db, token: string): void {
  const s = byToken(db, token);
  db.transaction((tx) => {
    tx.delete(subscribers).where(eq(subscribers.id, s.id)).run();
    eraseMailsCarrying(tx, s.token);
  });
}

/** Confirmed subscribers who follow any of the clusters or any of the themes. */
export function matchingSubscribers(db: Db | Tx, clusterIds: number[], themeIds: number[]): Subscriber[] {
  const conds: SQL[] = [];
  if (clusterIds.length)
    conds.push(
      inArray(
        subscribers.id,
        db
          .select({ id: subscriberClusters.subscriberId })
          .from(subscriberClusters)
          .where(inArray(subscriberClusters.clusterId, clusterIds)),
      ),
    );
  if (themeIds.length)
    conds.push(
      inArray(
        subscribers.id,
        db.select({ id: subscriberThemes.subscriberId }).from(subscriberThemes).where(inArray(subscriberThemes.themeId, themeIds)),
      ),
    );
  return db
    .select()
    .from(subscribers)
    .where(and(isNotNull(subscribers.confirmedAt), conds.length ? or(...conds) : undefined))
    .all();
}
