import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const cluster = await locals.api.clusters.get(params.slug);
  if (!cluster.ok) error(cluster.status === 400 ? 404 : cluster.status, cluster.error.message);
  return { cluster: cluster.data, saved: url.searchParams.get('sparat') === '1' };
};
