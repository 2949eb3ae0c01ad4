import { describe, expect, it } from 'vitest';
import { markdownToText, renderMarkdown } from '../src/markdown.ts';

/** Whatever the author typed, none of these may reach the page. */
function assertHarmless(html: string) {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<style/i);
  expect(html).not.toMatch(/<(iframe|object|embed|svg|math|img|form|input|button|link|meta|base)\b/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/\sstyle\s*=/i);
  expect(html).not.toMatch(/\ssrc\s*=/i);
  expect(html).not.toMatch(/javascript:|vbscript:|data:/i);
  // Every href that survives is a web or mail address.
  for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^(https?:\/\/|mailto:)/);
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
  'text<script>alert(1)</script>more',
  '<img src=x onerror=alert(1)>',
  '![bild](javascript:alert(1))',
  '![bild](https://evil.example/track.png)',
  '<svg onload=alert(1)>',
  '<p onclick="alert(1)" style="color:red">hej</p>',
  '<a href="https://ok.se" onmouseover="alert(1)">länk</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<style>body{display:none}</style>',
  '<iframe src="https://evil.example"></iframe>',
  '<object data="x.swf"></object>',
  '<form action="https://evil.example"><input name=p><button>Skicka</button></form>',
  '[klick](javascript:alert(1))',
  '[klick](JaVaScRiPt:alert(1))',
  '[klick](jav&#x61;script:alert(1))',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '[a](<javascript:alert(1)>)',
  '[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<a href="vbscript:msgbox(1)">x</a>',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '<a href="//evil.example">protokoll-relativ</a>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<!--<img src=x onerror=alert(1)>-->',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<base href="https://evil.example/">',
  '<details open ontoggle=alert(1)>',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
];

describe('renderMarkdown', () => {
  it.each(HOSTILE)('makes %j harmless', (markdown) => {
    assertHarmless(renderMarkdown(markdown));
  });

  it('drops the content of scripts and styles, not just the tags', () => {
    expect(renderMarkdown('före<script>alert("x")</script>efter')).not.toContain('alert');
    expect(renderMarkdown('<style>body{display:none}</style>text')).not.toContain('display');
  });

  it('shows code as text', () => {
    expect(renderMarkdown('`<script>`')).toBe('<p><code>&lt;script&gt;</code></p>\n');
  });

  it('keeps the formatting organisers use', () => {
    const html = renderMarkdown('## Program\n\n**Fika** och *samtal*\n\n- ett\n- två\n\n1. a\n\n> citat\n\n~~struket~~\n\n---');
    for (const tag of [
      '<h2>Program</h2>',
      '<strong>Fika</strong>',
      '<em>samtal</em>',
      '<ul>',
      '<li>ett</li>',
      '<ol>',
      '<blockquote>',
      '<del>struket</del>',
      '<hr />',
    ])
      expect(html).toContain(tag);
  });

  it('turns h1 into h2: the page heading is the event title', () => {
    expect(renderMarkdown('# Rubrik')).toBe('<h2>Rubrik</h2>\n');
  });

  it('keeps tables', () => {
    expect(renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |')).toMatch(/<table>[\s\S]*<td>1<\/td>[\s\S]*<\/table>/);
  });

  it('keeps web and mail links with rel="noopener noreferrer nofollow", replacing any rel the author wrote', () => {
    expect(renderMarkdown('[Program](https://froda.se/program "Dagens program")')).toBe(
      '<p><a href="https://froda.se/program" title="Dagens program" rel="noopener noreferrer nofollow">Program</a></p>\n',
    );
    expect(renderMarkdown('<mailto:info@froda.se>')).toContain('href="mailto:info@froda.se"');
    const html = renderMarkdown('<a href="https://ok.se" rel="opener" target="_blank">x</a>');
    expect(html).toBe('<p><a href="https://ok.se" rel="noopener noreferrer nofollow">x</a></p>\n');
  });

  it('keeps line breaks within a paragraph and Swedish text as is', () => {
    expect(renderMarkdown('Rad ett\nRad två: åäö ÅÄÖ')).toBe('<p>Rad ett<br />Rad två: åäö ÅÄÖ</p>\n');
  });

  it('is empty for empty input', () => {
    expect(renderMarkdown('')).toBe('');
  });
});

describe('markdownToText', () => {
  it('gives the text without markup, with links as URLs and list bullets', () => {
    expect(markdownToText('# Rubrik\n\nHej **du** & [länk](https://x.se/a?b=1&c=2)\n\n- ett\n- två')).toBe(
      'Rubrik\n\nHej du & länk (https://x.se/a?b=1&c=2)\n\n• ett\n\n• två',
    );
  });

  it('writes a bare URL once', () => {
    expect(markdownToText('Se <https://froda.se>')).toBe('Se https://froda.se');
  });

  it('decodes entities once: text stays the text the author wrote', () => {
    expect(markdownToText('5 < 6 & "citat" \'enkel\'')).toBe('5 < 6 & "citat" \'enkel\'');
    expect(markdownToText('&amp;lt;')).toBe('&lt;');
  });

  it('drops raw HTML, and the content of scripts and styles', () => {
    const text = markdownToText('före <b>fet</b> <script>alert(1)</script><style>p{}</style> efter');
    expect(text).toBe('före fet  efter');
  });

  it('keeps paragraphs apart, at most one blank line between them', () => {
    expect(markdownToText('ett\n\n\n\n\ntvå')).toBe('ett\n\ntvå');
  });
});
