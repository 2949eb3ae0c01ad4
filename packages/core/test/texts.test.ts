import { events, type Event } from '@samverka/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelEvent, createEvent, publishEvent } from '../src/events/event-service.ts';
import { setPublicUrl } from '../src/links.ts';
import { announcementMail } from '../src/mailings/announcement-service.ts';
import { newsletterMail } from '../src/mailings/newsletter-service.ts';
import { alreadySubscribedMail, confirmSubscriptionMail } from '../src/mailings/subscription-service.ts';
import { accountInvitationMail, loginLinkMail, type ComposedMail } from '../src/outbox/compose.ts';
import { pollDecidedMail } from '../src/polls/poll-service.ts';
import { registrationMail, type RegistrationMailKind } from '../src/registrations/registration-mail.ts';
import { en } from '../src/texts/en.ts';
import { LANGS, textsFor, type Lang } from '../src/texts/index.ts';
import { sv } from '../src/texts/sv.ts';
import { eventInput, freshDb, insertActor, type TestDb } from '../../../tests/support/fixtures.ts';

/** Every leaf of a catalogue by its dotted path: 'string' or 'function/<number of parameters>'. */
function leaves(node: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof node === 'string') out.set(path, 'string');
  else if (typeof node === 'function') out.set(path, `function/${node.length}`);
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) for (const [p, kind] of leaves(value, path ? `${path}.${key}` : key)) out.set(p, kind);
  else out.set(path, typeof node);
  return out;
}

/** Every string leaf with its path. */
function strings(node: unknown, path = ''): [string, string][] {
  if (typeof node === 'string') return [[path, node]];
  if (node && typeof node === 'object' && typeof node !== 'function')
    return Object.entries(node).flatMap(([key, value]) => strings(value, path ? `${path}.${key}` : key));
  return [];
}

describe('the text catalogues', () => {
  it('Swedish and English have the same keys, each a string or a function of as many parameters', () => {
    const svLeaves = leaves(sv);
    const enLeaves = leaves(en);
    expect([...enLeaves.keys()].sort()).toEqual([...svLeaves.keys()].sort());
    for (const [path, kind] of svLeaves) expect(enLeaves.get(path), path).toBe(kind);
    // Something to compare: the catalogues are not empty, and they hold texts with parameters.
    expect(svLeaves.size).toBeGreaterThan(50);
    expect([...svLeaves.values()].filter((k) => k.startsWith('function/')).length).toBeGreaterThan(10);
  });

  it('no text is empty or only spaces', () => {
    for (const [lang, catalogue] of [
      ['sv', sv],
      ['en', en],
    ] as const)
      for (const [path, text] of strings(catalogue)) expect(text.trim(), `${lang}: ${path}`).not.toBe('');
  });

  it('textsFor gives each language its own catalogue', () => {
    expect(textsFor('sv')).toBe(sv);
    expect(textsFor('en')).toBe(en);
    expect(LANGS).toEqual(['sv', 'en']);
  });
});

describe('every mail kind renders in both languages', () => {
  let t: TestDb;
  let event: Event;
  let cancelled: Event;
  beforeAll(() => {
    setPublicUrl('https://samverka.test');
    t = freshDb();
    const lead = insertActor(t.db, { coordinatorOf: ['agro-orebro'] });
    const input = eventInput({ address: 'Skolvägen 1, Örebro', description: 'Om **brunnar** och regnvatten.' });
    const row = (id: number) => t.db.select().from(events).where(eq(events.id, id)).get()!;
    const a = createEvent(t.db, lead, input).event.id;
    publishEvent(t.db, lead, a);
    event = row(a);
    const b = createEvent(t.db, lead, { ...input, title: 'Markdagen' }).event.id;
    publishEvent(t.db, lead, b);
    cancelEvent(t.db, lead, b, 'För få anmälda');
    cancelled = row(b);
  });
  afterAll(() => t.dispose());

  const registrationKinds: Record<RegistrationMailKind, true> = {
    confirmed: true,
    waitlisted: true,
    promoted: true,
    cancelled_by_participant: true,
    event_changed: true,
    event_cancelled: true,
    reminder: true,
    organiser_message: true,
    cancellation_message: true,
    link_changed: true,
    manage_link: true,
    withdrawn: true,
  };

  function mails(lang: Lang): Record<string, ComposedMail> {
    const registration = Object.fromEntries(
      (Object.keys(registrationKinds) as RegistrationMailKind[]).map((kind) => [
        `registration ${kind}`,
        registrationMail({
          kind,
          event: kind === 'event_cancelled' ? cancelled : event,
          registration: { name: 'Alva', language: lang, status: 'confirmed' },
          manageUrl: 'https://samverka.test/anmalan/abc',
          eventUrl: 'https://samverka.test/evenemang/1',
          position: 3,
          when: '10 mars 2031 09:00 – 12:00 (Europe/Stockholm)',
          where: 'Lantbruksskolan, Skolvägen 1, Örebro',
          message: { subject: 'Parkering', body: 'Parkera vid ladan.' },
        }),
      ]),
    );
    const issue = { subject: 'Nyhetsbrev i juni', text: 'Nyhetsbrev i juni\n\nText.', html: '<html><body><p>Text.</p></body></html>' };
    return {
      ...registration,
      'login link': loginLinkMail(lang, 'Alva', 'https://samverka.test/logga-in/lank?token=abc', 20),
      'account invitation': accountInvitationMail(lang, 'Alva', 'https://samverka.test/logga-in/lank?token=abc', 7),
      'subscription confirmation': confirmSubscriptionMail(lang, 'https://samverka.test/prenumeration/bekrafta?token=abc'),
      'already subscribed': alreadySubscribedMail(lang, 'https://samverka.test/prenumeration/abc'),
      announcement: announcementMail(event, lang, 'abc', 'Agro Örebro'),
      newsletter: newsletterMail(issue, lang, 'abc'),
      'poll decided': pollDecidedMail(lang, {
        name: 'Alva',
        title: 'Planeringsmöte',
        start: new Date('2030-05-01T08:00:00Z'),
        timeZone: 'Europe/Stockholm',
        eventId: 7,
      }),
    };
  }

  for (const lang of ['sv', 'en'] as const)
    it(`in ${lang}: subject, text and HTML without "undefined", "[object" or "NaN"`, () => {
      const all = mails(lang);
      expect(Object.keys(all)).toHaveLength(Object.keys(registrationKinds).length + 7);
      for (const [kind, mail] of Object.entries(all)) {
        for (const part of ['subject', 'text', 'html'] as const) {
          expect(mail[part].trim(), `${kind} ${part}`).not.toBe('');
          expect(mail[part], `${kind} ${part}`).not.toMatch(/undefined|\[object|NaN/);
        }
        expect(mail.subject, kind).not.toMatch(/[\r\n]/);
      }
    });

  it('each mail is in the language asked for: the Swedish and English versions differ', () => {
    const svMails = mails('sv');
    const enMails = mails('en');
    for (const kind of Object.keys(svMails)) {
      expect(enMails[kind]!.text, kind).not.toBe(svMails[kind]!.text);
      // Composed mails declare their language; the newsletter keeps the language of the issue.
      if (kind !== 'newsletter') {
        expect(svMails[kind]!.html, kind).toContain('<html lang="sv">');
        expect(enMails[kind]!.html, kind).toContain('<html lang="en">');
      }
    }
  });
});
