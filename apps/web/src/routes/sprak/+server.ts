import { isLang } from '$lib/i18n';
import { redirectTo } from '$lib/server/redirects';
import { LANG_COOKIE } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** The language switch is a plain link (works without JavaScript): remember the choice, go back. */
export const GET: RequestHandler = ({ url, cookies }) => {
  const lang = url.searchParams.get('till');
  if (isLang(lang)) {
    cookies.set(LANG_COOKIE, lang, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: 365 * 86_400 });
  }
  redirectTo(303, url.searchParams.get('tillbaka') ?? '/');
};
