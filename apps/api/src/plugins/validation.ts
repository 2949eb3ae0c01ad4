import type { ErrorDetail, ErrorDetailCode, ErrorDetailParams } from '@samverka/contracts';
import { truncate } from '@samverka/core';
import { Ajv, type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

// verbose: each error carries the value and the schema it failed, so a detail can say
// "not a whole number" rather than "wrong type" and give both bounds of a range.
const shared: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false, verbose: true };

/**
 * Two validators: URL parts (params, query string) arrive as text and are coerced to the
 * declared types; bodies are JSON and are taken as they are, so `{"capacity": "10"}` is a
 * 400 and not quietly a number. Unknown fields are refused everywhere (no removeAdditional).
 */
const coercing = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
const strictBody = addFormats(new Ajv({ ...shared, coerceTypes: false }));

const PLAIN_ID = /^[0-9]{1,10}$/;

/**
 * An Ajv validator compiled at its first call instead of at start: compiling every route's schemas
 * up front holds memory that routes never called do not need. It passes Fastify's context on (the
 * parent of the value, so coercion and defaults can replace a root value) and carries `errors` as
 * an Ajv function does; `schemaEnv` is set because Fastify gives that context only to functions
 * that have it.
 */
function compiledAtFirstUse(ajv: Ajv, schema: AnySchema) {
  let validate: ValidateFunction | undefined;
  const lazy = Object.assign(
    (data: unknown, context?: Parameters<ValidateFunction>[1]) => {
      validate ??= ajv.compile(schema);
      const valid = validate(data, context);
      lazy.errors = validate.errors;
      return valid;
    },
    { errors: null as ValidateFunction['errors'], schemaEnv: true },
  );
  return lazy;
}

export default fp(
  async function validation(app: FastifyInstance) {
    app.setValidatorCompiler(({ schema, httpPart }) =>
      compiledAtFirstUse(httpPart === 'body' ? strictBody : coercing, schema as AnySchema),
    );
    // Coercion would read "1e3" or "0x10" in a path as 1000 or 16: ids in paths are plain digits.
    // Attached only to routes with an id in their path, so other routes pay nothing for it.
    app.addHook('onRoute', (route) => {
      const idParams = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!).filter((name) => /(^id|Id)$/.test(name));
      if (idParams.length === 0) return;
      const check = (request: { params: unknown }, _reply: unknown, done: (err?: Error) => void) => {
        const params = request.params as Record<string, string>;
        for (const name of idParams) {
          const value = params[name];
          if (typeof value === 'string' && !PLAIN_ID.test(value)) {
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

const FORMAT_CODES: Record<string, ErrorDetailCode> = {
  email: 'invalid_email',
  uri: 'invalid_url',
  url: 'invalid_url',
  'uri-reference': 'invalid_url',
  date: 'invalid_date',
  'date-time': 'invalid_date',
};

type Coded = Pick<ErrorDetail, 'code' | 'params'>;

/** The code (and the numbers its text needs) of one AJV error, in the vocabulary of ErrorDetailCode. */
function codeOf(e: ErrorObject, all: readonly ErrorObject[]): Coded {
  const p = e.params as Record<string, unknown>;
  const limit = typeof p.limit === 'number' ? p.limit : undefined;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const params = (o: ErrorDetailParams): ErrorDetailParams | undefined => {
    const defined = Object.entries(o).filter(([, v]) => v !== undefined);
    return defined.length ? (Object.fromEntries(defined) as ErrorDetailParams) : undefined;
  };
  switch (e.keyword) {
    case 'required':
      return { code: 'required', params: params({ property: String(p.missingProperty) }) };
    case 'additionalProperties':
      return { code: 'unknown_field', params: params({ property: String(p.additionalProperty) }) };
    case 'maxLength':
      return { code: 'too_long', params: params({ max: limit }) };
    case 'minLength':
    case 'minItems':
      // An empty string or list where one is needed is a missing value to the reader.
      return limit !== undefined && limit <= 1 ? { code: 'required' } : { code: 'too_short', params: params({ min: limit }) };
    case 'maxItems':
      return { code: 'too_many', params: params({ max: limit }) };
    case 'uniqueItems':
      return { code: 'duplicate' };
    case 'format': {
      const format = String(p.format);
      return { code: FORMAT_CODES[format] ?? 'invalid_format', params: params({ format }) };
    }
    case 'pattern':
      return { code: 'invalid_format' };
    case 'type':
      return String(p.type).includes('integer') && typeof e.data === 'number' && Number.isFinite(e.data)
        ? { code: 'not_an_integer' }
        : { code: 'wrong_type', params: params({ expected: String(p.type) }) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        code: 'out_of_range',
        params: params({
          min: num(parent.minimum) ?? num(parent.exclusiveMinimum),
          max: num(parent.maximum) ?? num(parent.exclusiveMaximum),
        }),
      };
    case 'const':
    case 'enum':
      return { code: 'unknown_choice' };
    case 'anyOf':
    case 'oneOf': {
      // AJV reports each branch's failure before the union's: the union takes the most telling
      // one (a nullable string that is too long is too_long, not "not null").
      const branches = all.filter((b) => b !== e && b.instancePath === e.instancePath && b.schemaPath.startsWith(e.schemaPath));
      const telling = branches.find((b) => !['type', 'const', 'enum', 'anyOf', 'oneOf'].includes(b.keyword));
      if (telling) return codeOf(telling, all);
      if (branches.some((b) => b.keyword === 'const' || b.keyword === 'enum')) return { code: 'unknown_choice' };
      return { code: 'wrong_type' };
    }
    default:
      return { code: 'invalid_format' };
  }
}

/**
 * The details of a schema validation failure: one per AJV error, each with the part of the
 * request and the path as `field` ("body/title"), a code from ErrorDetailCode and AJV's
 * English message (an unknown property is named in it).
 */
export function validationDetails(errors: readonly ErrorObject[], context: string | undefined): ErrorDetail[] {
  return errors.map((e) => {
    const { code, params } = codeOf(e, errors);
    return {
      field: `${context ?? ''}${e.instancePath}`.replace(/^\//, '') || undefined,
      code,
      message:
        e.keyword === 'additionalProperties'
          ? `unknown field "${(e.params as { additionalProperty?: string }).additionalProperty}"`
          : (e.message ?? 'invalid'),
      ...(params ? { params } : {}),
    };
  });
}
