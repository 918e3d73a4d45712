// Reads over postgres.js as named prepared statements. drizzle sends every statement it did not .prepare()
// unnamed, and postgres.js then describes an unnamed statement that has parameters before binding it: two
// round trips and a fresh parse per read. Prepared once per connection (postgres.js keeps them by text), a
// read is one round trip. Only reads (select, or with … select): their texts are a bounded set (the
// filters a route combines, IN lists up to a page), where writes' multi-row VALUES vary without bound.
// Transactions' clients get the same treatment.
import type { Sql } from 'postgres';

const READ = /^\s*(select|with)\b/i;

type Unsafe = Sql['unsafe'];

export function preparingReads<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        const unsafe: Unsafe = (query, parameters, options) =>
          target.unsafe(query, parameters, READ.test(query) ? { ...options, prepare: true } : options);
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
