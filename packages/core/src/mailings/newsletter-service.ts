import { and, asc, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import { clusters, events, eventOrganisers, eventThemes, newsletters, themes, type Db, type Newsletter } from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { escapeHtml, singleLine } from '../escape.ts';
import { deadlineItems } from '../horizon/horizon-service.ts';
import { links } from '../links.ts';
import { enqueueMail } from '../outbox/outbox.ts';
import { markdownToText, renderMarkdown } from '../markdown.ts';
import { matchingSubscribers, subscriptionLinks, unsubscribeHeaders } from './subscription-service.ts';

export interface NewsletterInput {
  subject: string;
  body: string;
  themes: string[];
  clusters: string[];
  /** Whose newsletter: a cluster the actor coordinates; omitted for the secretariat (admins). */
  cluster?: string | null;
}

export interface NewsletterView {
  id: number;
  subject: string;
  body: string;
  themes: string[];
  clusters: string[];
  from: { slug: string; name: string } | null;
  status: 'draft' | 'sent';
  sentAt: string | null;
  recipients: number | null;
  createdAt: string;
  canEdit: boolean;
}

export interface NewsletterContent {
  subject: string;
  html: string;
  text: string;
  events: { id: number; title: string; startsAt: string; url: string }[];
  deadlines: { id: number; title: string; deadline: string; url: string }[];
  recipients: number;
}

function row(db: Db, id: number): Newsletter {
  const n = db.select().from(newsletters).where(eq(newsletters.id, id)).get();
  if (!n) throw new DomainError('not_found', 'unknown_newsletter', `There is no newsletter ${id}`);
  return n;
}

function canEdit(actor: Actor | null, n: Newsletter): boolean {
  if (!actor) return false;
  if (actor.isAdmin) return true;
  return n.clusterId !== null && actor.coordinatorOf.includes(n.clusterId);
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
  if (!singleLine(input.subject, 150)) details.push({ field: 'subject', code: 'required', message: 'a subject is required' });
  if (!input.body.trim()) details.push({ field: 'body', code: 'required', message: 'write something' });
  if (input.body.length > 50_000)
    details.push({ field: 'body', code: 'too_long', message: 'at most 50,000 characters', params: { max: 50_000 } });
  if (details.length) throw new DomainError('invalid', 'invalid_newsletter', 'The newsletter needs a subject and a text', details);
  ids(db, input);
  if (input.cluster) {
    const c = db.select({ id: clusters.id }).from(clusters).where(eq(clusters.slug, input.cluster)).get();
    if (!c)
      throw new DomainError('invalid', 'unknown_cluster', `There is no cluster "${input.cluster}"`, [
        { field: 'cluster', code: 'unknown_choice', message: 'unknown cluster' },
      ]);
    if (!a.isAdmin && !a.coordinatorOf.includes(c.id)) throw forbidden('You can only write newsletters for a cluster you coordinate');
    return { clusterId: c.id };
  }
  if (!a.isAdmin)
    throw new DomainError('invalid', 'cluster_required', 'Say which of your clusters the newsletter is from', [
      { field: 'cluster', code: 'required', message: 'required' },
    ]);
  return { clusterId: null };
}

export function createNewsletter(db: Db, actor: Actor | null, input: NewsletterInput, now = new Date()): NewsletterView {
  const a = requireActor(actor);
  if (!a.isAdmin && a.coordinatorOf.length === 0) throw forbidden('Only coordinators and admins write newsletters');
  const { clusterId } = checkInput(db, a, input);
  const n = db
    .insert(newsletters)
    .values({
      subject: singleLine(input.subject, 150),
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
      subject: singleLine(input.subject, 150),
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
export function getNewsletter(db: Db, actor: Actor | null, id: number): NewsletterView & { html: string | null; text: string | null } {
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
export function assembleNewsletter(db: Db, n: Newsletter, now = new Date()): NewsletterContent {
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
  const fmt = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' });
  const ev = upcoming.map((e) => ({
    id: e.id,
    title: e.title,
    startsAt: e.startsAt.toISOString(),
    url: links.event(e.id),
    when: e.allDay ? e.startDate! : fmt.format(e.startsAt),
  }));
  const dl = deadlines.map((d) => ({ id: d.id, title: d.title, deadline: d.deadline!, url: d.url ?? `${links.base}/omvarld/${d.id}` }));
  const html = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(n.subject)}</title></head><body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a;max-width:40rem">
<h1>${escapeHtml(n.subject)}</h1>
${renderMarkdown(n.body)}
${ev.length ? `<h2>Kommande evenemang</h2><ul>${ev.map((e) => `<li><a href="${escapeHtml(e.url)}">${escapeHtml(e.title)}</a> – ${escapeHtml(e.when)}</li>`).join('')}</ul>` : ''}
${dl.length ? `<h2>Sista dagar att hålla koll på</h2><ul>${dl.map((d) => `<li><a href="${escapeHtml(d.url)}">${escapeHtml(d.title)}</a> – ${escapeHtml(d.deadline)}</li>`).join('')}</ul>` : ''}
</body></html>`;
  const text = [
    n.subject,
    '',
    markdownToText(n.body),
    ...(ev.length ? ['', 'Kommande evenemang:', ...ev.map((e) => `• ${e.title} – ${e.when}\n  ${e.url}`)] : []),
    ...(dl.length ? ['', 'Sista dagar att hålla koll på:', ...dl.map((d) => `• ${d.title} – ${d.deadline}\n  ${d.url}`)] : []),
  ].join('\n');
  const recipients = matchingSubscribers(db, f.clusterIds, f.themeIds).length;
  return { subject: n.subject, html, text, events: ev.map(({ when: _w, ...e }) => e), deadlines: dl, recipients };
}

export function previewNewsletter(db: Db, actor: Actor | null, id: number, now = new Date()): NewsletterContent {
  const n = row(db, id);
  if (!canEdit(requireActor(actor), n)) throw forbidden('Only its cluster or an admin may preview this newsletter');
  return assembleNewsletter(db, n, now);
}

/**
 * Sends the issue through the outbox: one mail per matching confirmed subscriber, each with its
 * own unsubscribe link and one-click headers, all written in one transaction with the status
 * change, so an issue is sent once, completely, or not at all.
 */
export function sendNewsletter(db: Db, actor: Actor | null, id: number, now = new Date()): { recipients: number } {
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
        const manage = subscriptionLinks.manage(s.token);
        const footerText =
          s.language === 'sv' ? `Avsluta eller ändra prenumerationen: ${manage}` : `Unsubscribe or change your subscription: ${manage}`;
        enqueueMail(
          tx,
          {
            to: s.email,
            subject: content.subject,
            text: `${content.text}\n\n--\n${footerText}`,
            html: content.html.replace(
              '</body>',
              `<hr><p style="font-size:0.9em;color:#444"><a href="${escapeHtml(manage)}">${escapeHtml(s.language === 'sv' ? 'Avsluta eller ändra prenumerationen' : 'Unsubscribe or change your subscription')}</a></p></body>`,
            ),
            headers: unsubscribeHeaders(s.token),
          },
          now,
        );
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
