// What happens to a running case besides decisions: the clerk answers supplement requests, attaches
// promised materials and withdraws cases; departments open and close special stages; managers retry a
// failed dispatch. Each is an Update of the case's workflow, sent by CaseActions (api/case-actions.ts).
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { headerValue } from '../../../departments/signing.ts';
import type { App, AppDeps } from '../../deps.ts';
import { currentUser, requireRole } from '../../plugins/app/auth.ts';
import { AttachBody, SupplementBody, WithdrawBody } from '../../schemas/cases.ts';
import { CaseChange, CaseParams, IdempotencyHeaders, problems, StepParams } from '../../schemas/common.ts';
import { StageBody, StageCloseBody } from '../../schemas/tasks.ts';

/** The caller's Idempotency-Key: a repeat of the action with it gets the first answer. */
const keyOf = (request: FastifyRequest) => headerValue(request.headers['idempotency-key']);

export function caseChangeRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/api/cases/:id/supplements',
    {
      preValidation: requireRole('clerk'),
      schema: {
        tags: ['cases'],
        summary: 'Answer a supplement request (补正): the step returns to its department',
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: SupplementBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.supplement(currentUser(request), request.params.id, request.body, keyOf(request)),
  );

  app.post(
    '/api/cases/:id/materials',
    {
      preValidation: requireRole('clerk'),
      schema: {
        tags: ['materials'],
        summary: 'Attach materials to a running case (e.g. those promised under 容缺受理)',
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: AttachBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.attach(currentUser(request), request.params.id, request.body, keyOf(request)),
  );

  app.post(
    '/api/cases/:id/withdrawal',
    {
      preValidation: requireRole('clerk'),
      schema: {
        tags: ['cases'],
        summary: 'Withdraw the whole case at the applicant’s request',
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: WithdrawBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.withdraw(currentUser(request), request.params.id, request.body, keyOf(request)),
  );

  app.post(
    '/api/cases/:id/steps/:stepId/special-stage',
    {
      preValidation: requireRole('department'),
      schema: {
        tags: ['tasks'],
        summary: 'Open a special stage (特别程序: site inspection, expert review, hearing, public notice)',
        params: StepParams,
        headers: IdempotencyHeaders,
        body: StageBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.openStage(
        currentUser(request),
        request.params.id,
        request.params.stepId,
        request.body,
        keyOf(request),
      ),
  );

  app.post(
    '/api/cases/:id/steps/:stepId/special-stage/close',
    {
      preValidation: requireRole('department'),
      schema: {
        tags: ['tasks'],
        summary: 'Close the special stage; the step awaits a decision again',
        params: StepParams,
        headers: IdempotencyHeaders,
        body: StageCloseBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.closeStage(
        currentUser(request),
        request.params.id,
        request.params.stepId,
        request.body,
        keyOf(request),
      ),
  );

  app.post(
    '/api/cases/:id/steps/:stepId/redispatch',
    {
      preValidation: [
        requireRole('manager', 'admin'),
        // Sent without a body (as the README shows) it means the same as `{}`.
        async (request) => {
          request.body ??= {};
        },
      ],
      schema: {
        tags: ['incidents'],
        summary: "Retry handing a step to its department's system after an incident",
        params: StepParams,
        headers: IdempotencyHeaders,
        body: Type.Object({}, { additionalProperties: false, description: 'no content; may be left out' }),
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.redispatch(currentUser(request), request.params.id, request.params.stepId, keyOf(request)),
  );
}
