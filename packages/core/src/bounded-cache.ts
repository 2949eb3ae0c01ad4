/**
 * A map of answers kept in memory, bounded by entry count and by bytes: a cache of whole answers
 * bounded by entries alone grows with the size of the answers (a few large feeds or lists could
 * hold hundreds of MB). When either bound is passed, the entries stored longest ago are dropped
 * first (storing a key again makes it the newest). The newest entry is always kept, even when it
 * alone is larger than the byte bound, so an answer is never built twice in a row for lack of room.
 *
 * Sizes are what the caller says a value holds (`bytes` on `set`, more with `charge`), in bytes.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  /**
   * @param maxEntries at most this many entries (≥ 1)
   * @param maxBytes at most this many bytes over all entries (≥ 1)
   */
  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Stores `value` (holding `bytes` bytes) as the newest entry, dropping the oldest beyond the bounds. */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    this.evict();
  }

  /** Adds `bytes` to what the entry under `key` holds (a compressed copy made later), if `value` is still the one stored there. */
  charge(key: string, value: V, bytes: number): void {
    const entry = this.entries.get(key);
    if (!entry || entry.value !== value) return;
    entry.bytes += bytes;
    this.total += bytes;
    this.evict();
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held over all entries. */
  get bytes(): number {
    return this.total;
  }

  private evict(): void {
    while (this.entries.size > 1 && (this.entries.size > this.maxEntries || this.total > this.maxBytes)) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.delete(oldest.value);
    }
  }
}
