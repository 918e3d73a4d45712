// The bare baseline behind HTTP: the bare workflow (bench/bare-workflow.ts) reached through a plain Fastify
// server in the engine's process, over the engine's Temporal client. Nothing of the engine: no
// authentication, no validation, no database, no case logic. What it costs over the bare baseline is what
// any engine pays for being reached over HTTP on this machine (the HTTP server and the Temporal client
// share the process and the cores with the worker), so it bounds the ratio an HTTP API can reach. Its routes
// are the engine's paths, so the driver sends both the same requests (bench/driver.ts apiCase).
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { bareDecide, bareOpen } from './bare-workflow.ts';

export function bareHttpServer(client: Client, taskQueue: string): FastifyInstance {
  const app = Fastify({ logger: false });
  let ids = 0;
  app.post('/api/cases', async () => {
    const id = `bare-http-${process.pid}-${++ids}`;
    const steps = await client.workflow.executeUpdateWithStart(bareOpen, {
      startWorkflowOperation: new WithStartWorkflowOperation('bareCaseWorkflow', {
        taskQueue,
        workflowId: id,
        workflowIdConflictPolicy: 'FAIL',
      }),
    });
    return { id, steps };
  });
  app.post<{ Params: { id: string; step: string } }>(
    '/api/cases/:id/steps/:step/decision',
    async (request) => {
      const { id, step } = request.params;
      const steps = await client.workflow.getHandle(id).executeUpdate(bareDecide, { args: [step] });
      return { steps };
    },
  );
  return app;
}
