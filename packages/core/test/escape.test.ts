import { describe, expect, it } from 'vitest';
import { LONE_SURROGATE } from '../../../tests/support/text.ts';
import { codePointLength, escapeHtml, isEmail, normaliseEmail, singleLine, truncate } from '../src/escape.ts';
import { composeMail } from '../src/outbox/compose.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });
  it('leaves other text alone', () => {
    expect(escapeHtml('Grön omställning – 100 % på Öland')).toBe('Grön omställning – 100 % på Öland');
  });
});

describe('singleLine', () => {
  it('turns CR, LF, tabs, NUL, DEL and Unicode line separators into single spaces', () => {
    expect(singleLine('a\r\nBcc: evil@x.se')).toBe('a Bcc: evil@x.se');
    expect(singleLine('a\u0000b\u007fc\td\u2028e\u2029f\u000bg')).toBe('a b c d e f g');
  });
  it('collapses runs of whitespace and trims', () => {
    expect(singleLine('  many    spaces \n\n here  ')).toBe('many spaces here');
  });
  it('cuts to maxLength characters, ending in an ellipsis', () => {
    const out = singleLine('x'.repeat(50), 10);
    expect(out).toHaveLength(10);
    expect(out).toBe(`${'x'.repeat(9)}…`);
    expect(singleLine('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });
  it('counts and cuts in code points: 200 emoji stay whole, 201 lose the last two to the ellipsis, no half is left', () => {
    expect(singleLine('🌱'.repeat(200), 200)).toBe('🌱'.repeat(200));
    const out = singleLine('🌱'.repeat(201), 200);
    expect(out).toBe(`${'🌱'.repeat(199)}…`);
    expect(out).not.toMatch(LONE_SURROGATE);
    // An odd budget of UTF-16 units fell in the middle of a pair before.
    for (const max of [2, 3, 10, 11]) expect(singleLine(`a${'🌱'.repeat(20)}`, max)).not.toMatch(LONE_SURROGATE);
  });
});

describe('codePointLength', () => {
  it('counts code points, as AJV does, where .length counts UTF-16 units', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('Grön')).toBe(4);
    const seedlings = '🌱'.repeat(200);
    expect(seedlings.length).toBe(400);
    expect(codePointLength(seedlings)).toBe(200);
    expect(codePointLength(`a🌱b👩‍🌾`)).toBe([...`a🌱b👩‍🌾`].length);
  });
  it('counts a lone surrogate as one', () => {
    expect(codePointLength('\uD83Cx\uDF31')).toBe(3);
  });
});

describe('truncate', () => {
  const mixed = `Å🌱b👩‍🌾 c${'🌾x'.repeat(5)}`;
  it('keeps a text within the limit as it is', () => {
    expect(truncate(mixed, codePointLength(mixed))).toBe(mixed);
    expect(truncate('🌱'.repeat(200), 200)).toBe('🌱'.repeat(200));
  });
  it('cuts at every length to a prefix of at most that many code points, never inside a pair', () => {
    for (let max = 0; max < codePointLength(mixed); max++) {
      const cut = truncate(mixed, max);
      expect(cut).not.toMatch(LONE_SURROGATE);
      expect(codePointLength(cut)).toBe(max);
      expect(mixed.startsWith(cut)).toBe(true);
    }
  });
  it('ends a cut text in the mark, counted in the limit', () => {
    expect(truncate('🌱'.repeat(201), 200, '…')).toBe(`${'🌱'.repeat(199)}…`);
    expect(truncate('x'.repeat(5), 3, '…')).toBe('xx…');
  });
});

describe('isEmail', () => {
  it.each(['a@example.se', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie", 'x@a-b.se'])('accepts %s', (e) => {
    expect(isEmail(e)).toBe(true);
  });
  it.each([
    '',
    'plain',
    'a@b',
    'a@.se',
    'a@-x.se',
    'a b@example.se',
    '<a@example.se>',
    '"quoted"@example.se',
    'a@example.se\r\nBcc: evil@x.se',
    'a@example.se\nBcc: evil@x.se',
    'a@example.se, evil@x.se',
    'a@@example.se',
    `${'a'.repeat(250)}@x.se`,
  ])('refuses %j', (e) => {
    expect(isEmail(e)).toBe(false);
  });
});

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Anna.Svensson@Example.SE \n')).toBe('anna.svensson@example.se');
  });
});

describe('composeMail', () => {
  it('escapes user text in the HTML part and keeps it verbatim in the text part', () => {
    const mail = composeMail('sv', {
      subject: 'Ämne <b>',
      greeting: 'Hej <script>alert(1)</script>!',
      paragraphs: ['rad 1\nrad 2 & "mer"'],
      action: { label: 'Öppna', url: 'https://x.se/?a=1&b="2"' },
      footer: 'Fot',
    });
    expect(mail.text).toContain('Hej <script>alert(1)</script>!');
    expect(mail.text).toContain('Öppna: https://x.se/?a=1&b="2"');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Hej &lt;script&gt;alert(1)&lt;/script&gt;!');
    expect(mail.html).toContain('<title>Ämne &lt;b&gt;</title>');
    expect(mail.html).toContain('rad 1<br>rad 2 &amp; &quot;mer&quot;');
    expect(mail.html).toContain('<a href="https://x.se/?a=1&amp;b=&quot;2&quot;">Öppna</a>');
    expect(mail.html).toContain('<html lang="sv">');
  });
});
