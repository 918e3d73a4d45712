// Cases: intake by clerks, the full record for those allowed to see it, lists for managers, and the audit.

import { Type } from 'typebox';
import { accessesOf, logAccess } from '../../../db/access-log.ts';
import { verifyChain } from '../../../db/audit.ts';
import { caseTimeline, listSteps } from '../../../db/cases.ts';
import { listFollowUps } from '../../../db/follow-ups.ts';
import { issueTrackingCode } from '../../../db/tracking.ts';
import { caseAccess } from '../../case-access.ts';
import { chainHeadsOf } from '../../chain-heads.ts';
import { caseClock, stepClocks } from '../../clock-view.ts';
import type { App, AppDeps } from '../../deps.ts';
import { followUpView } from '../../follow-ups.ts';
import { currentUser, requireRole } from '../../plugins/app/auth.ts';
import { requireCase } from '../../require-case.ts';
import { CaseCreated, CaseDetail, SubmitCaseBody } from '../../schemas/cases.ts';
import { CaseParams, IdempotencyHeaders, problems } from '../../schemas/common.ts';
import { caseView } from '../../views.ts';

export function caseRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/api/cases',
    {
      preValidation: requireRole('clerk'),
      schema: {
        tags: ['cases'],
        summary: 'Submit a combined application (一窗受理)',
        description:
          'Validates the application against the process form (every defect listed at once), stores the case ' +
          'and starts it. With an Idempotency-Key, a retry returns the same case (200) instead of a new one.',
        body: SubmitCaseBody,
        headers: IdempotencyHeaders,
        response: { 201: CaseCreated, 200: CaseCreated, ...problems(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      // The tracking code exists in clear only in this answer (for the receipt); a replay cannot show it again.
      const { row, created, trackingCode, steps } = await deps.intake.submit(
        user,
        request.body,
        request.headers['idempotency-key'],
      );
      await deps.actions.remember(row);
      reply.header('location', `/api/cases/${row.id}`);
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply
        .status(created ? 201 : 200)
        .send({ id: row.id, caseNo: row.caseNo, status: row.status, trackingCode, steps });
    },
  );

  app.get(
    '/api/cases/:id',
    {
      schema: {
        tags: ['cases'],
        summary: 'A case: application, steps, outputs with provenance, timeline',
        description:
          'Department staff see only cases in which a step of their department applies, and of them only ' +
          'what those steps declare (fields, materials, the outputs they consume and produce) and their own ' +
          "steps' opinions and deciders; of other steps only progress. Every read is recorded in the access log.",
        params: CaseParams,
        response: { 200: CaseDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const row = await requireCase(deps.db, request.params.id);
      const definition = (await deps.definitions.get(row.processId, row.processVersion))!;
      const [steps, events] = await Promise.all([listSteps(deps.db, row.id), caseTimeline(deps.db, row.id)]);
      const visible = caseAccess(definition, user, steps, row.caseNo);
      const calendar = await deps.calendars.effective(deps.calendarRegion);
      const now = Date.now();
      const clocks = calendar
        ? {
            steps: stepClocks(definition, events, calendar, deps.warning, now),
            // From the workflow's own record of the start (its time is the one deadlines were computed in).
            kase: caseClock(
              definition,
              events.find((e) => e.type === 'case.started')?.at ?? row.submittedAt,
              row.closedAt,
              calendar,
              deps.warning,
              now,
            ),
          }
        : undefined;
      const [followUp] = await listFollowUps(deps.db, { caseId: row.id, status: 'all', limit: 1 });
      const seesFollowUp =
        followUp && (user.role !== 'department' || followUp.department === user.department);
      const view = {
        ...caseView(row, definition, steps, events, visible, clocks),
        followUp: seesFollowUp ? followUpView(followUp, now) : null,
      };
      await logAccess(deps.db, user, [
        { caseId: row.id, purpose: 'case-detail', fields: Object.keys(view.application) },
      ]);
      return view;
    },
  );

  app.post(
    '/api/cases/:id/tracking-code',
    {
      preValidation: requireRole('clerk'),
      schema: {
        tags: ['cases'],
        summary: 'Issue the applicant a new tracking code (the old one stops working)',
        description: 'For an applicant who lost the receipt: the new code is shown once, here.',
        params: CaseParams,
        response: {
          201: Type.Object({ trackingCode: Type.String() }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const row = await requireCase(deps.db, request.params.id);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ trackingCode: await issueTrackingCode(deps.db, row.id) });
    },
  );

  app.get(
    '/api/cases/:id/audit',
    {
      preValidation: requireRole('manager', 'admin'),
      schema: {
        tags: ['cases'],
        summary: "Verify the case's audit trail (hash chain)",
        params: CaseParams,
        response: {
          200: Type.Object({
            intact: Type.Boolean(),
            events: Type.Integer(),
            brokenAt: Type.Optional(Type.Integer()),
            anchor: Type.Union([Type.Literal('anchored'), Type.Literal('unanchored')], {
              description:
                "'anchored': also checked against the chain heads the case's workflow holds in its Temporal " +
                "history (finds a removed or re-hashed event); 'unanchored': the workflow could not be asked.",
            }),
          }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const row = await requireCase(deps.db, request.params.id);
      return verifyChain(deps.db, row.id, await chainHeadsOf(deps.client, row.id));
    },
  );

  app.get(
    '/api/cases/:id/access-log',
    {
      preValidation: requireRole('manager', 'admin'),
      schema: {
        tags: ['cases'],
        summary: "Who read the case's personal data, when, for what",
        params: CaseParams,
        response: {
          200: Type.Array(
            Type.Object({
              userId: Type.String(),
              role: Type.String(),
              department: Type.Union([Type.String(), Type.Null()]),
              purpose: Type.String(),
              fields: Type.Array(Type.String()),
              at: Type.String({ format: 'date-time' }),
            }),
          ),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const row = await requireCase(deps.db, request.params.id);
      return (await accessesOf(deps.db, row.id)).map((a) => ({ ...a, at: a.at.toISOString() }));
    },
  );
}
