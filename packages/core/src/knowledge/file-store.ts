import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DomainError } from '../errors.ts';

/** Where uploaded files live: `<root>/<first two hex digits>/<sha256>`, and half-received ones in `<root>/tmp`. */
export interface FileStore {
  root: string;
}

/** The store under the data folder (DATA_DIR/files), beside the database. */
export function fileStore(dataDir: string): FileStore {
  return { root: join(dataDir, 'files') };
}

export function storedPath(store: FileStore, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a SHA-256');
  return join(store.root, sha256.slice(0, 2), sha256);
}

/** What a finished upload looks like before its type is decided. */
export interface ReceivedFile {
  /** The temporary file under `<root>/tmp`; the caller places or removes it. */
  tempPath: string;
  sha256: string;
  /** Bytes. */
  size: number;
  /** The first bytes, for the type checks. */
  head: Buffer;
  /** Valid UTF-8 with no NUL byte all the way through: a candidate for plain text. */
  utf8: boolean;
}

const HEAD_BYTES = 4096;

/**
 * Streams an upload to a temporary file while hashing it (SHA-256) and counting its bytes, so a
 * 20 MB file is never held in memory. Past `maxBytes` the rest is read and dropped (the client
 * gets its answer after sending, which browsers need to show it), the temporary file is removed
 * and a 413 DomainError with `tooLargeCode` is thrown. Any failure of the source or the disk
 * also removes the temporary file.
 */
export async function receiveFile(
  store: FileStore,
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  maxBytes: number,
  tooLarge: () => DomainError,
): Promise<ReceivedFile> {
  const tmpDir = join(store.root, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  const tempPath = join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let over = false;
  let utf8 = true;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (over || size > maxBytes) {
        over = true;
        return done();
      }
      hash.update(chunk);
      if (headLength < HEAD_BYTES) {
        headChunks.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      if (utf8) {
        try {
          if (chunk.includes(0)) utf8 = false;
          else decoder.decode(chunk, { stream: true });
        } catch {
          utf8 = false;
        }
      }
      done(null, chunk);
    },
  });
  const out = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
  try {
    await pipeline(source as NodeJS.ReadableStream, meter, out);
    if (over) throw tooLarge();
    if (utf8) {
      try {
        decoder.decode();
      } catch {
        utf8 = false;
      }
    }
    return { tempPath, sha256: hash.digest('hex'), size, head: Buffer.concat(headChunks), utf8 };
  } catch (err) {
    // A source that fails early can reject the pipeline before the file is even opened: wait
    // until the destroyed write stream has closed (its open done), or the file would appear
    // after it was removed.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    rmSync(tempPath, { force: true });
    throw err;
  }
}

/**
 * Moves a received file to its content-hash path. Returns false when that content was already
 * stored (the temporary copy is then dropped): two materials may share one file.
 */
export function placeFile(store: FileStore, received: ReceivedFile): boolean {
  const target = storedPath(store, received.sha256);
  if (existsSync(target)) {
    rmSync(received.tempPath, { force: true });
    return false;
  }
  mkdirSync(dirname(target), { recursive: true });
  renameSync(received.tempPath, target);
  return true;
}

export function removeStoredFile(store: FileStore, sha256: string): void {
  rmSync(storedPath(store, sha256), { force: true });
}

export function storedFileExists(store: FileStore, sha256: string): boolean {
  return existsSync(storedPath(store, sha256));
}

/**
 * Copies the named stored files into another store (the backup's), skipping those already there:
 * content-addressed files never change, so an existing copy is a correct one. Returns what was
 * copied and which files were missing (deleted after the database snapshot was taken).
 */
export function copyStoredFiles(
  from: FileStore,
  to: FileStore,
  sha256s: Iterable<string>,
): { files: number; bytes: number; missing: string[] } {
  let files = 0;
  let bytes = 0;
  const missing: string[] = [];
  for (const sha of new Set(sha256s)) {
    const source = storedPath(from, sha);
    if (!existsSync(source)) {
      missing.push(sha);
      continue;
    }
    const target = storedPath(to, sha);
    mkdirSync(dirname(target), { recursive: true });
    if (!existsSync(target)) copyFileSync(source, target);
    files++;
    bytes += statSync(target).size;
  }
  return { files, bytes, missing };
}
