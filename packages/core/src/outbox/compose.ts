import { escapeHtml } from '../escape.ts';
import { textsFor, type Lang } from '../texts/index.ts';

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

/** The mail with a one-time login link (auth-service); `validMinutes` is how long the link works. */
export function loginLinkMail(lang: Lang, name: string, url: string, validMinutes: number): ComposedMail {
  const t = textsFor(lang);
  const m = t.mail.account.loginLink;
  return composeMail(lang, {
    subject: m.subject,
    greeting: t.mail.greeting(name),
    paragraphs: [m.body(validMinutes), m.notAsked],
    action: { label: m.action, url },
    footer: t.mail.footer,
  });
}

/** The mail to a person an admin added (users-service); the link logs them in for `validDays` days. */
export function accountInvitationMail(lang: Lang, name: string, url: string, validDays: number): ComposedMail {
  const t = textsFor(lang);
  const m = t.mail.account.invitation;
  return composeMail(lang, {
    subject: m.subject,
    greeting: t.mail.greeting(name),
    paragraphs: [m.body(validDays)],
    action: { label: m.action, url },
    footer: t.mail.footer,
  });
}
