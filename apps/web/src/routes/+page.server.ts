import { homeToday } from '$lib/datetime';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals }) => {
  const [clusters, themes, start] = await Promise.all([locals.api.clusters.list(), locals.api.reference.themes(), locals.api.start()]);
  if (!clusters.ok) errorPage(clusters.error, locals.lang);
  if (!themes.ok) errorPage(themes.error, locals.lang);
  if (!start.ok) errorPage(start.error, locals.lang);
  return {
    clusterCount: clusters.data.length,
    themes: themes.data,
    start: start.data,
    today: homeToday(),
  };
};
