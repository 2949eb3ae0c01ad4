import { LIMITS } from '@samverka/contracts';
import { catalogues } from '$lib/i18n';
import type { Clash } from '$lib/server/api';
import { idParam } from '$lib/server/ids';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const id = idParam(params.id);
  const res = await locals.api.series.get(id);
  if (!res.ok) errorPage(res.error, locals.lang, res.status === 400 ? 404 : res.status);
  const series = res.data;
  const done = url.searchParams.get('klart') ?? '';
  let clashes: (Clash & { occurrence: number })[] = [];
  const first = series.occurrences[0];
  const last = series.occurrences.at(-1);
  if (url.searchParams.get('krockar') === '1' && first && last) {
    // Every occurrence lasts as long as the first; one list call covers the whole series.
    const one = await locals.api.events.get(first.id);
    if (one.ok) {
      const length = Date.parse(one.data.endsAt) - Date.parse(one.data.startsAt);
      const to = new Date(Date.parse(last.startsAt) + length).toISOString();
      const others = await locals.api.events.list({ from: first.startsAt, to, status: 'published', limit: LIMITS.pageSize.max });
      const own = new Set(series.occurrences.map((o) => o.id));
      if (others.ok) {
        clashes = others.data.events.flatMap((e) => {
          if (own.has(e.id)) return [];
          const hit = series.occurrences.find(
            (o) => Date.parse(e.startsAt) < Date.parse(o.startsAt) + length && Date.parse(e.endsAt) > Date.parse(o.startsAt),
          );
          return hit ? [{ id: e.id, title: e.title, startsAt: e.startsAt, endsAt: e.endsAt, lead: e.lead.name, occurrence: hit.id }] : [];
        });
      }
    }
  }
  return { series, clashes, done: Object.hasOwn(catalogues[locals.lang].done, done) ? done : null };
};
