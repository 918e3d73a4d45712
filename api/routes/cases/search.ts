// Case search (GET /api/cases): the read model only, so a case decided a moment ago is found at once.
// Pages are keyset cursors in the Next-Cursor header (and an RFC 8288 Link), so the body stays a list.
// Department staff search only cases with a step of their department, and see only their steps.
import { Type } from 'typebox';
import { type CaseListFilter, type CaseSummaryRow, listCases, sortKeyOf } from '../../../db/case-list.ts';
import type { StepRow } from '../../../db/cases.ts';
import { decodeCursor, encodeCursor } from '../../../db/cursor.ts';
import { levelAt } from '../../../process/clock.ts';
import { urgencyOf } from '../../../process/step-clock.ts';
import { identifierHash } from '../../applicant-identifiers.ts';
import type { App, AppDeps } from '../../deps.ts';
import { currentUser, requireRole } from '../../plugins/app/auth.ts';
import { type FieldError, forbidden, invalid } from '../../problem.ts';
import { rangeOf } from '../../query-dates.ts';
import { problems } from '../../schemas/common.ts';
import { CaseListQuery, CaseSummary, PageHeaders } from '../../schemas/search.ts';

/** The colour of a step its department holds (awaiting a decision), from its recorded deadlines. */
export function stepUrgency(
  step: Pick<StepRow, 'status' | 'promisedDeadline' | 'statutoryDeadline' | 'yellowAt'>,
  now: number,
): string {
  if (step.status !== 'awaiting_decision') return 'none';
  return urgencyOf(
    {
      deadline: (step.promisedDeadline ?? step.statutoryDeadline)?.getTime(),
      yellowAt: step.yellowAt?.getTime(),
    },
    now,
  );
}

function caseColour(row: CaseSummaryRow, now: number) {
  if (row.status !== 'running' || !row.promisedDeadline) return null;
  return levelAt(
    {
      deadline: row.promisedDeadline.getTime(),
      ...(row.yellowAt ? { yellowAt: row.yellowAt.getTime() } : {}),
    },
    now,
  );
}

/** The link to the next page: the same query with the cursor. */
function nextLink(url: string, cursor: string): string {
  const next = new URL(url, 'http://x');
  next.searchParams.set('cursor', cursor);
  return `<${next.pathname}${next.search}>; rel="next"`;
}

export function caseSearchRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/cases',
    {
      preValidation: requireRole('clerk', 'department', 'manager', 'admin'),
      schema: {
        tags: ['cases'],
        summary: 'Search cases (no personal data), a page at a time',
        description:
          'Filters combine (and). Sorted by submission (newest first) unless `sort` says otherwise; the ' +
          'next page is `?cursor=` with the `Next-Cursor` header (absent on the last page). Department ' +
          'staff find only cases with a step of their department that applies, and see only those steps.',
        querystring: CaseListQuery,
        response: {
          200: { ...Type.Array(CaseSummary), headers: PageHeaders },
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const q = request.query;
      const errors: FieldError[] = [];
      if (user.role === 'department' && q.department && q.department !== user.department) {
        throw forbidden(`You work for ${user.department}; search your own department's cases.`);
      }
      const department = user.role === 'department' ? (user.department ?? '') : q.department;
      const submitted = rangeOf(q, 'submittedFrom', 'submittedTo', errors);
      const closed = rangeOf(q, 'closedFrom', 'closedTo', errors);
      const sort = q.sort ?? 'submitted';
      const after = q.cursor ? decodeCursor(q.cursor, 1) : undefined;
      if (q.cursor && !after)
        errors.push({ field: 'querystring.cursor', message: 'is not a cursor of this list' });
      if (
        after &&
        sort !== 'caseNo' &&
        after.key !== null &&
        after.key !== 'infinity' &&
        Number.isNaN(Date.parse(after.key))
      )
        errors.push({ field: 'querystring.cursor', message: 'belongs to another sort order' });
      if (errors.length > 0)
        throw invalid(
          'invalid-request',
          'Invalid search',
          'Some filters cannot be used; all are listed.',
          errors,
        );

      const filter: CaseListFilter = {
        limit: q.limit,
        sort,
        ...(q.order ? { order: q.order } : {}),
        ...(q.processId ? { processId: q.processId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(department ? { department } : {}),
        ...(q.clock ? { clock: q.clock } : {}),
        ...(q.stepClock ? { stepClock: q.stepClock } : {}),
        ...(q.overdue ? { overdue: true } : {}),
        ...(q.awaiting ? { awaiting: q.awaiting } : {}),
        ...(submitted.from ? { submittedFrom: submitted.from } : {}),
        ...(submitted.to ? { submittedTo: submitted.to } : {}),
        ...(closed.from ? { closedFrom: closed.from } : {}),
        ...(closed.to ? { closedTo: closed.to } : {}),
        ...(q.caseNo ? { caseNo: q.caseNo } : {}),
        ...(q.applicant ? { applicantHash: identifierHash(deps.applicantHashKey, q.applicant) } : {}),
        ...(after ? { after } : {}),
      };
      const rows = await listCases(
        deps.db,
        filter,
        undefined,
        user.role === 'department' ? (user.department ?? '') : undefined,
      );
      const now = Date.now();
      const last = rows.at(-1);
      if (last && rows.length === q.limit) {
        const cursor = encodeCursor({ key: sortKeyOf(last, sort), ids: [last.id] });
        reply.header('next-cursor', cursor);
        reply.header('link', nextLink(request.url, cursor));
      }
      return rows.map((r) => ({
        id: r.id,
        caseNo: r.caseNo,
        processId: r.processId,
        status: r.status,
        submittedAt: r.submittedAt.toISOString(),
        closedAt: r.closedAt?.toISOString() ?? null,
        promisedDeadline: r.promisedDeadline?.toISOString() ?? null,
        clock: caseColour(r, now),
        steps: r.steps.map((s) => ({
          stepId: s.stepId,
          title: s.title,
          department: s.department,
          status: s.status,
          assignee: s.assignee,
          deadline: s.deadline === null ? null : new Date(s.deadline).toISOString(),
          urgency:
            s.status === 'awaiting_decision'
              ? urgencyOf({ deadline: s.deadline ?? undefined, yellowAt: s.yellowAt ?? undefined }, now)
              : 'none',
        })),
      }));
    },
  );
}
