// Authentication for the routes of the scope it is added to (routes/index.ts decides which routes need it
// by where it registers them, never by testing URLs): an API token (`Authorization: Bearer`, for systems and
// scripts) or a browser session cookie (staff signed in at /login; state-changing requests also need the
// CSRF token). Either way request.user is set the same, so role checks per route do not care how the user
// signed in. A route in the scope that checks what it needs itself (signing in, signing out) says so with
// `config: { anonymous: true }`. A token's user comes from the token cache, which every change to tokens or
// users empties in every API process (db/token-cache.ts), so a revoked token or a disabled user is refused
// at once.
// Failed attempts (unknown tokens, unknown sessions) are counted per client address: past the allowance the
// address is answered 429 with Retry-After, valid credentials or not, until the window has passed.
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { Db } from '../../../db/client.ts';
import { type Role, type User, userByToken } from '../../../db/users.ts';
import { forbidden, Problem } from '../../problem.ts';
import type { FailureGate } from './failure-gate.ts';
import { checkCsrf, clearSessionCookie, sessionExpired, sessionSecret } from './session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

const unauthorized = (detail: string) => new Problem(401, 'unauthorized', 'Unauthorized', detail);

/** Every route registered in `scope` needs a valid bearer token or session, unless it is anonymous. */
export function authenticate(scope: FastifyInstance, db: Db, failures: FailureGate): void {
  scope.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (request.routeOptions.config?.anonymous) return;
    const header = request.headers.authorization;
    const secret = sessionSecret(request);
    if (header || secret) await failures.check(request, reply);
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const user = match ? await userByToken(db, match[1]!) : undefined;
      if (!user) {
        await failures.fail(request);
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw unauthorized('The token is unknown or revoked.');
      }
      request.user = user;
      return;
    }
    if (secret) {
      const found = await scope.sessions.find(secret);
      if (found.state === 'unknown') await failures.fail(request);
      if (found.state !== 'live') {
        clearSessionCookie(request, reply);
        throw found.state === 'expired'
          ? sessionExpired()
          : unauthorized('The session has ended; sign in again.');
      }
      checkCsrf(request, found.session);
      request.user = found.session.user;
      request.session = found.session;
      return;
    }
    reply.header('www-authenticate', 'Bearer');
    throw unauthorized('Send your API token as "Authorization: Bearer <token>", or sign in at /login.');
  });
}

/** The authenticated user (authentication has run for every route of its scope). */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw unauthorized('Not authenticated.');
  return request.user;
}

/**
 * A route's role check, run before its input is validated (preValidation): a caller without the role is
 * refused 403 without learning what the route would accept.
 */
export function requireRole(...roles: Role[]): preValidationAsyncHookHandler {
  return async (request) => {
    const user = currentUser(request);
    if (!roles.includes(user.role)) {
      throw forbidden(`This needs the role ${roles.join(' or ')}; you are ${user.role}.`);
    }
  };
}
