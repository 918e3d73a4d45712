// Who may open a case, and how much of it (PIPL, minimum necessary). Clerks, managers and admins see the
// whole case. Department staff see a case only while their department has a step in it that applies (a step
// whose condition did not hold, such as a broadband transfer the applicant did not opt into, opens nothing),
// and of it only what those steps declare: their form fields and materials, the earlier outputs they
// consume, and their own outputs, opinions and deciders; of every other step only its progress.
import type { StepRow } from '../db/cases.ts';
import type { User } from '../db/users.ts';
import type { ProcessDefinition, StepDefinition } from '../process/definition.ts';
import { forbidden } from './problem.ts';

export interface Visibility {
  /** Form fields shown; null = every field. */
  fields: Set<string> | null;
  /** Case data (outputs) shown; null = all of it. */
  outputs: Set<string> | null;
  /** Materials shown and downloadable; null = every material. */
  materials: Set<string> | null;
  /** Steps whose opinions, reasons, deciders and details are shown; null = every step. */
  steps: Set<string> | null;
}

export const EVERYTHING: Visibility = { fields: null, outputs: null, materials: null, steps: null };

/** The department's steps that apply to this case (its step rows say which: not_applicable is set at intake). */
export function applicableSteps(
  definition: ProcessDefinition,
  department: string,
  rows: readonly Pick<StepRow, 'stepId' | 'status'>[],
): StepDefinition[] {
  const applicable = new Set(rows.filter((r) => r.status !== 'not_applicable').map((r) => r.stepId));
  return definition.steps.filter((s) => s.department === department && applicable.has(s.id));
}

/** What `user` may see of the case, or 403 for department staff with no applicable step in it. */
export function caseAccess(
  definition: ProcessDefinition,
  user: User,
  rows: readonly Pick<StepRow, 'stepId' | 'status'>[],
  caseNo: string,
): Visibility {
  if (user.role !== 'department') return EVERYTHING;
  const own = applicableSteps(definition, user.department ?? '', rows);
  if (own.length === 0) throw forbidden(`Department ${user.department} has no step in case ${caseNo}.`);
  return {
    fields: new Set(own.flatMap((s) => s.fields)),
    outputs: new Set(own.flatMap((s) => [...s.inputs, ...s.outputs.map((o) => o.name)])),
    materials: new Set(own.flatMap((s) => s.materials)),
    steps: new Set(own.map((s) => s.id)),
  };
}
