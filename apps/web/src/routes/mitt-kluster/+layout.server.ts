import type { LayoutServerLoad } from './$types';

/**
 * Invitations shared with the user's clusters (lib/components/SharedAnnouncements.svelte), loaded
 * beside the page's own load so that one stays as it is. The page itself sends visitors to log in.
 */
export const load: LayoutServerLoad = async ({ locals }) => {
  const res = locals.user ? await locals.api.announcements.shared() : null;
  return { sharedInvitations: res?.ok ? res.data : [] };
};
