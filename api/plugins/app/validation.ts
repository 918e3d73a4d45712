// Request validation with two Ajv instances: bodies are JSON and keep their types exactly (a string output
// "0001" must not become the number 1), while query strings and path parameters arrive as text and are
// coerced to the declared types. Both report every failing field, not just the first.
import type { FastifyInstance } from 'fastify';
import { createAjv } from '../../ajv.ts';

export function registerValidation(app: FastifyInstance): void {
  const json = createAjv({ coerceTypes: false, useDefaults: true });
  const text = createAjv({ coerceTypes: 'array', useDefaults: true });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? json.compile(schema) : text.compile(schema),
  );
}
