// Bearer-token authentication for the routes of the scope it is added to (routes/index.ts decides which
// routes need a token by where it registers them, not by testing URLs), and role checks per route. A token
// is looked up by its hash; lookups are cached briefly because every request needs one (a revoked token
// stops working within the TTL).
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Db } from '../../../db/client.ts';
import { type Role, type User, userByToken } from '../../../db/users.ts';
import { forbidden, Problem } from '../../problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

const TOKEN_CACHE_TTL_MS = 10_000;

const unauthorized = (detail: string) => new Problem(401, 'unauthorized', 'Unauthorized', detail);

/** Every route registered in `scope` needs a valid bearer token. */
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

  scope.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const header = request.headers.authorization;
    if (!header) {
      reply.header('www-authenticate', 'Bearer');
      throw unauthorized('Send your API token as "Authorization: Bearer <token>".');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const user = match ? await lookup(match[1]!) : undefined;
    if (!user) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw unauthorized('The token is unknown or revoked.');
    }
    request.user = user;
  });
}

/** The authenticated user (auth has run for every /api route). */
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
