import { requireUser } from '$lib/server/auth';
import type { LayoutServerLoad } from './$types';

// The proposals board is for logged-in users; the API refuses visitors too.
export const load: LayoutServerLoad = ({ locals, url }) => {
  requireUser(locals, url);
};
