import { loadEmbed } from '$lib/server/embed-page';
import type { PageServerLoad } from './$types';

/** One cluster's, theme's or county's upcoming events: /inbaddning/kluster|tema|lan/SLUG. */
export const load: PageServerLoad = async ({ locals, url, params, setHeaders }) =>
  loadEmbed(locals.api, url, setHeaders, params.typ, params.slug);
