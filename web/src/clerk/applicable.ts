// Which steps apply to the application as typed so far: the definition's JsonLogic conditions, evaluated
// in the browser with the same engine the server uses at intake (json-logic-engine).
import { LogicEngine } from 'json-logic-engine';
import type { MaterialDefinition, ProcessDefinition, StepDefinition } from '../shared/types.ts';

const engine = new LogicEngine();

export function applies(step: StepDefinition, application: Record<string, unknown>): boolean {
  if (step.condition === undefined) return true;
  try {
    return Boolean(engine.truthy(engine.run(step.condition as never, { application })));
  } catch {
    // An expression over fields not filled in yet: not applicable until they are.
    return false;
  }
}

export interface NeededMaterial {
  material: MaterialDefinition;
  /** Applicable steps that use it. */
  steps: StepDefinition[];
}

export function checklist(definition: ProcessDefinition, application: Record<string, unknown>) {
  const applicable = definition.steps.filter((s) => applies(s, application));
  const notApplicable = definition.steps.filter((s) => !applicable.includes(s));
  const needed: NeededMaterial[] = definition.materials
    .map((material) => ({ material, steps: applicable.filter((s) => s.materials.includes(material.id)) }))
    .filter((n) => n.steps.length > 0);
  return { applicable, notApplicable, needed };
}
