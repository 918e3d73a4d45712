// Response serialisation with nullable fields as type lists. TypeBox writes "X or null" as
// anyOf [X, {type: 'null'}]; fast-json-stringify serialises an anyOf by running Ajv on the value to pick
// the branch, with its formats (a date-time regular expression per instant, a whole object for a clock),
// which took a tenth of a result list's time. {type: [X's type, 'null']} is the same JSON Schema and is
// serialised by a typeof test. Only the serialiser sees the rewrite: validation and the OpenAPI document
// keep the schemas as written.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

const SIMPLE = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);
const COMBINERS = ['anyOf', 'oneOf', 'allOf', 'not', 'if', 'const', 'enum'];

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNull = (s: unknown) => isSchema(s) && s.type === 'null' && Object.keys(s).length === 1;

/** The schema with every anyOf [X, null] (X of one plain type) written as X with type [X.type, 'null']. */
export function nullableAsTypeLists(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableAsTypeLists);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = nullableAsTypeLists(value);
  const anyOf = out.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return out;
  const nullAt = anyOf.findIndex(isNull);
  const other = anyOf[1 - nullAt];
  if (
    nullAt < 0 ||
    !isSchema(other) ||
    typeof other.type !== 'string' ||
    !SIMPLE.has(other.type) ||
    COMBINERS.some((k) => k in other)
  )
    return out;
  const { anyOf: _, ...outer } = out;
  return { ...other, ...outer, type: [other.type, 'null'] };
}

/** Fastify's own serialiser factory, given the rewritten response schemas. */
export const nullableSerializers: NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildSerializer'] = (externalSchemas, options) => {
  const build = SerializerSelector()(externalSchemas as never, options as never);
  return (route) => build({ ...route, schema: nullableAsTypeLists(route.schema) as never });
};
