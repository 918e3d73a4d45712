// The token cache (db/token-cache.ts): requests cost no token lookup, yet a token revoked or a user disabled
// is refused at once, whoever changed the row (this process, a statement of anyone's, another API process on
// the same Postgres server). On PGlite, or the Postgres server in TEST_DATABASE_URL (`npm run test:pg`).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/client.ts';
import { TokenCache, tokenCacheOf } from '../db/token-cache.ts';
import {
  createUser,
  issueTokenWithId,
  revokeToken,
  setDisabled,
  type User,
  userByToken,
} from '../db/users.ts';
import { openTestDatabase } from './helpers.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.ts';

const someone = (id: string): User => ({
  id,
  username: id,
  displayName: id,
  role: 'clerk',
  department: null,
  lead: false,
});

describe('TokenCache', () => {
  it('reads a token once, then answers from memory until the entry is older than its limit', async () => {
    let now = 0;
    let reads = 0;
    const cache = new TokenCache({ ttlMs: 1000, now: () => now });
    const read = async () => {
      reads++;
      return someone('u1');
    };
    await cache.lookup('h1', read);
    now = 999;
    expect(await cache.lookup('h1', read)).toEqual(someone('u1'));
    expect(reads).toBe(1);
    now = 1000;
    await cache.lookup('h1', read);
    expect(reads).toBe(2);
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
  });

  it('keeps no unknown token, so one issued a moment ago works at once', async () => {
    const cache = new TokenCache();
    expect(await cache.lookup('h1', async () => undefined)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(await cache.lookup('h1', async () => someone('u1'))).toEqual(someone('u1'));
  });

  it('does not keep what a lookup read while a change was notified (it may predate the change)', async () => {
    const cache = new TokenCache();
    let answer!: (user: User) => void;
    const pending = cache.lookup('h1', () => new Promise<User>((resolve) => (answer = resolve)));
    cache.forgetAll(); // the revocation commits and is notified while the read is on its way
    answer(someone('u1'));
    expect(await pending).toEqual(someone('u1'));
    expect(cache.size).toBe(0);
  });

  it('forgets the oldest entry beyond its bound', async () => {
    const cache = new TokenCache({ maxEntries: 2 });
    for (const h of ['h1', 'h2', 'h3']) await cache.lookup(h, async () => someone(h));
    let reads = 0;
    await cache.lookup('h1', async () => {
      reads++;
      return someone('h1');
    });
    await cache.lookup('h3', async () => {
      reads++;
      return someone('h3');
    });
    expect(reads).toBe(1);
  });
});

const onServer = process.env.TEST_DATABASE_URL !== undefined;

/** Polls for a notification from the database, which reaches a Postgres server's listeners a moment later. */
async function refusedWithin(db: Database['db'], token: string, ms: number): Promise<number> {
  const started = Date.now();
  while ((await userByToken(db, token)) !== undefined) {
    if (Date.now() - started > ms) throw new Error(`the token still passed after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

describe(`API tokens on ${onServer ? 'the Postgres server' : 'PGlite'}`, () => {
  let database: Database;
  let userId: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    userId = (await createUser(database.db, { username: 'cache-clerk', displayName: 'Clerk', role: 'clerk' }))
      .id;
  });
  afterAll(() => database?.close());

  const lookups = () => ({ ...tokenCacheOf(database.db)!.stats });

  it('looks a token up once for many requests', async () => {
    const { token } = await issueTokenWithId(database.db, userId, 'cached');
    const before = lookups();
    for (let i = 0; i < 5; i++) expect((await userByToken(database.db, token))?.id).toBe(userId);
    const after = lookups();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(4);
  });

  it('refuses a token revoked through the API at once', async () => {
    const { id, token } = await issueTokenWithId(database.db, userId, 'revoked-here');
    expect(await userByToken(database.db, token)).toBeDefined();
    expect(await revokeToken(database.db, id)).toBe(true);
    expect(await userByToken(database.db, token)).toBeUndefined();
  });

  it('refuses a token revoked by a statement of anyone’s (a script, psql)', async () => {
    const { id, token } = await issueTokenWithId(database.db, userId, 'revoked-by-sql');
    expect(await userByToken(database.db, token)).toBeDefined();
    await database.db.execute(sql`update api_tokens set revoked_at = now() where id = ${id}`);
    // PGlite hands its listeners the notification with the statement's answer; the server, a moment later.
    if (onServer) await refusedWithin(database.db, token, 2000);
    else expect(await userByToken(database.db, token)).toBeUndefined();
  });

  it('refuses the tokens of a user disabled or removed by a statement', async () => {
    const other = await createUser(database.db, { username: 'cache-other', displayName: 'O', role: 'clerk' });
    const { token } = await issueTokenWithId(database.db, other.id, 'disabled-by-sql');
    const { token: second } = await issueTokenWithId(database.db, other.id, 'deleted-by-sql');
    expect(await userByToken(database.db, token)).toBeDefined();
    await database.db.execute(sql`update users set disabled_at = now() where id = ${other.id}`);
    if (onServer) await refusedWithin(database.db, token, 2000);
    else expect(await userByToken(database.db, token)).toBeUndefined();

    await setDisabled(database.db, other.id, false);
    expect(await userByToken(database.db, second)).toBeDefined();
    await database.db.execute(sql`delete from api_tokens where user_id = ${other.id}`);
    if (onServer) await refusedWithin(database.db, second, 2000);
    else expect(await userByToken(database.db, second)).toBeUndefined();
  });

  it.skipIf(onServer)('looks every token up when the cache is off', async () => {
    const uncached = await openDatabase({ tokenCache: false });
    try {
      const { db } = uncached;
      const user = await createUser(db, { username: 'uncached', displayName: 'U', role: 'clerk' });
      const { token } = await issueTokenWithId(db, user.id, 'uncached');
      expect(await userByToken(db, token)).toBeDefined();
      // No notification this time: only a lookup of its own can see the revocation.
      await db.execute(sql`alter table api_tokens disable trigger api_tokens_changed`);
      await db.execute(sql`update api_tokens set revoked_at = now()`);
      expect(await userByToken(db, token)).toBeUndefined();
      expect(tokenCacheOf(db)).toBeUndefined();
    } finally {
      await uncached.close();
    }
  });
});

describe.runIf(onServer)('two API processes on one Postgres server', () => {
  let throwaway: ThrowawayDatabase;
  let here: Database;
  let there: Database;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(process.env.TEST_DATABASE_URL!);
    here = await openDatabase({ url: throwaway.url, poolSize: 2 });
    there = await openDatabase({ url: throwaway.url, poolSize: 2 });
  });
  afterAll(async () => {
    await here?.close();
    await there?.close();
    await throwaway?.drop();
  });

  it('the other refuses a token this one revoked, once the notification arrives', async () => {
    const user = await createUser(here.db, { username: 'two-procs', displayName: 'T', role: 'clerk' });
    const { id, token } = await issueTokenWithId(here.db, user.id, 'shared');
    expect(await userByToken(there.db, token)).toBeDefined();
    expect(await userByToken(there.db, token)).toBeDefined();
    expect(tokenCacheOf(there.db)!.stats.hits).toBeGreaterThan(0);
    await revokeToken(here.db, id);
    await refusedWithin(there.db, token, 2000);
  });
});
