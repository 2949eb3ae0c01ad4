import { error } from '@sveltejs/kit';
import { homeToday } from '$lib/datetime';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const [clusters, themes, start] = await Promise.all([locals.api.clusters.list(), locals.api.reference.themes(), locals.api.start()]);
  if (!clusters.ok) error(clusters.status, clusters.error.message);
  if (!themes.ok) error(themes.status, themes.error.message);
  if (!start.ok) error(start.status, start.error.message);
  return {
    clusterCount: clusters.data.length,
    themes: themes.data,
    start: start.data,
    today: homeToday(),
  };
};
