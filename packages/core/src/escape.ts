import { codePointLength, LIMITS } from '@samverka/contracts';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// The counting rule lives beside LIMITS, so that the web forms count as core and the API do.
export { codePointLength };

/**
 * The text cut to at most `max` code points, never between the two halves of a surrogate pair
 * (which would leave a lone surrogate: U+FFFD in UTF-8, an invalid string in JSON and mail).
 * When cut, `mark` (say '…') ends the text and counts in `max`.
 */
export function truncate(text: string, max: number, mark = ''): string {
  if (text.length <= max || codePointLength(text) <= max) return text;
  let keep = Math.max(0, max - codePointLength(mark));
  let end = 0;
  // The string iterator steps by code point: a pair is taken whole or not at all.
  for (const c of text) {
    if (keep-- === 0) break;
    end += c.length;
  }
  return `${text.slice(0, end)}${mark}`;
}

/**
 * Removes line breaks and other control characters: for values that end up in one-line places
 * (mail headers). Longer than `maxLength` code points, the text is cut and ends in '…'.
 */
export function singleLine(text: string, maxLength: number = LIMITS.title): string {
  const flat = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this removes
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(flat, maxLength, '…');
}

// A deliberately strict address shape: one local part, one domain with a dot, no spaces,
// quotes, angle brackets or line breaks (which could smuggle extra headers or recipients).
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isEmail(value: string): boolean {
  return value.length <= LIMITS.email && EMAIL.test(value);
}

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}
