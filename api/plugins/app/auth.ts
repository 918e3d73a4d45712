// Authentication for the routes of the scope it is added to (routes/index.ts decides which routes need it
// by where it registers them, never by testing URLs): an API token (`Authorization: Bearer`, for systems and
// scripts) or a browser session cookie (staff signed in at /login; state-changing requests also need the
// CSRF token). Either way request.user is set the same, so role checks per route do not care how the user
// signed in. A route in the scope that checks what it needs itself (signing in, signing out) says so with
// `config: { anonymous: true }`. A token is looked up by its hash; lookups are cached briefly because every
// request needs one (a revoked token stops working within the TTL on other processes; this process forgets
// at once, see forgetTokens).
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Db } from '../../../db/client.ts';
import { type Role, type User, userByToken } from '../../../db/users.ts';
import { forbidden, Problem } from '../../problem.ts';
import { checkCsrf, clearSessionCookie, sessionExpired, sessionSecret } from './session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
  interface FastifyInstance {
    /** Drops cached token lookups, after a change that must take effect at once (revoke, disable). */
    forgetTokens(): void;
  }
}

const TOKEN_CACHE_TTL_MS = 10_000;

const unauthorized = (detail: string) => new Problem(401, 'unauthorized', 'Unauthorized', detail);

/** Every route registered in `scope` needs a valid bearer token or session, unless it is anonymous. */
export function authenticate(scope: FastifyInstance, db: Db): void {
  const cache = new Map<string, { user: User | undefined; until: number }>();
  const lookup = async (token: string): Promise<User | undefined> => {
    const hit = cache.get(token);
    if (hit && hit.until > Date.now()) return hit.user;
    const user = await userByToken(db, token);
    if (cache.size > 10_000) cache.clear();
    cache.set(token, { user, until: Date.now() + TOKEN_CACHE_TTL_MS });
    return user;
  };
  scope.decorate('forgetTokens', () => cache.clear());

  scope.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (request.routeOptions.config?.anonymous) return;
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const user = match ? await lookup(match[1]!) : undefined;
      if (!user) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw unauthorized('The token is unknown or revoked.');
      }
      request.user = user;
      return;
    }
    const secret = sessionSecret(request);
    if (secret) {
      const found = await scope.sessions.find(secret);
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

export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async (request) => {
    const user = currentUser(request);
    if (!roles.includes(user.role)) {
      throw forbidden(`This needs the role ${roles.join(' or ')}; you are ${user.role}.`);
    }
  };
}
