import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// Events are browsed in the calendar; its list view is the index of events.
export const load: PageServerLoad = () => redirect(308, '/kalender?vy=lista');
