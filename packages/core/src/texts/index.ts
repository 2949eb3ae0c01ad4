import { en } from './en.ts';
import { sv, type Texts } from './sv.ts';

/** The languages people can choose for mail and feeds (users, registrations, subscribers, `lang=`). */
export type Lang = 'sv' | 'en';
export type { Texts };

export const LANGS: readonly Lang[] = ['sv', 'en'];

const catalogues: Record<Lang, Texts> = { sv, en };

/** The catalogue of everything core writes for people in `lang` (sv.ts is the source of truth, en.ts mirrors it). */
export function textsFor(lang: Lang): Texts {
  return catalogues[lang];
}
