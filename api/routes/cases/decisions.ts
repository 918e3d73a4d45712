// Department staff decide their department's steps.
import type { App, AppDeps } from '../../deps.ts';
import { currentUser, requireRole } from '../../plugins/app/auth.ts';
import { problems, StepParams } from '../../schemas/common.ts';
import { DecisionBody, DecisionResult } from '../../schemas/tasks.ts';

export function decisionRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/api/cases/:id/steps/:stepId/decision',
    {
      preHandler: requireRole('department'),
      schema: {
        tags: ['tasks'],
        summary: 'Approve (with outputs) or deny (with reasons) a step',
        description:
          'Answers once the decision is in the case record. 403 for another department’s step, 409 when ' +
          'the step is not awaiting a decision, 400 listing every problem with the outputs.',
        params: StepParams,
        body: DecisionBody,
        response: { 200: DecisionResult, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      deps.actions.decide(currentUser(request), request.params.id, request.params.stepId, request.body),
  );
}
