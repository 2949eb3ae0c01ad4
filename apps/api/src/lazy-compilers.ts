import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type BuildSerializer = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']
>;

/**
 * Fastify's own serializer factory (fast-json-stringify), with each response schema compiled at
 * the first answer that uses it instead of at start. Compiling every route's response schemas up
 * front holds about 7 MB of generated code that most routes of a running server never use; the
 * JSON written is the same, since the same compiler builds it from the same schema.
 */
export const lazySerializers: BuildSerializer = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options as never);
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => {
      serialize ??= compile(route as never);
      return serialize(data);
    };
  };
};
