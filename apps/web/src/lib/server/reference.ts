import { getRequestEvent } from '$app/server';
import type { Lang } from '$lib/i18n';
import type { Api, Theme } from './api.ts';
import { errorPage } from './field-errors.ts';

export interface Option {
  value: string;
  label: string;
}

export interface Reference {
  themes: Theme[];
  counties: Option[];
  clusters: Option[];
}

/**
 * Themes, counties and clusters fill every filter and form select. They are the same for every
 * visitor and change rarely (themes and counties never, a cluster's name when it is edited), so
 * one copy is kept for a short while instead of asking the API on every page view; the
 * calendar then costs one API call for its events.
 */
const TTL_MS = 30_000;
let cached: { at: number; value: Reference } | null = null;

export async function reference(api: Api): Promise<Reference> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
  const [themes, counties] = await Promise.all([api.reference.themes(), api.reference.counties()]);
  // Called from many loads that pass only the API client: the reader's language comes from the request.
  if (!themes.ok) errorPage(themes.error, getRequestEvent().locals.lang);
  if (!counties.ok) errorPage(counties.error, getRequestEvent().locals.lang);
  const clusters = counties.data
    .flatMap((c) => c.clusters)
    .map((c) => ({ value: c.slug, label: c.name }))
    .sort((a, b) => a.label.localeCompare(b.label, 'sv'));
  const value: Reference = { themes: themes.data, counties: counties.data.map((c) => ({ value: c.slug, label: c.name })), clusters };
  cached = { at: Date.now(), value };
  return value;
}

/** Forget the copy, after a change this process made (a renamed cluster). */
export function forgetReference(): void {
  cached = null;
}

export function themeOptions(themes: readonly Theme[], lang: Lang): Option[] {
  return themes.map((t) => ({ value: t.slug, label: lang === 'sv' ? t.nameSv : t.nameEn }));
}

export function themeNames(themes: readonly Theme[], lang: Lang): Record<string, string> {
  return Object.fromEntries(themes.map((t) => [t.slug, lang === 'sv' ? t.nameSv : t.nameEn]));
}
