import { escapeHtml } from '../escape.ts';

export type Lang = 'sv' | 'en';

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

interface MailBody {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}

/** One layout for every mail: the same content as plain text and as simple, escaped HTML. */
export function composeMail(lang: Lang, body: MailBody): ComposedMail {
  const text = [
    body.greeting,
    '',
    ...body.paragraphs.flatMap((p) => [p, '']),
    ...(body.action ? [`${body.action.label}: ${body.action.url}`, ''] : []),
    '--',
    body.footer,
  ].join('\n');
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(body.subject)}</title></head><body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a">
<p>${escapeHtml(body.greeting)}</p>
${body.paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n')}
${body.action ? `<p><a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.label)}</a></p>` : ''}
<hr><p style="font-size:0.9em;color:#444">${escapeHtml(body.footer)}</p></body></html>`;
  return { subject: body.subject, text, html };
}

const FOOTER: Record<Lang, string> = {
  sv: 'Samverka – de gröna klustrens gemensamma plattform.',
  en: 'Samverka – the shared platform of the Swedish green clusters.',
};

export function loginLinkMail(lang: Lang, name: string, url: string, validMinutes: number): ComposedMail {
  return lang === 'sv'
    ? composeMail(lang, {
        subject: 'Din inloggningslänk till Samverka',
        greeting: `Hej ${name}!`,
        paragraphs: [
          `Använd länken nedan för att logga in. Den gäller i ${validMinutes} minuter och kan bara användas en gång.`,
          'Om du inte bad om länken kan du bortse från det här mejlet.',
        ],
        action: { label: 'Logga in', url },
        footer: FOOTER.sv,
      })
    : composeMail(lang, {
        subject: 'Your login link for Samverka',
        greeting: `Hello ${name},`,
        paragraphs: [
          `Use the link below to log in. It is valid for ${validMinutes} minutes and works once.`,
          'If you did not ask for it, you can ignore this email.',
        ],
        action: { label: 'Log in', url },
        footer: FOOTER.en,
      });
}

export function accountInvitationMail(lang: Lang, name: string, url: string, validDays: number): ComposedMail {
  return lang === 'sv'
    ? composeMail(lang, {
        subject: 'Du är inbjuden till Samverka',
        greeting: `Hej ${name}!`,
        paragraphs: [
          `Nätverkets sekretariat har lagt till dig i Samverka. Länken nedan loggar in dig; den gäller i ${validDays} dagar. Därefter kan du välja ett lösenord under "Mitt konto".`,
        ],
        action: { label: 'Logga in första gången', url },
        footer: FOOTER.sv,
      })
    : composeMail(lang, {
        subject: 'You are invited to Samverka',
        greeting: `Hello ${name},`,
        paragraphs: [
          `The network secretariat has added you to Samverka. The link below logs you in; it is valid for ${validDays} days. You can then choose a password under "My account".`,
        ],
        action: { label: 'Log in for the first time', url },
        footer: FOOTER.en,
      });
}
