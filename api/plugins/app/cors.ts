// CORS for the API, off unless origins are configured (CORS_ORIGINS): a page of a listed origin may call
// /api with a bearer token; no other origin gets an Access-Control-Allow-Origin. Credentials (the session
// cookie) are never allowed cross-origin, so no other site can act with a signed-in clerk's session. The
// codec endpoint has its own CORS for the Temporal UI (routes/codec.ts).
import type { FastifyInstance } from 'fastify';

const EXPOSED = ['location', 'next-cursor', 'link', 'retry-after', 'idempotent-replayed'].join(', ');
const ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-tracking-code'].join(', ');

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return;
    reply.header('vary', 'Origin');
    if (!origins.includes(origin)) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-expose-headers', EXPOSED);
  });
  // Preflights carry no credentials and no data: answered here, outside the token scope.
  app.options('/api/*', { schema: { hide: true } }, async (_request, reply) => {
    if (reply.hasHeader('access-control-allow-origin')) {
      reply.header('access-control-allow-methods', 'GET, POST, DELETE');
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', '600');
    }
    return reply.status(204).send();
  });
}
