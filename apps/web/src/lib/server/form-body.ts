import type { Lang } from '$lib/i18n';

const MESSAGES: Record<Lang, { unsupported: string; unreadable: string }> = {
  sv: {
    unsupported:
      'Formuläret kom inte fram som ett formulär (innehållstypen ska vara application/x-www-form-urlencoded eller multipart/form-data).',
    unreadable: 'Formulärets innehåll gick inte att läsa. Ladda om sidan och skicka igen.',
  },
  en: {
    unsupported: 'The form did not arrive as a form (the content type must be application/x-www-form-urlencoded or multipart/form-data).',
    unreadable: 'The form’s content could not be read. Reload the page and send it again.',
  },
};

/**
 * Form actions read `request.formData()`, which throws on a body that is not form data (text/plain,
 * JSON, no content type, multipart without a boundary or with a broken one), and a throw there
 * becomes a 500 with a stack trace in the log. This answers such a post before any action runs:
 * 415 when the content type is not a form's, 400 when it is but the body cannot be parsed.
 * Returns null for a post that is fine, and for requests without a body (GET, HEAD).
 */
export async function refuseNonFormBody(request: Request, lang: Lang): Promise<Response | null> {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return null;
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  const mime = type.split(';')[0]!.trim();
  const answer = (status: 400 | 415, message: string) =>
    new Response(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
  if (mime !== 'application/x-www-form-urlencoded' && mime !== 'multipart/form-data') return answer(415, MESSAGES[lang].unsupported);
  if (mime === 'multipart/form-data' && !/;\s*boundary=/.test(type)) return answer(400, MESSAGES[lang].unreadable);
  try {
    // A copy: the action reads the original.
    await request.clone().formData();
  } catch {
    return answer(400, MESSAGES[lang].unreadable);
  }
  return null;
}
