import { TOKEN_PATTERN } from '@samverka/contracts';
import { error } from '@sveltejs/kit';
import { catalogues } from '$lib/i18n';
import { PRIVATE_REFERRER_POLICY } from '$lib/server/registration-form';
import type { RequestHandler } from './$types';

/** The shape of a manage token (packages/contracts). */
const TOKEN = new RegExp(TOKEN_PATTERN);

/**
 * Everything stored about the participant's address as a JSON file (the API's
 * /api/registrations/:token/personal-data), for the manage page's download link. Kept out of
 * caches and other sites' Referer like the manage page itself; errors are pages, not files.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
  const m = catalogues[locals.lang];
  const res = TOKEN.test(params.token) ? await locals.api.registrations.personalData(params.token) : null;
  if (!res?.ok) error(res && res.status !== 400 ? res.status : 404, m.reg.notFound);
  return new Response(`${JSON.stringify(res.data, null, 2)}\n`, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="samverka-mina-uppgifter.json"',
      'cache-control': 'private, no-store',
      'referrer-policy': PRIVATE_REFERRER_POLICY,
      'x-robots-tag': 'noindex, nofollow',
    },
  });
};
