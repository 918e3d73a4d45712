// The department simulator: one real HTTP server playing any number of departments' own approval
// systems (tests, `npm start`, the bench). It implements departments/protocol.ts exactly as a department would:
// verify the signature, file the task once per taskId, decide after a delay, call back signed, retry
// the callback. Failure modes (error rate, outage window, latency) are switchable at runtime through
// /_control so tests can drive the engine through them. Logs carry ids and statuses, never bodies.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type {
  DecisionCallback,
  DispatchAccepted,
  DispatchRequest,
  ErrorBody,
  WithdrawAccepted,
} from '../departments/protocol.ts';
import { IDEMPOTENCY_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../departments/protocol.ts';
import { headerValue, signedHeaders, verify } from '../departments/signing.ts';
import type { DepartmentPatch, LedgerDecision, SimulatedDepartment } from './control-types.ts';
import { Ledger, type LedgerView } from './ledger.ts';
import { fabricateOutputs, UnsupportedPattern } from './outputs.ts';

export type { LedgerView } from './ledger.ts';

/** A department's effective behaviour; what GET /_control/departments shows, minus the secret. */
export type DepartmentConfig = Required<Omit<SimulatedDepartment, 'outage'>> & {
  outage: { from: number; until: number } | null;
};
export type PublicDepartmentConfig = Omit<DepartmentConfig, 'secret'>;

export interface CallbackRetry {
  /** Total tries, the first included. Default 8. */
  attempts: number;
  /** First backoff; doubles each retry up to maxMs. Defaults 100 and 5000. */
  baseMs: number;
  maxMs: number;
  /** Per-attempt timeout; a timeout counts as a network error. Default 5000. */
  timeoutMs: number;
}

export interface SimulatorOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  host?: string;
  departments: SimulatedDepartment[];
  callbackRetry?: Partial<CallbackRetry>;
  /** Signature timestamp tolerance. Default 300 s, as the engine. */
  toleranceSeconds?: number;
  /** Injected for deterministic approve/error draws and outputs. Default Math.random. */
  random?: () => number;
  logger?: FastifyServerOptions['logger'];
}

export interface Simulator {
  url: string;
  ledger: LedgerView;
  configure(code: string, patch: DepartmentPatch): PublicDepartmentConfig;
  /** Starts an outage of `seconds` from now; 0 ends one. */
  outage(code: string, seconds: number): PublicDepartmentConfig;
  departments(): PublicDepartmentConfig[];
  /** Clears every timer, abandons pending callbacks and closes the server. */
  stop(): Promise<void>;
}

const Code = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Rate = Type.Number({ minimum: 0, maximum: 1 });
const Millis = Type.Integer({ minimum: 0, maximum: 86_400_000 });
const Outage = Type.Union([Type.Null(), Type.Object({ from: Type.Number(), until: Type.Number() })]);
const patchFields = {
  secret: Type.Optional(Type.String({ minLength: 1 })),
  delayMs: Type.Optional(Millis),
  approveRate: Type.Optional(Rate),
  errorRate: Type.Optional(Rate),
  latencyMs: Type.Optional(Millis),
  outage: Type.Optional(Outage),
};
const checkPatch = Compile(Type.Object(patchFields, { additionalProperties: false }));
const checkDepartment = Compile(
  Type.Object(
    { ...patchFields, code: Code, secret: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
);
const checkOutage = Compile(Type.Object({ seconds: Type.Number({ minimum: 0, maximum: 86_400 }) }));
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

type Checker = {
  Check(v: unknown): boolean;
  Errors(v: unknown): Iterable<{ instancePath: string; message: string }>;
};

/** Every failing field at once, paths as dotted names (same spirit as the engine's one-time notice). */
function invalid(checker: Checker, value: unknown): ErrorBody | undefined {
  if (checker.Check(value)) return undefined;
  const errors = [...checker.Errors(value)].map((e) => ({
    field: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)',
    message: e.message,
  }));
  return { error: 'malformed', message: 'The request body is malformed.', errors };
}

function toConfig(d: SimulatedDepartment): DepartmentConfig {
  return {
    code: d.code,
    secret: d.secret,
    delayMs: d.delayMs ?? 50,
    approveRate: d.approveRate ?? 1,
    errorRate: d.errorRate ?? 0,
    latencyMs: d.latencyMs ?? 0,
    outage: d.outage ?? null,
  };
}

function withoutSecret({ secret: _secret, ...rest }: DepartmentConfig): PublicDepartmentConfig {
  return structuredClone(rest);
}

const inOutage = (d: DepartmentConfig, now: number) =>
  d.outage !== null && now >= d.outage.from && now < d.outage.until;

/** A decision waiting for its delay or being delivered; withdrawal cancels both. */
interface PendingTask {
  request: DispatchRequest;
  timer?: NodeJS.Timeout;
  abort: AbortController;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const tolerance = options.toleranceSeconds ?? 300;
  const retry: CallbackRetry = {
    attempts: 8,
    baseMs: 100,
    maxMs: 5000,
    timeoutMs: 5000,
    ...options.callbackRetry,
  };
  const ledger = new Ledger();
  const departments = new Map<string, DepartmentConfig>();
  for (const d of options.departments) {
    const problem = invalid(checkDepartment, d);
    if (problem)
      throw new Error(
        `Invalid simulated department ${JSON.stringify(d.code)}: ${JSON.stringify(problem.errors)}`,
      );
    if (departments.has(d.code)) throw new Error(`Department ${d.code} is configured twice.`);
    departments.set(d.code, toConfig(d));
  }
  const pending = new Map<string, PendingTask>();
  const stopping = new AbortController();
  const app = Fastify({ logger: options.logger ?? false });

  function department(code: string): DepartmentConfig {
    const d = departments.get(code);
    if (!d) throw new SimulatorError(404, error('unknown-department', `No department ${code}.`));
    return d;
  }

  function configure(code: string, patch: DepartmentPatch): PublicDepartmentConfig {
    const d = department(code);
    const problem = invalid(checkPatch, patch);
    if (problem) throw new SimulatorError(400, problem);
    Object.assign(d, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    return withoutSecret(d);
  }

  function outage(code: string, seconds: number): PublicDepartmentConfig {
    const now = Date.now();
    return configure(code, {
      outage: seconds > 0 ? { from: now, until: now + Math.round(seconds * 1000) } : null,
    });
  }

  // ---- decisions and callbacks ----

  function schedule(task: PendingTask, ms: number): void {
    task.timer = setTimeout(() => {
      fire(task).catch((err: unknown) =>
        app.log.error({ err, taskId: task.request.taskId }, 'decision failed'),
      );
    }, ms);
  }

  async function fire(task: PendingTask): Promise<void> {
    task.timer = undefined;
    if (task.abort.signal.aborted) return;
    const { request } = task;
    const d = departments.get(request.department)!;
    const now = Date.now();
    // A system that is down decides nothing; poll so a shortened or cleared outage is noticed.
    if (inOutage(d, now)) return schedule(task, Math.min(d.outage!.until - now, 250));

    let body: DecisionCallback;
    const base = { taskId: request.taskId, caseId: request.caseId, stepId: request.stepId };
    try {
      if (d.approveRate < 1 && random() >= d.approveRate)
        throw new Denial('Simulated denial: the application does not meet the conditions.');
      const outputs = fabricateOutputs(request.expectedOutputs, random);
      body = {
        ...base,
        outcome: 'approve',
        outputs,
        opinion: `Approved by ${d.code} (simulated department system).`,
      };
    } catch (err) {
      if (!(err instanceof Denial || err instanceof UnsupportedPattern)) throw err;
      body = {
        ...base,
        outcome: 'deny',
        opinion: `Denied by ${d.code} (simulated department system).`,
        reasons: [err.message],
      };
    }
    const decision = ledger.decide(request.taskId, body.outcome);
    await deliver(task, d, JSON.stringify(body), decision);
    pending.delete(request.taskId);
  }

  async function deliver(
    task: PendingTask,
    d: DepartmentConfig,
    raw: string,
    decision: LedgerDecision,
  ): Promise<void> {
    const { taskId, callbackUrl } = task.request;
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      if (task.abort.signal.aborted) return;
      decision.callbackAttempts = attempt;
      try {
        const res = await fetch(callbackUrl, {
          method: 'POST',
          // Signed afresh per attempt: a retry hours later must not carry a stale timestamp.
          headers: { 'content-type': 'application/json', ...signedHeaders(d.secret, raw) },
          body: raw,
          redirect: 'manual', // a redirect is not a delivery; it counts as a refusal below
          signal: AbortSignal.any([task.abort.signal, AbortSignal.timeout(retry.timeoutMs)]),
        });
        await res.arrayBuffer(); // drain, so the connection returns to the pool
        decision.lastCallbackStatus = res.status;
        if (res.ok) {
          decision.delivery = 'delivered';
          return;
        }
        // 4xx is the engine's final word (bad outputs, withdrawn step); 408/429 only ask to come back later.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) {
          app.log.warn({ taskId, department: d.code, status: res.status }, 'callback refused');
          decision.delivery = 'refused';
          return;
        }
      } catch {
        if (task.abort.signal.aborted) return;
        decision.lastCallbackStatus = null;
      }
      if (attempt < retry.attempts) {
        const backoff = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1));
        try {
          await sleep(backoff, undefined, { signal: task.abort.signal });
        } catch {
          return; // withdrawn or stopping
        }
      }
    }
    app.log.warn({ taskId, department: d.code, attempts: retry.attempts }, 'callback gave up');
    decision.delivery = 'gave-up';
  }

  function cancel(taskId: string): void {
    const task = pending.get(taskId);
    if (!task) return;
    clearTimeout(task.timer);
    task.abort.abort();
    pending.delete(taskId);
  }

  // ---- the departments' endpoints (engine -> department) ----

  type DeptRequest = FastifyRequest<{ Params: { code: string; taskId?: string }; Body: string | undefined }>;

  /** Everything a request passes before its body matters: known department, up, signed. */
  async function admit(req: DeptRequest, reply: FastifyReply, isDispatch: boolean) {
    const d = departments.get(req.params.code);
    if (!d)
      return void reply.code(404).send(error('unknown-department', `No department ${req.params.code}.`));
    if (d.latencyMs > 0) await sleep(d.latencyMs, undefined, { signal: stopping.signal });
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
      tolerance,
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

  await app.register(async (scope) => {
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
        const task: PendingTask = { request, abort: new AbortController() };
        pending.set(request.taskId, task);
        schedule(task, d.delayMs);
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
      cancel(taskId);
      ledger.withdraw(admitted.d.code, taskId);
      return reply.code(200).send({ taskId, withdrawn: true } satisfies WithdrawAccepted);
    });
  });

  // ---- control API (tests, bench, a person poking at `npm run departments`) ----

  type CodeRequest = FastifyRequest<{ Params: { code: string } }>;
  app.get('/_control/departments', async () => [...departments.values()].map(withoutSecret));
  app.get('/_control/departments/:code', async (req: CodeRequest) =>
    withoutSecret(department(req.params.code)),
  );
  app.put('/_control/departments/:code', async (req: CodeRequest) =>
    configure(req.params.code, req.body as DepartmentPatch),
  );
  app.post('/_control/departments/:code/outage', async (req: CodeRequest, reply) => {
    department(req.params.code);
    const problem = invalid(checkOutage, req.body);
    if (problem) return reply.code(400).send(problem);
    return outage(req.params.code, (req.body as { seconds: number }).seconds);
  });
  app.get('/_control/ledger', async () => ledger.snapshot());
  app.get('/_control/ledger/:taskId', async (req: FastifyRequest<{ Params: { taskId: string } }>, reply) => {
    const entry = ledger.get(req.params.taskId);
    return entry ?? reply.code(404).send(error('unknown-task', 'No such taskId in the ledger.'));
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof SimulatorError) return reply.code(err.statusCode).send(err.body);
    const status = err.statusCode ?? 500;
    if (status >= 500) app.log.error({ err }, 'simulator error');
    const kind = status === 404 ? 'not-found' : status < 500 ? 'bad-request' : 'internal';
    return reply.code(status).send(error(kind, status < 500 ? err.message : 'Internal error.'));
  });

  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    ledger,
    configure,
    outage,
    departments: () => [...departments.values()].map(withoutSecret),
    async stop() {
      stopping.abort();
      for (const taskId of [...pending.keys()]) cancel(taskId);
      await app.close();
    },
  };
}

class Denial extends Error {}

/** Thrown by configure/outage; the control API answers with its status and body. */
export class SimulatorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: ErrorBody,
  ) {
    super(body.errors ? `${body.message} ${JSON.stringify(body.errors)}` : body.message);
  }
}

function error(kind: string, message: string): ErrorBody {
  return { error: kind, message };
}
