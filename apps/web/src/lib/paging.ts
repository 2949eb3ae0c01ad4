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
