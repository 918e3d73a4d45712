// The catalog of "one thing" processes, for clerks choosing what to submit and for integrators.
import { Type } from 'typebox';
import type { ProcessDefinition } from '../../process/definition.ts';
import { validateDefinition } from '../../process/validate.ts';
import { isKnownDepartment } from '../../processes/departments.ts';
import type { App, AppDeps } from '../deps.ts';
import { requireRole } from '../plugins/app/auth.ts';
import { conflict, invalid, notFound } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { ProcessParams, ProcessSummary } from '../schemas/processes.ts';
import { badTextFields } from '../text-check.ts';

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

  app.post(
    '/api/processes',
    {
      preValidation: requireRole('admin'),
      schema: {
        tags: ['processes'],
        summary: 'Publish a process definition version (new cases use it; running cases keep theirs)',
        description:
          'Every problem of the definition is listed at once (duplicate ids, unknown dependencies, cycles, ' +
          'unknown fields, materials or departments, outputs consumed but never produced). The version must ' +
          'be higher than the published ones.',
        body: Type.Record(Type.String(), Type.Unknown()),
        response: {
          201: Type.Object({ id: Type.String(), version: Type.Integer() }),
          ...problems(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const definition = request.body as unknown as ProcessDefinition;
      // Strings Postgres cannot store are refused first: nothing else is checked on such a definition.
      const text = badTextFields(request.body, 'body');
      if (text.length > 0)
        throw invalid(
          'invalid-definition',
          'Invalid definition',
          'The definition has text it may not.',
          text,
        );
      const errors = validateDefinition(definition).map((p) => ({
        field: p.path || '(definition)',
        message: p.message,
      }));
      for (const [i, d] of (Array.isArray(definition.departments) ? definition.departments : []).entries()) {
        if (!isKnownDepartment(d?.code))
          errors.push({ field: `departments[${i}]`, message: `unknown department ${d?.code}` });
      }
      if (errors.length > 0) {
        throw invalid(
          'invalid-definition',
          'Invalid definition',
          `The definition has ${errors.length} problem(s).`,
          errors,
        );
      }
      const versions = await deps.definitions.versionsOf(definition.id);
      const latest = versions.at(-1) ?? 0;
      if (definition.version <= latest) {
        throw conflict(
          'version-exists',
          'Version already published',
          `Process ${definition.id} is at version ${latest}; publish version ${latest + 1} or later.`,
        );
      }
      await deps.definitions.publish(definition);
      return reply.status(201).send({ id: definition.id, version: definition.version });
    },
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
