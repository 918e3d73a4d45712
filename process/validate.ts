// Validation of a process definition: every problem at once (一次告知 applies to authors too), each with a
// path into the definition so an editor can point at it.
import type { ProcessDefinition, StepDefinition } from './definition.ts';
import { ADAPTER_KINDS, OUTPUT_TYPES } from './definition.ts';
import { checkPersonalData } from './personal-data.ts';

export interface DefinitionProblem {
  path: string;
  message: string;
}

const ID = /^[a-z][a-z0-9-]{0,63}$/;

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}

/** Finds one cycle in the dependency graph, returned as the step ids along it (first id repeated last). */
export function findCycle(steps: readonly StepDefinition[]): string[] | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep) || dep === id) continue; // a self-dependency is reported on its own
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of steps) {
    const cycle = visit(s.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** All steps a step transitively depends on. */
export function ancestors(steps: readonly StepDefinition[], stepId: string): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const found = new Set<string>();
  const stack = [...(byId.get(stepId)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return found;
}

function checkShape(def: ProcessDefinition, problems: DefinitionProblem[]): boolean {
  const add = (path: string, message: string) => problems.push({ path, message });
  if (typeof def !== 'object' || def === null) {
    add('', 'a definition must be an object');
    return false;
  }
  const deep = tooDeepAt(def, MAX_DEFINITION_DEPTH);
  if (deep !== undefined) {
    add(deep, `is nested too deep (at most ${MAX_DEFINITION_DEPTH} levels in all)`);
    return false;
  }
  if (typeof def.id !== 'string' || !ID.test(def.id)) add('id', 'must be a lower-case id (a-z, 0-9, -)');
  if (!Number.isInteger(def.version) || def.version < 1) add('version', 'must be a positive integer');
  if (typeof def.title !== 'string' || def.title.trim() === '') add('title', 'is required');
  // Header problems above do not stop the content checks; only a structure they cannot walk does.
  const headerProblems = problems.length;
  if (!Array.isArray(def.departments)) add('departments', 'must be a list');
  if (!Array.isArray(def.materials)) add('materials', 'must be a list');
  if (!Array.isArray(def.steps) || def.steps.length === 0) add('steps', 'must be a non-empty list');
  if (typeof def.form !== 'object' || def.form === null || def.form.type !== 'object') {
    add('form', "must be a JSON Schema with type 'object'");
  } else if (typeof def.form.properties !== 'object' || def.form.properties === null) {
    add('form.properties', 'must list the fields of the combined form');
  }
  return problems.length === headerProblems;
}

function checkLimit(limit: unknown, at: string, add: (path: string, message: string) => void): void {
  if (limit === undefined) return;
  const l = limit as { days?: unknown; hours?: unknown };
  if ((l.days === undefined) === (l.hours === undefined)) add(at, 'give either days or hours');
  if (l.days !== undefined && (!Number.isInteger(l.days) || (l.days as number) < 0)) {
    add(`${at}.days`, 'must be a whole number of working days, 0 or more');
  }
  if (l.hours !== undefined && (typeof l.hours !== 'number' || !(l.hours > 0)))
    add(`${at}.hours`, 'must be positive');
}

/**
 * How deep a JsonLogic expression may nest. Real conditions and rules are a few levels deep; evaluating,
 * hashing or storing one nested thousands deep overflows the call stack.
 */
export const MAX_LOGIC_DEPTH = 32;

/** Any part of a definition (its form schema included) nests at most this deep. */
export const MAX_DEFINITION_DEPTH = 64;

/**
 * Where `value` first nests deeper than `limit`, as the path of its first `keep` levels (iterative: the value
 * itself may be too deep to recurse over); undefined if it does not.
 */
function tooDeepAt(value: unknown, limit: number, keep = 3): string | undefined {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return path;
    for (const [key, child] of Object.entries(v)) {
      const next =
        depth >= keep ? path : Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      stack.push([child, depth + 1, next]);
    }
  }
  return undefined;
}

function checkDepth(expression: unknown, at: string, add: (path: string, message: string) => void): void {
  if (tooDeepAt(expression, MAX_LOGIC_DEPTH) !== undefined)
    add(at, `is nested too deep (at most ${MAX_LOGIC_DEPTH} levels)`);
}

/** Rules belong to instant (auto) steps, and what they output must be what the step declares. */
function checkAutomation(
  step: StepDefinition,
  at: string,
  add: (path: string, message: string) => void,
): void {
  const isAuto = step.adapter === 'auto';
  if (isAuto && (!Array.isArray(step.rules) || step.rules.length === 0))
    add(`${at}.rules`, 'an auto step needs rules');
  if (!isAuto && step.rules !== undefined) add(`${at}.rules`, "only an 'auto' step has rules");
  if (!isAuto && step.otherwise !== undefined) add(`${at}.otherwise`, "only an 'auto' step has 'otherwise'");
  if (step.otherwise !== undefined && step.otherwise !== 'deny' && step.otherwise !== 'worklist') {
    add(`${at}.otherwise`, "must be 'deny' or 'worklist'");
  }
  const ruleIds = (step.rules ?? []).map((r) => r.id);
  for (const d of duplicates(ruleIds)) add(`${at}.rules`, `rule id '${d}' is used twice`);
  (step.rules ?? []).forEach((rule, j) => {
    const r = `${at}.rules[${j}]`;
    if (rule.outcome !== 'approve' && rule.outcome !== 'deny')
      add(`${r}.outcome`, "must be 'approve' or 'deny'");
    if (typeof rule.when !== 'object' && typeof rule.when !== 'boolean')
      add(`${r}.when`, 'must be a JsonLogic expression');
    checkDepth(rule.when, `${r}.when`, add);
    for (const [name, value] of Object.entries(rule.outputs ?? {}))
      checkDepth(value, `${r}.outputs.${name}`, add);
    for (const name of Object.keys(rule.outputs ?? {})) {
      if (!step.outputs.some((o) => o.name === name))
        add(`${r}.outputs`, `step '${step.id}' has no output '${name}'`);
    }
    if (rule.outcome === 'deny' && Object.keys(rule.outputs ?? {}).length > 0)
      add(`${r}.outputs`, 'a deny rule has no outputs');
  });
  if (
    step.condition !== undefined &&
    typeof step.condition !== 'object' &&
    typeof step.condition !== 'boolean'
  ) {
    add(`${at}.condition`, 'must be a JsonLogic expression');
  }
  checkDepth(step.condition, `${at}.condition`, add);
  checkLimit(step.limits?.promised, `${at}.limits.promised`, add);
  checkLimit(step.limits?.statutory, `${at}.limits.statutory`, add);
}

export function validateDefinition(def: ProcessDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  if (!checkShape(def, problems)) return problems;
  const add = (path: string, message: string) => problems.push({ path, message });

  const departments = new Set(def.departments.map((d) => d.code));
  const materials = new Set(def.materials.map((m) => m.id));
  const fields = new Set(Object.keys(def.form.properties));
  const stepIds = new Set(def.steps.map((s) => s.id));

  for (const d of duplicates(def.departments.map((d) => d.code)))
    add('departments', `department ${d} is listed twice`);
  for (const m of duplicates(def.materials.map((m) => m.id)))
    add('materials', `material '${m}' is listed twice`);
  for (const s of duplicates(def.steps.map((s) => s.id))) add('steps', `step id '${s}' is used twice`);
  for (const f of def.form.required ?? []) {
    if (!fields.has(f)) add('form.required', `required field '${f}' is not a property of the form`);
  }

  const producers = new Map<string, string>();
  def.steps.forEach((step, i) => {
    for (const out of step.outputs ?? []) {
      const other = producers.get(out.name);
      if (other !== undefined) {
        add(`steps[${i}].outputs`, `output '${out.name}' is also produced by step '${other}'`);
      } else {
        producers.set(out.name, step.id);
      }
    }
  });

  def.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (typeof step.id !== 'string' || !ID.test(step.id))
      add(`${at}.id`, 'must be a lower-case id (a-z, 0-9, -)');
    if (typeof step.title !== 'string' || step.title.trim() === '') add(`${at}.title`, 'is required');
    if (!departments.has(step.department)) add(`${at}.department`, `unknown department '${step.department}'`);
    if (!ADAPTER_KINDS.includes(step.adapter)) {
      add(`${at}.adapter`, `unknown adapter '${step.adapter}' (one of ${ADAPTER_KINDS.join(', ')})`);
    }
    if (step.onDeny !== undefined && step.onDeny !== 'cancel-dependants' && step.onDeny !== 'stop-case') {
      add(`${at}.onDeny`, "must be 'cancel-dependants' or 'stop-case'");
    }
    for (const dep of step.dependsOn ?? []) {
      if (dep === step.id) add(`${at}.dependsOn`, `step '${step.id}' depends on itself`);
      else if (!stepIds.has(dep)) add(`${at}.dependsOn`, `unknown step '${dep}'`);
    }
    for (const f of step.fields ?? []) {
      if (!fields.has(f)) add(`${at}.fields`, `unknown form field '${f}'`);
    }
    for (const m of step.materials ?? []) {
      if (!materials.has(m)) add(`${at}.materials`, `unknown material '${m}'`);
    }
    const before = ancestors(def.steps, step.id);
    for (const input of step.inputs ?? []) {
      const producer = producers.get(input);
      if (producer === undefined)
        add(`${at}.inputs`, `output '${input}' is consumed but no step produces it`);
      else if (!before.has(producer)) {
        add(
          `${at}.inputs`,
          `output '${input}' comes from step '${producer}', which '${step.id}' does not depend on`,
        );
      }
    }
    (step.outputs ?? []).forEach((out, j) => {
      if (!OUTPUT_TYPES.includes(out.type)) {
        add(`${at}.outputs[${j}].type`, `unknown type '${out.type}' (one of ${OUTPUT_TYPES.join(', ')})`);
      }
      if (out.pattern !== undefined) {
        try {
          new RegExp(out.pattern);
        } catch {
          add(`${at}.outputs[${j}].pattern`, 'is not a valid regular expression');
        }
      }
    });
  });

  for (const [i, step] of def.steps.entries()) checkAutomation(step, `steps[${i}]`, add);
  checkPersonalData(def, add);

  const cycle = findCycle(def.steps);
  if (cycle) add('steps', `dependency cycle: ${cycle.join(' -> ')}`);
  checkLimit(def.promise, 'promise', add);
  return problems;
}
