import { DomainError } from '../errors.ts';
import type { ReceivedFile } from './file-store.ts';

export interface AcceptedType {
  /** The media type the file is served with. */
  contentType: string;
  /** The extension given to the download name. */
  ext: string;
  /** Shown in the browser (images and PDF); everything else is a download. */
  inline: boolean;
}

/**
 * The types materials may have, by the media type file-type reads from the content: PDF, the
 * Office Open XML and OpenDocument formats, common images, and (checked separately) plain text.
 * SVG and HTML are refused (they can carry scripts), and so are the old binary Office formats:
 * their container (CFB) is also that of installers, and file-type cannot tell them apart.
 */
const ACCEPTED: Record<string, Omit<AcceptedType, 'contentType'>> = {
  'application/pdf': { ext: 'pdf', inline: true },
  'image/png': { ext: 'png', inline: true },
  'image/jpeg': { ext: 'jpg', inline: true },
  'image/gif': { ext: 'gif', inline: true },
  'image/webp': { ext: 'webp', inline: true },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { ext: 'docx', inline: false },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { ext: 'xlsx', inline: false },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { ext: 'pptx', inline: false },
  'application/vnd.oasis.opendocument.text': { ext: 'odt', inline: false },
  'application/vnd.oasis.opendocument.spreadsheet': { ext: 'ods', inline: false },
  'application/vnd.oasis.opendocument.presentation': { ext: 'odp', inline: false },
};

export const TEXT_TYPE = 'text/plain; charset=utf-8';

/** Markup a browser could render (or sniff) as a page, within the first bytes of a "text" file. */
const MARKUP = /<(?:!doctype|html|head|body|script|iframe|object|embed|svg|math|style|meta|link|form|\?xml)[\s/>]/i;

export function isInline(contentType: string): boolean {
  return contentType === 'application/pdf' || contentType.startsWith('image/');
}

function refused(what: string): DomainError {
  return new DomainError(
    'unsupported_type',
    'unsupported_file_type',
    `Files of this type are not accepted (${what}). Upload PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP or plain text.`,
    [{ field: 'file', code: 'file_type_not_accepted', message: 'type not accepted' }],
  );
}

/**
 * Decides a received file's type from its content alone (the name plays no part). Text is text
 * only when it is UTF-8 throughout with no NUL byte and shows no markup in its first bytes, so an
 * HTML page renamed to .txt is refused like a renamed program.
 *
 * @throws DomainError 415 `unsupported_file_type` with a detail on `file`
 */
export async function decideType(received: ReceivedFile, uploadedName: string): Promise<AcceptedType> {
  if (received.size === 0)
    throw new DomainError('invalid', 'empty_file', 'The file is empty', [
      { field: 'file', code: 'required', message: 'the file is empty' },
    ]);
  // Loaded at the first upload, not at start: only material uploads read file signatures.
  const { fileTypeFromFile } = await import('file-type');
  const detected = await fileTypeFromFile(received.tempPath);
  if (detected) {
    const accepted = ACCEPTED[detected.mime];
    if (!accepted) throw refused(detected.mime);
    return { contentType: detected.mime, ...accepted };
  }
  if (!received.utf8) throw refused('unknown binary data');
  const start = received.head.toString('utf8').replace(/^\uFEFF/, '');
  if (MARKUP.test(start.slice(0, 2048))) throw refused('HTML or XML markup');
  const named = /\.(csv|md|txt)$/i.exec(uploadedName)?.[1]?.toLowerCase();
  return { contentType: TEXT_TYPE, ext: named ?? 'txt', inline: false };
}
