// The engine's own Prometheus metrics (prom-client, the process's default registry), counted where the
// events land: the projection counts a batch only when it was new (a retried batch counts nothing), so the
// counters are exact. Labels are process ids, department codes, outcomes and levels: never personal data.
import { Counter, Histogram, register } from 'prom-client';
import type { CaseEvent } from '../process/events.ts';

const metric = <T>(name: string, make: () => T): T =>
  (register.getSingleMetric(name) as T | undefined) ?? make();

const casesStarted = metric(
  'yjs_cases_started_total',
  () => new Counter({ name: 'yjs_cases_started_total', help: 'Cases started', labelNames: ['process'] }),
);
const casesClosed = metric(
  'yjs_cases_closed_total',
  () =>
    new Counter({
      name: 'yjs_cases_closed_total',
      help: 'Cases closed, by outcome',
      labelNames: ['process', 'outcome'],
    }),
);
const stepDecisions = metric(
  'yjs_step_decisions_total',
  () =>
    new Counter({
      name: 'yjs_step_decisions_total',
      help: 'Step decisions (approved, denied, supplement_requested, terminated), by department',
      labelNames: ['department', 'outcome'],
    }),
);
const HOUR = 3600;
const stepWorking = metric(
  'yjs_step_working_seconds',
  () =>
    new Histogram({
      name: 'yjs_step_working_seconds',
      help: 'Working time of ended steps (office hours, pauses excluded), by department',
      labelNames: ['department'],
      buckets: [0.5, 1, 2, 4, 8, 16, 24, 40, 80, 160].map((h) => h * HOUR),
    }),
);
const warnings = metric(
  'yjs_warnings_total',
  () =>
    new Counter({
      name: 'yjs_warnings_total',
      help: 'Clock warnings (yellow, red), of cases and of steps',
      labelNames: ['level', 'clock'],
    }),
);
const adapterErrors = metric(
  'yjs_adapter_errors_total',
  () =>
    new Counter({
      name: 'yjs_adapter_errors_total',
      help: "Failed dispatches to departments' own systems",
      labelNames: ['department', 'kind'],
    }),
);

/** Counts a batch the projection has just written (new events only). */
export function countEvents(events: CaseEvent[], processId: string, departments: Record<string, string>) {
  for (const e of events) {
    const department = 'stepId' in e ? (departments[e.stepId] ?? 'unknown') : undefined;
    switch (e.type) {
      case 'case.started':
        casesStarted.inc({ process: processId });
        break;
      case 'case.closed':
        casesClosed.inc({ process: processId, outcome: e.outcome });
        break;
      case 'step.approved':
      case 'step.denied':
      case 'step.terminated':
        stepDecisions.inc({ department, outcome: e.type.slice(5) });
        if (e.timing) stepWorking.observe({ department }, e.timing.workingMs / 1000);
        break;
      case 'step.supplement_requested':
        stepDecisions.inc({ department, outcome: 'supplement_requested' });
        break;
      case 'step.warning':
        warnings.inc({ level: e.level, clock: e.clock });
        break;
      case 'case.warning':
        warnings.inc({ level: e.level, clock: 'case' });
        break;
    }
  }
}

export function countAdapterError(department: string, kind: 'unreachable' | 'timeout' | 'http') {
  adapterErrors.inc({ department, kind });
}
