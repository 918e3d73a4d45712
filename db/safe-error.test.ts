// Database errors as they are logged: real errors from a real database (PGlite, or TEST_DATABASE_URL), whose
// message, `detail` and `params` quote the offending values, reduced to names and codes.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test/helpers.ts';
import type { Database } from './client.ts';
import { carriesValues, safeError, safeMessage, withoutValues } from './safe-error.ts';
import { createUser } from './users.ts';

const NAME = '测试甲乙丙';
const ID_NUMBER = '330106199912310099';
let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

const caught = async (fn: () => Promise<unknown>): Promise<Error> => {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('safeError', () => {
  it('keeps the kind, the constraint and the SQL of a unique violation, not the values', async () => {
    await createUser(database.db, { username: ID_NUMBER, displayName: NAME, role: 'clerk' });
    const error = await caught(() =>
      createUser(database.db, { username: ID_NUMBER, displayName: NAME, role: 'clerk' }),
    );
    // The error as the driver gives it does quote the values (the test would mean nothing otherwise).
    expect(
      JSON.stringify({
        m: error.message,
        c: (error.cause as Error)?.message,
        d: (error.cause as { detail?: string })?.detail,
      }),
    ).toContain(ID_NUMBER);
    expect(carriesValues(error)).toBe(true);
    const safe = JSON.stringify(safeError(error));
    expect(safe).not.toContain(ID_NUMBER);
    expect(safe).not.toContain(NAME);
    expect(safeError(error).message).toContain('insert into "users"');
    expect(safeError(error).cause?.code).toBe('23505');
    const clean = withoutValues(error);
    expect(`${clean.message}\n${clean.stack}`).not.toContain(ID_NUMBER);
    expect(carriesValues(clean)).toBe(false);
  });

  it('drops a value Postgres quotes in its message', async () => {
    const error = await caught(() => database.db.execute(sql`select ${ID_NUMBER}::uuid`));
    expect(JSON.stringify(safeError(error))).not.toContain(ID_NUMBER);
    expect(safeMessage(`invalid input syntax for type uuid: "${ID_NUMBER}"`)).toBe(
      'invalid input syntax for type uuid: [redacted]',
    );
    expect(safeMessage(`Key (username)=(${ID_NUMBER}) already exists.`)).toBe(
      'Key (username)=([redacted]) already exists.',
    );
  });

  it('leaves other errors as they are', () => {
    const error = new Error('the department system answered 503');
    expect(carriesValues(error)).toBe(false);
    expect(safeError(error).message).toBe('the department system answered 503');
  });
});
