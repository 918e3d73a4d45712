// The departments' endpoints (engine -> department), as departments/protocol.ts specifies them: dispatch
// files a task once per taskId and schedules its decision; withdraw cancels it. Every request is first
// admitted: known department, not down, validly signed, JSON. Refusals are counted in the ledger.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type {
  DispatchAccepted,
  DispatchRequest,
  ErrorBody,
  WithdrawAccepted,
} from '../departments/protocol.ts';
import { IDEMPOTENCY_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../departments/protocol.ts';
import { headerValue, verify } from '../departments/signing.ts';
import type { DecisionScheduler } from './decisions.ts';
import { error, invalid } from './errors.ts';
import type { Ledger } from './ledger.ts';
import { Code, type DepartmentRegistry, inOutage } from './registry.ts';

const Id = Type.String({ minLength: 1, maxLength: 255 });
const checkDispatch = Compile(
  Type.Object({
    taskId: Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' }),
    caseId: Id,
    caseNo: Id,
    processId: Id,
    stepId: Id,
    title: Type.String(),
    department: Code,
    fields: Type.Record(Type.String(), Type.Unknown()),
    materials: Type.Array(Type.String()),
    inputs: Type.Record(Type.String(), Type.Unknown()),
    expectedOutputs: Type.Array(
      Type.Object({
        name: Type.String({ minLength: 1 }),
        type: Type.Union([
          Type.Literal('string'),
          Type.Literal('number'),
          Type.Literal('boolean'),
          Type.Literal('date'),
        ]),
        pattern: Type.Optional(Type.String()),
        required: Type.Optional(Type.Boolean()),
      }),
    ),
    callbackUrl: Type.String({ pattern: '^https?://' }),
  }),
);

export interface DepartmentRoutesDeps {
  departments: DepartmentRegistry;
  ledger: Ledger;
  decisions: DecisionScheduler;
  /** Draws for the error rate. */
  random: () => number;
  /** Signature timestamp tolerance, seconds. */
  toleranceSeconds: number;
  /** Aborted when the simulator stops, so a simulated latency does not hold the close. */
  stopping: AbortSignal;
}

type DeptRequest = FastifyRequest<{ Params: { code: string; taskId?: string }; Body: string | undefined }>;

export function departmentRoutes(deps: DepartmentRoutesDeps): FastifyPluginAsync {
  const { departments, ledger, decisions, random, toleranceSeconds, stopping } = deps;

  /** Everything a request passes before its body matters: known department, up, signed. */
  async function admit(req: DeptRequest, reply: FastifyReply, isDispatch: boolean) {
    const d = departments.find(req.params.code);
    if (!d)
      return void reply.code(404).send(error('unknown-department', `No department ${req.params.code}.`));
    if (d.latencyMs > 0) await sleep(d.latencyMs, undefined, { signal: stopping });
    const now = Date.now();
    if (inOutage(d, now) || (isDispatch && d.errorRate > 0 && random() < d.errorRate)) {
      ledger.refuse(d.code, 'unavailable');
      if (inOutage(d, now)) reply.header('retry-after', String(Math.ceil((d.outage!.until - now) / 1000)));
      return void reply.code(503).send(error('unavailable', `${d.code} is unavailable, try again later.`));
    }
    const raw = req.body ?? '';
    const h = req.headers;
    const check = verify(
      d.secret,
      headerValue(h[TIMESTAMP_HEADER]),
      headerValue(h[SIGNATURE_HEADER]),
      raw,
      Math.floor(now / 1000),
      toleranceSeconds,
    );
    if (!check.ok) {
      ledger.refuse(d.code, 'unauthorized');
      return void reply.code(401).send(error('unauthorized', `Signature check failed: ${check.reason}.`));
    }
    let body: unknown;
    try {
      body = raw === '' ? {} : JSON.parse(raw);
    } catch {
      ledger.refuse(d.code, 'malformed');
      return void reply.code(400).send(error('malformed', 'The body is not JSON.'));
    }
    return { d, body };
  }

  function malformed(reply: FastifyReply, code: string, problem: ErrorBody) {
    ledger.refuse(code, 'malformed');
    return reply.code(400).send(problem);
  }

  return async (scope) => {
    // Raw text: the signature covers the exact bytes, so JSON is parsed only after verifying them.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    scope.post('/departments/:code/tasks', async (req: DeptRequest, reply) => {
      const admitted = await admit(req, reply, true);
      if (!admitted) return reply;
      const { d, body } = admitted;
      const problem = invalid(checkDispatch, body);
      if (problem) return malformed(reply, d.code, problem);
      const request = body as DispatchRequest;
      if (request.department !== d.code) {
        return malformed(reply, d.code, error('malformed', `department must be ${d.code}, as in the path.`));
      }
      if (headerValue(req.headers[IDEMPOTENCY_KEY_HEADER]) !== request.taskId) {
        return malformed(reply, d.code, error('malformed', 'The Idempotency-Key header must equal taskId.'));
      }
      const owner = ledger.ownerOf(request.taskId);
      if (owner !== undefined && owner !== d.code) {
        return reply.code(409).send(error('conflict', 'This taskId belongs to another department.'));
      }
      if (ledger.receiveDispatch(d.code, request.taskId, request.caseId, request.stepId)) {
        decisions.accept(request, d.delayMs);
      }
      return reply.code(202).send({ taskId: request.taskId, received: true } satisfies DispatchAccepted);
    });

    scope.post('/departments/:code/tasks/:taskId/withdraw', async (req: DeptRequest, reply) => {
      const admitted = await admit(req, reply, false);
      if (!admitted) return reply;
      const taskId = req.params.taskId!;
      const owner = ledger.ownerOf(taskId);
      if (owner !== undefined && owner !== admitted.d.code) {
        return reply.code(409).send(error('conflict', 'This taskId belongs to another department.'));
      }
      decisions.cancel(taskId);
      ledger.withdraw(admitted.d.code, taskId);
      return reply.code(200).send({ taskId, withdrawn: true } satisfies WithdrawAccepted);
    });
  };
}
