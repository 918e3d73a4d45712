// Users and API tokens. Tokens are random 32-byte secrets shown once; only their SHA-256 is stored.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './client.ts';
import { apiTokens, users } from './schema.ts';

export type Role = 'clerk' | 'department' | 'manager' | 'admin';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `yjs_${randomBytes(32).toString('base64url')}`;
}

export async function userByToken(db: Db, token: string): Promise<User | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      department: users.department,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  return row as User | undefined;
}

export async function findUserByName(db: Db, username: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row as User | undefined;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  department?: string;
}

export async function createUser(db: Db, u: NewUser): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({ id: randomUUID(), ...u, department: u.department ?? null })
    .returning();
  return row as User;
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

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.select().from(users).orderBy(users.username)) as User[];
}

export async function findUser(db: Db, id: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row as User | undefined;
}

/** Revokes a token by the id it was issued under; true when it existed and was live. */
export async function revokeToken(db: Db, tokenId: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}
