// Failed authentication counted per client address with @fastify/rate-limit's store (createRateLimit): a
// request is first checked without counting, and only a failure counts, so an address that keeps sending
// unknown tokens or bad signatures is told to wait (429, Retry-After) while a busy system with valid
// credentials is never slowed. Once over its allowance an address is refused before its credentials are
// even looked up, so guessing gains nothing and costs the database nothing until the window has passed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Allowance } from '../../../config.ts';
import { Problem } from '../../problem.ts';

export interface FailureGate {
  /** 429 with Retry-After when the request's address has used up its failures. */
  check(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts one failure of the request's address. */
  fail(request: FastifyRequest): Promise<void>;
}

export function tooManyRequests(seconds: number, what: string): Problem {
  return new Problem(
    429,
    'too-many-requests',
    'Too many requests',
    `Too many ${what} from this address; try again in ${seconds} s.`,
    undefined,
    { retryAfter: seconds },
  );
}

export function failureGate(app: FastifyInstance, allowance: Allowance, what: string): FailureGate {
  const limiter = app.createRateLimit({ max: allowance.max, timeWindow: allowance.windowMs });
  return {
    async check(request, reply) {
      const state = await limiter(request, { increment: false });
      if (state.isAllowed || state.remaining > 0) return;
      const seconds = Math.max(1, state.ttlInSeconds);
      reply.header('retry-after', String(seconds));
      throw tooManyRequests(seconds, what);
    },
    async fail(request) {
      await limiter(request);
    },
  };
}
