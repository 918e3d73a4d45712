// Schemas every resource shares: problem details (RFC 9457), ids, instants, path parameters, the answer of
// a change to a case. Fastify validates requests with these schemas (listing every failing field),
// serialises responses with them, and publishes them as OpenAPI at /docs.
import { Type } from 'typebox';
import { Text } from './text.ts';

export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

const problemRef = Type.Ref('Problem');

/** What each error status means in this API (the OpenAPI description of the response). */
const MEANING: Record<number, string> = {
  400: 'Invalid request: every failing field listed',
  401: 'Missing, unknown or revoked token',
  403: 'Not allowed for your role or department',
  404: 'Unknown resource',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  414: 'A path parameter is too long',
  415: 'Unsupported media type',
  422: 'Idempotency-Key reused for a different request',
  503: 'The database or Temporal is not answering, or the case did not answer in time: retry after Retry-After',
};

/**
 * Error responses of a route, as the server sends them: problem details (RFC 9457) with the media type
 * application/problem+json (Fastify serialises by content type; @fastify/swagger publishes it).
 */
export const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: MEANING[c] ?? 'Problem',
        content: { 'application/problem+json': { schema: problemRef } },
      },
    ]),
  );

export const Id = Type.String({ format: 'uuid' });

export const Instant = Type.String({ format: 'date-time' });

export const OutputValue = Type.Union([Text(), Type.Number(), Type.Boolean()]);

export const Anything = Type.Record(Type.String(), Type.Unknown());

export const CaseParams = Type.Object({ id: Id });

export const StepParams = Type.Object({ id: Id, stepId: Text({ minLength: 1, maxLength: 64 }) });

export const MaterialRefs = Type.Record(Text({ maxLength: 64 }), Type.String({ format: 'uuid' }), {
  description: 'material id -> upload id (from POST /api/materials)',
  // A key the pattern refuses (a NUL, a lone surrogate) is refused too, not left unvalidated with its value.
  additionalProperties: false,
});

export const CaseChange = Type.Object({
  caseStatus: Type.String(),
  steps: Type.Record(Type.String(), Type.String()),
  seq: Type.Integer(),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' }),
  ),
});

export const Datum = Type.Object({ value: OutputValue, stepId: Type.String(), at: Instant });
