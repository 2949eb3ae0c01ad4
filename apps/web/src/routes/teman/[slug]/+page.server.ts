import { error } from '@sveltejs/kit';
import { reference } from '$lib/server/reference';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const theme = (await reference(locals.api)).themes.find((t) => t.slug === params.slug);
  if (!theme) error(404, `There is no theme "${params.slug}"`);
  const upcoming = await locals.api.events.list({ theme: theme.slug, from: new Date().toISOString(), limit: 20 });
  return { theme, events: upcoming.ok ? upcoming.data.events : [] };
};
