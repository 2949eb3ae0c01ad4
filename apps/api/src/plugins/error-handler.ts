import { DomainError, statusOfKind, type ErrorDetail } from '@samverka/core';
import { isStorageFull } from '@samverka/db';
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { validationDetails } from './validation.ts';

interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  /** Each with a code from ErrorDetailCode (packages/core/src/errors.ts). */
  details?: ErrorDetail[];
}

const FASTIFY_CODES: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['malformed_json', 'The request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['empty_body', 'The request says it sends JSON but the body is empty'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'The request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['invalid_content_length', 'The Content-Length does not match the body'],
  FST_ERR_BAD_URL: ['bad_url', 'The address is not valid (bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: ['param_too_long', 'A part of the address is too long'],
};

export const STORAGE_FULL_MESSAGE = 'The server has run out of storage space, so nothing was saved. Please try again later.';

/** Turns anything thrown into the one error shape; internals of 5xx never leave the server. */
export function toErrorAnswer(err: FastifyError | DomainError | Error): ErrorAnswer {
  // A full disk is the operator's to fix and passes when space returns: 503, not a generic 500.
  if (isStorageFull(err)) return { status: 503, code: 'storage_full', message: STORAGE_FULL_MESSAGE };
  if (err instanceof DomainError) {
    return { status: statusOfKind[err.kind], code: err.code, message: err.message, details: err.details.length ? err.details : undefined };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    return {
      status: 400,
      code: 'invalid_request',
      message:
        `The request is invalid: ${fe.validationContext ?? 'input'}${fe.validation[0]?.instancePath ?? ''} ${fe.validation[0]?.message ?? ''}`.trim(),
      details: validationDetails(fe.validation as ErrorObject[], fe.validationContext),
    };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  if (status >= 500) return { status, code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' };
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) return { status, code: known[0], message: known[1] };
  if (status === 429) return { status, code: 'rate_limited', message: 'Too many requests; wait a minute and try again' };
  return { status, code: (fe.code ?? 'bad_request').toLowerCase(), message: fe.message };
}

export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const answer = toErrorAnswer(err);
      if (answer.code === 'storage_full') {
        request.log.error({ code: answer.code }, 'storage full: a write was refused (SQLITE_FULL); free disk space in DATA_DIR');
        reply.header('retry-after', '60');
      } else if (answer.status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: answer.code, status: answer.status }, answer.message);
      if (reply.sent) return;
      const headers = (err as FastifyError & { headers?: Record<string, string> }).headers;
      if (headers) reply.headers(headers);
      return reply
        .code(answer.status)
        .type('application/json; charset=utf-8')
        .send({
          error: { code: answer.code, message: answer.message, ...(answer.details ? { details: answer.details } : {}) },
        });
    });
  },
  { name: 'error-handler' },
);
