// Errors as they may be logged or passed on: database errors carry the statement's parameters (drizzle puts
// them in its message: "Failed query: …\nparams: <a whole application>"; postgres.js adds `parameters`,
// `query` and `args`; Postgres's `detail` quotes the offending row: "Key (id)=(…) already exists"). Only the
// kind of error, its code, the SQL text without values, the constraint and the stack frames are kept.

/** The fields of a database error that name things, never values. */
const SAFE_FIELDS = ['code', 'constraint', 'table', 'column', 'schema', 'routine', 'severity'] as const;

export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  routine?: string;
  severity?: string;
  cause?: SafeError;
}

/**
 * A message without values: drizzle's parameter list cut off, and a value Postgres quotes after a colon
 * ('invalid input syntax for type uuid: "…"') or in a key ('Key (x)=(…)') replaced.
 */
export function safeMessage(message: string): string {
  return message
    .replace(/\nparams:[\s\S]*$/, '\nparams: [redacted]')
    .replace(/: "(?:[^"\\]|\\.)*"\s*$/, ': [redacted]')
    .replace(/=\((?:[^()]|\([^()]*\))*\)/g, '=([redacted])');
}

/** The stack's frames under a safe first line (V8 repeats the message there). */
function safeStack(error: Error, message: string): string | undefined {
  if (!error.stack) return undefined;
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${message}`, ...frames].join('\n');
}

export function safeError(error: unknown, depth = 0): SafeError {
  if (!(error instanceof Error)) return { type: typeof error, message: '[a non-Error value was thrown]' };
  const message = safeMessage(error.message);
  const safe: SafeError = { type: error.constructor?.name ?? error.name, message };
  const stack = safeStack(error, message);
  if (stack) safe.stack = stack;
  const fields = error as unknown as Record<string, unknown>;
  for (const field of SAFE_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string' || typeof value === 'number') safe[field] = String(value);
  }
  if (error.cause !== undefined && depth < 5) safe.cause = safeError(error.cause, depth + 1);
  return safe;
}

/** A plain Error carrying only what safeError keeps (causes too), for rethrowing where the original travels. */
export function withoutValues(error: Error, depth = 0): Error {
  const safe = safeError(error);
  const clean = new Error(safe.message);
  clean.name = error.name;
  if (safe.stack) clean.stack = safe.stack;
  if (safe.code) Object.assign(clean, { code: safe.code });
  if (error.cause instanceof Error && depth < 5) clean.cause = withoutValues(error.cause, depth + 1);
  return clean;
}

/** True when an error, or one of its causes, is a database error whose message or fields may hold values. */
export function carriesValues(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const e = error as unknown as Record<string, unknown>;
  if ('params' in e || 'parameters' in e || 'detail' in e || 'query' in e) return true;
  if (safeMessage(error.message) !== error.message) return true;
  return carriesValues(error.cause, depth + 1);
}
