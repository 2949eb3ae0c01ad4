import { truncate } from '@samverka/core';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

const shared: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

/**
 * Two validators: URL parts (params, query string) arrive as text and are coerced to the
 * declared types; bodies are JSON and are taken as they are, so `{"capacity": "10"}` is a
 * 400 and not quietly a number. Unknown fields are refused everywhere (no removeAdditional).
 */
const coercing = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
const strictBody = addFormats(new Ajv({ ...shared, coerceTypes: false }));

export default fp(
  async function validation(app: FastifyInstance) {
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strictBody : coercing).compile(schema));
    // Coercion would read "1e3" or "0x10" in a path as 1000 or 16: ids in paths are plain digits.
    // Attached only to routes with an id in their path, so other routes pay nothing for it.
    app.addHook('onRoute', (route) => {
      const idParams = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!).filter((name) => /(^id|Id)$/.test(name));
      if (idParams.length === 0) return;
      const check = (request: { params: unknown }, _reply: unknown, done: (err?: Error) => void) => {
        const params = request.params as Record<string, string>;
        for (const name of idParams) {
          const value = params[name];
          if (typeof value === 'string' && !/^[0-9]{1,10}$/.test(value)) {
            return done(
              Object.assign(new Error(`The ${name} in the address must be a whole number, not "${truncate(value, 20)}"`), {
                statusCode: 400,
                code: 'INVALID_REQUEST',
              }),
            );
          }
        }
        done();
      };
      const existing = route.preValidation;
      route.preValidation = existing ? [...(Array.isArray(existing) ? existing : [existing]), check] : [check];
    });
  },
  { name: 'validation' },
);
