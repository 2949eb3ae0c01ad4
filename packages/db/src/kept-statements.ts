import type { Statement } from 'better-sqlite3';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { Column, getTableColumns, getTableName, type SQL, sql, type Table } from 'drizzle-orm';
import { sqliteOf, type Db } from './client.ts';

/**
 * Statements prepared once per SQLite connection and kept for its life. Building a drizzle
 * query (the SQL text, its parameters) and preparing it in SQLite cost several times what
 * running it does; on the hot paths (a registration, a page) the statement is built once with
 * `sql.placeholder(...)` for what varies, then only executed.
 *
 * A transaction object shares its database's connection (better-sqlite3 runs a transaction on
 * the one connection), so a statement kept for the database runs inside the caller's
 * transaction when called from it.
 */
const caches = new WeakMap<object, Map<string, unknown>>();

/**
 * The statement kept under `key` for the connection under `db` (a database or a transaction),
 * made by `make(db)` the first time. `key` must name one statement across the whole program
 * (prefix it with the module, e.g. `registrations.byEmail`); `make` must not depend on anything
 * but `db`, since its result is reused for every later call.
 */
export function keptStatement<D extends object, T>(db: D, key: string, make: (db: D) => T): T {
  // drizzle keeps the connection in its (untyped) session, the same object for a transaction.
  const connection = (db as unknown as { session: { client: object } }).session.client;
  let cache = caches.get(connection);
  if (!cache) {
    cache = new Map();
    caches.set(connection, cache);
  }
  let statement = cache.get(key) as T | undefined;
  if (statement === undefined) {
    statement = make(db);
    cache.set(key, statement);
  }
  return statement;
}

/**
 * A plain better-sqlite3 statement of the SQL `text`, prepared once per connection like
 * keptStatement (the text names it). `raw`: rows come as arrays of values in select-list order,
 * for rowReader; otherwise as objects keyed by column name. `R`: the shape of a row as the
 * select list gives it (stated by the caller, not checked). For hot reads, without drizzle's
 * per-call query building and per-value mapping.
 */
export function keptSql<R = unknown>(db: object, text: string, raw = false): Statement<unknown[], R> {
  return keptStatement(db, `sql:${raw ? 'raw' : 'objects'}:${text}`, (d) => {
    const statement = (d as unknown as { session: { client: { prepare(sql: string): Statement<unknown[], R> } } }).session.client.prepare(
      text,
    );
    return raw ? statement.raw(true) : statement;
  });
}

/** A column as drizzle maps it: to what SQLite stores (a Date to its milliseconds, a boolean to 0/1, JSON to text). */
interface Mapped {
  mapToDriverValue(value: unknown): unknown;
}

/**
 * The values of an insert kept as a statement: each key a placeholder of its own name, bound
 * unmapped (give it driverValues(…)). drizzle would map a placeholder through its column, which
 * fails for null (a nullable column's null must stay null).
 */
export function insertPlaceholders<K extends string>(keys: readonly K[]): Record<K, SQL> {
  return Object.fromEntries(keys.map((k) => [k, sql`${sql.placeholder(k)}`])) as Record<K, SQL>;
}

/** `values` as SQLite stores them, each through its column of `table` (null stays null): what insertPlaceholders binds. */
export function driverValues<T extends Table>(table: T, values: Record<string, unknown>): Record<string, unknown> {
  const columns = getTableColumns(table) as unknown as Record<string, Mapped>;
  const out: Record<string, unknown> = {};
  for (const k in values) {
    const v = values[k];
    out[k] = v === null || v === undefined ? null : columns[k]!.mapToDriverValue(v);
  }
  return out;
}

/** What rowReader gives: the select list both as SQL text and as drizzle fields, in the order `read` expects. */
export interface RowReader<R> {
  /** The columns, qualified by the table's name, for a statement's select list. */
  columns: string;
  /** The same columns as drizzle fields (`db.select(fields)` lists them in this order). */
  fields: Record<string, SQLiteColumn>;
  read(row: readonly unknown[]): R;
}

/**
 * How to read whole rows of `table` with a plain SQLite statement in raw mode (rows as arrays):
 * `columns` is the select list (every column, qualified by the table's name, in the order
 * drizzle declares them) and `read` turns one such row into the object drizzle's `select()`
 * gives (a timestamp as a Date, a boolean as true/false, null as null). drizzle maps each value
 * of each row through its column; here only the columns that change a value do any work.
 */
export function rowReader<T extends Table>(table: T): RowReader<T['$inferSelect']>;
/**
 * The same for only the columns named in `keys` (drizzle's property names): a list that shows a
 * few fields need not have SQLite copy out every column of every row.
 */
export function rowReader<T extends Table, K extends keyof T['$inferSelect'] & string>(
  table: T,
  keys: readonly K[],
): RowReader<Pick<T['$inferSelect'], K>>;
export function rowReader<T extends Table>(table: T, only?: readonly string[]): RowReader<T['$inferSelect']> {
  const all = Object.entries(getTableColumns(table)) as [string, Column][];
  const entries = only ? all.filter(([k]) => only.includes(k)) : all;
  const tableName = getTableName(table);
  const keys = entries.map(([k]) => k);
  // A column class that does not override mapFromDriverValue gives the value as SQLite stores it.
  const identity = Column.prototype.mapFromDriverValue;
  const maps = entries.map(([, c]) => (c.mapFromDriverValue === identity ? null : (v: unknown) => c.mapFromDriverValue(v)));
  return {
    columns: entries.map(([, c]) => `"${tableName}"."${c.name}"`).join(', '),
    fields: Object.fromEntries(entries) as Record<string, SQLiteColumn>,
    read(row) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const v = row[i];
        const map = maps[i];
        out[keys[i]!] = v === null || map === null ? v : map(v);
      }
      return out as T['$inferSelect'];
    },
  };
}

/** The transaction object drizzle hands to `db.transaction`'s callback. */
type TransactionOf<D extends Db> = Parameters<Parameters<D['transaction']>[0]>[0];

/**
 * `db.transaction(fn, { behavior })` as drizzle runs it on better-sqlite3 (BEGIN with that
 * behaviour, `fn`, COMMIT; ROLLBACK when `fn` throws; a SAVEPOINT when a transaction is already
 * open), with one drizzle transaction object kept per connection instead of a new one per call.
 * drizzle builds that object with a query builder for every table of the schema, and
 * better-sqlite3 its wrappers for every function, which together cost a registration of a burst
 * more than several of its queries did. The object keeps no state
 * between calls (it only runs statements on the connection), so every call may share it.
 * Returns what `fn` returns; throws what it throws.
 */
export function keptTransaction<T>(
  db: Db,
  fn: (tx: TransactionOf<Db>) => T,
  behavior: 'deferred' | 'immediate' | 'exclusive' = 'deferred',
): T {
  // Got once from drizzle itself (an empty transaction), so it is exactly the object drizzle makes.
  const tx = keptStatement(db, 'db.transactionObject', (d) => d.transaction((t) => t));
  // better-sqlite3 also builds its wrappers (one per behaviour) for every function it is given:
  // kept too, around one function that runs whatever it is passed.
  const run = keptStatement(db, 'db.transactionRunner', (d) =>
    sqliteOf(d).transaction((t: TransactionOf<Db>, body: (t: TransactionOf<Db>) => unknown) => body(t)),
  );
  return run[behavior](tx, fn) as T;
}
