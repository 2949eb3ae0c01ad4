import { ERROR_DETAIL_CODE_DESCRIPTIONS, ERROR_DETAIL_CODES, type ErrorDetailCode, type ErrorDetailParams } from './error-details.ts';
import { Type, type Static, type TSchema } from 'typebox';
import { LIMITS } from './limits.ts';

// Every key of ErrorDetailParams (error-details.ts), so the serializer drops none of them.
const ErrorDetailParamsBody = {
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  property: Type.Optional(Type.String()),
  format: Type.Optional(Type.String()),
  expected: Type.Optional(Type.String()),
} satisfies Record<keyof ErrorDetailParams, TSchema>;

/** One thing wrong with the input: the ErrorDetail of error-details.ts, codes documented there. */
const ErrorDetailBody = Type.Object({
  field: Type.Optional(
    Type.String({
      description: 'the field ("title"), a list item ("slots/2"), or for schema errors the request part and path ("body/title")',
    }),
  ),
  code: Type.Unsafe<ErrorDetailCode>({
    type: 'string',
    enum: [...ERROR_DETAIL_CODES],
    description: `What is wrong, for clients to choose their own text:\n${ERROR_DETAIL_CODES.map((c) => `- \`${c}\`: ${ERROR_DETAIL_CODE_DESCRIPTIONS[c]}`).join('\n')}`,
  }),
  message: Type.String({ description: 'English, for developers; may change' }),
  params: Type.Optional(Type.Object(ErrorDetailParamsBody, { description: 'numbers and names the text for the code needs' })),
});

/** Every error answer has this shape; see plugins/error-handler.ts. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Array(ErrorDetailBody)),
    }),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const Slug = Type.String({
  pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  minLength: 1,
  maxLength: LIMITS.slug,
  description: 'lower-case words joined by hyphens',
});
export const Email = Type.String({ minLength: LIMITS.emailMin, maxLength: LIMITS.email, format: 'email' });
export const IsoDateTime = Type.String({ format: 'date-time' });
export const Lang = Type.Union([Type.Literal('sv'), Type.Literal('en')]);
export const Id = Type.Integer({ minimum: 1, maximum: LIMITS.id });
/** Secrets in addresses (manage links, subscriptions, feeds): URL-safe base64 of a random value. */
export const TOKEN_PATTERN = `^[A-Za-z0-9_-]{${LIMITS.tokenMin},${LIMITS.token}}$`;
export const Token = Type.String({ pattern: TOKEN_PATTERN });

export const SlugParams = Type.Object({ slug: Slug }, { additionalProperties: false });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const NamedRef = Type.Object({ slug: Type.String(), name: Type.String() });

/** Strict object: unknown fields are refused with 400 rather than silently dropped. */
export function StrictObject<T extends Record<string, TSchema>>(properties: T, options: { description?: string; $id?: string } = {}) {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/** The error answers a route can give, for its response schema and the OpenAPI document. */
export function errors(...codes: (400 | 401 | 403 | 404 | 409 | 413 | 422 | 429)[]) {
  return Object.fromEntries(codes.map((c) => [c, ErrorBody])) as Record<number, typeof ErrorBody>;
}
