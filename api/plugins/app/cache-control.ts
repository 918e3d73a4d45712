// Nothing the API answers may be kept by a browser or a proxy cache unless its route says so: case views,
// worklists, tracking and errors all carry or reveal personal data. Routes that may be cached (the web UI's
// hashed assets, its HTML entries revalidated each time) set their own Cache-Control.
import type { FastifyInstance } from 'fastify';

export function registerCacheControl(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
