// Browser sessions: created at sign-in, found by the SHA-256 of the cookie's secret, extended by use and
// expired after a period of inactivity. In the database, so they survive restarts and every API process
// shares them.
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from './client.ts';
import { sessions, users } from './schema.ts';
import { hashToken, type User } from './users.ts';

export interface Session {
  /** The session row's id (the hash of the cookie's secret). */
  id: string;
  user: User;
  csrfToken: string;
  expiresAt: Date;
}

export type SessionLookup =
  | { state: 'live'; session: Session }
  | { state: 'expired' }
  /** No such session (never existed, signed out, ended by a reset or a disabled user). */
  | { state: 'unknown' };

export interface SessionStoreOptions {
  /** Inactivity after which a session expires. */
  idleMs: number;
  /** The clock (tests set it to walk past the idle limit). */
  now?: () => Date;
}

export class SessionStore {
  readonly idleMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    options: SessionStoreOptions,
  ) {
    this.idleMs = options.idleMs;
    this.now = options.now ?? (() => new Date());
  }

  /** Opens a session for a user; the secret (for the cookie) is returned once and never stored. */
  async create(user: User): Promise<{ secret: string; session: Session }> {
    const now = this.now();
    const secret = randomBytes(32).toString('base64url');
    const session: Session = {
      id: hashToken(secret),
      user,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(now.getTime() + this.idleMs),
    };
    await this.db.insert(sessions).values({
      id: session.id,
      userId: user.id,
      csrfToken: session.csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: session.expiresAt,
    });
    // Sessions nobody came back to would pile up: sign-ins sweep those expired a day ago.
    await this.db.delete(sessions).where(lt(sessions.expiresAt, new Date(now.getTime() - 86_400_000)));
    return { secret, session };
  }

  /** The session a cookie names; a live one is extended (written at most every 1/20 of the idle limit). */
  async find(secret: string): Promise<SessionLookup> {
    const id = hashToken(secret);
    const [row] = await this.db
      .select({
        csrfToken: sessions.csrfToken,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        user: { id: users.id, username: users.username, displayName: users.displayName, role: users.role },
        department: users.department,
        lead: users.lead,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, id), isNull(users.disabledAt)));
    if (!row) return { state: 'unknown' };
    const now = this.now();
    if (row.expiresAt <= now) {
      await this.db.delete(sessions).where(eq(sessions.id, id));
      return { state: 'expired' };
    }
    let expiresAt = row.expiresAt;
    if (now.getTime() - row.lastSeenAt.getTime() >= this.idleMs / 20) {
      expiresAt = new Date(now.getTime() + this.idleMs);
      await this.db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id));
    }
    const user = { ...row.user, department: row.department, lead: row.lead } as User;
    return { state: 'live', session: { id, user, csrfToken: row.csrfToken, expiresAt } };
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, id));
  }
}
