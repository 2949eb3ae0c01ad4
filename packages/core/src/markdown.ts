import { createRequire } from 'node:module';
import { Marked } from 'marked';
import type SanitizeHtml from 'sanitize-html';
import { BoundedCache } from './bounded-cache.ts';

// sanitize-html (CommonJS, with htmlparser2 and postcss about 2 MB of heap) is required when the
// first Markdown is rendered, not at start: the API, the calendar and the feeds' cached answers
// never need it.
const requireAtUse = createRequire(import.meta.url);
let loadedSanitizer: typeof SanitizeHtml | undefined;
function sanitizer(): typeof SanitizeHtml {
  loadedSanitizer ??= requireAtUse('sanitize-html') as typeof SanitizeHtml;
  return loadedSanitizer;
}

const marked = new Marked({ gfm: true, breaks: true, async: false });

/**
 * Markdown to HTML that is safe to put in a page: marked renders, sanitize-html keeps only an
 * allow-list of tags and attributes, so scripts, event handlers, styles and javascript: or
 * data: links never survive, whatever the organisers type.
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  const sanitizeHtml = sanitizer();
  return sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'strong',
      'em',
      'b',
      'i',
      'a',
      'ul',
      'ol',
      'li',
      'blockquote',
      'code',
      'pre',
      'h2',
      'h3',
      'h4',
      'hr',
      'del',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
    // rel is allowed only so that the transform below can set it; any rel the author wrote is replaced.
    allowedAttributes: { a: ['href', 'title', 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    // Headings in user text start at h2: the page's h1 is the event title.
    transformTags: { h1: 'h2', a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }, true) },
  });
}

/**
 * Rendered texts kept (see renderMarkdownKept): a busy site shows far fewer distinct texts than
 * 500; 8 MB bounds what long texts may hold (a JS string holds 2 bytes a character).
 */
const kept = new BoundedCache<string>(500, 8 * 1024 * 1024);

/**
 * renderMarkdown(markdown), kept for the next call with the same text: a page shown again and
 * again (an event's description, its documentation) renders its Markdown once instead of on
 * every request, which cost more than the rest of the answer. Keyed by the text itself, so an
 * edited text is a new entry and a kept answer is never stale; the texts kept longest ago go
 * first beyond the cache's bounds.
 */
export function renderMarkdownKept(markdown: string): string {
  let html = kept.get(markdown);
  if (html === undefined) {
    html = renderMarkdown(markdown);
    kept.set(markdown, html, 2 * (markdown.length + html.length));
  }
  return html;
}

/** Markdown as plain text (for ICS DESCRIPTION, mail text): the rendered text without markup, links kept as URLs. */
export function markdownToText(markdown: string): string {
  const html = marked.parse(markdown) as string;
  const withLinks = html.replace(/<a [^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gi, (_m, href: string, text: string) =>
    text === href ? href : `${text} (${href})`,
  );
  const text = sanitizer()(
    withLinks
      .replace(/<\/(p|h\d|li|blockquote|pre|tr)>/gi, '\n')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li>/gi, '• '),
    { allowedTags: [], allowedAttributes: {} },
  );
  return decodeEntities(text)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}
