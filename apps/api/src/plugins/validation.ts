import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

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
    app.addHook('preValidation', async (request) => {
      const params = request.params as Record<string, string> | undefined;
      if (!params) return;
      for (const [name, value] of Object.entries(params)) {
        if (/(^id|Id)$/.test(name) && typeof value === 'string' && !/^[0-9]{1,10}$/.test(value)) {
          throw Object.assign(new Error(`The ${name} in the address must be a whole number, not "${value.slice(0, 20)}"`), { statusCode: 400, code: 'INVALID_REQUEST' });
        }
      }
    });
  },
  { name: 'validation' },
);
