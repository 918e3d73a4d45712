// Liveness and readiness for supervisors and load balancers (no authentication, no case data).
import { databaseAnswers } from '../../db/client.ts';
import type { App, AppDeps } from '../deps.ts';

export function healthRoutes(app: App, deps: AppDeps): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, boolean> = {};
    checks.database = await databaseAnswers(deps.db);
    checks.temporal = await deps.ready().catch(() => false);
    const ok = Object.values(checks).every(Boolean);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });
}
