// Users and API tokens. Tokens are random 32-byte secrets shown once; only their SHA-256 is stored.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from './client.ts';
import { preparedRunnerOf } from './pglite-prepared.ts';
import { apiTokens, sessions, users } from './schema.ts';
import { tokenCacheOf } from './token-cache.ts';

export type Role = 'clerk' | 'department' | 'manager' | 'admin';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
  /** The department's lead (科室负责人): assigns its tasks and may act on any of them. */
  lead: boolean;
}

/** A user as admins see them: whether they are disabled (never the password hash). */
export interface UserRecord extends User {
  disabled: boolean;
}

/** The columns of a User: never the password hash, so it cannot leak through a response. */
const userColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  department: users.department,
  lead: users.lead,
};

const recordColumns = { ...userColumns, disabledAt: users.disabledAt };

function toRecord({
  disabledAt,
  ...user
}: { disabledAt: Date | null } & Record<string, unknown>): UserRecord {
  return { ...(user as unknown as User), disabled: disabledAt !== null };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `yjs_${randomBytes(32).toString('base64url')}`;
}

/**
 * The live user a token belongs to: not revoked, and the user not disabled. From the token cache when the
 * database has one (db/token-cache.ts: every change to tokens and users is notified and forgets it).
 */
export async function userByToken(db: Db, token: string): Promise<User | undefined> {
  const tokenHash = hashToken(token);
  const cache = tokenCacheOf(db);
  return cache
    ? cache.lookup(tokenHash, () => readUserByToken(db, tokenHash))
    : readUserByToken(db, tokenHash);
}

async function readUserByToken(db: Db, tokenHash: string): Promise<User | undefined> {
  const query = db
    .select(userColumns)
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), isNull(users.disabledAt)));
  // On PGlite it runs prepared, a third of drizzle's cost (BENCHMARKS.md).
  const prepared = preparedRunnerOf(db);
  if (!prepared) return ((await query) as User[])[0];
  const [row] = await prepared(query.getSQL());
  if (!row) return undefined;
  const [id, username, displayName, role, department, lead] = row;
  return {
    id: id!,
    username: username!,
    displayName: displayName!,
    role: role as Role,
    department: department ?? null,
    lead: lead === 't',
  };
}

/**
 * After this process changed a token or a user: its own cache forgets at once, without waiting for the
 * database's notification (which tells the other API processes).
 */
function credentialsChanged(db: Db): void {
  tokenCacheOf(db)?.forgetAll();
}

export async function findUserByName(db: Db, username: string): Promise<User | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.username, username));
  return row as User | undefined;
}

/** What signing in needs: the user, their password hash (if any) and whether they are disabled. */
export async function credentialsOf(
  db: Db,
  username: string,
): Promise<{ user: User; passwordHash: string | null; disabled: boolean } | undefined> {
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.username, username));
  if (!row) return undefined;
  const { passwordHash, disabledAt, ...user } = row;
  return { user: user as User, passwordHash, disabled: disabledAt !== null };
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  department?: string;
  /** A department's lead. */
  lead?: boolean;
  /** Already hashed (db/passwords.ts). */
  passwordHash?: string;
}

export async function createUser(db: Db, u: NewUser): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({
      id: randomUUID(),
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      department: u.department ?? null,
      lead: u.lead ?? false,
      passwordHash: u.passwordHash ?? null,
    })
    .returning(userColumns);
  return row as User;
}

/** Sets a user's password hash and ends their sessions (a reset signs out everywhere); false if no user. */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ passwordHash })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  credentialsChanged(db);
  if (rows.length === 0) return false;
  await db.delete(sessions).where(eq(sessions.userId, userId));
  return true;
}

/** Disables or enables a user; disabling ends their sessions. The user after the change, if they exist. */
export async function setDisabled(
  db: Db,
  userId: string,
  disabled: boolean,
): Promise<UserRecord | undefined> {
  const [row] = await db
    .update(users)
    .set({ disabledAt: disabled ? new Date() : null })
    .where(eq(users.id, userId))
    .returning(recordColumns);
  credentialsChanged(db);
  if (!row) return undefined;
  if (disabled) await db.delete(sessions).where(eq(sessions.userId, userId));
  return toRecord(row);
}

/** Issues a token for a user; the plain token is returned once and never stored. */
export async function issueToken(db: Db, userId: string, label: string, token = newToken()): Promise<string> {
  return (await issueTokenWithId(db, userId, label, token)).token;
}

export async function issueTokenWithId(
  db: Db,
  userId: string,
  label: string,
  token = newToken(),
): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  await db.insert(apiTokens).values({ id, userId, tokenHash: hashToken(token), label });
  return { id, token };
}

/** A user's tokens, newest first: what admins may see of them (never the secret nor its hash). */
export async function tokensOf(db: Db, userId: string) {
  return db
    .select({
      id: apiTokens.id,
      label: apiTokens.label,
      createdAt: apiTokens.createdAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt));
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return (await db.select(recordColumns).from(users).orderBy(users.username)).map(toRecord);
}

export async function findUser(db: Db, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select(recordColumns).from(users).where(eq(users.id, id));
  return row ? toRecord(row) : undefined;
}

/** Revokes a token by the id it was issued under; true when it existed and was live. */
export async function revokeToken(db: Db, tokenId: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  credentialsChanged(db);
  return rows.length > 0;
}

/** Display names of users, by id (for who holds a task). */
export async function displayNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.displayName]));
}
