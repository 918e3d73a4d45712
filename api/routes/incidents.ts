// Incidents: department systems that have not taken a dispatched step. Managers see all; department
// staff see their own department's (their system is the one failing). Retry with
// POST /api/cases/:id/steps/:stepId/redispatch once the department's system is back.
import { Type } from 'typebox';
import { openIncidents } from '../../db/incidents.ts';
import type { App, AppDeps } from '../deps.ts';
import { currentUser, requireRole } from '../plugins/app/auth.ts';
import { problems } from '../schemas/common.ts';

export function incidentRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/incidents',
    {
      preValidation: requireRole('manager', 'admin', 'department'),
      schema: {
        tags: ['incidents'],
        summary: 'Open incidents: dispatches to department systems that keep failing',
        description: "Department staff see only their own department's incidents.",
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
    async (request) => {
      const user = currentUser(request);
      const rows = (await openIncidents(deps.db)).filter(
        ({ incident }) => user.role !== 'department' || incident.department === user.department,
      );
      return rows.map(({ incident, caseNo }) => ({
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
      }));
    },
  );
}
