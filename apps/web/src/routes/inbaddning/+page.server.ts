import { loadEmbed } from '$lib/server/embed-page';
import type { PageServerLoad } from './$types';

/** The whole network's upcoming events, for framing on other sites (hooks.server.ts allows it here only). */
export const load: PageServerLoad = async ({ locals, url, setHeaders }) => loadEmbed(locals.api, url, setHeaders);
