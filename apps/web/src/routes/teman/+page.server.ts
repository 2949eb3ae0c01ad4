import { reference } from '$lib/server/reference';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ themes: (await reference(locals.api)).themes });
