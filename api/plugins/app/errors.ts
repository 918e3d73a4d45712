// Turns every error into RFC 9457 problem+json: our Problems as they are, Fastify's schema errors with
// every failing field listed, malformed JSON as such, and anything else as a 500 that leaks nothing.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isOutage, RETRY_AFTER_SECONDS } from '../../outage.ts';
import { type FieldError, Problem, unavailable } from '../../problem.ts';
import { TEXT_MESSAGE, TEXT_PATTERN } from '../../schemas/text.ts';

/**
 * One error per field: a union of literals fails once per member plus once for the union, which reads
 * better as "must be one of a, b".
 */
function schemaErrors(error: FastifyError): FieldError[] {
  const byField = new Map<string, FieldError>();
  const allowed = new Map<string, unknown[]>();
  for (const e of rawSchemaErrors(error)) {
    if (e.allowed !== undefined) allowed.set(e.field, [...(allowed.get(e.field) ?? []), e.allowed]);
    if (!byField.has(e.field)) byField.set(e.field, { field: e.field, message: e.message });
  }
  for (const [field, values] of allowed) {
    byField.set(field, { field, message: `must be one of: ${values.join(', ')}` });
  }
  return [...byField.values()];
}

function rawSchemaErrors(error: FastifyError): (FieldError & { allowed?: unknown })[] {
  const root = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const base = root + v.instancePath.replace(/\//g, '.');
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'required')
      return { field: `${base}.${params.missingProperty}`, message: 'is required' };
    if (v.keyword === 'additionalProperties') {
      return { field: `${base}.${params.additionalProperty}`, message: 'is not allowed here' };
    }
    if (v.keyword === 'pattern' && params.pattern === TEXT_PATTERN)
      return { field: base, message: TEXT_MESSAGE };
    if (v.keyword === 'const') return { field: base, message: v.message ?? '', allowed: params.allowedValue };
    return { field: base, message: v.message ?? `fails ${v.keyword}` };
  });
}

export function toProblem(error: FastifyError | Problem | Error): Problem {
  if (error instanceof Problem) return error;
  const e = error as FastifyError;
  if (e.validation) {
    const errors = schemaErrors(e);
    return new Problem(
      400,
      'invalid-request',
      'Invalid request',
      `The request has ${errors.length} problem(s).`,
      errors,
    );
  }
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (e.statusCode === 400 && e instanceof SyntaxError)) {
    return new Problem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new Problem(
      400,
      'malformed-json',
      'Malformed JSON',
      'The request body is empty but its type is JSON.',
    );
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new Problem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'Send the request body as application/json.',
    );
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new Problem(
      413,
      'body-too-large',
      'Request body too large',
      'The request body exceeds the size limit.',
    );
  }
  if (isOutage(e)) {
    return unavailable(
      'A service the engine depends on (its database or Temporal) is not answering; retry shortly.',
      RETRY_AFTER_SECONDS,
    );
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new Problem(e.statusCode, 'bad-request', 'Bad request', e.message);
  }
  return new Problem(
    500,
    'internal',
    'Internal error',
    'The server could not complete the request; it has been logged.',
  );
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error as FastifyError);
    // Log the error's kind and stack, never the request body (it may hold personal data).
    if (problem.status >= 500 && problem.status !== 503) request.log.error({ err: error }, 'request failed');
    else if (problem.status === 503) request.log.warn({ code: problem.code }, 'dependency unavailable');
    if (problem.retryAfter !== undefined) reply.header('retry-after', String(problem.retryAfter));
    return reply.status(problem.status).type('application/problem+json').send(problem.body(request.url));
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = new Problem(
      404,
      'no-such-route',
      'No such route',
      `${request.method} ${request.url} does not exist.`,
    );
    return reply.status(404).type('application/problem+json').send(problem.body(request.url));
  });
}
