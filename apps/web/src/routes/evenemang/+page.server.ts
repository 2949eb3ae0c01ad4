import { redirectTo } from '$lib/server/redirects';
import type { PageServerLoad } from './$types';

// Events are browsed in the calendar; its list view is the index of events.
export const load: PageServerLoad = () => redirectTo(308, '/kalender?vy=lista');
