import { getContext, setContext } from 'svelte';
import { en } from './en.ts';
import { sv, type Messages } from './sv.ts';

export type Lang = 'sv' | 'en';
export type { Messages };

export const LANGS: readonly Lang[] = ['sv', 'en'];
export const catalogues: Record<Lang, Messages> = { sv, en };

export function isLang(value: unknown): value is Lang {
  return value === 'sv' || value === 'en';
}

const KEY = Symbol('i18n');

/** Called once in the root layout; components read the messages with useMessages(). */
export function provideMessages(get: () => Lang): void {
  setContext(KEY, get);
}

export function useMessages(): Messages {
  const get = getContext<() => Lang>(KEY);
  return catalogues[get()];
}

/** The page's language, for formatting dates and choosing names in components. */
export function useLang(): Lang {
  return getContext<() => Lang>(KEY)();
}

/** Date and time in the reader's language, in Swedish time unless told otherwise. */
export function formatDateTime(iso: string, lang: Lang, timeZone = 'Europe/Stockholm'): string {
  return new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );
}
