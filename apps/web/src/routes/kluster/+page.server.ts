import { clusterPoints, swedenMap } from '$lib/server/map';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals }) => {
  const [clusters, counties] = await Promise.all([locals.api.clusters.list(), locals.api.reference.counties()]);
  if (!clusters.ok) errorPage(clusters.error, locals.lang);
  if (!counties.ok) errorPage(counties.error, locals.lang);
  const map = swedenMap();
  return {
    clusters: clusters.data,
    counties: counties.data,
    map: { width: map.width, height: map.height, outline: map.outline, points: clusterPoints(clusters.data) },
  };
};
