import { links } from '../links.ts';
import { composeMail, type ComposedMail, type Lang } from '../outbox/compose.ts';

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

const T = {
  sv: {
    subject: (t: string) => `Hur var ${t}? Fem minuter om ditt utbyte`,
    reminderSubject: (t: string) => `Påminnelse: hur var ${t}?`,
    greeting: (n: string | null) => (n ? `Hej ${n}!` : 'Hej!'),
    ask: (t: string, when: string) =>
      `Tack för att du deltog i ${t} (${when}). Arrangörerna vill gärna veta vad du fick ut av dagen: några korta frågor, ungefär fem minuter.`,
    reminder: (t: string) => `Vi saknar ditt svar om ${t}. Enkäten är öppen några dagar till; efter det får du inga fler mejl om den.`,
    anonymous: 'Svaret sparas utan koppling till dig: arrangörerna ser bara sammanställningen och de fria texterna.',
    optOut: (url: string) => `Vill du inte få enkäter från Samverka? Öppna ${url} och välj att avstå.`,
    action: 'Svara på enkäten',
    footer: 'Samverka – de gröna klustrens gemensamma plattform. Du får mejlet för att du deltog i evenemanget.',
  },
  en: {
    subject: (t: string) => `How was ${t}? Five minutes on what you got out of it`,
    reminderSubject: (t: string) => `Reminder: how was ${t}?`,
    greeting: (n: string | null) => (n ? `Hello ${n},` : 'Hello,'),
    ask: (t: string, when: string) =>
      `Thank you for taking part in ${t} (${when}). The organisers would like to know what the day gave you: a few short questions, about five minutes.`,
    reminder: (t: string) =>
      `We have not had your answer about ${t} yet. The survey is open a few more days; after that you get no more mail about it.`,
    anonymous: 'Your answer is stored without any link to you: the organisers see only the summary and the free texts.',
    optOut: (url: string) => `Rather not get surveys from Samverka? Open ${url} and choose to opt out.`,
    action: 'Answer the survey',
    footer: 'Samverka – the shared platform of the Swedish green clusters. You get this email because you took part in the event.',
  },
} as const;

/**
 * The survey mail (and its reminder) in the participant's language: a link to the form, what
 * happens to the answer, and how to get no more surveys.
 */
export function surveyMail(
  lang: Lang,
  input: { name: string | null; eventTitle: string; when: string; token: string; reminder: boolean },
): ComposedMail {
  const t = T[lang];
  const formUrl = feedbackLinks.form(input.token);
  return composeMail(lang, {
    subject: input.reminder ? t.reminderSubject(input.eventTitle) : t.subject(input.eventTitle),
    greeting: t.greeting(input.name),
    paragraphs: [input.reminder ? t.reminder(input.eventTitle) : t.ask(input.eventTitle, input.when), t.anonymous, t.optOut(formUrl)],
    action: { label: t.action, url: formUrl },
    footer: t.footer,
  });
}
