import { getRequestEvent } from '$app/server';
import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { errorPage } from './field-errors.ts';
import type { Api } from './api.ts';

/** The scope names in the embed's address (Swedish, as the site's other addresses are). */
const SCOPES = { kluster: 'cluster', tema: 'theme', lan: 'county' } as const;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * What an embed shows: the next events of the network, or of one cluster, theme or county
 * (`/inbaddning/kluster/agro-orebro`), at most `antal` (default 6, 1–20). Kept five minutes by
 * caches, since every visit to the cluster's own site loads it.
 */
export async function loadEmbed(api: Api, url: URL, setHeaders: (h: Record<string, string>) => void, typ?: string, slug?: string) {
  const scope =
    typ === undefined ? {} : Object.hasOwn(SCOPES, typ) && SLUG.test(slug ?? '') ? { [SCOPES[typ as keyof typeof SCOPES]]: slug } : null;
  if (!scope) error(404, catalogues[getRequestEvent().locals.lang].notFoundTitle);
  const n = Number(url.searchParams.get('antal') ?? 6);
  const res = await api.knowledge.embed({ ...scope, limit: Number.isInteger(n) && n >= 1 && n <= 20 ? n : 6 });
  if (!res.ok) errorPage(res.error, getRequestEvent().locals.lang, res.status === 400 ? 404 : res.status);
  setHeaders({ 'cache-control': 'public, max-age=300' });
  return { listing: res.data };
}
