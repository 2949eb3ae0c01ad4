import { error } from '@sveltejs/kit';
import { redirectTo } from '$lib/server/redirects';
import type { LayoutServerLoad } from './$types';

// A convenience for navigation only: the API refuses every admin call from a non-admin anyway.
export const load: LayoutServerLoad = ({ locals, url }) => {
  if (!locals.user) redirectTo(303, `/logga-in?tillbaka=${encodeURIComponent(url.pathname)}`);
  if (!locals.user.isAdmin) error(403, 'Only network admins can see this page');
};
