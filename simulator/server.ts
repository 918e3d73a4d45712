// The department simulator: one real HTTP server playing any number of departments' own approval
// systems (tests, `npm start`, the bench). It implements departments/protocol.ts exactly as a department
// would: verify the signature, file the task once per taskId (department-routes.ts), decide after a delay
// and call back signed, retrying the callback (decisions.ts, callback-sender.ts). Failure modes (error
// rate, outage window, latency) are switchable at runtime through /_control (control-routes.ts) so tests
// can drive the engine through them. Logs carry ids and statuses, never bodies. This file puts the parts
// together and is the simulator's API for simulator/main.ts, the demo, the bench and tests.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { type CallbackRetry, DEFAULT_CALLBACK_RETRY } from './callback-sender.ts';
import { registerControlRoutes } from './control-routes.ts';
import type { DepartmentPatch, SimulatedDepartment } from './control-types.ts';
import { DecisionScheduler } from './decisions.ts';
import { departmentRoutes } from './department-routes.ts';
import { answerErrors } from './errors.ts';
import { Ledger, type LedgerView } from './ledger.ts';
import { DepartmentRegistry, type PublicDepartmentConfig } from './registry.ts';

export type { CallbackRetry } from './callback-sender.ts';
export { SimulatorError } from './errors.ts';
export type { LedgerView } from './ledger.ts';
export type { DepartmentConfig, PublicDepartmentConfig } from './registry.ts';

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

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const retry: CallbackRetry = { ...DEFAULT_CALLBACK_RETRY, ...options.callbackRetry };
  const ledger = new Ledger();
  const departments = new DepartmentRegistry(options.departments);
  const stopping = new AbortController();
  const app = Fastify({ logger: options.logger ?? false });
  const decisions = new DecisionScheduler(departments, ledger, retry, random, app.log);

  await app.register(
    departmentRoutes({
      departments,
      ledger,
      decisions,
      random,
      toleranceSeconds: options.toleranceSeconds ?? 300,
      stopping: stopping.signal,
    }),
  );
  registerControlRoutes(app, departments, ledger);
  answerErrors(app);

  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    ledger,
    configure: (code, patch) => departments.configure(code, patch),
    outage: (code, seconds) => departments.outage(code, seconds),
    departments: () => departments.list(),
    async stop() {
      stopping.abort();
      decisions.cancelAll();
      await app.close();
    },
  };
}
