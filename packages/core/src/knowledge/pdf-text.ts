import { readFile } from 'node:fs/promises';

/** Enough for a long report; the knowledge bank indexes words, not whole books. */
const MAX_PAGES = 300;
const MAX_CHARS = 300_000;

/**
 * The text inside a PDF, for the knowledge bank's search, extracted once at upload with
 * pdfjs-dist (the legacy build, which runs on Node.js 20; 5.7 and later need 22.13). A PDF that
 * cannot be read (encrypted, damaged) gives '' rather than failing the upload: it is still a PDF.
 * Reads the file from disk; the 20 MB limit bounds what is held while reading it.
 */
export async function extractPdfText(path: string): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const data = new Uint8Array(await readFile(path));
  // verbosity 0: no console warnings about fonts pdfjs would only need for drawing.
  const task = getDocument({ data, isEvalSupported: false, useSystemFonts: false, verbosity: 0, stopAtErrors: false });
  try {
    const doc = await task.promise;
    const parts: string[] = [];
    let length = 0;
    for (let n = 1; n <= Math.min(doc.numPages, MAX_PAGES) && length < MAX_CHARS; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      page.cleanup();
      if (text) {
        parts.push(text);
        length += text.length + 1;
      }
    }
    return parts.join('\n').slice(0, MAX_CHARS);
  } catch {
    return '';
  } finally {
    await task.destroy();
  }
}
