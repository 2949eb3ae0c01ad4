import type { Handle } from '@sveltejs/kit';
import { isLang } from '$lib/i18n';
import { createApi } from '$lib/server/api';
import { refuseNonFormBody } from '$lib/server/form-body';
import { allowFraming, embedLang, isEmbedPath } from '$lib/server/embed';
import { cachedPage, cacheKey, storePage } from '$lib/server/page-cache';
import { clearSessionCookie, LANG_COOKIE, SESSION_COOKIE } from '$lib/server/session';

/**
 * Pages that show a person's data to whoever opens them without a login (a manage or
 * subscription link, a login link) or only to logged-in people (the account, the admin pages,
 * an attendee list): never kept by a browser's or a proxy's cache. Every page answered to a
 * logged-in user is treated the same way (its header names the user).
 */
const PERSONAL_PAGES = /^\/(?:konto|admin|anmalan\/|prenumeration\/|logga-in\/lank|evenemang\/\d+\/deltagare)/;

export const handle: Handle = async ({ event, resolve }) => {
  const langCookie = event.cookies.get(LANG_COOKIE);
  event.locals.lang = isLang(langCookie) ? langCookie : 'sv';
  // A post whose body is not form data never reaches an action (which would fail with a 500).
  const refused = await refuseNonFormBody(event.request, event.locals.lang);
  if (refused) return refused;
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
  if (event.locals.token || PERSONAL_PAGES.test(event.url.pathname)) response.headers.set('cache-control', 'private, no-store');
  if (embed) allowFraming(response);
  // A page may ask for a stricter policy (the manage page's address holds a secret).
  if (!response.headers.has('referrer-policy')) response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
  return response;
};
