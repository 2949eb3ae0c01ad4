import type {
  KnowledgeEntry as ContractKnowledgeEntry,
  KnowledgePage as ContractKnowledgePage,
  StorageUsage as ContractStorageUsage,
} from '@samverka/contracts';
import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { eventDocumentation, events, keptSql, materials, type Db, type EventKind } from '@samverka/db';
import { assertAdmin, type Actor } from '../access.ts';
import { DomainError } from '../errors.ts';
import { escapeHtml } from '../escape.ts';
import { filterConditions, filterIds, ftsQuery } from '../events/event-service.ts';
import { loadRelated } from '../events/event-view.ts';
import { renderMarkdown } from '../markdown.ts';
import { DEFAULT_ZONE, instantToLocal, startOfDate } from '../time.ts';
import { materialHref } from './material-service.ts';

export interface KnowledgeFilters {
  q?: string;
  theme?: string;
  cluster?: string;
  county?: string;
  kind?: EventKind;
  /** The year the event started in, in Swedish time. */
  year?: number;
  /** 1-based. */
  page?: number;
  /** Entries a page, 1–50 (default 20). */
  limit?: number;
}

export type KnowledgeMaterial = ContractKnowledgeEntry['materials'][number];

export type KnowledgeEntry = ContractKnowledgeEntry;

/** One page of search results; the route adds the years for the filter (knowledgeYears). */
export type KnowledgePage = Omit<ContractKnowledgePage, 'years'>;

/** Published events with documentation or a public material: the knowledge bank's entries. */
const DOCUMENTED = sql`(exists (select 1 from event_documentation d where d.event_id = ${events.id}) or exists (select 1 from materials m where m.event_id = ${events.id} and m.visibility = 'public'))`;

/** When an event entered the bank: its first documentation or public material. */
const DOCUMENTED_AT = sql<number>`min(coalesce((select d.created_at from event_documentation d where d.event_id = ${events.id}), 9e15), coalesce((select min(m.created_at) from materials m where m.event_id = ${events.id} and m.visibility = 'public'), 9e15))`;

function conditions(db: Db, f: KnowledgeFilters): SQL[] {
  const where = filterConditions(filterIds(db, f), { kind: f.kind });
  // The bank is public: public events' documentation only.
  where.push(eq(events.status, 'published'), eq(events.visibility, 'public'));
  if (f.year !== undefined) {
    if (!Number.isInteger(f.year) || f.year < 2000 || f.year > 2100)
      throw new DomainError('invalid', 'invalid_year', 'year must be from 2000 to 2100', [
        { field: 'year', code: 'out_of_range', message: 'from 2000 to 2100', params: { min: 2000, max: 2100 } },
      ]);
    where.push(gte(events.startsAt, new Date(startOfDate(`${f.year}-01-01`, DEFAULT_ZONE).toMillis())));
    where.push(lt(events.startsAt, new Date(startOfDate(`${f.year + 1}-01-01`, DEFAULT_ZONE).toMillis())));
  }
  return where;
}

/** Markdown to a line of plain text: rendered and sanitised, then tags dropped and entities read. */
export function plainText(markdown: string, max: number): string {
  const text = renderMarkdown(markdown)
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

function entriesFor(db: Db, ids: number[], matches: Map<number, string>): KnowledgeEntry[] {
  if (ids.length === 0) return [];
  const rows = db.select().from(events).where(inArray(events.id, ids)).all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const related = loadRelated(db, rows);
  const docs = new Map(
    db
      .select({ eventId: eventDocumentation.eventId, body: eventDocumentation.body, createdAt: eventDocumentation.createdAt })
      .from(eventDocumentation)
      .where(inArray(eventDocumentation.eventId, ids))
      .all()
      .map((d) => [d.eventId, d]),
  );
  const mats = new Map<number, KnowledgeMaterial[]>();
  const firstMaterial = new Map<number, number>();
  for (const m of db
    .select({
      id: materials.id,
      eventId: materials.eventId,
      kind: materials.kind,
      title: materials.title,
      url: materials.url,
      contentType: materials.contentType,
      size: materials.size,
      createdAt: materials.createdAt,
    })
    .from(materials)
    .where(and(inArray(materials.eventId, ids), eq(materials.visibility, 'public')))
    .orderBy(asc(materials.id))
    .all()) {
    const list = mats.get(m.eventId) ?? [];
    list.push({
      id: m.id,
      kind: m.kind,
      title: m.title,
      href: m.kind === 'link' ? (m.url ?? '') : materialHref.public(m.eventId, m.id),
      contentType: m.contentType,
      size: m.size,
    });
    mats.set(m.eventId, list);
    firstMaterial.set(m.eventId, Math.min(firstMaterial.get(m.eventId) ?? Number.MAX_SAFE_INTEGER, m.createdAt.getTime()));
  }
  return ids.flatMap((id) => {
    const e = byId.get(id);
    if (!e) return [];
    const orgs = related.organisers.get(id) ?? [];
    const lead = orgs.find((o) => o.role === 'lead');
    const doc = docs.get(id);
    const documentedAt = Math.min(doc?.createdAt.getTime() ?? Number.MAX_SAFE_INTEGER, firstMaterial.get(id) ?? Number.MAX_SAFE_INTEGER);
    return [
      {
        event: {
          id,
          title: e.title,
          kind: e.kind,
          allDay: e.allDay,
          startsAt: e.startsAt.toISOString(),
          endsAt: e.endsAt.toISOString(),
          timeZone: e.timeZone,
          start: instantToLocal(e.startsAt, e.timeZone),
          startDate: e.startDate,
          endDate: e.endDate,
          lead: lead ? { slug: lead.slug, name: lead.name } : { slug: '', name: '' },
          organisers: orgs.filter((o) => o.role === 'lead' || o.status === 'accepted').map((o) => ({ slug: o.slug, name: o.name })),
          themes: related.themes.get(id) ?? [],
          county: e.countyId !== null ? (related.counties.get(e.countyId) ?? null) : null,
        },
        excerpt: doc ? plainText(doc.body, 280) : '',
        match: matches.get(id) ?? null,
        materials: mats.get(id) ?? [],
        documentedAt: new Date(documentedAt === Number.MAX_SAFE_INTEGER ? e.updatedAt.getTime() : documentedAt).toISOString(),
      },
    ];
  });
}

/**
 * The knowledge bank: every published event with documentation or a public material, newest
 * first, or by relevance to `q` (SQLite FTS5 over titles, documentation and the text of public
 * PDFs; every word quoted as the event search does, the last one as a prefix). Filters combine.
 *
 * @throws DomainError 404 `unknown_theme` / `unknown_cluster` / `unknown_county`, 400 `invalid_year`
 */
export function searchKnowledge(db: Db, f: KnowledgeFilters): KnowledgePage {
  const limit = Math.min(Math.max(f.limit ?? 20, 1), 50);
  const page = Math.max(f.page ?? 1, 1);
  const where = conditions(db, f);
  const offset = (page - 1) * limit;
  const empty = { entries: [], total: 0, page, pages: 0 };
  if (f.q !== undefined && f.q.trim() !== '') {
    const match = ftsQuery(f.q);
    if (!match) return empty;
    const filter = and(...where)!;
    // The text match first, once (materialized), then the filters on its hits; otherwise SQLite may
    // walk the events and run the match again for each one. The total comes from the same pass.
    const ranked = db.all<{ id: number; total: number }>(
      sql`with hits as materialized (select rowid as id, bm25(knowledge_fts, 10.0, 4.0, 1.0) as rank from knowledge_fts where knowledge_fts match ${match}) select ${events.id} as id, count(*) over () as total from hits join ${events} on ${events.id} = hits.id where ${filter} order by hits.rank, ${events.startsAt} desc limit ${limit} offset ${offset}`,
    );
    const total =
      ranked[0]?.total ??
      (offset > 0
        ? (db.get<{ n: number }>(
            sql`select count(*) as n from knowledge_fts join ${events} on ${events.id} = knowledge_fts.rowid where knowledge_fts match ${match} and ${filter}`,
          )?.n ?? 0)
        : 0);
    // The snippets (which read each entry's whole text) only for the page shown.
    const ids = ranked.map((r) => r.id);
    const snippets = ids.length
      ? db.all<{ id: number; snip: string }>(
          sql`select rowid as id, snippet(knowledge_fts, -1, '', '', '…', 20) as snip from knowledge_fts where knowledge_fts match ${match} and rowid in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        )
      : [];
    return {
      entries: entriesFor(db, ids, new Map(snippets.map((r) => [r.id, r.snip.replace(/\s+/g, ' ').trim()]))),
      total,
      page,
      pages: Math.ceil(total / limit),
    };
  }
  where.push(DOCUMENTED);
  const total =
    db
      .select({ n: sql<number>`count(*)` })
      .from(events)
      .where(and(...where))
      .get()?.n ?? 0;
  const ids = db
    .select({ id: events.id })
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.startsAt), desc(events.id))
    .limit(limit)
    .offset(offset)
    .all()
    .map((r) => r.id);
  return { entries: entriesFor(db, ids, new Map()), total, page, pages: Math.ceil(total / limit) };
}

/**
 * The years (of the UTC start) that have documented events, newest first, for the year filter.
 * Read from the documentation and public materials and each one's event by its key, so the
 * cost follows the bank's size, not the number of events (CROSS JOIN keeps that order: the
 * planner would otherwise walk every published event and probe the bank).
 */
export function knowledgeYears(db: Db): number[] {
  const statement = keptSql<{ y: string }>(
    db,
    `select distinct strftime('%Y', e.starts_at / 1000, 'unixepoch') as y from (select d.event_id as id from event_documentation d union select m.event_id from materials m where m.visibility = 'public') x cross join events e on e.id = x.id where e.status = 'published' and e.visibility = 'public' order by y desc`,
  );
  return statement.all().map((r) => Number(r.y));
}

/**
 * The newest knowledge-bank entries as an Atom feed (RFC 4287), by when each event was first
 * documented; the same filters as the search (no text). Links point at the event pages.
 */
export function knowledgeAtom(
  db: Db,
  publicUrl: string,
  f: Omit<KnowledgeFilters, 'q' | 'page' | 'limit'>,
  lang: 'sv' | 'en',
): { body: string; updated: Date } {
  const where = conditions(db, f);
  where.push(DOCUMENTED);
  const ids = db
    .select({ id: events.id, at: DOCUMENTED_AT })
    .from(events)
    .where(and(...where))
    .orderBy(desc(DOCUMENTED_AT), desc(events.id))
    .limit(50)
    .all()
    .map((r) => r.id);
  const entries = entriesFor(db, ids, new Map());
  const updated = entries.reduce((max, e) => Math.max(max, Date.parse(e.documentedAt)), 0);
  const self = `${publicUrl}/feeds/knowledge.atom`;
  const title = lang === 'sv' ? 'Samverka – kunskapsbanken' : 'Samverka – knowledge bank';
  const items = entries.map((e) => {
    const url = `${publicUrl}/evenemang/${e.event.id}`;
    const files = e.materials.map((m) => m.title).join(', ');
    const summary = [e.excerpt, files ? `${lang === 'sv' ? 'Material' : 'Materials'}: ${files}` : ''].filter(Boolean).join(' — ');
    return `<entry><id>${escapeHtml(`${url}#kunskapsbank`)}</id><title>${escapeHtml(e.event.title)}</title><updated>${e.documentedAt}</updated><link rel="alternate" type="text/html" href="${escapeHtml(url)}"/><author><name>${escapeHtml(e.event.lead.name || 'Samverka')}</name></author>${e.event.themes.map((t) => `<category term="${escapeHtml(t)}"/>`).join('')}<summary>${escapeHtml(summary)}</summary></entry>`;
  });
  const body = `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}"><id>${escapeHtml(self)}</id><title>${escapeHtml(title)}</title><updated>${new Date(updated || 0).toISOString()}</updated><link rel="self" href="${escapeHtml(self)}"/><link rel="alternate" type="text/html" href="${escapeHtml(`${publicUrl}/kunskapsbank`)}"/>${items.join('\n')}</feed>\n`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: characters XML 1.0 forbids are dropped
  return { body: body.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''), updated: new Date(updated || 0) };
}

export type StorageUsage = ContractStorageUsage;

/** Disk used by uploaded files, in total and per event (largest first). Admins only. @throws DomainError 401, 403 */
export function storageUsage(db: Db, actor: Actor | null): StorageUsage {
  assertAdmin(actor);
  const total = db.get<{ bytes: number; files: number }>(
    sql`select coalesce(sum(size), 0) as bytes, count(*) as files from (select sha256, max(size) as size from materials where kind = 'file' group by sha256)`,
  ) ?? { bytes: 0, files: 0 };
  const perEvent = db
    .select({
      id: events.id,
      title: events.title,
      bytes: sql<number>`sum(${materials.size})`,
      files: sql<number>`count(*)`,
    })
    .from(materials)
    .innerJoin(events, eq(events.id, materials.eventId))
    .where(eq(materials.kind, 'file'))
    .groupBy(events.id)
    .orderBy(desc(sql`sum(${materials.size})`))
    .all();
  return { totalBytes: total.bytes, files: total.files, events: perEvent };
}
