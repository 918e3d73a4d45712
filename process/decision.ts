// A department's decision on one step, and the checks it must pass before it may touch a case. Pure: the
// workflow's Update validator and the API run the same checks.
import type { OutputSpec, ProcessDefinition, StepStatus } from './definition.ts';
import { stepById } from './definition.ts';

/** approve (with outputs), deny (with reasons), or ask the applicant for a supplement (补正). */
export type DecisionOutcome = 'approve' | 'deny' | 'supplement';
export const DECISION_OUTCOMES: readonly DecisionOutcome[] = ['approve', 'deny', 'supplement'];

export type OutputValue = string | number | boolean;

export interface Actor {
  userId: string;
  /** Set for department staff; the step's department must match. */
  department?: string;
  /** The department's lead: may assign its tasks and act on a colleague's claimed task. */
  lead?: boolean;
}

export interface Decision {
  stepId: string;
  outcome: DecisionOutcome;
  outputs?: Record<string, OutputValue>;
  /** The written opinion every transition carries (mandatory for denials, with the reasons). */
  opinion: string;
  reasons?: string[];
  /** For a supplement request: everything missing or wrong, at once (一次告知). */
  items?: { item: string; reason: string }[];
  actor: Actor;
}

/** Why a decision is refused; the API maps each code to an HTTP status. */
export type DecisionProblemCode =
  | 'unknown-step'
  | 'step-not-awaiting-decision'
  | 'wrong-department'
  | 'malformed-decision'
  | 'invalid-outputs';

export interface DecisionProblem {
  code: DecisionProblemCode;
  message: string;
  /** Field-level details for malformed decisions and invalid outputs (one-time notice: all at once). */
  errors?: { field: string; message: string }[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day: Date.parse would roll 2026-02-30 over to March, so the parts must survive. */
function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const parsed = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === value;
}

export function checkOutputValue(spec: OutputSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return isCalendarDate(value) ? undefined : 'must be a date (YYYY-MM-DD)';
    case 'string':
      if (typeof value !== 'string' || value.trim() === '') return 'must be a non-empty string';
      if (spec.pattern && !new RegExp(`^(?:${spec.pattern})$`).test(value)) {
        return `does not match the required format ${spec.pattern}`;
      }
      return undefined;
  }
}

/**
 * Checks a decision against the definition and the step's current status. Returns the first blocking
 * problem (identity and state before content), with every field-level error collected in it.
 */
export function checkDecision(
  definition: ProcessDefinition,
  status: StepStatus | undefined,
  decision: Decision,
): DecisionProblem | undefined {
  const step = stepById(definition, decision.stepId);
  if (!step || status === undefined) {
    return { code: 'unknown-step', message: `Step '${decision.stepId}' is not part of this case.` };
  }
  if (decision.actor.department !== undefined && decision.actor.department !== step.department) {
    return {
      code: 'wrong-department',
      message: `Step '${step.id}' belongs to department ${step.department}, not ${decision.actor.department}.`,
    };
  }
  if (status !== 'awaiting_decision') {
    return {
      code: 'step-not-awaiting-decision',
      message: `Step '${step.id}' is ${status.replace(/_/g, ' ')}, not awaiting a decision.`,
    };
  }

  const malformed: { field: string; message: string }[] = [];
  if (!DECISION_OUTCOMES.includes(decision.outcome)) {
    malformed.push({ field: 'outcome', message: `must be one of ${DECISION_OUTCOMES.join(', ')}` });
  }
  if (typeof decision.opinion !== 'string' || decision.opinion.trim() === '') {
    malformed.push({ field: 'opinion', message: 'a written opinion is required' });
  }
  if (decision.outputs !== undefined && (typeof decision.outputs !== 'object' || decision.outputs === null)) {
    malformed.push({ field: 'outputs', message: 'must be an object' });
  }
  const carriesNoOutputs = decision.outcome === 'deny' || decision.outcome === 'supplement';
  if (carriesNoOutputs && decision.outputs && Object.keys(decision.outputs).length > 0) {
    malformed.push({
      field: 'outputs',
      message: `a ${decision.outcome === 'deny' ? 'denial' : 'supplement request'} carries no outputs`,
    });
  }
  if (decision.outcome === 'supplement') {
    const items = decision.items;
    if (!Array.isArray(items) || items.length === 0) {
      malformed.push({ field: 'items', message: 'list everything missing or wrong (at least one item)' });
    } else {
      items.forEach((it, i) => {
        if (typeof it?.item !== 'string' || it.item.trim() === '')
          malformed.push({ field: `items[${i}].item`, message: 'is required' });
        if (typeof it?.reason !== 'string' || it.reason.trim() === '')
          malformed.push({ field: `items[${i}].reason`, message: 'is required' });
      });
    }
  } else if (decision.items !== undefined && decision.items.length > 0) {
    malformed.push({ field: 'items', message: 'only a supplement request lists items' });
  }
  if (malformed.length > 0) {
    return { code: 'malformed-decision', message: 'The decision is malformed.', errors: malformed };
  }
  if (decision.outcome !== 'approve') return undefined;

  const outputs = decision.outputs ?? {};
  const invalid: { field: string; message: string }[] = [];
  for (const name of Object.keys(outputs)) {
    if (!step.outputs.some((o) => o.name === name)) {
      invalid.push({ field: `outputs.${name}`, message: `step '${step.id}' produces no output '${name}'` });
    }
  }
  for (const spec of step.outputs) {
    const value = outputs[spec.name];
    if (value === undefined || value === null) {
      if (spec.required !== false) invalid.push({ field: `outputs.${spec.name}`, message: 'is required' });
      continue;
    }
    const error = checkOutputValue(spec, value);
    if (error) invalid.push({ field: `outputs.${spec.name}`, message: error });
  }
  if (invalid.length > 0) {
    return {
      code: 'invalid-outputs',
      message: `The approval of '${step.id}' has ${invalid.length} problem(s) with its outputs.`,
      errors: invalid,
    };
  }
  return undefined;
}
