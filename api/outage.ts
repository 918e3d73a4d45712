// Which failures mean "a service we depend on is not there right now" (the database or Temporal restarting,
// a network partition), as opposed to a bug: those are answered 503 with Retry-After, so clients and load
// balancers retry instead of recording a failure. Errors are recognised by their codes, looked for along the
// `cause` chain (drizzle and the Temporal client wrap the driver's error).

/** Seconds a client is asked to wait before retrying during an outage. */
export const RETRY_AFTER_SECONDS = 5;

/** Socket errors and postgres.js's own connection codes. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** SQLSTATEs of a server going away or refusing connections for now. */
const isPostgresOutage = (code: string) =>
  code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';

/** gRPC status codes of a Temporal server that is unreachable or overloaded right now. */
export const GRPC_UNAVAILABLE = 14;
export const GRPC_DEADLINE_EXCEEDED = 4;
export const GRPC_RESOURCE_EXHAUSTED = 8;
export const GRPC_ABORTED = 10;
export const GRPC_FAILED_PRECONDITION = 9;

function* causes(error: unknown): Generator<Record<string, unknown>> {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    yield e as Record<string, unknown>;
    e = (e as { cause?: unknown }).cause;
  }
}

/** The gRPC status code somewhere along the cause chain (Temporal client errors), if any. */
export function grpcCode(error: unknown): number | undefined {
  for (const e of causes(error)) {
    if (typeof e.code === 'number' && typeof e.details === 'string') return e.code;
  }
  return undefined;
}

export function isOutage(error: unknown): boolean {
  for (const e of causes(error)) {
    const code = e.code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || isPostgresOutage(code))) return true;
    if (typeof code === 'number' && typeof e.details === 'string') {
      return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || code === GRPC_RESOURCE_EXHAUSTED;
    }
    // Embedded PGlite closed under a request (the process is shutting down).
    if (e instanceof Error && /PGlite is closed/.test(e.message)) return true;
  }
  return false;
}
