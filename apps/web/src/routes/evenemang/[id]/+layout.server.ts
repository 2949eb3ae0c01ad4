import { coordinates } from '$lib/server/auth';
import { reference } from '$lib/server/reference';
import type { LayoutServerLoad } from './$types';

/**
 * The clusters an organiser can share the invitation with (lib/components/CohostInvitationActions.svelte).
 * A load of its own beside the page's, so the event page's load stays as it is; visitors and
 * participants, who cannot share, cost nothing, and the reference data is cached.
 */
export const load: LayoutServerLoad = async ({ locals }) => ({
  shareClusters: coordinates(locals.user) ? (await reference(locals.api)).clusters : [],
});
