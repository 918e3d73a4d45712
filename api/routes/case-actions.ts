// What happens to a running case besides decisions: the clerk answers supplement requests, attaches
// promised materials and withdraws cases; departments open and close special stages; managers retry a
// failed dispatch. Each is an Update of the case's workflow (see api/decisions.ts).
import { Type } from 'typebox';
import { attachMaterials, findUploads } from '../../db/materials.ts';
import {
  closeStageUpdate,
  materialsUpdate,
  openStageUpdate,
  redispatchUpdate,
  supplementUpdate,
  withdrawUpdate,
} from '../../workflows/messages.ts';
import type { App, AppDeps } from '../deps.ts';
import { checkMaterialRefs } from '../intake-checks.ts';
import { currentUser, requireRole } from '../plugins/auth.ts';
import { invalid, notFound } from '../problem.ts';
import { AttachBody, SupplementBody, WithdrawBody } from '../schemas/cases.ts';
import { CaseChange, CaseParams, problems, StepParams } from '../schemas/common.ts';
import { StageBody, StageCloseBody } from '../schemas/tasks.ts';

export function caseActionRoutes(app: App, deps: AppDeps): void {
  const actions = deps.actions;
  const refs = async (
    userId: string,
    facts: { definition: Parameters<typeof checkMaterialRefs>[0] },
    materials: Record<string, string>,
  ) => {
    const errors = checkMaterialRefs(
      facts.definition,
      materials,
      await findUploads(deps.db, Object.values(materials)),
      userId,
    );
    if (errors.length > 0)
      throw invalid('invalid-materials', 'Invalid materials', 'Some materials cannot be attached.', errors);
  };

  app.post(
    '/api/cases/:id/supplements',
    {
      preHandler: requireRole('clerk'),
      schema: {
        tags: ['cases'],
        summary: 'Answer a supplement request (补正): the step returns to its department',
        params: CaseParams,
        body: SupplementBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const facts = await actions.caseFacts(request.params.id);
      const { stepId, note } = request.body;
      const materials = request.body.materials ?? {};
      if (!facts.definition.steps.some((s) => s.id === stepId)) {
        throw notFound('step', `Case ${facts.caseNo} has no step '${stepId}'.`);
      }
      await refs(user.id, facts, materials);
      const change = await actions.send(facts, supplementUpdate, {
        stepId,
        note,
        materials: Object.keys(materials),
        actor: { userId: user.id },
      });
      await attachMaterials(deps.db, facts.id, user.id, materials);
      return change;
    },
  );

  app.post(
    '/api/cases/:id/materials',
    {
      preHandler: requireRole('clerk'),
      schema: {
        tags: ['materials'],
        summary: 'Attach materials to a running case (e.g. those promised under 容缺受理)',
        params: CaseParams,
        body: AttachBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const facts = await actions.caseFacts(request.params.id);
      actions.refuseIfClosed(facts);
      await refs(user.id, facts, request.body.materials);
      const change = await actions.send(facts, materialsUpdate, {
        materials: Object.keys(request.body.materials),
        actor: { userId: user.id },
      });
      await attachMaterials(deps.db, facts.id, user.id, request.body.materials);
      return change;
    },
  );

  app.post(
    '/api/cases/:id/withdrawal',
    {
      preHandler: requireRole('clerk'),
      schema: {
        tags: ['cases'],
        summary: 'Withdraw the whole case at the applicant’s request',
        params: CaseParams,
        body: WithdrawBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const facts = await actions.caseFacts(request.params.id);
      actions.refuseIfClosed(facts);
      return actions.send(facts, withdrawUpdate, {
        opinion: request.body.reason,
        actor: { userId: user.id },
      });
    },
  );

  app.post(
    '/api/cases/:id/steps/:stepId/special-stage',
    {
      preHandler: requireRole('department'),
      schema: {
        tags: ['tasks'],
        summary: 'Open a special stage (特别程序: site inspection, expert review, hearing, public notice)',
        params: StepParams,
        body: StageBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const facts = await actions.caseFacts(request.params.id);
      actions.ownStep(user, facts, request.params.stepId);
      const { kind, reason } = request.body;
      return actions.send(facts, openStageUpdate, {
        stepId: request.params.stepId,
        kind,
        opinion: reason,
        actor: { userId: user.id, department: user.department! },
      });
    },
  );

  app.post(
    '/api/cases/:id/steps/:stepId/special-stage/close',
    {
      preHandler: requireRole('department'),
      schema: {
        tags: ['tasks'],
        summary: 'Close the special stage; the step awaits a decision again',
        params: StepParams,
        body: StageCloseBody,
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const facts = await actions.caseFacts(request.params.id);
      actions.ownStep(user, facts, request.params.stepId);
      return actions.send(facts, closeStageUpdate, {
        stepId: request.params.stepId,
        opinion: request.body.opinion,
        actor: { userId: user.id, department: user.department! },
      });
    },
  );

  app.post(
    '/api/cases/:id/steps/:stepId/redispatch',
    {
      preHandler: requireRole('manager', 'admin'),
      schema: {
        tags: ['incidents'],
        summary: "Retry handing a step to its department's system after an incident",
        params: StepParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: CaseChange, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const facts = await actions.caseFacts(request.params.id);
      return actions.send(facts, redispatchUpdate, {
        stepId: request.params.stepId,
        actor: { userId: user.id },
      });
    },
  );
}
