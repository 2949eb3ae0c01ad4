import type {
  Documentation as ContractDocumentation,
  EventMaterials as ContractEventMaterials,
  Material as ContractMaterial,
} from '@samverka/contracts';
import { registrationByToken } from '../registrations/registration-service.ts';
import { and, asc, eq, sql } from 'drizzle-orm';
import { rmSync } from 'node:fs';
import {
  eventDocumentation,
  events,
  keptStatement,
  materials,
  type Db,
  type Event,
  type Material,
  type MaterialVisibility,
} from '@samverka/db';
import { requireActor, type Actor } from '../access.ts';
import { DomainError, forbidden, type ErrorDetail } from '../errors.ts';
import { singleLine } from '../escape.ts';
import { canSeeEvent, type OrganiserRef } from '../events/event-access.ts';
import { organiserRefs } from '../events/event-view.ts';
import { renderMarkdownKept } from '../markdown.ts';
import { placeFile, receiveFile, removeStoredFile, storedPath, type FileStore } from './file-store.ts';
import { decideType, isInline } from './file-types.ts';
import { canManageMaterials, canSeeMaterial } from './knowledge-access.ts';
import { extractPdfText } from './pdf-text.ts';

/** The most one file may weigh: 20 MB (MiB, 20 × 2^20 bytes). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** The most all files of one event may weigh together: 200 MB. */
export const MAX_EVENT_BYTES = 200 * 1024 * 1024;
/** Documentation, in characters of Markdown. */
export const MAX_DOCUMENTATION_CHARS = 50_000;

export type MaterialView = ContractMaterial;

export type DocumentationView = ContractDocumentation;

export type EventMaterials = ContractEventMaterials;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function eventRow(db: Db | Tx, id: number): Event {
  const e = keptStatement(db, 'materials.eventRow', (d) =>
    d
      .select()
      .from(events)
      .where(eq(events.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
  if (!e) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  return e;
}

/** The event, if the actor may see it at all; a draft is not acknowledged to anyone else. */
function visibleEvent(db: Db, actor: Actor | null, id: number) {
  const e = eventRow(db, id);
  const refs = organiserRefs(db, id);
  if (!canSeeEvent(actor, e.status, refs, e.visibility)) throw new DomainError('not_found', 'unknown_event', `There is no event ${id}`);
  return { event: e, refs };
}

function assertManage(db: Db, actor: Actor | null, id: number) {
  const a = requireActor(actor);
  const { event, refs } = visibleEvent(db, a, id);
  if (!canManageMaterials(a, refs)) throw forbidden('Only the organisers of this event may change its documentation and materials');
  if (event.status === 'cancelled')
    throw new DomainError('conflict', 'event_cancelled', 'A cancelled event cannot get documentation or materials');
  return { actor: a, event };
}

export const materialHref = {
  public: (eventId: number, id: number) => `/api/events/${eventId}/materials/${id}/file`,
  participant: (token: string, id: number) => `/api/registrations/${encodeURIComponent(token)}/materials/${id}/file`,
};

function toView(m: Material, href: (id: number) => string): MaterialView {
  return {
    id: m.id,
    kind: m.kind,
    title: m.title,
    visibility: m.visibility,
    href: m.kind === 'link' ? (m.url ?? '') : href(m.id),
    contentType: m.contentType,
    size: m.size,
    filename: m.filename,
    createdAt: m.createdAt.toISOString(),
  };
}

export function documentationView(db: Db | Tx, eventId: number): DocumentationView | null {
  const d = keptStatement(db, 'materials.documentation', (k) =>
    k
      .select()
      .from(eventDocumentation)
      .where(eq(eventDocumentation.eventId, sql.placeholder('eventId')))
      .prepare(),
  ).get({ eventId });
  return d ? { body: d.body, html: renderMarkdownKept(d.body), updatedAt: d.updatedAt.toISOString() } : null;
}

/** Bytes used by an event's files (each material counted, even when two share content). */
export function eventBytes(db: Db | Tx, eventId: number): number {
  return (
    keptStatement(db, 'materials.eventBytes', (d) =>
      d
        .select({ n: sql<number>`coalesce(sum(${materials.size}), 0)` })
        .from(materials)
        .where(and(eq(materials.eventId, sql.placeholder('eventId')), eq(materials.kind, 'file')))
        .prepare(),
    ).get({ eventId })?.n ?? 0
  );
}

function rowsOf(db: Db, eventId: number, includeParticipantOnly: boolean): Material[] {
  // Two kept statements: with the participant-only materials and without.
  return keptStatement(db, includeParticipantOnly ? 'materials.rowsOf.all' : 'materials.rowsOf.public', (d) =>
    d
      .select()
      .from(materials)
      .where(
        and(eq(materials.eventId, sql.placeholder('eventId')), includeParticipantOnly ? undefined : eq(materials.visibility, 'public')),
      )
      .orderBy(asc(materials.id))
      .prepare(),
  ).all({ eventId });
}

/**
 * An event's documentation and the materials the actor may see: public ones for everybody who may
 * see the event, participant-only ones too for its organisers (with the disk usage).
 *
 * @throws DomainError 404 `unknown_event` (also for a draft the actor may not see)
 */
export function listEventMaterials(db: Db, actor: Actor | null, eventId: number): EventMaterials {
  return eventMaterialsFor(db, actor, eventId, visibleEvent(db, actor, eventId).refs);
}

/**
 * listEventMaterials for an event the caller has already found the actor may see, with its
 * organisers (`refs`, as organiserRefs gives them): no access check of its own.
 */
export function eventMaterialsFor(db: Db, actor: Actor | null, eventId: number, refs: readonly OrganiserRef[]): EventMaterials {
  const manage = canManageMaterials(actor, refs);
  return {
    eventId,
    documentation: documentationView(db, eventId),
    materials: rowsOf(db, eventId, manage).map((m) => toView(m, (id) => materialHref.public(eventId, id))),
    canManage: manage,
    usage: manage ? { bytes: eventBytes(db, eventId), limit: MAX_EVENT_BYTES, fileLimit: MAX_FILE_BYTES } : null,
  };
}

/** The registration behind a manage link, if it holds a confirmed seat. */
function confirmedRegistration(db: Db, token: string) {
  const r = registrationByToken(db, token);
  return { registration: r, confirmed: r.status === 'confirmed' };
}

/**
 * What a participant sees through their manage link: the documentation and the public materials,
 * and the participant-only ones once their seat is confirmed. File links carry the manage token.
 *
 * @throws DomainError 404 `unknown_registration`
 */
export function participantMaterials(db: Db, token: string): EventMaterials & { confirmed: boolean } {
  const { registration, confirmed } = confirmedRegistration(db, token);
  const eventId = registration.eventId;
  return {
    eventId,
    documentation: documentationView(db, eventId),
    materials: rowsOf(db, eventId, confirmed).map((m) => toView(m, (id) => materialHref.participant(token, id))),
    canManage: false,
    usage: null,
    confirmed,
  };
}

/**
 * Writes (or, with an empty body, removes) the event's documentation: Markdown, at most
 * 50,000 characters, sanitised on output like descriptions.
 *
 * @throws DomainError 401, 403 (not an organiser), 404, 409 `event_cancelled`, 400 `invalid_documentation`
 */
export function saveDocumentation(db: Db, actor: Actor | null, eventId: number, body: string, now = new Date()): DocumentationView | null {
  const { actor: a } = assertManage(db, actor, eventId);
  const text = body.replace(/\r\n?/g, '\n').trim();
  if (text.length > MAX_DOCUMENTATION_CHARS)
    throw new DomainError('invalid', 'invalid_documentation', `The documentation may be at most ${MAX_DOCUMENTATION_CHARS} characters`, [
      {
        field: 'body',
        code: 'too_long',
        message: `at most ${MAX_DOCUMENTATION_CHARS} characters`,
        params: { max: MAX_DOCUMENTATION_CHARS },
      },
    ]);
  if (!text) {
    db.delete(eventDocumentation).where(eq(eventDocumentation.eventId, eventId)).run();
    return null;
  }
  db.insert(eventDocumentation)
    .values({ eventId, body: text, updatedBy: a.userId, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: eventDocumentation.eventId, set: { body: text, updatedBy: a.userId, updatedAt: now } })
    .run();
  return documentationView(db, eventId);
}

export interface MaterialFields {
  title?: string;
  visibility?: MaterialVisibility;
}

function checkFields(f: MaterialFields, details: ErrorDetail[]): { title?: string; visibility?: MaterialVisibility } {
  const title = f.title === undefined ? undefined : singleLine(f.title, 200);
  if (f.title !== undefined && !title) details.push({ field: 'title', code: 'required', message: 'a title is required' });
  if (f.visibility !== undefined && f.visibility !== 'public' && f.visibility !== 'participants')
    details.push({ field: 'visibility', code: 'unknown_choice', message: 'public or participants' });
  return { title, visibility: f.visibility };
}

function invalid(details: ErrorDetail[]): DomainError {
  return new DomainError(
    'invalid',
    'invalid_material',
    `The material has invalid fields: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
    details,
  );
}

/**
 * Adds a link (http or https only) to an event.
 *
 * @throws DomainError 400 `invalid_material` (title, url, visibility), 401, 403, 404, 409
 */
export function addLink(
  db: Db,
  actor: Actor | null,
  eventId: number,
  input: { title: string; url: string; visibility?: MaterialVisibility },
  now = new Date(),
): MaterialView {
  const { actor: a } = assertManage(db, actor, eventId);
  const details: ErrorDetail[] = [];
  const { title, visibility } = checkFields({ title: input.title, visibility: input.visibility }, details);
  let url = '';
  try {
    const parsed = new URL(input.url.trim());
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    url = parsed.toString();
  } catch {
    details.push({ field: 'url', code: 'invalid_url', message: 'an address starting with https:// or http://' });
  }
  if (url.length > 1000) details.push({ field: 'url', code: 'too_long', message: 'at most 1000 characters', params: { max: 1000 } });
  if (details.length) throw invalid(details);
  const row = db
    .insert(materials)
    .values({ eventId, kind: 'link', title: title!, visibility: visibility ?? 'public', url, createdBy: a.userId, createdAt: now })
    .returning()
    .get();
  return toView(row, (id) => materialHref.public(eventId, id));
}

function materialRow(db: Db | Tx, eventId: number, id: number): Material {
  const m = db
    .select()
    .from(materials)
    .where(and(eq(materials.id, id), eq(materials.eventId, eventId)))
    .get();
  if (!m) throw new DomainError('not_found', 'unknown_material', `Event ${eventId} has no material ${id}`);
  return m;
}

/** Renames a material or changes who may see it. @throws DomainError 400, 401, 403, 404, 409 */
export function updateMaterial(db: Db, actor: Actor | null, eventId: number, id: number, patch: MaterialFields): MaterialView {
  assertManage(db, actor, eventId);
  materialRow(db, eventId, id);
  const details: ErrorDetail[] = [];
  const { title, visibility } = checkFields(patch, details);
  if (details.length) throw invalid(details);
  const row = db
    .update(materials)
    .set({ ...(title ? { title } : {}), ...(visibility ? { visibility } : {}) })
    .where(eq(materials.id, id))
    .returning()
    .get();
  return toView(row, (mid) => materialHref.public(eventId, mid));
}

/**
 * Removes a material; its file leaves the disk unless another material has the same content.
 * @throws DomainError 401, 403, 404
 */
export function deleteMaterial(db: Db, store: FileStore, actor: Actor | null, eventId: number, id: number): void {
  const a = requireActor(actor);
  const { refs } = visibleEvent(db, a, eventId);
  if (!canManageMaterials(a, refs)) throw forbidden('Only the organisers of this event may remove its materials');
  const m = materialRow(db, eventId, id);
  const orphan = db.transaction((tx) => {
    tx.delete(materials).where(eq(materials.id, id)).run();
    return m.sha256 !== null && !tx.select({ id: materials.id }).from(materials).where(eq(materials.sha256, m.sha256)).get();
  });
  if (orphan && m.sha256) removeStoredFile(store, m.sha256);
}

/** A file name for downloads: the uploaded base name without path, controls or quotes, and the detected type's extension. */
export function downloadName(uploaded: string, ext: string): string {
  const base = (uploaded.split(/[\\/]/).pop() ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed from names
    .replace(/[\u0000-\u001f\u007f"*:<>?|]+/g, '')
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  return `${base || 'material'}.${ext}`;
}

export interface UploadInput {
  /** The file's bytes as they arrive; never collected in memory. */
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream;
  /** The name the client gave; used only for the download name and the default title. */
  filename: string;
  title?: string;
  visibility?: MaterialVisibility;
}

/**
 * Stores an uploaded file for an event: streamed to a temporary file under DATA_DIR while hashed,
 * its type decided from its content (file-type; plain text by its bytes), a PDF's text extracted
 * for search, then moved to its content-hash path and recorded. At most 20 MB a file and 200 MB
 * an event. Whatever fails, nothing is left on disk but files that materials point to.
 *
 * @throws DomainError 413 `file_too_large` / `event_storage_full`, 415 `unsupported_file_type`,
 *   400 `empty_file` / `invalid_material`, 401, 403, 404, 409 `event_cancelled`
 */
export async function uploadFile(
  db: Db,
  store: FileStore,
  actor: Actor | null,
  eventId: number,
  input: UploadInput,
  now = new Date(),
): Promise<MaterialView> {
  const { actor: a } = assertManage(db, actor, eventId);
  const details: ErrorDetail[] = [];
  const fields = checkFields({ title: input.title || undefined, visibility: input.visibility }, details);
  const room = MAX_EVENT_BYTES - eventBytes(db, eventId);
  const limit = Math.max(0, Math.min(MAX_FILE_BYTES, room));
  const received = await receiveFile(store, input.source, limit, () =>
    room < MAX_FILE_BYTES
      ? new DomainError(
          'too_large',
          'event_storage_full',
          `This event's files may weigh at most 200 MB together; ${Math.max(0, room)} bytes are left`,
          [{ field: 'file', code: 'file_too_large', message: 'the event has no room left for this file' }],
        )
      : new DomainError('too_large', 'file_too_large', 'A file may be at most 20 MB', [
          { field: 'file', code: 'file_too_large', message: 'larger than 20 MB', params: { max: 20 * 1024 * 1024 } },
        ]),
  );
  let placed = false;
  try {
    if (details.length) throw invalid(details);
    const type = await decideType(received, input.filename);
    const text = type.contentType === 'application/pdf' ? await extractPdfText(received.tempPath) : null;
    placed = placeFile(store, received);
    const filename = downloadName(input.filename, type.ext);
    const row = db
      .insert(materials)
      .values({
        eventId,
        kind: 'file',
        title: fields.title ?? filename.replace(/\.[^.]+$/, ''),
        visibility: fields.visibility ?? 'public',
        sha256: received.sha256,
        size: received.size,
        contentType: type.contentType,
        filename,
        text: text || null,
        createdBy: a.userId,
        createdAt: now,
      })
      .returning()
      .get();
    return toView(row, (id) => materialHref.public(eventId, id));
  } catch (err) {
    // A file this upload placed and no material points to (the insert failed) leaves the disk.
    if (placed && !db.select({ id: materials.id }).from(materials).where(eq(materials.sha256, received.sha256)).get())
      removeStoredFile(store, received.sha256);
    throw err;
  } finally {
    // A refused file never left tmp/; a placed or deduplicated one is gone from it already.
    rmSync(received.tempPath, { force: true });
  }
}

/** What the API needs to send a stored file. */
export interface StoredFile {
  path: string;
  size: number;
  contentType: string;
  filename: string;
  sha256: string;
  inline: boolean;
  /** Participant-only files are never kept by shared caches. */
  private: boolean;
}

function storedFile(store: FileStore, m: Material): StoredFile {
  if (m.kind !== 'file' || !m.sha256 || !m.contentType || m.size === null)
    throw new DomainError('not_found', 'not_a_file', 'This material is a link, not a file');
  return {
    path: storedPath(store, m.sha256),
    size: m.size,
    contentType: m.contentType,
    filename: m.filename ?? 'material',
    sha256: m.sha256,
    inline: isInline(m.contentType),
    private: m.visibility !== 'public',
  };
}

/**
 * A material's file for whoever may see it (organisers always; public files for anyone who may
 * see the event). A participant-only file answers 404 to others, as if it did not exist.
 */
export function openMaterialFile(db: Db, store: FileStore, actor: Actor | null, eventId: number, id: number): StoredFile {
  const { event, refs } = visibleEvent(db, actor, eventId);
  const m = materialRow(db, eventId, id);
  if (!canSeeMaterial(actor, event.status, refs, m.visibility, event.visibility))
    throw new DomainError('not_found', 'unknown_material', `Event ${eventId} has no material ${id}`);
  return storedFile(store, m);
}

/** A material's file through a participant's manage link: participant-only files need a confirmed seat. */
export function openParticipantMaterialFile(db: Db, store: FileStore, token: string, id: number): StoredFile {
  const { registration, confirmed } = confirmedRegistration(db, token);
  const m = materialRow(db, registration.eventId, id);
  const e = eventRow(db, registration.eventId);
  if (!canSeeMaterial(null, e.status, [], m.visibility, 'public', confirmed))
    throw new DomainError('not_found', 'unknown_material', `There is no material ${id} for this registration`);
  return storedFile(store, m);
}

/** Every stored file's hash, for the backup (which copies exactly what the database points to). */
export function storedHashes(db: Db): string[] {
  return db
    .selectDistinct({ sha: materials.sha256 })
    .from(materials)
    .where(eq(materials.kind, 'file'))
    .all()
    .flatMap((r) => (r.sha ? [r.sha] : []));
}

/**
 * Refuses, before any byte of an upload is read, whoever may not add materials to the event.
 * @throws DomainError 401, 403, 404, 409 `event_cancelled`
 */
export function assertCanAddMaterials(db: Db, actor: Actor | null, eventId: number): void {
  assertManage(db, actor, eventId);
}
