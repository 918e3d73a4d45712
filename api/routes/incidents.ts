// Incidents (managers): department systems that have not taken a dispatched step. Retry with
// POST /api/cases/:id/steps/:stepId/redispatch once the department's system is back.
import { Type } from 'typebox';
import { openIncidents } from '../../db/incidents.ts';
import type { App, AppDeps } from '../deps.ts';
import { requireRole } from '../plugins/app/auth.ts';
import { problems } from '../schemas/common.ts';

export function incidentRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/incidents',
    {
      preHandler: requireRole('manager', 'admin'),
      schema: {
        tags: ['incidents'],
        summary: 'Open incidents: dispatches to department systems that keep failing',
        response: {
          200: Type.Array(
            Type.Object({
              caseId: Type.String(),
              caseNo: Type.String(),
              stepId: Type.String(),
              round: Type.Integer(),
              department: Type.String(),
              attempts: Type.Integer(),
              lastError: Type.String(),
              retrying: Type.Boolean({
                description: 'false: the engine stopped; redispatch when the system is back',
              }),
              firstAt: Type.String({ format: 'date-time' }),
              lastAt: Type.String({ format: 'date-time' }),
            }),
          ),
          ...problems(401, 403),
        },
      },
    },
    async () =>
      (await openIncidents(deps.db)).map(({ incident, caseNo }) => ({
        caseId: incident.caseId,
        caseNo,
        stepId: incident.stepId,
        round: incident.round,
        department: incident.department,
        attempts: incident.attempts,
        lastError: incident.lastError,
        retrying: incident.retrying === 1,
        firstAt: incident.firstAt.toISOString(),
        lastAt: incident.lastAt.toISOString(),
      })),
  );
}
