// Named prepared statements on PGlite, for the projection's statement (db/case-events.ts) and the token
// lookup every request makes (db/users.ts). PGlite's own
// query() parses and plans every statement anew (an unnamed statement); the projection's CTE costs more to
// plan than to run, and it comes in a few dozen shapes (which CTEs a batch needs), each run thousands of
// times. Parsed once under a name, a shape is planned by Postgres' plan cache (a generic plan after the
// first executions). The Postgres server needs none of this: postgres.js prepares named statements itself.
//
// The wire messages come from pg-protocol (node-postgres' serializer) and go through PGlite's execProtocol
// under the same two locks its query() takes: the transaction lock, then the query lock. runExclusive alone
// takes only the query lock, so the statement would run inside another caller's open transaction and go
// with its rollback (test/pglite-prepared.test.ts).
import type { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { PgDialect } from 'drizzle-orm/pg-core';
import { serialize } from 'pg-protocol';

/** Runs a statement as a named prepared statement and answers its rows, each field as Postgres' text. */
export type PreparedRunner = (statement: SQL) => Promise<(string | null)[][]>;

/** Beyond this many shapes a statement runs unprepared: a bound on what the backend keeps. */
const MAX_STATEMENTS = 256;

const dialect = new PgDialect();
const runners = new WeakMap<object, PreparedRunner>();

/** The text format of a parameter, as PGlite's own query() would send it. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function preparedRunner(client: PGlite): PreparedRunner {
  const names = new Map<string, string>();
  let next = 0;
  const exclusive = <T>(fn: () => Promise<T>) =>
    client._runExclusiveTransaction(() => client._runExclusiveQuery(fn));
  return (statement) => {
    const { sql: text, params } = dialect.sqlToQuery(statement);
    return exclusive(async () => {
      const known = names.get(text);
      // A fresh name each time a shape is parsed (a failed attempt may have left its name behind); past
      // the bound, the unnamed statement ('').
      const name = known ?? (names.size < MAX_STATEMENTS ? `yjs_statement_${next++}` : '');
      const messages = [
        ...(known ? [] : [serialize.parse({ name, text, types: [] })]),
        serialize.bind({ statement: name, values: params.map(asText) }),
        serialize.execute({}),
        serialize.sync(),
      ];
      // A failure reads as drizzle's own (its query, its parameters, the database's error as the cause), so
      // the logs redact it the same way (db/safe-error.ts) and callers find the SQLSTATE where they look.
      const result = await client.execProtocol(Buffer.concat(messages)).catch((error: unknown) => {
        throw new DrizzleQueryError(text, params, error instanceof Error ? error : undefined);
      });
      if (!known && name) names.set(text, name);
      return result.messages.flatMap((m) =>
        m.name === 'dataRow' ? [(m as unknown as { fields: (string | null)[] }).fields] : [],
      );
    });
  };
}

/** Registers the runner of a PGlite database's drizzle instance (db/client.ts). */
export function registerPreparedRunner(db: object, runner: PreparedRunner): void {
  runners.set(db, runner);
}

/** The database's runner, or undefined (the Postgres server, or inside a transaction). */
export function preparedRunnerOf(db: object): PreparedRunner | undefined {
  return runners.get(db);
}
