// A department's worklist: its steps awaiting a decision, each with only what that step may see: the form
// fields and materials it declares and the earlier outputs it consumes (数据共享, with provenance).
import { Type } from 'typebox';
import { logAccess } from '../../db/access-log.ts';
import { departmentTasks } from '../../db/cases.ts';
import { stepById } from '../../process/definition.ts';
import { urgencyOf } from '../../process/step-clock.ts';
import type { App, AppDeps } from '../deps.ts';
import { currentUser, requireRole } from '../plugins/app/auth.ts';
import { forbidden, invalid } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { Task, TaskQuery } from '../schemas/tasks.ts';
import { pick } from '../views.ts';

export function taskRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/tasks',
    {
      preHandler: requireRole('department', 'manager', 'admin'),
      schema: {
        tags: ['tasks'],
        summary: "A department's pending steps, most urgent first (nearest deadline, then oldest)",
        description:
          'Department staff see their own department (the parameter may be left out); managers name one.',
        querystring: TaskQuery,
        response: { 200: Type.Array(Task), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const department = request.query.department ?? user.department;
      if (!department) {
        throw invalid(
          'department-required',
          'Department required',
          'Name the department: ?department=CODE.',
          [{ field: 'querystring.department', message: 'is required for your role' }],
        );
      }
      if (user.role === 'department' && department !== user.department) {
        throw forbidden(`You work for ${user.department}; the worklist of ${department} is not yours.`);
      }
      const rows = await departmentTasks(deps.db, department, request.query.limit);
      const now = Date.now();
      const tasks = [];
      for (const r of rows) {
        const definition = (await deps.definitions.get(r.processId, r.processVersion))!;
        const step = stepById(definition, r.step.stepId)!;
        tasks.push({
          caseId: r.step.caseId,
          caseNo: r.caseNo,
          processId: r.processId,
          processVersion: r.processVersion,
          stepId: step.id,
          title: step.title,
          department: step.department,
          dispatchedAt: r.step.dispatchedAt?.toISOString() ?? null,
          deadline: r.step.promisedDeadline?.toISOString() ?? r.step.statutoryDeadline?.toISOString() ?? null,
          yellowAt: r.step.yellowAt?.toISOString() ?? null,
          // The clock runs (the step awaits a decision): the colour of the deadlines recorded for it.
          urgency: urgencyOf(
            {
              deadline: (r.step.promisedDeadline ?? r.step.statutoryDeadline)?.getTime(),
              yellowAt: r.step.yellowAt?.getTime(),
            },
            now,
          ),
          application: pick(r.application, new Set(step.fields)),
          inputs: pick(r.data, new Set(step.inputs)),
          materials: step.materials,
          // The rule of CaseMachine.checkDecider, as this deployment routes the step (api/intake.ts).
          decidedBy:
            step.adapter === 'worklist' && deps.integrations[step.department] && !r.step.incident
              ? ('system' as const)
              : ('staff' as const),
        });
      }
      await logAccess(
        deps.db,
        user,
        tasks.map((t) => ({
          caseId: t.caseId,
          purpose: `worklist:${t.stepId}`,
          fields: Object.keys(t.application),
        })),
      );
      return tasks;
    },
  );
}
