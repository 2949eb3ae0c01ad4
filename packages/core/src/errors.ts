/**
 * Errors raised by domain rules. Each kind maps to one HTTP status in the API's error
 * handler and to one form message in the web app, so both answer the same way.
 */
export type DomainErrorKind =
  | 'invalid' // 400: input that cannot be right whatever the state
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409: the state forbids it (full, closed, duplicate)
  | 'gone' // 410: existed and was withdrawn for good (a revoked feed link)
  | 'rule' // 422: well-formed, but breaks a business rule
  | 'too_large' // 413: an uploaded file over its limit
  | 'unsupported_type'; // 415: an uploaded file of a type that is not accepted

// The vocabulary of error-detail codes is part of the API's contract: it lives with the schemas.
export {
  ERROR_DETAIL_CODE_DESCRIPTIONS,
  ERROR_DETAIL_CODES,
  type ErrorDetail,
  type ErrorDetailCode,
  type ErrorDetailParams,
} from '@samverka/contracts';
import type { ErrorDetail } from '@samverka/contracts';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const statusOfKind: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  rule: 422,
  too_large: 413,
  unsupported_type: 415,
};

export const notFound = (what: string, code = 'not_found') => new DomainError('not_found', code, `${what} was not found`);
export const forbidden = (message: string) => new DomainError('forbidden', 'forbidden', message);
