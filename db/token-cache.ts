// The users of the API tokens an API process has seen, so a request costs no token lookup (on the 2-core
// bench machine the lookup was a tenth of the engine's CPU per decision). A revoked token or a disabled user
// must still be refused at once by every API process: the database notifies every listener after any change
// to api_tokens or users commits (migration 0011, channel yjs_credentials), and a notification forgets every
// entry. Between a change's commit and its notification's arrival (milliseconds, from another process) a
// cached token still passes; changes this process makes forget at once (db/users.ts), without waiting.
//
// What a lost notification could keep alive is bounded twice: postgres.js re-listens after a reconnect and
// calls back, which forgets everything too (changes made while it was away went unheard), and an entry
// lives at most `ttlMs` whatever happens. Only found users are kept: an unknown token is looked up every
// time (the failure gate counts those), so a token issued a moment ago works at once.
import type { User } from './users.ts';

/** The channel the database notifies on (db/migrations/0011_credentials_changed.sql). */
export const CREDENTIALS_CHANNEL = 'yjs_credentials';

export interface TokenCacheOptions {
  /** The longest an entry is trusted without a notification (default 10 s). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first (default 10,000 tokens). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  user: User;
  at: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  /** Counts the forgettings: a lookup that began before one must not store what it read. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Lookups answered from the cache, and from the database (tests and diagnostics). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(options: TokenCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The user of a token (by its hash): from the cache while the entry is fresh, otherwise `read`'s answer,
   * kept if no change was notified while it was read (else it may predate the change).
   */
  async lookup(tokenHash: string, read: () => Promise<User | undefined>): Promise<User | undefined> {
    const entry = this.entries.get(tokenHash);
    if (entry && this.now() - entry.at < this.ttlMs) {
      this.stats.hits++;
      return entry.user;
    }
    this.stats.misses++;
    const generation = this.generation;
    const startedAt = this.now();
    const user = await read();
    if (user === undefined) this.entries.delete(tokenHash);
    else if (generation === this.generation) this.keep(tokenHash, { user, at: startedAt });
    return user;
  }

  /** Forgets every entry: a token or a user changed somewhere (or may have, unheard). */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private keep(tokenHash: string, entry: Entry): void {
    this.entries.delete(tokenHash); // re-inserted last: the Map's order is the eviction order
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, entry);
  }
}

const caches = new WeakMap<object, TokenCache>();

/** Registers the token cache of a database's drizzle instance (db/client.ts, once it listens). */
export function registerTokenCache(db: object, cache: TokenCache): void {
  caches.set(db, cache);
}

/** The database's token cache, or undefined (not listening, or inside a transaction). */
export function tokenCacheOf(db: object): TokenCache | undefined {
  return caches.get(db);
}
