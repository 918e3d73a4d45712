// Reads over postgres.js as named prepared statements. drizzle sends every statement it did not .prepare()
// unnamed, and postgres.js then describes an unnamed statement that has parameters before binding it: two
// round trips and a fresh parse per read. Prepared once per connection (postgres.js keeps them by text), a
// read is one round trip. Only reads (select, or with … select): their texts are a bounded set (the
// filters a route combines, IN lists up to a page), where writes' multi-row VALUES vary without bound.
// A write whose text is fixed (its values in arrays or JSON) says so with FIXED_TEXT and is prepared too:
// the access log's insert, which every worklist page and case view runs, paid a describe round trip.
// Transactions' clients get the same treatment.
import { sql } from 'drizzle-orm';
import type { Sql } from 'postgres';

const FIXED_TEXT_MARK = '/* fixed-text */';
/** The comment that opens a write whose text does not depend on its values: prepared like a read. */
export const FIXED_TEXT = sql.raw(`${FIXED_TEXT_MARK} `);

const READ = /^\s*(select|with)\b/i;
const prepares = (query: string) => READ.test(query) || query.trimStart().startsWith(FIXED_TEXT_MARK);

type Unsafe = Sql['unsafe'];

export function preparingReads<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        const unsafe: Unsafe = (query, parameters, options) =>
          target.unsafe(query, parameters, prepares(query) ? { ...options, prepare: true } : options);
        return unsafe;
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (sql: Sql) => unknown;
          const head = args.slice(0, -1);
          return (target.begin as (...a: unknown[]) => unknown)(...head, (sql: Sql) =>
            fn(preparingReads(sql)),
          );
        };
      }
      if (property === 'savepoint') {
        const savepoint = Reflect.get(target, property, receiver) as
          | ((...a: unknown[]) => unknown)
          | undefined;
        if (typeof savepoint !== 'function') return savepoint;
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (sql: Sql) => unknown;
          return savepoint.call(target, ...args.slice(0, -1), (sql: Sql) => fn(preparingReads(sql)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
