import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const status = url.searchParams.get('status') ?? undefined;
  const outbox = await locals.api.admin.outbox(status && ['pending', 'sent', 'failed'].includes(status) ? status : undefined);
  if (!outbox.ok) error(outbox.status, outbox.error.message);
  return { outbox: outbox.data, open: Number(url.searchParams.get('visa')) || null };
};
