import { homeToday } from '$lib/datetime';
import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  // Events it leads or co-hosts (accepted), from today on; the API decides who counts as organiser.
  const [cluster, events] = await Promise.all([
    locals.api.clusters.get(params.slug),
    locals.api.events.list({ cluster: params.slug, from: homeToday(), limit: 20 }),
  ]);
  if (!cluster.ok) errorPage(cluster.error, locals.lang, cluster.status === 400 ? 404 : cluster.status);
  return {
    cluster: cluster.data,
    events: events.ok ? events.data.events : [],
    moreEvents: events.ok && events.data.nextCursor !== null,
    saved: url.searchParams.get('sparat') === '1',
  };
};
