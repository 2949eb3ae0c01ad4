import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/bounded-cache.ts';

describe('BoundedCache', () => {
  it('drops the entries stored longest ago once the byte bound is passed', () => {
    const cache = new BoundedCache<string>(10, 100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    cache.set('c', 'C', 40);
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c')]).toEqual(['B', 'C']);
    expect(cache.bytes).toBe(80);
  });

  it('drops the oldest beyond the entry bound, and storing a key again makes it the newest', () => {
    const cache = new BoundedCache<number>(2, 1000);
    cache.set('a', 1, 1);
    cache.set('b', 2, 1);
    cache.set('a', 3, 1);
    cache.set('c', 4, 1);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual([3, 4, 2]);
  });

  it('keeps the newest entry even when it alone is larger than the byte bound', () => {
    const cache = new BoundedCache<string>(10, 100);
    cache.set('small', 's', 10);
    cache.set('huge', 'h', 500);
    expect(cache.get('small')).toBeUndefined();
    expect(cache.get('huge')).toBe('h');
    expect(cache.bytes).toBe(500);
  });

  it('counts bytes charged later against the entry, only while that value is the one stored', () => {
    const cache = new BoundedCache<{ n: number }>(10, 100);
    const first = { n: 1 };
    cache.set('a', first, 30);
    cache.set('b', { n: 2 }, 30);
    cache.charge('a', { n: 1 }, 50);
    expect(cache.bytes).toBe(60);
    cache.charge('b', cache.get('b')!, 50);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(80);
  });
});
