/** The page a list's address asks for by `sida` (from 1, at most 4 digits); anything else is the first. */
export function pageParam(url: URL): number {
  const sida = url.searchParams.get('sida') ?? '';
  return /^[1-9]\d{0,3}$/.test(sida) ? Number(sida) : 1;
}

/**
 * The query of page `n` (from 1) of a list: the list's own filter query (`filterQuery`, without
 * `sida`) and `sida=n`, left out on the first page so that page keeps the list's plain address.
 */
export function pageQuery(filterQuery: string, n: number): string {
  const q = new URLSearchParams(filterQuery);
  if (n > 1) q.set('sida', String(n));
  return q.toString();
}

/** The address of page `n` of the list at `path` with the filter `filterQuery`. */
export function pageHref(path: string, filterQuery: string, n: number): string {
  const query = pageQuery(filterQuery, n);
  return query ? `${path}?${query}` : path;
}
