// Tests import single service files, not index.ts: the reactions are wired here (and in the
// shared fixtures), as in the apps.
import { muteNotifications } from '../src/reactions.ts';
import { onTestFinished } from 'vitest';
import { subscribe, type DomainEventMap, type DomainEventName } from '../src/domain-events.ts';
import { DomainError } from '../src/errors.ts';

// Fixtures (fresh database, users, actors, event input) are shared by every tier: tests/support/fixtures.ts.

/** The DomainError a call throws (fails the test if it throws none or something else). */
export function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

/** 'allowed', or the kind of DomainError the call throws: for tables of who may do what. */
export function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'allowed';
  } catch (err) {
    if (err instanceof DomainError) return err.kind;
    throw err;
  }
}

/** One domain event as a test saw it. */
export type Raised<K extends DomainEventName = DomainEventName> = { [N in K]: { name: N; payload: DomainEventMap[N] } }[K];

/**
 * Records the given domain events, in the order raised, until the end of the running test.
 * Handlers run after the reactions wired in reactions.ts, so they see what those did.
 */
export function recordEvents<K extends DomainEventName>(...names: K[]): Raised<K>[] {
  const log: Raised<K>[] = [];
  for (const name of names) {
    const off = subscribe(name, (_tx, payload) => {
      log.push({ name, payload } as Raised<K>);
    });
    onTestFinished(off);
  }
  return log;
}

/**
 * Takes the notifications' reactions off for the running test: for tests that count another
 * module's own mails (a poll's decision mail), which notifications would add to.
 */
export function withoutNotifications(): void {
  onTestFinished(muteNotifications());
}
