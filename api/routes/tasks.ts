// A department's worklist: its steps awaiting a decision, each with only what that step may see: the form
// fields and materials it declares and the earlier outputs it consumes (数据共享, with provenance). Pages
// are keyset cursors (Next-Cursor header); counts by colour feed the badge. Staff claim a task (承办人) and
// release it; the department's lead assigns one to a colleague: through the case's workflow, so the
// assignment is in the case's history and a claimed task is decided by its holder or the lead only.
import { Type } from 'typebox';
import { logAccess } from '../../db/access-log.ts';
import { decodeCursor, encodeCursor } from '../../db/cursor.ts';
import { departmentTasks, taskCounts, taskCursorOf } from '../../db/tasks.ts';
import type { User } from '../../db/users.ts';
import { stepById } from '../../process/definition.ts';
import type { AssignAction } from '../../process/events.ts';
import type { App, AppDeps } from '../deps.ts';
import { currentUser, requireRole } from '../plugins/app/auth.ts';
import { forbidden, invalid } from '../problem.ts';
import { instantOf } from '../query-dates.ts';
import { CaseChange, problems, StepParams } from '../schemas/common.ts';
import { PageHeaders } from '../schemas/search.ts';
import { AssignBody, Task, TaskCounts, TaskCountsQuery, TaskQuery } from '../schemas/tasks.ts';
import { pick } from '../views.ts';
import { stepUrgency } from './cases/search.ts';

/** The department whose worklist is asked for: staff their own; managers and admins name one. */
function worklistDepartment(user: User, asked: string | undefined): string {
  const department = asked ?? user.department;
  if (!department) {
    throw invalid('department-required', 'Department required', 'Name the department: ?department=CODE.', [
      { field: 'querystring.department', message: 'is required for your role' },
    ]);
  }
  if (user.role === 'department' && department !== user.department) {
    throw forbidden(`You work for ${user.department}; the worklist of ${department} is not yours.`);
  }
  return department;
}

export function taskRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/tasks',
    {
      preValidation: requireRole('department', 'manager', 'admin'),
      schema: {
        tags: ['tasks'],
        summary: "A department's pending steps, most urgent first (nearest deadline, then oldest)",
        description:
          'Department staff see their own department (the parameter may be left out); managers name one. ' +
          'The next page is `?cursor=` with the `Next-Cursor` header (absent on the last page).',
        querystring: TaskQuery,
        response: { 200: { ...Type.Array(Task), headers: PageHeaders }, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const q = request.query;
      const department = worklistDepartment(user, q.department);
      const errors = [];
      const dueBefore = q.dueBefore ? instantOf(q.dueBefore, true) : undefined;
      if (q.dueBefore && !dueBefore)
        errors.push({ field: 'querystring.dueBefore', message: 'is not a real date or instant' });
      const after = q.cursor ? decodeCursor(q.cursor, 3) : undefined;
      if (q.cursor && (!after || (after.key !== 'infinity' && Number.isNaN(Date.parse(after.key ?? '')))))
        errors.push({ field: 'querystring.cursor', message: 'is not a cursor of this worklist' });
      if (q.assigned === 'mine' && user.role !== 'department')
        errors.push({ field: 'querystring.assigned', message: "'mine' is for department staff" });
      if (errors.length > 0)
        throw invalid('invalid-request', 'Invalid worklist query', 'Some filters cannot be used.', errors);
      const rows = await departmentTasks(deps.db, {
        department,
        limit: q.limit,
        ...(q.processId ? { processId: q.processId } : {}),
        ...(q.urgency ? { urgency: q.urgency } : {}),
        ...(dueBefore ? { dueBefore } : {}),
        ...(q.assigned === 'mine' ? { assignee: user.id } : {}),
        ...(q.assigned === 'unassigned' ? { unassigned: true } : {}),
        ...(after ? { after } : {}),
      });
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
          urgency: stepUrgency(r.step, now),
          assignee: r.step.assignee,
          assigneeName: r.assigneeName,
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
      const last = rows.at(-1);
      if (last && rows.length === q.limit) {
        const cursor = encodeCursor(taskCursorOf(last.step));
        reply.header('next-cursor', cursor);
        const next = new URL(request.url, 'http://x');
        next.searchParams.set('cursor', cursor);
        reply.header('link', `<${next.pathname}${next.search}>; rel="next"`);
      }
      await logAccess(
        deps.db,
        user,
        tasks.map((t) => ({
          caseId: t.caseId,
          purpose: `worklist:${t.stepId}`,
          // The form fields and the other departments' results reused here (一次采集 多次复用).
          fields: [...Object.keys(t.application), ...Object.keys(t.inputs)],
        })),
      );
      return tasks;
    },
  );

  app.get(
    '/api/tasks/counts',
    {
      preValidation: requireRole('department', 'manager', 'admin'),
      schema: {
        tags: ['tasks'],
        summary: "The worklist's badge: pending steps by colour now, yours, and unclaimed",
        querystring: TaskCountsQuery,
        response: { 200: TaskCounts, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      return taskCounts(deps.db, worklistDepartment(user, request.query.department), user.id);
    },
  );

  const holderRoute = (path: string, action: AssignAction, summary: string) =>
    app.post(
      `/api/cases/:id/steps/:stepId/${path}`,
      {
        preValidation: requireRole('department'),
        schema: {
          tags: ['tasks'],
          summary,
          description:
            'Recorded in the case history. 403 for another department’s step (or an assignment by someone ' +
            'not its lead), 409 when someone else holds it or it is not in the worklist.',
          params: StepParams,
          ...(action === 'assign' ? { body: AssignBody } : {}),
          response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        deps.actions.assign(
          currentUser(request),
          request.params.id,
          request.params.stepId,
          action,
          (request.body as { assignee?: string } | undefined)?.assignee,
        ),
    );
  holderRoute('claim', 'claim', 'Claim a task (承办): only you (or the lead) may decide it then');
  holderRoute('release', 'release', 'Release a task you hold (the lead may release any)');
  holderRoute('assign', 'assign', "The department's lead assigns a task to a colleague");
}
