import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals }) => {
  const [clusters, themes] = await Promise.all([locals.api.clusters.list(), locals.api.reference.themes()]);
  if (!clusters.ok) errorPage(clusters.error, locals.lang);
  if (!themes.ok) errorPage(themes.error, locals.lang);
  return { clusterCount: clusters.data.length, themes: themes.data };
};
