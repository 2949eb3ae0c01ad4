import {
  LIMITS,
  type NewsletterBody,
  type NewsletterDetail,
  type NewsletterPreview,
  type Newsletter as NewsletterView,
  type Recipients,
} from '@samverka/contracts';
import { and, asc, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import { clusters, events, eventOrganisers, eventThemes, newsletters, themes, type Db, type Newsletter } from '@samverka/db';
import { actsFor, assertActsFor, assertCanCoordinate, requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { codePointLength, escapeHtml, singleLine } from '../escape.ts';
import { deadlineItems } from '../horizon/horizon-service.ts';
import { links } from '../links.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { markdownToText, renderMarkdown } from '../markdown.ts';
import type { ComposedMail } from '../outbox/compose.ts';
import { textsFor, type Lang } from '../texts/index.ts';
import { matchingSubscribers, subscriptionLinks, unsubscribeHeaders } from './subscription-service.ts';

/** A newsletter as the API takes it; `cluster` is whose it is (one the actor coordinates), omitted for the secretariat (admins). */
export type NewsletterInput = NewsletterBody;

function row(db: Db, id: number): Newsletter {
  const n = db.select().from(newsletters).where(eq(newsletters.id, id)).get();
  if (!n) throw new DomainError('not_found', 'unknown_newsletter', `There is no newsletter ${id}`);
  return n;
}

/** Whoever acts for the sending cluster; the secretariat's newsletters (no cluster) are the admins'. */
function canEdit(actor: Actor | null, n: Newsletter): boolean {
  return actsFor(actor, n.clusterId);
}

function ids(db: Db, input: { themes: string[]; clusters: string[] }): { themeIds: number[]; clusterIds: number[] } {
  const details: ErrorDetail[] = [];
  const themeRows = input.themes.length
    ? db.select({ id: themes.id, slug: themes.slug }).from(themes).where(inArray(themes.slug, input.themes)).all()
    : [];
  const clusterRows = input.clusters.length
    ? db.select({ id: clusters.id, slug: clusters.slug }).from(clusters).where(inArray(clusters.slug, input.clusters)).all()
    : [];
  for (const s of input.themes)
    if (!themeRows.some((r) => r.slug === s)) details.push({ field: 'themes', code: 'unknown_choice', message: `unknown theme "${s}"` });
  for (const s of input.clusters)
    if (!clusterRows.some((r) => r.slug === s))
      details.push({ field: 'clusters', code: 'unknown_choice', message: `unknown cluster "${s}"` });
  if (details.length) throw new DomainError('invalid', 'invalid_newsletter', details.map((d) => d.message).join('; '), details);
  return { themeIds: themeRows.map((r) => r.id), clusterIds: clusterRows.map((r) => r.id) };
}

function view(db: Db, actor: Actor | null, n: Newsletter): NewsletterView {
  const from =
    n.clusterId !== null
      ? db.select({ slug: clusters.slug, name: clusters.name }).from(clusters).where(eq(clusters.id, n.clusterId)).get()
      : undefined;
  return {
    id: n.id,
    subject: n.subject,
    body: n.body,
    themes: n.themeSlugs,
    clusters: n.clusterSlugs,
    from: from ?? null,
    status: n.status,
    sentAt: n.sentAt?.toISOString() ?? null,
    recipients: n.recipients,
    createdAt: n.createdAt.toISOString(),
    canEdit: canEdit(actor, n) && n.status === 'draft',
  };
}

function checkInput(db: Db, a: Actor, input: NewsletterInput): { clusterId: number | null } {
  const details: ErrorDetail[] = [];
  if (!singleLine(input.subject, LIMITS.subject)) details.push({ field: 'subject', code: 'required', message: 'a subject is required' });
  if (!input.body.trim()) details.push({ field: 'body', code: 'required', message: 'write something' });
  if (codePointLength(input.body) > LIMITS.newsletterBody)
    details.push({
      field: 'body',
      code: 'too_long',
      message: `at most ${LIMITS.newsletterBody.toLocaleString('en')} characters`,
      params: { max: LIMITS.newsletterBody },
    });
  if (details.length) throw new DomainError('invalid', 'invalid_newsletter', 'The newsletter needs a subject and a text', details);
  ids(db, input);
  if (input.cluster) {
    const c = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, input.cluster)).get();
    if (!c)
      throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${input.cluster}"`, [
        { field: 'cluster', code: 'unknown_choice', message: 'unknown cluster' },
      ]);
    assertActsFor(a, c.id, 'You can only write newsletters for a cluster you coordinate');
    return { clusterId: c.id };
  }
  // No cluster is the secretariat, for which only admins act.
  if (!actsFor(a, null))
    throw new DomainError('invalid', 'cluster_required', 'Say which of your clusters the newsletter is from', [
      { field: 'cluster', code: 'required', message: 'required' },
    ]);
  return { clusterId: null };
}

export function createNewsletter(db: Db, actor: Actor | null, input: NewsletterInput, now = new Date()): NewsletterView {
  const a = assertCanCoordinate(actor, 'Only coordinators and admins write newsletters');
  const { clusterId } = checkInput(db, a, input);
  const n = db
    .insert(newsletters)
    .values({
      subject: singleLine(input.subject, LIMITS.subject),
      body: input.body.trim(),
      clusterId,
      themeSlugs: [...new Set(input.themes)],
      clusterSlugs: [...new Set(input.clusters)],
      createdBy: a.userId,
      createdAt: now,
    })
    .returning()
    .get();
  return view(db, a, n);
}

export function updateNewsletter(db: Db, actor: Actor | null, id: number, input: NewsletterInput): NewsletterView {
  const a = requireActor(actor);
  const n = row(db, id);
  if (!canEdit(a, n)) throw forbidden('Only its cluster or an admin may change this newsletter');
  if (n.status === 'sent') throw new DomainError('conflict', 'already_sent', 'A sent newsletter cannot be changed');
  const { clusterId } = checkInput(db, a, {
    ...input,
    cluster:
      input.cluster === undefined
        ? n.clusterId !== null
          ? db.select({ slug: clusters.slug }).from(clusters).where(eq(clusters.id, n.clusterId)).get()!.slug
          : null
        : input.cluster,
  });
  db.update(newsletters)
    .set({
      subject: singleLine(input.subject, LIMITS.subject),
      body: input.body.trim(),
      clusterId,
      themeSlugs: [...new Set(input.themes)],
      clusterSlugs: [...new Set(input.clusters)],
    })
    .where(eq(newsletters.id, id))
    .run();
  return view(db, a, row(db, id));
}

/** Sent issues are public (the archive); drafts only for their cluster's coordinators and admins. */
export function getNewsletter(db: Db, actor: Actor | null, id: number): NewsletterDetail {
  const n = row(db, id);
  if (n.status !== 'sent' && !canEdit(actor, n)) throw new DomainError('not_found', 'unknown_newsletter', `There is no newsletter ${id}`);
  // The text as sent too: the archive page shows it without putting stored HTML into the page.
  return { ...view(db, actor, n), html: n.sentHtml, text: n.sentText };
}

export function listNewsletters(db: Db, actor: Actor | null, opts: { drafts?: boolean } = {}): NewsletterView[] {
  const rows = db
    .select()
    .from(newsletters)
    .orderBy(desc(sql`coalesce(${newsletters.sentAt}, ${newsletters.createdAt})`))
    .limit(200)
    .all();
  return rows.filter((n) => n.status === 'sent' || (opts.drafts && canEdit(actor, n))).map((n) => view(db, actor, n));
}

/**
 * The issue as it will go out: the Markdown text, then upcoming published events and open
 * deadlines for the chosen themes and clusters (all, when none are chosen).
 */
export function assembleNewsletter(db: Db, n: Newsletter, now = new Date()): NewsletterPreview {
  const f = ids(db, { themes: n.themeSlugs, clusters: n.clusterSlugs });
  const horizon = new Date(now.getTime() + 60 * 86_400_000);
  const conds = [];
  if (f.themeIds.length)
    conds.push(
      inArray(events.id, db.select({ id: eventThemes.eventId }).from(eventThemes).where(inArray(eventThemes.themeId, f.themeIds))),
    );
  if (f.clusterIds.length)
    conds.push(
      inArray(
        events.id,
        db
          .select({ id: eventOrganisers.eventId })
          .from(eventOrganisers)
          .where(
            and(
              inArray(eventOrganisers.clusterId, f.clusterIds),
              or(eq(eventOrganisers.role, 'lead'), eq(eventOrganisers.status, 'accepted')),
            ),
          ),
      ),
    );
  const upcoming = db
    .select()
    .from(events)
    .where(
      and(
        eq(events.status, 'published'),
        eq(events.visibility, 'public'),
        gt(events.startsAt, now),
        sql`${events.startsAt} < ${horizon.getTime()}`,
        conds.length ? or(...conds) : undefined,
      ),
    )
    .orderBy(asc(events.startsAt))
    .limit(20)
    .all();
  const today = now.toISOString().slice(0, 10);
  // Like the events: deadlines of any chosen theme or posted by any chosen cluster; all when none are chosen.
  const filtered = [
    ...f.themeIds.flatMap((themeId) => deadlineItems(db, { themeId, fromDate: today })),
    ...f.clusterIds.flatMap((clusterId) => deadlineItems(db, { clusterId, fromDate: today })),
  ];
  const deadlines = (f.themeIds.length || f.clusterIds.length ? filtered : deadlineItems(db, { fromDate: today }))
    .filter((d, i, all) => all.findIndex((x) => x.id === d.id) === i)
    .sort((a, b) => (a.deadline! < b.deadline! ? -1 : 1))
    .slice(0, 20);
  // One issue for every reader, archived as sent: written in Swedish, the network's language;
  // only each reader's unsubscribe footer follows their language (newsletterMail).
  const sv = textsFor('sv');
  const t = sv.mail.mailings.newsletter;
  const fmt = new Intl.DateTimeFormat(sv.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' });
  const ev = upcoming.map((e) => ({
    id: e.id,
    title: e.title,
    startsAt: e.startsAt.toISOString(),
    url: links.event(e.id),
    when: e.allDay ? e.startDate! : fmt.format(e.startsAt),
  }));
  const dl = deadlines.map((d): NewsletterPreview['deadlines'][number] => ({
    id: d.id,
    title: d.title,
    deadline: d.deadline!,
    url: d.url ?? `${links.base}/omvarld/${d.id}`,
  }));
  const html = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(n.subject)}</title></head><body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a;max-width:40rem">
<h1>${escapeHtml(n.subject)}</h1>
${renderMarkdown(n.body)}
${ev.length ? `<h2>${escapeHtml(t.upcomingEvents)}</h2><ul>${ev.map((e) => `<li><a href="${escapeHtml(e.url)}">${escapeHtml(e.title)}</a> – ${escapeHtml(e.when)}</li>`).join('')}</ul>` : ''}
${dl.length ? `<h2>${escapeHtml(t.deadlines)}</h2><ul>${dl.map((d) => `<li><a href="${escapeHtml(d.url)}">${escapeHtml(d.title)}</a> – ${escapeHtml(d.deadline)}</li>`).join('')}</ul>` : ''}
</body></html>`;
  const text = [
    n.subject,
    '',
    markdownToText(n.body),
    ...(ev.length ? ['', `${t.upcomingEvents}:`, ...ev.map((e) => `• ${e.title} – ${e.when}\n  ${e.url}`)] : []),
    ...(dl.length ? ['', `${t.deadlines}:`, ...dl.map((d) => `• ${d.title} – ${d.deadline}\n  ${d.url}`)] : []),
  ].join('\n');
  const recipients = matchingSubscribers(db, f.clusterIds, f.themeIds).length;
  return {
    subject: n.subject,
    html,
    text,
    events: ev.map(({ when: _w, ...e }): NewsletterPreview['events'][number] => e),
    deadlines: dl,
    recipients,
  };
}

export function previewNewsletter(db: Db, actor: Actor | null, id: number, now = new Date()): NewsletterPreview {
  const n = row(db, id);
  if (!canEdit(requireActor(actor), n)) throw forbidden('Only its cluster or an admin may preview this newsletter');
  return assembleNewsletter(db, n, now);
}

/** The issue as one subscriber gets it: the assembled text and HTML with a footer, in their language, linking to their manage page. */
export function newsletterMail(content: Pick<NewsletterPreview, 'subject' | 'text' | 'html'>, lang: Lang, token: string): ComposedMail {
  const manage = subscriptionLinks.manage(token);
  const label = textsFor(lang).mail.mailings.newsletter.manage;
  return {
    subject: content.subject,
    text: `${content.text}\n\n--\n${label}: ${manage}`,
    html: content.html.replace(
      '</body>',
      `<hr><p style="font-size:0.9em;color:#444"><a href="${escapeHtml(manage)}">${escapeHtml(label)}</a></p></body>`,
    ),
  };
}

/**
 * Sends the issue through the outbox: one mail per matching confirmed subscriber, each with its
 * own unsubscribe link and one-click headers, all written in one transaction with the status
 * change, so an issue is sent once, completely, or not at all.
 */
export function sendNewsletter(db: Db, actor: Actor | null, id: number, now = new Date()): Recipients {
  const a = requireActor(actor);
  const n = row(db, id);
  if (!canEdit(a, n)) throw forbidden('Only its cluster or an admin may send this newsletter');
  const content = assembleNewsletter(db, n, now);
  return db.transaction(
    (tx) => {
      const fresh = tx.select({ status: newsletters.status }).from(newsletters).where(eq(newsletters.id, id)).get()!;
      if (fresh.status === 'sent') throw new DomainError('conflict', 'already_sent', 'This newsletter has already been sent');
      const f = ids(db, { themes: n.themeSlugs, clusters: n.clusterSlugs });
      const recipients = matchingSubscribers(tx, f.clusterIds, f.themeIds);
      for (const s of recipients) {
        enqueueMail(tx, { to: s.email, ...newsletterMail(content, s.language, s.token), headers: unsubscribeHeaders(s.token) }, now);
      }
      tx.update(newsletters)
        .set({ status: 'sent', sentAt: now, recipients: recipients.length, sentHtml: content.html, sentText: content.text })
        .where(eq(newsletters.id, id))
        .run();
      return { recipients: recipients.length };
    },
    { behavior: 'immediate' },
  );
}
