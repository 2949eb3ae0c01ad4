import { keptStatement, type Db, type Event } from '@samverka/db';
import { BoundedCache } from '../bounded-cache.ts';
import { eventInvitation, icsContexts } from '../feeds/feed-service.ts';
import type { FeedLang } from '../feeds/ics.ts';
import { platformSender } from '../platform-sender.ts';

/** What an iTIP message to one registrant says beyond its event: the method, the reader's link and the three parts that are theirs alone. */
export type InvitationParts = Parameters<typeof eventInvitation>[4];

/**
 * The parts a template is made with, standing in for the registrant's. The sequence and stamp
 * occur in no event's other lines (LAST-MODIFIED and CREATED are the event's own times), the
 * name and address in no other line, so each marks exactly the line it is replaced in.
 */
const STAND_IN = {
  attendee: { name: 'Samverka Template Attendee', email: 'template-attendee@samverka.invalid' },
  sequence: 2_147_480_011,
  now: new Date(Date.UTC(2001, 0, 2, 3, 4, 5)),
};

/**
 * One event's iTIP message cut into its folded content lines (each with its CRLF), and which
 * of them carry SEQUENCE, DTSTAMP and ATTENDEE; `attendeeHead` is the ATTENDEE line unfolded
 * up to where the name (CN) would begin.
 */
interface Template {
  lines: string[];
  sequence: number;
  stamp: number;
  attendee: number;
  attendeeHead: string;
}

/** DTSTAMP as ical-generator writes a UTC instant (RFC 5545 §3.3.5 form 2): whole seconds. */
function utcStamp(d: Date): string {
  return `${d.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/**
 * One content line folded as ical-generator folds it (RFC 5545 §3.1): a CRLF and a space
 * before the octet that would make a line longer than 74 octets; a UTF-16 high surrogate is
 * kept with the unit after it. The output is byte for byte what the library writes.
 */
function fold(line: string): string {
  let out = '';
  let octets = 0;
  for (let i = 0; i < line.length; i++) {
    let ch = line.charAt(i);
    if (ch >= '\ud800' && ch <= '\udbff') ch += line.charAt(++i);
    const size = ch.length === 1 && ch.charCodeAt(0) < 0x80 ? 1 : Buffer.byteLength(ch);
    octets += size;
    if (octets > 74) {
      out += '\r\n ';
      octets = size;
    }
    out += ch;
  }
  return `${out}\r\n`;
}

/** ical-generator's escaping of a parameter value in quotes (CN) or of a value (the MAILTO address). */
function icalEscape(text: string, inQuotes: boolean): string {
  return text.replace(inQuotes ? /[\\"]/g : /[\\;,]/g, (m) => `\\${m}`).replace(/(?:\r\n|\r|\n)/g, '\\n');
}

/** The message made with the stand-in parts, cut into lines; null if any of the three lines is not found exactly once. */
function makeTemplate(text: string): Template | null {
  const lines: string[] = [];
  const unfolded: string[] = [];
  for (const raw of text.split('\r\n')) {
    if (raw.startsWith(' ') && lines.length > 0) {
      lines[lines.length - 1] += `\r\n${raw}`;
      unfolded[unfolded.length - 1] += raw.slice(1);
    } else if (raw !== '') {
      lines.push(raw);
      unfolded.push(raw);
    }
  }
  const only = (match: (line: string) => boolean): number => {
    const found = unfolded.flatMap((line, i) => (match(line) ? [i] : []));
    return found.length === 1 ? found[0]! : -1;
  };
  const sequence = only((l) => l === `SEQUENCE:${STAND_IN.sequence}`);
  const stamp = only((l) => l === `DTSTAMP:${utcStamp(STAND_IN.now)}`);
  const tail = `;CN="${STAND_IN.attendee.name}":MAILTO:${STAND_IN.attendee.email}`;
  const attendee = only((l) => l.startsWith('ATTENDEE') && l.endsWith(tail));
  if (sequence < 0 || stamp < 0 || attendee < 0 || text.includes(STAND_IN.attendee.email, text.indexOf(STAND_IN.attendee.email) + 1))
    return null;
  return {
    lines: lines.map((l) => `${l}\r\n`),
    sequence,
    stamp,
    attendee,
    attendeeHead: unfolded[attendee]!.slice(0, -tail.length),
  };
}

/**
 * The iTIP message (RFC 5546 REQUEST or CANCEL) eventInvitation makes for one registrant, the
 * same text byte for byte, made once per event state instead of once per registrant: what the
 * event, its organisers, county and themes, the language, the site's address, the sender, the
 * method and the meeting-link choice give is kept, and only SEQUENCE, DTSTAMP and ATTENDEE are
 * written for each message (a burst of registrations for one event writes hundreds). The key
 * holds the whole event row, so any change to the event (a new revision, a new title, a new
 * time) makes a new template; nothing older than what the caller passes is ever sent.
 */
export function registrantInvitation(db: Db, e: Event, lang: FeedLang, publicUrl: string, parts: InvitationParts): string {
  const ctx = icsContexts(db, [e], lang, (id) => `${publicUrl}/evenemang/${id}`).get(e.id);
  const key = JSON.stringify([e, ctx, lang, publicUrl, parts.method, parts.withLink ?? false, platformSender()]);
  // Kept per connection as its statements are (a transaction shares its database's); null: the
  // message did not cut as expected, so it is made whole each time.
  const kept = keptStatement(db, 'registrations.invitationTemplates', () => new BoundedCache<Template | null>(200, 4_000_000));
  let template = kept.get(key);
  if (template === undefined) {
    const text = eventInvitation(db, e, lang, publicUrl, { ...parts, ...STAND_IN });
    template = makeTemplate(text);
    kept.set(key, template, key.length + text.length * 2);
  }
  if (template === null) return eventInvitation(db, e, lang, publicUrl, parts);
  const lines = [...template.lines];
  lines[template.sequence] = fold(`SEQUENCE:${parts.sequence}`);
  lines[template.stamp] = fold(`DTSTAMP:${utcStamp(parts.now)}`);
  // The name as the feed writes CN (quotes and backslashes made plain, see ics.ts), none when empty.
  const name = parts.attendee.name.replace(/"/g, "'").replace(/\\/g, '/');
  lines[template.attendee] = fold(
    `${template.attendeeHead}${name ? `;CN="${icalEscape(name, true)}"` : ''}:MAILTO:${icalEscape(parts.attendee.email, false)}`,
  );
  return lines.join('');
}
