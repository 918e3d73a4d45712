// Department staff decide their department's steps.
import type { App, AppDeps } from '../../deps.ts';
import { currentUser, requireRole } from '../../plugins/app/auth.ts';
import { IdempotencyHeaders, problems, StepParams } from '../../schemas/common.ts';
import { DecisionBody, DecisionResult } from '../../schemas/tasks.ts';

export function decisionRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/api/cases/:id/steps/:stepId/decision',
    {
      preValidation: requireRole('department'),
      schema: {
        tags: ['tasks'],
        summary: 'Approve (with outputs) or deny (with reasons) a step',
        description:
          'Answers once the decision is in the case record. 403 for another department’s step, 409 when ' +
          'the step is not awaiting a decision or is with the department’s own system (held-by-system), 400 ' +
          'listing every problem with the outputs. With an Idempotency-Key, a repeat gets the first answer.',
        params: StepParams,
        headers: IdempotencyHeaders,
        body: DecisionBody,
        response: { 200: DecisionResult, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.decide(
        currentUser(request),
        request.params.id,
        request.params.stepId,
        request.body,
        request.headers['idempotency-key'],
      ),
  );
}
