// What the Temporal worker logs and what an activity's failure carries, without personal data. The SDK logs
// every failed activity with its error ("Activity failed" { error }); a database error there quotes the
// statement's parameters (an event batch with step outputs, an application). Two guards:
//   - the Runtime's logger serialises errors in log metadata through db/safe-error.ts;
//   - an activity interceptor rethrows such errors without their values, so neither the log, the failure
//     recorded in the history (encrypted anyway), nor the incident a workflow opens from it carries them.
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { DefaultLogger, type LogEntry, type Logger, type LogLevel } from '@temporalio/worker';
import { carriesValues, safeError, withoutValues } from '../db/safe-error.ts';

function safeMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return meta;
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, v instanceof Error ? safeError(v) : v]));
}

/** The SDK's default logger (stderr), with errors in metadata reduced to what is safe to log. */
export function safeRuntimeLogger(level: LogLevel): Logger {
  const write = (entry: LogEntry) => {
    const date = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    const meta = safeMeta(entry.meta);
    process.stderr.write(
      `${date} [${entry.level}] ${entry.message}${meta ? ` ${JSON.stringify(meta, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}` : ''}\n`,
    );
  };
  return new DefaultLogger(level, write);
}

export class ValueFreeFailures implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    try {
      return await next(input);
    } catch (error) {
      if (error instanceof Error && carriesValues(error)) throw withoutValues(error);
      throw error;
    }
  }
}
