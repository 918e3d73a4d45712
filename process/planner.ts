// The DAG planner: from the steps' current statuses, what happens next. Pure and deterministic, so the
// workflow can call it on every decision and replay gives the same answer.
import type { CaseOutcome, ProcessDefinition, StepStatus } from './definition.ts';
import { isTerminal } from './definition.ts';

export type StepStatuses = Readonly<Record<string, StepStatus>>;

export interface Transition {
  stepId: string;
  to: 'awaiting_decision' | 'cancelled';
  /** For a cancellation: the step whose denial caused it. */
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
  const stopper = definition.steps.find((s) => s.onDeny === 'stop-case' && statuses[s.id] === 'denied');

  if (stopper) {
    for (const step of definition.steps) {
      const status = statuses[step.id] ?? 'blocked';
      if (isTerminal(status)) continue;
      transitions.push({
        stepId: step.id,
        to: 'cancelled',
        because: stopper.id,
        ...(status === 'awaiting_decision' ? { withdraw: true } : {}),
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
        const failed = step.dependsOn.find((d) => statuses[d] === 'denied' || statuses[d] === 'cancelled');
        if (failed !== undefined) {
          transitions.push({ stepId: step.id, to: 'cancelled', because: failed });
          statuses[step.id] = 'cancelled';
          changed = true;
        } else if (step.dependsOn.every((d) => statuses[d] === 'approved')) {
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

/** completed: every step approved; denied: none approved; otherwise partially completed. */
export function outcomeOf(definition: ProcessDefinition, statuses: StepStatuses): CaseOutcome {
  const approved = definition.steps.filter((s) => statuses[s.id] === 'approved').length;
  if (approved === definition.steps.length) return 'completed';
  if (approved === 0) return 'denied';
  return 'partially_completed';
}

/** Every step starts blocked; plan() then releases the roots. */
export function initialStatuses(definition: ProcessDefinition): Record<string, StepStatus> {
  return Object.fromEntries(definition.steps.map((s) => [s.id, 'blocked' as StepStatus]));
}
