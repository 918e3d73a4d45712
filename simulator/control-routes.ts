// The control API (/_control; tests, the bench, a person poking at `npm run departments`): read and change
// how each department behaves, start or end an outage, read the ledger. No authentication: the simulator
// listens on localhost only unless told otherwise (simulator/main.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { DepartmentPatch } from './control-types.ts';
import { error, invalid } from './errors.ts';
import type { Ledger } from './ledger.ts';
import { type DepartmentRegistry, withoutSecret } from './registry.ts';

const checkOutage = Compile(Type.Object({ seconds: Type.Number({ minimum: 0, maximum: 86_400 }) }));

type CodeRequest = FastifyRequest<{ Params: { code: string } }>;

/** On the root instance; the server's error handler (errors.ts) answers the SimulatorErrors they throw. */
export function registerControlRoutes(app: FastifyInstance, departments: DepartmentRegistry, ledger: Ledger) {
  app.get('/_control/departments', async () => departments.list());
  app.get('/_control/departments/:code', async (req: CodeRequest) =>
    withoutSecret(departments.get(req.params.code)),
  );
  app.put('/_control/departments/:code', async (req: CodeRequest) =>
    departments.configure(req.params.code, req.body as DepartmentPatch),
  );
  app.post('/_control/departments/:code/outage', async (req: CodeRequest, reply) => {
    departments.get(req.params.code);
    const problem = invalid(checkOutage, req.body);
    if (problem) return reply.code(400).send(problem);
    return departments.outage(req.params.code, (req.body as { seconds: number }).seconds);
  });
  app.get('/_control/ledger', async () => ledger.snapshot());
  app.get('/_control/ledger/:taskId', async (req: FastifyRequest<{ Params: { taskId: string } }>, reply) => {
    const entry = ledger.get(req.params.taskId);
    return entry ?? reply.code(404).send(error('unknown-task', 'No such taskId in the ledger.'));
  });
}
