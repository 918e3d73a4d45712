// The catalog of "one thing" processes, for clerks choosing what to submit and for integrators.
import { Type } from 'typebox';
import type { ProcessDefinition } from '../../process/definition.ts';
import type { App, AppDeps } from '../deps.ts';
import { notFound } from '../problem.ts';
import { ProcessParams, ProcessSummary, problems } from '../schemas.ts';

function summary(d: ProcessDefinition) {
  return {
    id: d.id,
    version: d.version,
    title: d.title,
    ...(d.description ? { description: d.description } : {}),
    departments: d.departments,
    steps: d.steps.map((s) => ({
      id: s.id,
      title: s.title,
      department: s.department,
      dependsOn: s.dependsOn,
    })),
  };
}

export function processRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/processes',
    {
      schema: {
        tags: ['processes'],
        summary: 'The latest version of every process',
        response: { 200: Type.Array(ProcessSummary), ...problems(401) },
      },
    },
    async () => (await deps.definitions.list()).map(summary),
  );

  app.get(
    '/api/processes/:id',
    {
      schema: {
        tags: ['processes'],
        summary: 'A process definition in full: form schema, materials, steps, outputs',
        params: ProcessParams,
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...problems(401, 404) },
      },
    },
    async (request) => {
      const definition = await deps.definitions.latest(request.params.id);
      if (!definition) throw notFound('process', `There is no process '${request.params.id}'.`);
      return { ...definition, versions: await deps.definitions.versionsOf(definition.id) };
    },
  );
}
