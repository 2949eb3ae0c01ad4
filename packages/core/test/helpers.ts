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
