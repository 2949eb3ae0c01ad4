import type { Lang } from '$lib/i18n';

/**
 * The embeddable pages (/inbaddning/…) are the only pages other sites may frame: they list
 * events, hold no form and set no cookie. Every other page keeps `frame-ancestors 'none'`
 * (svelte.config.js), so no other page can be used for clickjacking.
 */
export function isEmbedPath(pathname: string): boolean {
  return pathname === '/inbaddning' || pathname.startsWith('/inbaddning/');
}

/**
 * A framed page gets no cookie of ours (browsers do not send SameSite=Lax cookies to a
 * cross-site frame), so its language comes from the address: `?sprak=en`, Swedish otherwise.
 */
export function embedLang(url: URL): Lang {
  return url.searchParams.get('sprak') === 'en' ? 'en' : 'sv';
}

/** Lets any site frame the answer: the CSP's frame-ancestors becomes `*`, the rest of the policy stays. */
export function allowFraming(response: Response): void {
  const csp = response.headers.get('content-security-policy');
  if (csp) response.headers.set('content-security-policy', csp.replace(/frame-ancestors [^;]*/, 'frame-ancestors *'));
}
