import { isEventKind } from '$lib/event-form';
import { reference, themeNames, themeOptions } from '$lib/server/reference';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';
import { pageParam } from '$lib/paging';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The knowledge bank: search and filters in the URL (Swedish names), so a search can be shared. */
export const load: PageServerLoad = async ({ locals, url }) => {
  const sp = url.searchParams;
  const slug = (name: string) => (SLUG.test(sp.get(name) ?? '') ? sp.get(name)! : '');
  const kind = sp.get('typ') ?? '';
  const year = /^\d{4}$/.test(sp.get('ar') ?? '') ? Number(sp.get('ar')) : undefined;
  const page = pageParam(url);
  const filters = {
    q: (sp.get('q') ?? '').slice(0, 200),
    tema: slug('tema'),
    kluster: slug('kluster'),
    lan: slug('lan'),
    typ: isEventKind(kind) ? kind : '',
    ar: year ? String(year) : '',
  };
  const [ref, res] = await Promise.all([
    reference(locals.api),
    locals.api.knowledge.search({
      q: filters.q || undefined,
      theme: filters.tema || undefined,
      cluster: filters.kluster || undefined,
      county: filters.lan || undefined,
      kind: isEventKind(kind) ? kind : undefined,
      year: year && year >= 2000 && year <= 2100 ? year : undefined,
      page,
      limit: 20,
    }),
  ]);
  // An unknown theme, cluster or county finds nothing rather than an error page.
  if (!res.ok && res.status !== 404 && res.status !== 400) errorPage(res.error, locals.lang, res.status);
  return {
    filters,
    result: res.ok ? res.data : { entries: [], total: 0, page: 1, pages: 0, years: [] },
    themes: themeOptions(ref.themes, locals.lang),
    themeNames: themeNames(ref.themes, locals.lang),
    clusters: ref.clusters,
    counties: ref.counties,
  };
};
