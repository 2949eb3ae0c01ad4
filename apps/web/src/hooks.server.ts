import type { Handle } from '@sveltejs/kit';
import { isLang } from '$lib/i18n';
import { createApi } from '$lib/server/api';
import { allowFraming, embedLang, isEmbedPath } from '$lib/server/embed';
import { cachedPage, cacheKey, storePage } from '$lib/server/page-cache';
import { clearSessionCookie, LANG_COOKIE, SESSION_COOKIE } from '$lib/server/session';

export const handle: Handle = async ({ event, resolve }) => {
  const langCookie = event.cookies.get(LANG_COOKIE);
  event.locals.lang = isLang(langCookie) ? langCookie : 'sv';
  const embed = isEmbedPath(event.url.pathname);
  if (embed) event.locals.lang = embedLang(event.url);
  event.locals.token = event.cookies.get(SESSION_COOKIE) ?? null;
  event.locals.user = null;
  event.locals.api = createApi({ token: event.locals.token, clientAddress: event.getClientAddress(), lang: event.locals.lang });

  if (event.locals.token) {
    const me = await event.locals.api.me.get();
    if (me.ok) {
      event.locals.user = me.data;
    } else if (me.status === 401) {
      // Expired or revoked: forget the cookie and carry on as a visitor.
      clearSessionCookie(event.cookies);
      event.locals.token = null;
      event.locals.api = createApi({ token: null, clientAddress: event.getClientAddress(), lang: event.locals.lang });
    }
  }

  const key = cacheKey(event.request, event.url, event.locals.lang, !!event.locals.token);
  const cached = key ? cachedPage(key) : null;
  let response =
    cached ??
    (await resolve(event, {
      transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang),
    }));
  if (key && !cached) response = await storePage(key, response);
  response.headers.set('x-content-type-options', 'nosniff');
  if (embed) allowFraming(response);
  // A page may ask for a stricter policy (the manage page's address holds a secret).
  if (!response.headers.has('referrer-policy')) response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
  return response;
};
