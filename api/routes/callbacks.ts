// Decisions from departments' own systems: POST /api/callbacks/:department, authenticated by an
// HMAC-SHA256 signature over the timestamp and the raw body with the department's shared secret (no bearer
// token). A bad signature or a stale timestamp gets 401 and changes nothing; a repeated callback yields
// one decision (the repeat is answered 200, "duplicate"); a callback for a step withdrawn meanwhile gets
// 409, which tells the department's system to stop.
import { type Static, Type } from 'typebox';
import type { Integrations } from '../../departments/integrations.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../departments/protocol.ts';
import { headerValue, verify } from '../../departments/signing.ts';
import { parseTaskId } from '../../departments/task-id.ts';
import { createAjv } from '../ajv.ts';
import type { App, AppDeps } from '../deps.ts';
import { failureGate } from '../plugins/app/failure-gate.ts';
import { invalid, notFound, Problem } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { TEXT_MESSAGE, TEXT_PATTERN, Text } from '../schemas/text.ts';

const CallbackBody = Type.Object(
  {
    taskId: Text({ maxLength: 200 }),
    caseId: Type.String({ format: 'uuid' }),
    stepId: Text({ maxLength: 64 }),
    outcome: Type.Union([Type.Literal('approve'), Type.Literal('deny')]),
    outputs: Type.Optional(Type.Record(Type.String(), Type.Union([Text(), Type.Number(), Type.Boolean()]))),
    opinion: Text({ minLength: 1, maxLength: 4000 }),
    reasons: Type.Optional(Type.Array(Text({ maxLength: 1000 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const validateBody = createAjv({ coerceTypes: false }).compile(CallbackBody);

export async function callbackRoutes(app: App, deps: AppDeps, integrations: Integrations): Promise<void> {
  await app.register(async (scope) => {
    // The signature covers the exact bytes sent: keep the body as text, parse after verifying.
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 256 * 1024 },
      (_req, body, done) => done(null, body),
    );
    const signatures = failureGate(scope, deps.limits.signatureFailures, 'callbacks with a bad signature');
    scope.post(
      '/api/callbacks/:department',
      {
        config: {
          // Per department system and address: one system's flood does not hold up another's callbacks.
          rateLimit: {
            max: deps.limits.callbacks.max,
            timeWindow: deps.limits.callbacks.windowMs,
            keyGenerator: (request) =>
              `${request.ip}|${(request.params as { department?: string }).department}`,
          },
        },
        schema: {
          tags: ['integrations'],
          summary: "A department system's decision on a task it was sent (HMAC-signed, no bearer token)",
          params: Type.Object({ department: Text({ maxLength: 32 }) }),
          security: [],
          response: {
            200: Type.Object({ status: Type.String(), caseStatus: Type.Optional(Type.String()) }),
            ...problems(400, 401, 403, 404, 409, 413, 415, 429),
          },
        },
      },
      async (request, reply) => {
        const { department } = request.params as { department: string };
        await signatures.check(request, reply);
        const integration = integrations[department];
        if (!integration) throw notFound('department', `No department system ${department} is integrated.`);
        const raw = request.body as string;
        const verdict = verify(
          integration.secret,
          headerValue(request.headers[TIMESTAMP_HEADER]),
          headerValue(request.headers[SIGNATURE_HEADER]),
          raw,
          Math.floor(Date.now() / 1000),
        );
        if (!verdict.ok) {
          await signatures.fail(request);
          throw new Problem(
            401,
            'bad-signature',
            'Bad signature',
            `The callback's signature is ${verdict.reason.replace('-', ' ')}.`,
          );
        }
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          throw new Problem(400, 'malformed-json', 'Malformed JSON', 'The callback body is not valid JSON.');
        }
        if (!validateBody(body)) {
          throw invalid(
            'invalid-callback',
            'Invalid callback',
            'The callback does not follow the protocol.',
            (validateBody.errors ?? []).map((e) => ({
              field: `body${e.instancePath.replace(/\//g, '.')}`,
              message:
                e.keyword === 'pattern' && e.params.pattern === TEXT_PATTERN
                  ? TEXT_MESSAGE
                  : (e.message ?? e.keyword),
            })),
          );
        }
        const callback = body as Static<typeof CallbackBody>;
        const task = parseTaskId(callback.taskId);
        if (!task || task.caseId !== callback.caseId || task.stepId !== callback.stepId) {
          throw invalid('invalid-callback', 'Invalid callback', 'taskId does not match caseId and stepId.', [
            { field: 'body.taskId', message: 'is not the task this step was sent as' },
          ]);
        }
        return deps.actions.decideBySystem(department, callback.caseId, { ...callback, round: task.round });
      },
    );
  });
}
