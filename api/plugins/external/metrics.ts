// Prometheus metrics: API latency by route (fastify-metrics, into this app's registry), the engine's
// counters (the process's default registry: activities/metrics.ts, when the worker runs here), Node's
// process metrics, and gauges read from the read model at scrape time. Served at /metrics on the API port
// to a bearer token (METRICS_TOKEN), or on a port of its own without one (METRICS_PORT); neither: not
// served. Labels carry routes, process ids, departments, outcomes: no personal data.
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import metricsPlugin from 'fastify-metrics';
import client, { Gauge, Registry } from 'prom-client';
import type { Db } from '../../../db/client.ts';
import { openCasesByClock, openIncidents } from '../../../db/metrics.ts';

export interface MetricsOptions {
  db: Db;
  token?: string;
  listen?: { port: number; host: string };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The port /metrics is served on, when it has a port of its own. */
    metricsPort?: number;
  }
}

// fastify-metrics is CommonJS with a default export: under ESM the plugin is that default.
const fastifyMetrics = ((metricsPlugin as unknown as { default?: unknown }).default ??
  metricsPlugin) as FastifyPluginCallback<Record<string, unknown>>;

let defaultMetricsCollected = false;

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function registerMetrics(app: FastifyInstance, options: MetricsOptions): Promise<void> {
  if (!options.token && !options.listen) return;
  if (!defaultMetricsCollected) {
    client.collectDefaultMetrics();
    defaultMetricsCollected = true;
  }
  const registry = new Registry();
  await app.register(fastifyMetrics, {
    endpoint: null,
    defaultMetrics: { enabled: false },
    clearRegisterOnInit: false,
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      registeredRoutesOnly: true,
      groupStatusCodes: false,
      routeBlacklist: ['/metrics', '/healthz', '/readyz'],
      overrides: {
        histogram: {
          name: 'yjs_http_request_duration_seconds',
          help: 'API request duration by route (the route pattern, never the URL)',
          registers: [registry],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        },
      },
    },
  });
  new Gauge({
    name: 'yjs_open_cases',
    help: 'Running cases by the colour of their own promise now (none: no promise)',
    labelNames: ['clock'],
    registers: [registry],
    async collect() {
      const counts = await openCasesByClock(options.db);
      for (const [clock, n] of Object.entries(counts)) this.set({ clock }, n);
    },
  });
  new Gauge({
    name: 'yjs_incidents_open',
    help: "Open incidents with departments' systems (retrying: the engine still tries; stuck: a manager must act)",
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await openIncidents(options.db);
      this.set({ state: 'retrying' }, counts.retrying);
      this.set({ state: 'stuck' }, counts.stuck);
    },
  });
  const exposition = async () => {
    const merged = Registry.merge([client.register, registry]);
    return { type: merged.contentType, body: await merged.metrics() };
  };

  if (options.listen) {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      exposition().then(
        ({ type, body }) => response.writeHead(200, { 'content-type': type }).end(body),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listen!.port, options.listen!.host, () => resolve());
    });
    const address = server.address();
    app.decorate('metricsPort', typeof address === 'object' && address ? address.port : options.listen.port);
    app.addHook('onClose', (_app, done) => server.close(() => done()));
    return;
  }
  const token = options.token!;
  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match || !sameToken(match[1]!, token)) {
      reply.header('www-authenticate', 'Bearer');
      return reply.status(401).type('application/problem+json').send({
        type: 'https://yijianshi.dev/problems/unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'Scrape /metrics with the configured METRICS_TOKEN.',
      });
    }
    const { type, body } = await exposition();
    return reply.type(type).send(body);
  });
}
