// Follow-ups (整改) of bad ratings for staff: the blamed department's staff see theirs, with the clock's
// colour and the deadline, and answer them; follow-ups of the centre itself (the comprehensive window, blamed
// when the applicant named no department) are answered by managers, not by the clerks whose service was
// rated. Managers and admins see every follow-up, overdue ones with ?overdue=true.
import { Type } from 'typebox';
import { findCase } from '../../db/cases.ts';
import { findFollowUp, listFollowUps, respondToFollowUp } from '../../db/follow-ups.ts';
import type { User } from '../../db/users.ts';
import type { App, AppDeps } from '../deps.ts';
import { followUpView } from '../follow-ups.ts';
import { currentUser, requireRole } from '../plugins/app/auth.ts';
import { conflict, forbidden, invalid, notFound } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { FollowUp, FollowUpParams, FollowUpQuery, FollowUpResponseBody } from '../schemas/follow-ups.ts';

/** Whose follow-ups a user is asking for: staff their own department's; managers any, or 'centre'. */
function scopeOf(user: User, asked: string | undefined): string | null | undefined {
  if (user.role === 'department') {
    if (asked !== undefined && asked !== user.department)
      throw forbidden(`You work for ${user.department}; the follow-ups of ${asked} are not yours.`);
    return user.department ?? '';
  }
  if (asked === 'centre') return null;
  return asked;
}

/** Who answers a follow-up: the blamed department's staff; the centre's, a manager. */
function mayAnswer(user: User, department: string | null): boolean {
  return department === null
    ? user.role === 'manager'
    : user.role === 'department' && user.department === department;
}

export function followUpRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/follow-ups',
    {
      preValidation: requireRole('department', 'manager', 'admin'),
      schema: {
        tags: ['follow-ups'],
        summary: 'Follow-ups (整改) of bad ratings: open ones first, nearest deadline first',
        description:
          "Department staff see their department's; managers and admins everyone's, or one department's " +
          "(?department=CODE, or 'centre' for those of the service centre). ?overdue=true: open ones past " +
          'their 15-working-day deadline.',
        querystring: FollowUpQuery,
        response: { 200: Type.Array(FollowUp), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const q = request.query;
      const department = scopeOf(user, q.department);
      const now = new Date();
      const rows = await listFollowUps(deps.db, {
        ...(department !== undefined ? { department } : {}),
        status: q.status ?? 'open',
        ...(q.overdue ? { overdueAt: now } : {}),
        limit: q.limit,
      });
      return rows.map((r) => followUpView(r, now.getTime()));
    },
  );

  app.post(
    '/api/follow-ups/:id/response',
    {
      preValidation: requireRole('department', 'manager'),
      schema: {
        tags: ['follow-ups'],
        summary: 'Answer a follow-up: it closes, its clock stops, and the applicant reads the response',
        description:
          "The blamed department's staff answer its follow-ups; managers answer the service centre's.",
        params: FollowUpParams,
        body: FollowUpResponseBody,
        response: { 200: FollowUp, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const response = request.body.response.trim();
      if (!response)
        throw invalid('invalid-request', 'Empty response', 'The applicant must be told something.', [
          { field: 'body.response', message: 'must not be blank' },
        ]);
      const found = await findFollowUp(deps.db, request.params.id);
      if (!found) throw notFound('follow-up', `There is no follow-up ${request.params.id}.`);
      if (!mayAnswer(user, found.department)) {
        throw forbidden(
          found.department === null
            ? 'Follow-ups of the service centre are answered by a manager.'
            : `This follow-up is for ${found.department}; it is answered by that department's staff.`,
        );
      }
      const closed = await respondToFollowUp(deps.db, found.id, { response, by: user.id, at: new Date() });
      if (closed === undefined) throw notFound('follow-up', `There is no follow-up ${request.params.id}.`);
      if (closed === 'closed')
        throw conflict('follow-up-closed', 'Already answered', 'This follow-up was answered already.');
      const kase = (await findCase(deps.db, closed.caseId))!;
      await deps.followUps.stopClock(closed, kase.caseNo);
      const [row] = await listFollowUps(deps.db, { caseId: closed.caseId, status: 'all', limit: 1 });
      return followUpView(row!, Date.now());
    },
  );
}
