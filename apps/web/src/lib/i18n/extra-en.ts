import type { svExtra } from './extra-sv.ts';

/** English for extra-sv.ts; `satisfies` makes a missing or misnamed key a compile error. */
export const enExtra = {
  fieldSummaryEn: 'Short description in English (optional)',
  summaryEnHint: 'Shown on the English pages. Without it they show the Swedish one.',
} satisfies typeof svExtra;
