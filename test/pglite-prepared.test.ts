// The projection's named prepared statements on PGlite (db/pglite-prepared.ts): one parse per shape, the
// right rows past the plan cache's switch to a generic plan, errors with their SQLSTATE that leave nothing
// behind, and no interleaving with another caller's transaction.
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { type PreparedRunner, preparedRunner, preparedRunnerOf } from '../db/pglite-prepared.ts';
import { createUser, issueToken, revokeToken, setDisabled, tokensOf, userByToken } from '../db/users.ts';

let client: PGlite;
let run: PreparedRunner;

beforeAll(async () => {
  client = await PGlite.create('memory://');
  await client.exec('create table t (id int primary key, v text, at timestamptz, j jsonb)');
  run = preparedRunner(client);
});
afterAll(() => client.close());

const prepared = async () =>
  (await client.query<{ name: string }>('select name from pg_prepared_statements order by name')).rows.map(
    (r) => r.name,
  );

describe('prepared statements on PGlite', () => {
  it('parses a shape once and answers each execution with its own rows', async () => {
    for (let id = 1; id <= 8; id++) {
      const rows = await run(
        sql`insert into t (id, v, at, j) values (${id}, ${`v${id}`}, ${new Date(Date.UTC(2026, 0, id))}::timestamptz,
            ${JSON.stringify({ id })}::jsonb) returning v, at, j->>'id', ${null}::text`,
      );
      expect(rows).toEqual([[`v${id}`, `2026-01-0${id} 00:00:00+00`, String(id), null]]);
    }
    expect(await prepared()).toEqual(['yjs_statement_0']);
    expect(await run(sql`select count(*) from t where id > ${0}`)).toEqual([['8']]);
    expect(await prepared()).toEqual(['yjs_statement_0', 'yjs_statement_1']);
  });

  it('answers no rows when the statement returns none', async () => {
    expect(await run(sql`update t set v = 'x' where id = ${999} returning v`)).toEqual([]);
  });

  it('rejects as drizzle does (the SQLSTATE in the cause), and the shape runs again afterwards', async () => {
    const insert = (id: number) => run(sql`insert into t (id, v) values (${id}, ${'again'}) returning id`);
    const refused = await insert(1).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DrizzleQueryError);
    expect(refused).toMatchObject({ cause: { code: '23505' }, params: [1, 'again'] });
    expect(await insert(50)).toEqual([['50']]);
  });

  it('keeps no name for a statement that failed to parse', async () => {
    const before = await prepared();
    await expect(run(sql`selec ${1}`)).rejects.toMatchObject({ cause: { code: '42601' } });
    expect(await prepared()).toEqual(before);
    expect(await run(sql`select ${'still'}::text`)).toEqual([['still']]);
  });

  it('does not run inside another caller’s transaction', async () => {
    let started!: () => void;
    const inTransaction = new Promise<void>((resolve) => {
      started = resolve;
    });
    const rolledBack = client
      .transaction(async (tx) => {
        await tx.query('insert into t (id, v) values (100, $1)', ['tx']);
        started();
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    await inTransaction;
    const outside = run(sql`insert into t (id, v) values (${200}, ${'outside'}) returning id`);
    expect(await rolledBack).toBe('roll back');
    expect(await outside).toEqual([['200']]);
    const { rows } = await client.query<{ id: number }>('select id from t where id in (100, 200)');
    expect(rows.map((r) => r.id)).toEqual([200]);
  });
});

describe('the token lookup on PGlite', () => {
  it('answers prepared what drizzle answers, and refuses revoked tokens and disabled users at once', async () => {
    const database = await openDatabase({});
    try {
      const db = database.db;
      const lead = await createUser(db, {
        username: 'lead',
        displayName: '王科长',
        role: 'department',
        department: 'Tax',
        lead: true,
      });
      const clerk = await createUser(db, { username: 'clerk', displayName: '李', role: 'clerk' });
      const leadToken = await issueToken(db, lead.id, 'test');
      const clerkToken = await issueToken(db, clerk.id, 'test');
      expect(preparedRunnerOf(db)).toBeDefined();
      expect(await userByToken(db, leadToken)).toEqual(lead);
      expect(await userByToken(db, clerkToken)).toEqual({ ...clerk, department: null, lead: false });
      expect(await userByToken(db, 'yjs_unknown')).toBeUndefined();
      const [token] = await tokensOf(db, clerk.id);
      await revokeToken(db, token!.id);
      expect(await userByToken(db, clerkToken)).toBeUndefined();
      await setDisabled(db, lead.id, true);
      expect(await userByToken(db, leadToken)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
