import type { PageServerLoad } from './$types';
import { errorPage } from '$lib/server/field-errors';

export const load: PageServerLoad = async ({ locals, url }) => {
  const status = url.searchParams.get('status') ?? undefined;
  const outbox = await locals.api.admin.outbox(status && ['pending', 'sent', 'failed'].includes(status) ? status : undefined);
  if (!outbox.ok) errorPage(outbox.error, locals.lang);
  return { outbox: outbox.data, open: Number(url.searchParams.get('visa')) || null };
};
