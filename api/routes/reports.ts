// SLA analytics for managers and admins: the report as JSON, as CSV for spreadsheets, and per department.
// Read from the summaries the projection keeps in the same statement as the events: a case decided a
// moment ago is in the next report.
import type { FastifyReply } from 'fastify';
import type { Static } from 'typebox';
import { addDays, type SlaRange } from '../../db/reports.ts';
import { toCsv } from '../csv.ts';
import type { App, AppDeps } from '../deps.ts';
import { requireRole } from '../plugins/app/auth.ts';
import { type FieldError, invalid } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { DepartmentReport, SlaQuery, SlaReport } from '../schemas/reports.ts';
import { departmentReport, slaReport } from '../sla-report.ts';

const MAX_DAYS = 3 * 366;

function rangeOf(q: Static<typeof SlaQuery>): SlaRange {
  const errors: FieldError[] = [];
  for (const field of ['from', 'to'] as const) {
    const d = q[field];
    if (new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d)
      errors.push({ field: `querystring.${field}`, message: 'is not a real date' });
  }
  if (errors.length === 0 && q.from > q.to)
    errors.push({ field: 'querystring.to', message: 'must not be before from' });
  if (errors.length === 0 && (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 >= MAX_DAYS)
    errors.push({ field: 'querystring.to', message: `the range is at most ${MAX_DAYS} days` });
  if (errors.length > 0)
    throw invalid('invalid-request', 'Invalid report range', 'The range cannot be used.', errors);
  return {
    from: q.from,
    to: addDays(q.to, 1),
    ...(q.processId ? { processId: q.processId } : {}),
    ...(q.department ? { department: q.department } : {}),
  };
}

const h = (n: number | null) => (n === null ? '' : n);

function sendCsv(reply: FastifyReply, name: string, q: Static<typeof SlaQuery>, csv: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${q.from}-${q.to}.csv"`)
    .send(csv);
}

export function reportRoutes(app: App, deps: AppDeps): void {
  const managers = { preValidation: requireRole('manager', 'admin') };
  const describe = (q: Static<typeof SlaQuery>) => ({
    from: q.from,
    to: q.to,
    processId: q.processId ?? null,
  });

  app.get(
    '/api/reports/sla',
    {
      ...managers,
      schema: {
        tags: ['reports'],
        summary: 'SLA report: cases, promise kept, working time per step, supplements, bottlenecks, by day',
        description:
          'Cases opened and closed in [from, to] (China days), steps ended in it, and steps held past their ' +
          'promise now. `department`: cases with a step of it, and its steps.',
        querystring: SlaQuery,
        response: { 200: SlaReport, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const report = await slaReport(deps.db, deps.definitions, rangeOf(request.query));
      return { ...describe(request.query), department: request.query.department ?? null, ...report };
    },
  );

  app.get(
    '/api/reports/sla.csv',
    {
      ...managers,
      schema: {
        tags: ['reports'],
        summary: 'The SLA report per step, as CSV (UTF-8 with BOM, RFC 4180)',
        querystring: SlaQuery,
        produces: ['text/csv'],
        response: { 200: { type: 'string' }, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const report = await slaReport(deps.db, deps.definitions, rangeOf(request.query));
      const csv = toCsv(
        [
          'process',
          'step',
          'title',
          'department',
          'ended',
          'approved',
          'denied',
          'terminated',
          'working_hours_p50',
          'working_hours_p90',
          'working_hours_mean',
          'supplemented',
          'supplement_rate_percent',
          'supplement_wait_hours',
          'ended_late',
          'overdue_now',
        ],
        report.steps.map((s) => [
          s.processId,
          s.stepId,
          s.title,
          s.department,
          s.ended,
          s.approved,
          s.denied,
          s.terminated,
          h(s.workingHours.p50),
          h(s.workingHours.p90),
          h(s.workingHours.mean),
          s.supplemented,
          h(s.supplementRatePercent),
          s.supplementWaitHours.total,
          s.endedLate,
          s.overdueNow,
        ]),
      );
      return sendCsv(reply, 'sla', request.query, csv);
    },
  );

  app.get(
    '/api/reports/sla/departments',
    {
      ...managers,
      schema: {
        tags: ['reports'],
        summary: 'The SLA report per department',
        querystring: SlaQuery,
        response: { 200: DepartmentReport, ...problems(400, 401, 403) },
      },
    },
    async (request) => ({
      ...describe(request.query),
      departments: await departmentReport(deps.db, rangeOf(request.query)),
    }),
  );

  app.get(
    '/api/reports/sla/departments.csv',
    {
      ...managers,
      schema: {
        tags: ['reports'],
        summary: 'The SLA report per department, as CSV (UTF-8 with BOM, RFC 4180)',
        querystring: SlaQuery,
        produces: ['text/csv'],
        response: { 200: { type: 'string' }, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const rows = await departmentReport(deps.db, rangeOf(request.query));
      const csv = toCsv(
        [
          'department',
          'cases_opened',
          'cases_closed',
          'promise_kept',
          'promised',
          'promise_kept_percent',
          'steps_ended',
          'working_hours_p50',
          'working_hours_p90',
          'supplemented',
          'ended_late',
          'overdue_now',
        ],
        rows.map((d) => [
          d.department,
          d.cases.opened,
          d.cases.closed.total,
          d.cases.promiseKept,
          d.cases.promised,
          h(d.cases.promiseKeptPercent),
          d.stepsEnded,
          h(d.workingHours.p50),
          h(d.workingHours.p90),
          d.supplemented,
          d.endedLate,
          d.overdueNow,
        ]),
      );
      return sendCsv(reply, 'sla-departments', request.query, csv);
    },
  );
}
