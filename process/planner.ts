// The DAG planner: from the steps' current statuses, what happens next. Pure and deterministic, so the
// workflow can call it on every decision and replay gives the same answer.
import type { CaseOutcome, ProcessDefinition, StepStatus } from './definition.ts';
import {
  ACTIVE_STEP_STATUSES,
  FAILED_STEP_STATUSES,
  isTerminal,
  SATISFIED_STEP_STATUSES,
} from './definition.ts';

export type StepStatuses = Readonly<Record<string, StepStatus>>;

export interface Transition {
  stepId: string;
  to: 'awaiting_decision' | 'cancelled';
  /** For a cancellation: the failed (or cancelled) dependency that caused it. */
  because?: string;
  /** True when the cancelled step had already been dispatched (it must be withdrawn from its department). */
  withdraw?: boolean;
}

export interface Plan {
  transitions: Transition[];
  /** Statuses after the transitions. */
  statuses: Record<string, StepStatus>;
  finished: boolean;
  outcome?: CaseOutcome;
}

/**
 * Works out every transition the current statuses imply, to a fixpoint: steps whose dependencies are all
 * approved become ready; steps depending on a denied or cancelled step are cancelled (only those: independent
 * branches go on); a denied step with onDeny 'stop-case' cancels every step not yet decided.
 */
export function plan(definition: ProcessDefinition, current: StepStatuses): Plan {
  const statuses: Record<string, StepStatus> = { ...current };
  const transitions: Transition[] = [];
  const stopper = definition.steps.find(
    (s) => s.onDeny === 'stop-case' && (statuses[s.id] === 'denied' || statuses[s.id] === 'terminated'),
  );

  if (stopper) {
    for (const step of definition.steps) {
      const status = statuses[step.id] ?? 'blocked';
      if (isTerminal(status)) continue;
      transitions.push({
        stepId: step.id,
        to: 'cancelled',
        because: stopper.id,
        ...(ACTIVE_STEP_STATUSES.includes(status) ? { withdraw: true } : {}),
      });
      statuses[step.id] = 'cancelled';
    }
  } else {
    // Steps are few (tens), so a simple repeat-until-stable loop is clearer than a topological walk.
    let changed = true;
    while (changed) {
      changed = false;
      for (const step of definition.steps) {
        if ((statuses[step.id] ?? 'blocked') !== 'blocked') continue;
        const failed = step.dependsOn.find((d) => FAILED_STEP_STATUSES.includes(statuses[d] ?? 'blocked'));
        if (failed !== undefined) {
          transitions.push({ stepId: step.id, to: 'cancelled', because: failed });
          statuses[step.id] = 'cancelled';
          changed = true;
        } else if (step.dependsOn.every((d) => SATISFIED_STEP_STATUSES.includes(statuses[d] ?? 'blocked'))) {
          transitions.push({ stepId: step.id, to: 'awaiting_decision' });
          statuses[step.id] = 'awaiting_decision';
          changed = true;
        }
      }
    }
  }

  const finished = definition.steps.every((s) => isTerminal(statuses[s.id] ?? 'blocked'));
  return {
    transitions,
    statuses,
    finished,
    ...(finished ? { outcome: outcomeOf(definition, statuses) } : {}),
  };
}

/**
 * completed: every applicable step approved; otherwise, with some approved, partially completed; with
 * none approved, denied if a department denied, else terminated (a deficiency deadline was missed).
 * A withdrawn case is decided by the caller.
 */
export function outcomeOf(definition: ProcessDefinition, statuses: StepStatuses): CaseOutcome {
  const applicable = definition.steps.filter((s) => statuses[s.id] !== 'not_applicable');
  const approved = applicable.filter((s) => statuses[s.id] === 'approved').length;
  if (approved === applicable.length) return 'completed';
  if (approved > 0) return 'partially_completed';
  return applicable.some((s) => statuses[s.id] === 'denied') ? 'denied' : 'terminated';
}

/** Every step starts blocked, or not applicable when its condition did not hold; plan() releases the roots. */
export function initialStatuses(
  definition: ProcessDefinition,
  notApplicable: readonly string[] = [],
): Record<string, StepStatus> {
  return Object.fromEntries(
    definition.steps.map((s) => [
      s.id,
      (notApplicable.includes(s.id) ? 'not_applicable' : 'blocked') as StepStatus,
    ]),
  );
}
