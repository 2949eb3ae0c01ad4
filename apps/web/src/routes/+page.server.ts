import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const [clusters, themes] = await Promise.all([locals.api.clusters.list(), locals.api.reference.themes()]);
  if (!clusters.ok) error(clusters.status, clusters.error.message);
  if (!themes.ok) error(themes.status, themes.error.message);
  return { clusterCount: clusters.data.length, themes: themes.data };
};
