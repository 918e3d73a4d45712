// Intake checks beyond the form schema, all reported together (一次告知): which steps apply (their
// conditions over the application), which materials those steps need, and the deficiencies (容缺受理)
// the clerk accepts in place of non-core materials.
import { LogicEngine } from 'json-logic-engine';
import type { Static } from 'typebox';
import type { UploadOwner } from '../db/materials.ts';
import type { Deficiency } from '../process/case-machine.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import type { FieldError } from './problem.ts';
import type { SubmitCaseBody } from './schemas/cases.ts';

const engine = new LogicEngine();

/** 容缺受理 as the clerk asks for it: a step, its non-core materials, the last day (China time) they may arrive. */
export type DeficiencyRequest = NonNullable<Static<typeof SubmitCaseBody>['deficiencies']>[number];

/** Steps whose condition does not hold over the application: they are not applicable to this case. */
export function notApplicableSteps(
  definition: ProcessDefinition,
  application: Record<string, unknown>,
): string[] {
  return definition.steps
    .filter((s) => s.condition !== undefined && !engine.truthy(engine.run(s.condition, { application })))
    .map((s) => s.id);
}

/** End of the given day in China (UTC+8), as an ISO instant. */
export function endOfChinaDay(date: string): string {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();
}

/** Material references (material id -> upload id): materials of the process, uploads of this clerk. */
export function checkMaterialRefs(
  definition: ProcessDefinition,
  materials: Record<string, string>,
  uploads: UploadOwner[],
  uploaderId: string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [materialId, uploadId] of Object.entries(materials)) {
    const field = `materials.${materialId}`;
    if (!definition.materials.some((m) => m.id === materialId)) {
      errors.push({ field, message: 'is not a material of this process' });
    }
    const upload = uploads.find((u) => u.id === uploadId);
    if (!upload || upload.uploadedBy !== uploaderId)
      errors.push({ field, message: 'is not an upload of yours' });
  }
  return errors;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The longest a clerk may let a material wait under 容缺受理. */
const MAX_DEFICIENCY_DAYS = 90;

export function checkMaterials(
  definition: ProcessDefinition,
  notApplicable: string[],
  materials: Record<string, string>,
  uploads: UploadOwner[],
  uploaderId: string,
  deficiencies: DeficiencyRequest[],
  now: Date,
): { errors: FieldError[]; deficiencies: Deficiency[] } {
  const errors = checkMaterialRefs(definition, materials, uploads, uploaderId);
  const declared = new Map(definition.materials.map((m) => [m.id, m]));
  const applicable = definition.steps.filter((s) => !notApplicable.includes(s.id));

  const accepted: Deficiency[] = [];
  deficiencies.forEach((d, i) => {
    const at = `deficiencies[${i}]`;
    const step = applicable.find((s) => s.id === d.stepId);
    if (!step) {
      errors.push({ field: `${at}.stepId`, message: `'${d.stepId}' is not an applicable step of this case` });
      return;
    }
    for (const m of d.materials) {
      if (!step.materials.includes(m))
        errors.push({ field: `${at}.materials`, message: `step '${step.id}' does not use '${m}'` });
      else if (declared.get(m)?.core)
        errors.push({ field: `${at}.materials`, message: `'${m}' is a core material: it cannot wait` });
      else if (materials[m]) errors.push({ field: `${at}.materials`, message: `'${m}' is attached already` });
    }
    const due = DAY.test(d.due) ? Date.parse(endOfChinaDay(d.due)) : Number.NaN;
    if (Number.isNaN(due)) errors.push({ field: `${at}.due`, message: 'must be a date (YYYY-MM-DD)' });
    else if (due <= now.getTime()) errors.push({ field: `${at}.due`, message: 'must be in the future' });
    else if (due - now.getTime() > MAX_DEFICIENCY_DAYS * 86_400_000) {
      errors.push({ field: `${at}.due`, message: `may be at most ${MAX_DEFICIENCY_DAYS} days away` });
    }
    accepted.push({
      stepId: step.id,
      materials: d.materials,
      due: Number.isNaN(due) ? '' : new Date(due).toISOString(),
    });
  });

  for (const step of applicable) {
    for (const m of step.materials) {
      if (materials[m]) continue;
      // Only a non-core material can be promised; a refused promise leaves it missing.
      const promised =
        !declared.get(m)?.core && deficiencies.some((d) => d.stepId === step.id && d.materials.includes(m));
      if (promised) continue;
      const message = declared.get(m)?.core
        ? `is required by step '${step.id}' (a core material)`
        : `is required by step '${step.id}', or accept its absence with a deficiency and a due date`;
      if (!errors.some((e) => e.field === `materials.${m}` && e.message === message)) {
        errors.push({ field: `materials.${m}`, message });
      }
    }
  }
  return { errors, deficiencies: accepted };
}
