import type { PageServerLoad } from './$types';

/** The most the page renders: larger than any page the benchmarks compare with it. */
const MAX_KB = 1024;

/**
 * The sized trivial page for benchmarks (tests/bench/paths-bench.mjs): `kb` (1 to 1024, else 1)
 * kilobytes of static text and nothing else, so a large page's cost can be set beside the cost
 * of producing and sending as many bytes. Only the number goes into the page data.
 */
export const load: PageServerLoad = ({ url }) => {
  const kb = Number(url.searchParams.get('kb'));
  return { kb: Number.isInteger(kb) && kb >= 1 && kb <= MAX_KB ? kb : 1 };
};
