import { links } from '../links.ts';
import { composeMail, type ComposedMail } from '../outbox/compose.ts';
import { textsFor, type Lang } from '../texts/index.ts';

export const feedbackLinks = {
  /** The survey page (apps/web/src/routes/aterkoppling/[token]). */
  form: (token: string) => `${links.base}/aterkoppling/${token}`,
  /** RFC 8058 one-click endpoint: no more surveys to this address. */
  optOut: (token: string) => `${links.base}/api/feedback/${token}/opt-out`,
};

/** RFC 2369 List-Unsubscribe with RFC 8058 one-click, so mail programs offer "no more surveys" themselves. */
export function optOutHeaders(token: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${feedbackLinks.optOut(token)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/**
 * The survey mail (and its reminder) in the participant's language: a link to the form, what
 * happens to the answer, and how to get no more surveys.
 */
export function surveyMail(
  lang: Lang,
  input: { name: string | null; eventTitle: string; when: string; token: string; reminder: boolean },
): ComposedMail {
  const t = textsFor(lang).mail.feedback;
  const formUrl = feedbackLinks.form(input.token);
  return composeMail(lang, {
    subject: input.reminder ? t.reminderSubject(input.eventTitle) : t.subject(input.eventTitle),
    greeting: t.greeting(input.name),
    paragraphs: [input.reminder ? t.reminder(input.eventTitle) : t.ask(input.eventTitle, input.when), t.anonymous, t.optOut(formUrl)],
    action: { label: t.action, url: formUrl },
    footer: t.footer,
  });
}
