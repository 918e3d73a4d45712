// How the simulator answers what it refuses: an ErrorBody (departments/protocol.ts) with every failing
// field at once, a SimulatorError that configure/outage throw and the control API turns into its status,
// and the one error handler for the whole server.
import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '../departments/protocol.ts';

export function error(kind: string, message: string): ErrorBody {
  return { error: kind, message };
}

/** Thrown by configure/outage; the control API answers with its status and body. */
export class SimulatorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: ErrorBody,
  ) {
    super(body.errors ? `${body.message} ${JSON.stringify(body.errors)}` : body.message);
  }
}

export type Checker = {
  Check(v: unknown): boolean;
  Errors(v: unknown): Iterable<{ instancePath: string; message: string }>;
};

/** Every failing field at once, paths as dotted names (same spirit as the engine's one-time notice). */
export function invalid(checker: Checker, value: unknown): ErrorBody | undefined {
  if (checker.Check(value)) return undefined;
  const errors = [...checker.Errors(value)].map((e) => ({
    field: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)',
    message: e.message,
  }));
  return { error: 'malformed', message: 'The request body is malformed.', errors };
}

/** SimulatorErrors as themselves; anything else as an ErrorBody, internals hidden on a 5xx. */
export function answerErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof SimulatorError) return reply.code(err.statusCode).send(err.body);
    const status = err.statusCode ?? 500;
    if (status >= 500) app.log.error({ err }, 'simulator error');
    const kind = status === 404 ? 'not-found' : status < 500 ? 'bad-request' : 'internal';
    return reply.code(status).send(error(kind, status < 500 ? err.message : 'Internal error.'));
  });
}
