import type { Db } from '@samverka/db';

/** What this file uses of a better-sqlite3 connection. */
interface Connection {
  inTransaction: boolean;
  prepare(sql: string): { pluck(): { get(): unknown } };
}

interface SpanStatements {
  inTransaction(): boolean;
  version: { get(): unknown };
  longest: { get(): unknown };
}

// Per connection, not per drizzle object: a transaction's drizzle object is new each time but
// runs on the same better-sqlite3 connection (session.client).
const statements = new WeakMap<Connection, SpanStatements>();
const known = new WeakMap<Connection, { version: number; ms: number }>();

function connectionOf(db: Db): Connection {
  return (db as unknown as { session: { client: Connection } }).session.client;
}

function statementsFor(sqlite: Connection): SpanStatements {
  let s = statements.get(sqlite);
  if (!s) {
    s = {
      inTransaction: () => sqlite.inTransaction,
      version: sqlite.prepare('select version from feed_state where id = 1').pluck(),
      longest: sqlite.prepare('select coalesce(max(ends_at - starts_at), 0) from events').pluck(),
    };
    statements.set(sqlite, s);
  }
  return s;
}

/**
 * The longest time in ms any stored event lasts (ends_at − starts_at; 0 without events). An
 * event that overlaps an instant T has to start after T minus this, which turns "ends after T"
 * into a range the start-time indexes can seek to, instead of a scan over every earlier event.
 * Kept while feed_state.version (raised by triggers on every change to events) stays the same;
 * without a feed_state row, or inside a transaction (which may yet roll back to an earlier
 * version with other events), it is read each time.
 */
export function longestEventMs(db: Db): number {
  const sqlite = connectionOf(db);
  const s = statementsFor(sqlite);
  const version = s.version.get() as number | undefined;
  const hit = known.get(sqlite);
  if (version !== undefined && hit && hit.version === version) return hit.ms;
  const ms = Number(s.longest.get());
  if (version !== undefined && !s.inTransaction()) known.set(sqlite, { version, ms });
  return ms;
}
