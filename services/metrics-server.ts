// The worker process's /metrics (distributed topology): the engine's counters (activities/metrics.ts) from
// prom-client's default registry, on a port of its own (METRICS_PORT); the API serves its own.
import { createServer, type Server } from 'node:http';
import client from 'prom-client';

export async function serveProcessMetrics(port: number, host: string): Promise<Server> {
  client.collectDefaultMetrics();
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    client.register.metrics().then(
      (body) => response.writeHead(200, { 'content-type': client.register.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
