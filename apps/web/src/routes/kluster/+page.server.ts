import { error } from '@sveltejs/kit';
import { clusterPoints, swedenMap } from '$lib/server/map';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const [clusters, counties] = await Promise.all([locals.api.clusters.list(), locals.api.reference.counties()]);
  if (!clusters.ok) error(clusters.status, clusters.error.message);
  if (!counties.ok) error(counties.status, counties.error.message);
  const map = swedenMap();
  return {
    clusters: clusters.data,
    counties: counties.data,
    map: { width: map.width, height: map.height, outline: map.outline, points: clusterPoints(clusters.data) },
  };
};
