import { count, eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type DatabaseHandle } from '../src/client.ts';
import { keptTransaction } from '../src/kept-statements.ts';
import { counties } from '../src/schema/index.ts';

let dir: string;
let h: DatabaseHandle;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samverka-db-'));
  h = openDatabase(join(dir, 'samverka.db'));
  runMigrations(h.db);
});
afterEach(() => {
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

const countyCount = () => h.db.select({ n: count() }).from(counties).get()!.n;
const addCounty = (tx: Pick<DatabaseHandle['db'], 'insert'>, slug: string) => tx.insert(counties).values({ slug, name: slug }).run();

describe('keptTransaction: db.transaction with the transaction object kept per connection', () => {
  it('commits what the function wrote and returns what it returned, call after call on one kept object', () => {
    const seen = new Set<object>();
    for (const slug of ['a-lan', 'b-lan', 'c-lan']) {
      const result = keptTransaction(
        h.db,
        (tx) => {
          seen.add(tx);
          addCounty(tx, slug);
          return tx.select({ name: counties.name }).from(counties).where(eq(counties.slug, slug)).get()?.name;
        },
        'immediate',
      );
      expect(result).toBe(slug);
    }
    expect(seen.size).toBe(1);
    expect(countyCount()).toBe(3);
    expect(h.sqlite.inTransaction).toBe(false);
  });

  it('rolls everything back when the function throws, and throws the same error', () => {
    const failure = new Error('refused');
    expect(() =>
      keptTransaction(h.db, (tx) => {
        addCounty(tx, 'a-lan');
        throw failure;
      }),
    ).toThrow(failure);
    expect(countyCount()).toBe(0);
    expect(h.sqlite.inTransaction).toBe(false);
  });

  it('inside an open transaction it is a savepoint: its rollback leaves the outer writes, which commit', () => {
    h.db.transaction((outer) => {
      addCounty(outer, 'a-lan');
      expect(() =>
        keptTransaction(h.db, (tx) => {
          addCounty(tx, 'b-lan');
          throw new Error('inner refused');
        }),
      ).toThrow('inner refused');
      keptTransaction(h.db, (tx) => addCounty(tx, 'c-lan'));
    });
    expect(
      h.db
        .select({ slug: counties.slug })
        .from(counties)
        .all()
        .map((c) => c.slug)
        .sort(),
    ).toEqual(['a-lan', 'c-lan']);
  });
});
