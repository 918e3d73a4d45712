// Counts failed attempts (sign-in, tracking) per key over a sliding window, so a guesser is told to wait
// (429 with Retry-After) once a key has used its allowance. In memory: each API process counts its own,
// which bounds guessing per process and needs no shared store.
import type { FastifyReply } from 'fastify';
import { Problem } from './problem.ts';

export interface FailureLimiterOptions {
  /** Failures allowed per key within the window; the next attempt is refused. */
  max: number;
  windowMs: number;
  now?: () => number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: FailureLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Seconds until every one of these keys may try again; 0 when none is over its allowance. */
  retryAfter(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.options.max) {
        // Allowed again once enough of the oldest failures have left the window.
        const freeAt = recent[recent.length - this.options.max]! + this.options.windowMs;
        wait = Math.max(wait, Math.ceil((freeAt - now) / 1000));
      }
    }
    return wait;
  }

  /** Throws a 429 problem (and sets Retry-After) when any key is over its allowance. */
  check(keys: string[], what: string, reply: FastifyReply): void {
    const wait = this.retryAfter(keys);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new Problem(
        429,
        'too-many-attempts',
        'Too many attempts',
        `Too many failed ${what} attempts; try again in ${wait} s.`,
        undefined,
        { retryAfter: wait },
      );
    }
  }

  fail(keys: string[]): void {
    const now = this.now();
    if (this.failures.size > 100_000) this.sweep(now);
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
  }

  private sweep(now: number): void {
    for (const [key, times] of this.failures) {
      if (!times.some((t) => t > now - this.options.windowMs)) this.failures.delete(key);
    }
  }
}
