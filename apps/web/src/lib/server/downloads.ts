import { error } from '@sveltejs/kit';

/**
 * Passes a file the API made (a spreadsheet) on to the browser: its type and, unless another
 * name is given, its file name; never cached, since it holds personal data or figures of a
 * logged-in user. An API refusal becomes the error page with `forbidden` for a 403.
 */
export async function passDownload(res: Response, opts: { forbidden: string; fileName?: string }): Promise<Response> {
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    error(res.status, res.status === 403 ? opts.forbidden : (body?.error?.message ?? 'Error'));
  }
  const headers = new Headers({ 'cache-control': 'private, no-store' });
  const type = res.headers.get('content-type');
  if (type) headers.set('content-type', type);
  const disposition = opts.fileName ? `attachment; filename="${opts.fileName}"` : res.headers.get('content-disposition');
  if (disposition) headers.set('content-disposition', disposition);
  return new Response(res.body, { status: 200, headers });
}

const STATUSES = new Set(['confirmed', 'waitlisted', 'cancelled']);
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The attendee list's filter as the page's address gives it (sok, status, kluster), only well-formed parts. */
export function attendeeFilter(sp: URLSearchParams): { q?: string; status?: 'confirmed' | 'waitlisted' | 'cancelled'; cluster?: string } {
  const q = (sp.get('sok') ?? '').trim().slice(0, 200);
  const status = sp.get('status') ?? '';
  const cluster = sp.get('kluster') ?? '';
  return {
    ...(q ? { q } : {}),
    ...(STATUSES.has(status) ? { status: status as 'confirmed' | 'waitlisted' | 'cancelled' } : {}),
    ...(SLUG.test(cluster) ? { cluster } : {}),
  };
}
