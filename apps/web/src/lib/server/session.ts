import type { Cookies } from '@sveltejs/kit';

export const SESSION_COOKIE = 'samverka_session';
export const LANG_COOKIE = 'samverka_lang';

/** httpOnly so page scripts can never read the token; Lax so it survives following a link from a mail. */
export function setSessionCookie(cookies: Cookies, token: string, expiresAt: string, secure: boolean): void {
  cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: new Date(expiresAt) });
}

export function clearSessionCookie(cookies: Cookies): void {
  cookies.delete(SESSION_COOKIE, { path: '/' });
}
