// Serves the built browser UI (web/dist, see services/web-build.ts) from the same app as the API:
// hashed assets with long cache lifetimes, the two HTML entries uncached, /track/* to the applicant's
// light page and every other page a browser navigates to (/, /login, /clerk/…) to the staff app, which
// routes on the client. /api, /docs and the health checks keep their own routes; an unknown /api path
// stays a problem+json 404. Files are looked up per request, so a rebuild is served without a restart.
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STAFF_SCRIPT_SRC } from '../external/security.ts';

const LONG_CACHE = 'public, max-age=31536000, immutable';

export async function registerWebUi(app: FastifyInstance, dist: string): Promise<boolean> {
  if (!existsSync(join(dist, 'index.html'))) {
    app.log.warn({ dist }, 'no built web UI (index.html missing): serving the API only');
    return false;
  }
  // Vite names every asset after its content hash: a changed file is a new URL, so it may be cached forever.
  // Everything else (the HTML entries above all) is revalidated on every load, so a rebuild shows at once.
  const assets = join(dist, 'assets');
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    setHeaders: (reply, path) =>
      reply.header('cache-control', path.startsWith(assets + sep) ? LONG_CACHE : 'no-cache'),
  });
  const send = (reply: FastifyReply, file: string) => {
    // The staff app validates forms with Ajv, which compiles them (see plugins/external/security.ts).
    const policy = reply.getHeader('content-security-policy');
    if (file === 'index.html' && typeof policy === 'string')
      reply.header('content-security-policy', policy.replace(/script-src 'self'(?=;|$)/, STAFF_SCRIPT_SRC));
    return reply.sendFile(file, dist);
  };

  const page = (request: FastifyRequest, reply: FastifyReply) => {
    const path = `/${(request.params as { '*'?: string })['*'] ?? ''}`;
    if (path === '/api' || path.startsWith('/api/')) return reply.callNotFound();
    // Files at the top of dist (favicon, robots.txt…), never dotfiles (.build-hash) nor paths out of dist.
    const file = normalize(path).slice(1);
    if (
      file &&
      !file.startsWith('.') &&
      !file.includes('/.') &&
      !file.startsWith('..') &&
      isFile(join(dist, file))
    )
      return send(reply, file);
    if (!(request.headers.accept ?? '').includes('text/html')) return reply.callNotFound();
    return send(reply, path === '/track' || path.startsWith('/track/') ? 'track.html' : 'index.html');
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
  return true;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
