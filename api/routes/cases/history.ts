// A case's history for supervisors (督办): every event with who acted (and their name), when, the opinion,
// what each clock read at that moment (replayed from the timeline with the case machine's own rule), the
// supplements and warnings among them, every access to the applicant's data, and the case's workflow in
// the Temporal UI.
import { accessesOf } from '../../../db/access-log.ts';
import { caseTimeline } from '../../../db/cases.ts';
import { displayNames } from '../../../db/users.ts';
import { stepById } from '../../../process/definition.ts';
import { readStepClocks, spansOf } from '../../../process/step-clock.ts';
import { EVERYTHING } from '../../case-access.ts';
import { caseClock, clockView } from '../../clock-view.ts';
import type { App, AppDeps } from '../../deps.ts';
import { requireRole } from '../../plugins/app/auth.ts';
import { requireCase } from '../../require-case.ts';
import { CaseParams, problems } from '../../schemas/common.ts';
import { CaseHistory } from '../../schemas/history.ts';
import { eventView } from '../../views.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function caseHistoryRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/cases/:id/history',
    {
      preValidation: requireRole('manager', 'admin'),
      schema: {
        tags: ['cases'],
        summary: 'The case history: events with actors, opinions and clock states then; data accesses',
        params: CaseParams,
        response: { 200: CaseHistory, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const row = await requireCase(deps.db, request.params.id);
      const definition = (await deps.definitions.get(row.processId, row.processVersion))!;
      const [events, accesses] = await Promise.all([
        caseTimeline(deps.db, row.id),
        accessesOf(deps.db, row.id),
      ]);
      const calendar = await deps.calendars.effective(deps.calendarRegion);
      const people = [
        ...events.map((e) => e.actor),
        ...accesses.map((a) => a.userId),
        ...events.flatMap((e) => (typeof e.details.assignee === 'string' ? [e.details.assignee] : [])),
      ].filter((id) => UUID.test(id));
      const names = await displayNames(deps.db, people);
      const startedAt = events.find((e) => e.type === 'case.started')?.at ?? row.submittedAt;
      const clockEvents = events.map((e) => ({ type: e.type, stepId: e.stepId, at: e.at.getTime() }));
      const history = events.map((e, i) => {
        const at = e.at.getTime();
        let clocks: ReturnType<typeof clockView>[] = [];
        if (calendar && e.stepId) {
          const span = spansOf(clockEvents.slice(0, i + 1)).get(e.stepId);
          if (span) {
            clocks = readStepClocks(calendar, stepById(definition, e.stepId), span, deps.warning, at).map(
              clockView,
            );
          }
        }
        const caseClockThen = calendar
          ? caseClock(
              definition,
              startedAt,
              row.closedAt && row.closedAt.getTime() <= at ? row.closedAt : null,
              calendar,
              deps.warning,
              at,
            )
          : null;
        return {
          ...eventView(e, EVERYTHING),
          actorName: names.get(e.actor) ?? null,
          clocks,
          caseClock: caseClockThen,
        };
      });
      return {
        caseId: row.id,
        caseNo: row.caseNo,
        status: row.status,
        workflowUrl: deps.workflowUrl?.(row.id) ?? null,
        events: history,
        supplements: history.filter((e) => e.type.startsWith('step.supplement')).map((e) => e.seq),
        warnings: history.filter((e) => e.type.endsWith('.warning')).map((e) => e.seq),
        accesses: accesses.map((a) => ({
          ...a,
          userName: names.get(a.userId) ?? null,
          at: a.at.toISOString(),
        })),
      };
    },
  );
}
