import { materials } from '@samverka/db';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../src/access.ts';
import type { EventInput } from '../src/events/event-input.ts';
import { answerCohostInvitation, cancelEvent, createEvent, inviteCohost, publishEvent, updateEvent } from '../src/events/event-service.ts';
import { copyStoredFiles, fileStore, storedPath, type FileStore } from '../src/knowledge/file-store.ts';
import { embedListing } from '../src/knowledge/embed-service.ts';
import { knowledgeAtom, knowledgeYears, searchKnowledge, storageUsage } from '../src/knowledge/knowledge-search.ts';
import {
  addLink,
  deleteMaterial,
  downloadName,
  listEventMaterials,
  MAX_EVENT_BYTES,
  MAX_FILE_BYTES,
  openMaterialFile,
  openParticipantMaterialFile,
  participantMaterials,
  saveDocumentation,
  storedHashes,
  updateMaterial,
  uploadFile,
} from '../src/knowledge/material-service.ts';
import { cancelRegistration, register } from '../src/registrations/registration-service.ts';
import { freshDb, insertUser, type TestDb } from '../../../tests/support/fixtures.ts';
import { caught, outcome } from './helpers.ts';
import { elf, html, KINDS, pdfWithText } from './knowledge-files.ts';

const ORG = 'agro-orebro';
const COHOST = 'froda';
const OTHER = 'gront-center';

let t: TestDb;
let store: FileStore;
let admin: Actor;
let org: Actor;
let cohost: Actor;
let other: Actor;
let participant: Actor;

beforeEach(() => {
  t = freshDb();
  store = fileStore(t.dir);
  const load = (o: Parameters<typeof insertUser>[1]) => loadActor(t.db, insertUser(t.db, o))!;
  admin = load({ isAdmin: true });
  org = load({ coordinatorOf: [ORG] });
  cohost = load({ coordinatorOf: [COHOST] });
  other = load({ coordinatorOf: [OTHER] });
  participant = load({});
});
afterEach(() => t.dispose());

function event(input: Partial<EventInput> = {}, publish = true): number {
  const id = createEvent(t.db, org, {
    leadCluster: ORG,
    title: 'Workshop om kolinlagring',
    kind: 'workshop',
    themes: ['krisberedskap'],
    start: '2031-03-10T09:00',
    end: '2031-03-10T15:00',
    venueName: 'Gården',
    ...input,
  } as EventInput).event.id;
  if (publish) publishEvent(t.db, org, id);
  return id;
}

function upload(
  actor: Actor | null,
  eventId: number,
  bytes: Buffer,
  name: string,
  extra: { title?: string; visibility?: 'public' | 'participants' } = {},
) {
  return uploadFile(t.db, store, actor, eventId, { source: Readable.from([bytes]), filename: name, ...extra });
}

/** Every file under the store (temporary ones included). */
function filesOnDisk(): string[] {
  if (!existsSync(store.root)) return [];
  return readdirSync(store.root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('uploads', () => {
  it('accepts each allowed type, decided from the content, and stores it once by its SHA-256', async () => {
    const id = event();
    for (const [kind, k] of Object.entries(KINDS)) {
      // Made once: a zip (docx, xlsx, odt) records the time it was made, to two seconds.
      const bytes = k.make();
      const m = await upload(org, id, bytes, k.name);
      expect(m.contentType, kind).toBe(k.type);
      const file = openMaterialFile(t.db, store, null, id, m.id);
      expect(readFileSync(file.path).equals(bytes), kind).toBe(true);
      expect(file.path).toBe(storedPath(store, file.sha256));
    }
    expect(filesOnDisk().filter((f) => f.startsWith(join(store.root, 'tmp')))).toEqual([]);
    expect(filesOnDisk()).toHaveLength(Object.keys(KINDS).length);
  });

  it('ignores the name: a PDF called .docx is a PDF, a program called .pdf and an HTML page called .txt are refused', async () => {
    const id = event();
    const m = await upload(org, id, pdfWithText('x'), 'slides.docx');
    expect([m.contentType, m.filename]).toEqual(['application/pdf', 'slides.pdf']);
    for (const [bytes, name] of [
      [elf(), 'slides.pdf'],
      [html(), 'notes.txt'],
      [html(), 'page.html'],
    ] as const) {
      const err = await upload(org, id, bytes, name).then(
        () => null,
        (e: unknown) => e as { kind: string; code: string; details: unknown },
      );
      expect([err?.kind, err?.code], name).toEqual(['unsupported_type', 'unsupported_file_type']);
      expect(err?.details).toEqual([{ field: 'file', code: 'file_type_not_accepted', message: 'type not accepted' }]);
    }
    expect(t.db.select().from(materials).all()).toHaveLength(1);
    expect(filesOnDisk()).toHaveLength(1);
  });

  it('refuses a file over 20 MB with 413 and leaves nothing on disk, having read it as a stream', async () => {
    const id = event();
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    let sent = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 21; i++) {
          sent += chunk.length;
          yield chunk;
        }
      })(),
    );
    const err = await uploadFile(t.db, store, org, id, { source, filename: 'big.txt' }).then(
      () => null,
      (e: { kind: string; code: string }) => e,
    );
    expect([err?.kind, err?.code]).toEqual(['too_large', 'file_too_large']);
    expect(sent).toBe(21 * 1024 * 1024);
    expect(filesOnDisk()).toEqual([]);
    // Exactly 20 MB is allowed.
    const ok = await upload(org, id, Buffer.alloc(MAX_FILE_BYTES, 0x41), 'exact.txt');
    expect(ok.size).toBe(MAX_FILE_BYTES);
  });

  it('keeps an event within 200 MB in total', async () => {
    const id = event();
    t.db
      .insert(materials)
      .values({
        eventId: id,
        kind: 'file',
        title: 'stor',
        sha256: 'f'.repeat(64),
        size: MAX_EVENT_BYTES - 10,
        contentType: 'application/pdf',
        createdAt: new Date(),
      })
      .run();
    const err = await upload(org, id, Buffer.alloc(11, 0x41), 'a.txt').then(
      () => null,
      (e: { code: string }) => e,
    );
    expect(err?.code).toBe('event_storage_full');
    expect((await upload(org, id, Buffer.alloc(10, 0x41), 'b.txt')).size).toBe(10);
  });

  it('leaves no temporary file when the source fails before the file is even opened', async () => {
    const id = event();
    for (let i = 0; i < 20; i++) {
      const source = new Readable({
        read() {
          this.destroy(new Error('connection reset'));
        },
      });
      await expect(uploadFile(t.db, store, org, id, { source, filename: 'x.txt' })).rejects.toThrow('connection reset');
    }
    // Given time for any open still pending to finish: nothing may appear afterwards.
    await new Promise((r) => setTimeout(r, 50));
    expect(filesOnDisk()).toEqual([]);
  });

  it('removes the temporary file when the source fails midway', async () => {
    const id = event();
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(uploadFile(t.db, store, org, id, { source, filename: 'x.txt' })).rejects.toThrow('connection reset');
    expect(filesOnDisk()).toEqual([]);
  });

  it('is for the organisers: lead, accepted co-host and admins; others are refused before anything is read', async () => {
    const id = event();
    inviteCohost(t.db, org, id, COHOST);
    expect(
      await upload(cohost, id, pdfWithText('a'), 'a.pdf').then(
        () => 'allowed',
        (e: { kind: string }) => e.kind,
      ),
    ).toBe('forbidden');
    answerCohostInvitation(t.db, cohost, id, COHOST, true);
    for (const [actor, expected] of [
      [org, 'allowed'],
      [cohost, 'allowed'],
      [admin, 'allowed'],
      [other, 'forbidden'],
      [participant, 'forbidden'],
      [null, 'unauthenticated'],
    ] as const) {
      let read = false;
      const source = Readable.from(
        (function* () {
          read = true;
          yield Buffer.from('notes');
        })(),
      );
      const got = await uploadFile(t.db, store, actor, id, { source, filename: 'n.txt' }).then(
        () => 'allowed',
        (e: { kind: string }) => e.kind,
      );
      expect(got).toBe(expected);
      if (expected !== 'allowed') expect(read).toBe(false);
    }
  });

  it('deleting removes the file from disk unless another material has the same content', async () => {
    const a = event();
    const b = event({ title: 'Andra' });
    const m1 = await upload(org, a, pdfWithText('delad'), 'a.pdf');
    const m2 = await upload(org, b, pdfWithText('delad'), 'b.pdf');
    expect(filesOnDisk()).toHaveLength(1);
    deleteMaterial(t.db, store, org, a, m1.id);
    expect(filesOnDisk()).toHaveLength(1);
    deleteMaterial(t.db, store, org, b, m2.id);
    expect(filesOnDisk()).toEqual([]);
    expect(caught(() => deleteMaterial(t.db, store, other, b, m2.id)).kind).toBe('forbidden');
  });

  it('makes a safe download name with the detected extension', () => {
    expect(downloadName('../../etc/"slides".PPT', 'pdf')).toBe('slides.pdf');
    expect(downloadName('C:\\Users\\x\\Protokoll möte 3.docx', 'docx')).toBe('Protokoll möte 3.docx');
    expect(downloadName('\u0000', 'txt')).toBe('material.txt');
  });
});

describe('visibility', () => {
  it('participant-only materials: organisers always, confirmed participants through their manage link, nobody else', async () => {
    const id = event({ capacity: 1 });
    const open = await upload(org, id, pdfWithText('oppen'), 'open.pdf');
    const closed = await upload(org, id, pdfWithText('sluten'), 'closed.pdf', { visibility: 'participants' });
    const link = addLink(t.db, org, id, { title: 'Inspelning', url: 'https://video.example/abc', visibility: 'participants' });
    const seated = register(t.db, id, { name: 'A', email: 'a@example.se', organisation: 'O', consent: true });
    const waiting = register(t.db, id, { name: 'B', email: 'b@example.se', organisation: 'O', consent: true });
    expect(waiting.registration.status).toBe('waitlisted');

    expect(listEventMaterials(t.db, null, id).materials.map((m) => m.id)).toEqual([open.id]);
    expect(listEventMaterials(t.db, other, id).materials.map((m) => m.id)).toEqual([open.id]);
    expect(listEventMaterials(t.db, org, id).materials.map((m) => m.id)).toEqual([open.id, closed.id, link.id]);
    expect(listEventMaterials(t.db, org, id).usage?.bytes).toBe(open.size! + closed.size!);
    expect(listEventMaterials(t.db, null, id).usage).toBeNull();

    for (const actor of [null, participant, other])
      expect(caught(() => openMaterialFile(t.db, store, actor, id, closed.id)).code).toBe('unknown_material');
    expect(openMaterialFile(t.db, store, org, id, closed.id).private).toBe(true);
    expect(openMaterialFile(t.db, store, admin, id, closed.id).contentType).toBe('application/pdf');

    const mine = participantMaterials(t.db, seated.token!);
    expect(mine.materials.map((m) => m.id)).toEqual([open.id, closed.id, link.id]);
    expect(mine.materials[1]!.href).toBe(`/api/registrations/${seated.token}/materials/${closed.id}/file`);
    expect(openParticipantMaterialFile(t.db, store, seated.token!, closed.id).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(participantMaterials(t.db, waiting.token!).materials.map((m) => m.id)).toEqual([open.id]);
    expect(caught(() => openParticipantMaterialFile(t.db, store, waiting.token!, closed.id)).code).toBe('unknown_material');
    expect(caught(() => openParticipantMaterialFile(t.db, store, 'not-a-token', closed.id)).code).toBe('unknown_registration');
    cancelRegistration(t.db, seated.token!);
    expect(caught(() => openParticipantMaterialFile(t.db, store, seated.token!, closed.id)).code).toBe('unknown_material');
  });

  it('a draft’s materials are not acknowledged to anyone outside its organisers', async () => {
    const id = event({}, false);
    const m = await upload(org, id, pdfWithText('utkast'), 'u.pdf');
    expect(caught(() => listEventMaterials(t.db, null, id)).code).toBe('unknown_event');
    expect(caught(() => openMaterialFile(t.db, store, other, id, m.id)).code).toBe('unknown_event');
    expect(listEventMaterials(t.db, org, id).materials).toHaveLength(1);
  });

  it('links must be http(s); titles are required; a cancelled event takes no new material', () => {
    const id = event();
    const err = caught(() => addLink(t.db, org, id, { title: '', url: 'javascript:alert(1)' }));
    expect(err.details.map((d) => d.field).sort()).toEqual(['title', 'url']);
    const l = addLink(t.db, org, id, { title: 'Bilder', url: 'https://bilder.example/album' });
    expect(outcome(() => updateMaterial(t.db, other, id, l.id, { title: 'x' }))).toBe('forbidden');
    expect(updateMaterial(t.db, org, id, l.id, { visibility: 'participants' }).visibility).toBe('participants');
    cancelEvent(t.db, org, id, 'Sjukdom');
    expect(caught(() => addLink(t.db, org, id, { title: 'Sen', url: 'https://x.example' })).code).toBe('event_cancelled');
    expect(caught(() => saveDocumentation(t.db, org, id, 'text')).code).toBe('event_cancelled');
  });
});

describe('documentation', () => {
  it('is Markdown sanitised like descriptions; an empty text removes it', () => {
    const id = event();
    const d = saveDocumentation(t.db, org, id, '## Slutsatser\n\nVi provade **täckgrödor**.<script>alert(1)</script>');
    expect(d?.html).toContain('<strong>täckgrödor</strong>');
    expect(d?.html).not.toContain('<script');
    expect(listEventMaterials(t.db, null, id).documentation?.body).toContain('Slutsatser');
    expect(saveDocumentation(t.db, org, id, '  ')).toBeNull();
    expect(listEventMaterials(t.db, null, id).documentation).toBeNull();
    expect(caught(() => saveDocumentation(t.db, org, id, 'x'.repeat(50_001))).code).toBe('invalid_documentation');
    expect(outcome(() => saveDocumentation(t.db, other, id, 'x'))).toBe('forbidden');
  });
});

describe('knowledge bank', () => {
  it('finds an event by a word that appears only inside an uploaded PDF, and not by one in a participant-only PDF', async () => {
    const a = event({ title: 'Markdagen' });
    const b = event({ title: 'Skogsdagen', themes: ['kapitalforsorjning'] });
    await upload(org, a, pdfWithText('Resultat om mykorrhiza och markliv'), 'bilder.pdf');
    await upload(org, b, pdfWithText('Hemligt om barkborrar'), 'intern.pdf', { visibility: 'participants' });
    saveDocumentation(t.db, org, b, 'Vi gick i skogen.');
    const hit = searchKnowledge(t.db, { q: 'mykorrhiza' });
    expect(hit.entries.map((e) => e.event.id)).toEqual([a]);
    expect(hit.entries[0]!.match).toContain('mykorrhiza');
    expect(hit.entries[0]!.materials.map((m) => m.title)).toEqual(['bilder']);
    expect(searchKnowledge(t.db, { q: 'barkborrar' }).total).toBe(0);
    // Prefix of the last word, diacritics folded, operators quoted away.
    expect(searchKnowledge(t.db, { q: 'MYKORR' }).total).toBe(1);
    expect(searchKnowledge(t.db, { q: '"gick) skogen*' }).entries.map((e) => e.event.id)).toEqual([b]);
    expect(searchKnowledge(t.db, { q: '!!!' }).total).toBe(0);
  });

  it('lists documented published events only, newest first, with filters by theme, cluster, county, kind and year', async () => {
    const a = event({ title: 'A', start: '2031-03-10T09:00', end: '2031-03-10T10:00', county: 'orebro-lan' });
    const b = event({ title: 'B', kind: 'webinar', themes: ['kapitalforsorjning'], start: '2032-01-10T09:00', end: '2032-01-10T10:00' });
    event({ title: 'Odokumenterad' });
    const draft = event({ title: 'Utkast' }, false);
    saveDocumentation(t.db, org, a, 'A-text');
    addLink(t.db, org, b, { title: 'Film', url: 'https://film.example' });
    saveDocumentation(t.db, org, draft, 'Utkast-text');
    inviteCohost(t.db, org, b, COHOST);
    answerCohostInvitation(t.db, cohost, b, COHOST, true);
    const ids = (f: Parameters<typeof searchKnowledge>[1]) => searchKnowledge(t.db, f).entries.map((e) => e.event.id);
    expect(ids({})).toEqual([b, a]);
    expect(ids({ theme: 'kapitalforsorjning' })).toEqual([b]);
    expect(ids({ cluster: COHOST })).toEqual([b]);
    expect(ids({ county: 'orebro-lan' })).toEqual([a]);
    expect(ids({ kind: 'webinar' })).toEqual([b]);
    expect(ids({ year: 2031 })).toEqual([a]);
    expect(ids({ q: 'text', year: 2032 })).toEqual([]);
    expect(knowledgeYears(t.db)).toEqual([2032, 2031]);
    expect(caught(() => searchKnowledge(t.db, { theme: 'okand' })).code).toBe('unknown_theme');
    const page = searchKnowledge(t.db, { limit: 1, page: 2 });
    expect([page.total, page.pages, page.entries.map((e) => e.event.id)]).toEqual([2, 2, [a]]);
    // A changed title reaches the index; deleting the documentation takes the event out.
    updateEvent(t.db, org, a, { title: 'Nytt namn' });
    expect(ids({ q: 'nytt namn' })).toEqual([a]);
    saveDocumentation(t.db, org, a, '');
    expect(ids({})).toEqual([b]);
  });

  it('has an Atom feed of the newest entries by when they were documented', async () => {
    const a = event({ title: 'Äldre <dag>' });
    const b = event({ title: 'Nyare' });
    saveDocumentation(t.db, org, a, 'Första', new Date('2031-04-01T10:00:00Z'));
    addLink(t.db, org, b, { title: 'Länk', url: 'https://x.example' }, new Date('2031-04-02T10:00:00Z'));
    const { body, updated } = knowledgeAtom(t.db, 'https://samverka.example', {}, 'sv');
    expect(body.indexOf('Nyare')).toBeLessThan(body.indexOf('Äldre &lt;dag&gt;'));
    expect(body).toContain(`<link rel="alternate" type="text/html" href="https://samverka.example/evenemang/${a}"/>`);
    expect(updated.toISOString()).toBe('2031-04-02T10:00:00.000Z');
    expect(knowledgeAtom(t.db, 'https://samverka.example', { theme: 'kapitalforsorjning' }, 'en').body).not.toContain('<entry>');
  });
});

describe('storage and backup', () => {
  it('shows admins the disk used in total and per event, and the backup copies exactly the stored files', async () => {
    const a = event({ title: 'A' });
    const b = event({ title: 'B' });
    const shared = pdfWithText('samma');
    await upload(org, a, shared, 'a.pdf');
    await upload(org, b, shared, 'b.pdf');
    await upload(org, b, KINDS.png.make(), 'b.png');
    const usage = storageUsage(t.db, admin);
    expect(usage.totalBytes).toBe(shared.length + KINDS.png.make().length);
    expect(usage.files).toBe(2);
    expect(usage.events.map((e) => [e.id, e.bytes, e.files])).toEqual([
      [b, shared.length + KINDS.png.make().length, 2],
      [a, shared.length, 1],
    ]);
    expect(outcome(() => storageUsage(t.db, org))).toBe('forbidden');
    const copy = fileStore(join(t.dir, 'backup'));
    const result = copyStoredFiles(store, copy, [...storedHashes(t.db), 'e'.repeat(64)]);
    expect([result.files, result.bytes, result.missing]).toEqual([2, usage.totalBytes, ['e'.repeat(64)]]);
    for (const sha of storedHashes(t.db))
      expect(readFileSync(storedPath(copy, sha)).equals(readFileSync(storedPath(store, sha)))).toBe(true);
  });
});

describe('embed listing', () => {
  it('lists upcoming published events of a cluster, theme, county or the network, in start order', () => {
    const now = new Date('2031-01-01T00:00:00Z');
    const a = event({ title: 'A', start: '2031-03-10T09:00', end: '2031-03-10T10:00', county: 'orebro-lan' });
    const b = event({ title: 'B', themes: ['kapitalforsorjning'], start: '2031-02-10T09:00', end: '2031-02-10T10:00' });
    event({ title: 'Utkast' }, false);
    const past = event({ title: 'Förr', start: '2030-12-01T09:00', end: '2030-12-01T10:00' });
    expect(embedListing(t.db, {}, 8, now).events.map((e) => e.id)).toEqual([b, a]);
    expect(embedListing(t.db, { county: 'orebro-lan' }, 8, now).events.map((e) => e.id)).toEqual([a]);
    const theme = embedListing(t.db, { theme: 'kapitalforsorjning' }, 8, now);
    expect([theme.scope.type, theme.events.map((e) => e.id)]).toEqual(['theme', [b]]);
    const cluster = embedListing(t.db, { cluster: ORG }, 1, now);
    expect([cluster.scope.nameSv, cluster.events.length, cluster.events[0]!.place]).toEqual(['Agro Örebro', 1, 'Gården']);
    expect(embedListing(t.db, {}, 8, now).events.map((e) => e.id)).not.toContain(past);
    expect(caught(() => embedListing(t.db, { cluster: 'okand' })).code).toBe('unknown_cluster');
  });
});
