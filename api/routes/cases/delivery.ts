// Unified delivery (统一出件): every result of a closed case in one record, and how the clerk handed it
// over (at the window, by post, electronically).
import { logAccess } from '../../../db/access-log.ts';
import { type DeliveryRow, findDelivery, handOver } from '../../../db/deliveries.ts';
import type { App, AppDeps } from '../../deps.ts';
import { currentUser, requireRole } from '../../plugins/app/auth.ts';
import { conflict } from '../../problem.ts';
import { requireCase } from '../../require-case.ts';
import { Delivery, DeliveryBody } from '../../schemas/cases.ts';
import { CaseParams, problems } from '../../schemas/common.ts';

function view(caseNo: string, d: DeliveryRow) {
  return {
    ...d,
    caseNo,
    readyAt: d.readyAt.toISOString(),
    handedOverAt: d.handedOverAt?.toISOString() ?? null,
  };
}

export function deliveryRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/cases/:id/delivery',
    {
      preValidation: requireRole('clerk', 'manager', 'admin'),
      schema: {
        tags: ['cases'],
        summary: 'The unified delivery of a closed case: all its results together',
        params: CaseParams,
        response: { 200: Delivery, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const row = await requireCase(deps.db, request.params.id);
      const delivery = await findDelivery(deps.db, row.id);
      if (!delivery)
        throw conflict('case-running', 'Case still running', `Case ${row.caseNo} is ${row.status}.`);
      await logAccess(deps.db, currentUser(request), [{ caseId: row.id, purpose: 'delivery', fields: [] }]);
      return view(row.caseNo, delivery);
    },
  );

  app.post(
    '/api/cases/:id/delivery',
    {
      preValidation: requireRole('clerk'),
      schema: {
        tags: ['cases'],
        summary: 'Record how the results were handed over (once)',
        params: CaseParams,
        body: DeliveryBody,
        response: { 200: Delivery, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const row = await requireCase(deps.db, request.params.id);
      const existing = await findDelivery(deps.db, row.id);
      if (!existing)
        throw conflict('case-running', 'Case still running', `Case ${row.caseNo} is ${row.status}.`);
      const { method, note } = request.body;
      const done = await handOver(deps.db, row.id, {
        method,
        ...(note ? { note } : {}),
        by: currentUser(request).id,
      });
      if (!done)
        throw conflict(
          'already-delivered',
          'Already delivered',
          `The results of ${row.caseNo} were handed over.`,
        );
      return view(row.caseNo, done);
    },
  );
}
