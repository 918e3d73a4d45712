import { LogicEngine } from 'json-logic-engine';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../api/ajv.ts';
import { checkDecision, type OutputValue } from '../process/decision.ts';
import type { Expression, ProcessDefinition, StepDefinition } from '../process/definition.ts';
import { initialStatuses, plan } from '../process/planner.ts';
import { ancestors, validateDefinition } from '../process/validate.ts';
import { findStep } from '../test/fixtures/definitions.ts';
import {
  afterDeathApplication,
  companyStartupApplication,
  companyStartupApprovals,
  homeTransferApplication,
  homeTransferApprovals,
  newbornApplication,
  parallelApprovals,
  registrationApproval,
  restaurantApplication,
  SAMPLES,
  type SampleApprovals,
} from '../test/fixtures/examples.ts';
import { afterDeath } from './after-death.ts';
import { CREDIT_CODE_PATTERN, companyStartup } from './company-startup.ts';
import { isKnownDepartment } from './departments.ts';
import { homeTransfer, PROPERTY_UNIT_PATTERN, UTILITIES } from './home-transfer.ts';
import { CATALOG, loadCatalog } from './index.ts';
import { BIRTH_CERTIFICATE_PATTERN, newborn } from './newborn.ts';
import { FIRE_CHECK_MIN_FLOOR_AREA, restaurant } from './restaurant.ts';
import { retirement } from './retirement.ts';

const clone = (def: ProcessDefinition): ProcessDefinition => structuredClone(def);

/** The message loadCatalog throws, or undefined when it does not throw. */
function loadError(definitions: readonly ProcessDefinition[]): string | undefined {
  try {
    loadCatalog(definitions);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the built-in catalog', () => {
  it('is not empty and contains company start-up', () => {
    expect(CATALOG.map((d) => d.id)).toContain('company-startup');
  });

  it.each(CATALOG.map((d) => [d.id, d] as const))('%s validates without problems', (_id, def) => {
    expect(validateDefinition(def)).toEqual([]);
  });

  it.each(CATALOG.map((d) => [d.id, d] as const))('%s uses only registered departments', (_id, def) => {
    expect(def.departments.filter((d) => !isKnownDepartment(d.code))).toEqual([]);
  });

  it('has unique id and version pairs', () => {
    const keys = CATALOG.map((d) => `${d.id}@${d.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('loadCatalog() loads the built-in catalog as a copy', () => {
    const loaded = loadCatalog();
    expect(loaded).toEqual([...CATALOG]);
    expect(loaded).not.toBe(CATALOG);
  });

  it('loadCatalog([]) loads an empty catalog', () => {
    expect(loadCatalog([])).toEqual([]);
  });
});

describe('loadCatalog with broken definitions', () => {
  it('throws, listing every problem with the definition id and path', () => {
    const broken = clone(companyStartup);
    broken.steps[1]!.dependsOn = ['registration', 'ghost'];
    broken.steps[2]!.materials = ['passport'];
    const message = loadError([broken]);
    expect(message).toBe(
      'The process catalog is invalid:\n' +
        "company-startup: steps[1].dependsOn: unknown step 'ghost'\n" +
        "company-startup: steps[2].materials: unknown material 'passport'",
    );
  });

  it('reports departments missing from the registry', () => {
    const broken = clone(companyStartup);
    broken.departments.push({ code: 'COURT', name: 'People’s Court' });
    broken.steps[1]!.department = 'COURT';
    expect(loadError([broken])).toBe(
      'The process catalog is invalid:\ncompany-startup: departments: COURT is not in the department registry',
    );
  });

  it('lists the problems of every definition, not only the first broken one', () => {
    const first = clone(companyStartup);
    first.steps[0]!.adapter = 'fax' as never;
    const second = clone(companyStartup);
    second.id = 'company-startup-2';
    second.steps[3]!.inputs.push('nothing');
    const message = loadError([companyStartup, first, second]);
    expect(message).toContain(
      "company-startup: steps[0].adapter: unknown adapter 'fax' (one of worklist, http, auto)",
    );
    expect(message).toContain(
      "company-startup-2: steps[3].inputs: output 'nothing' is consumed but no step produces it",
    );
    expect(message?.split('\n')).toHaveLength(3);
  });

  it('reports a cycle', () => {
    const broken = clone(companyStartup);
    broken.steps[0]!.dependsOn = ['seal'];
    expect(loadError([broken])).toContain(
      'company-startup: steps: dependency cycle: registration -> seal -> registration',
    );
  });

  it('does not load a catalog in which only one definition is broken', () => {
    const broken = clone(companyStartup);
    broken.id = 'broken';
    broken.version = 0;
    expect(() => loadCatalog([companyStartup, broken])).toThrow(
      /^The process catalog is invalid:\nbroken: version: must be a positive integer$/,
    );
  });

  // A shape problem such as "departments: must be a list" is listed, not a bare TypeError.
  it('lists shape problems instead of crashing on a definition without departments', () => {
    const broken = { ...clone(companyStartup), departments: undefined } as unknown as ProcessDefinition;
    expect(() => loadCatalog([broken])).toThrow(/company-startup: departments: must be a list/);
  });
});

describe('company start-up (企业开办), as domain.md describes it', () => {
  const [registration, ...rest] = companyStartup.steps;
  const parallel = new Map([
    ['seal', 'PSB'],
    ['tax', 'TAX'],
    ['social-insurance', 'HRSS'],
    ['housing-fund', 'HPF'],
    ['bank', 'BANK'],
  ]);

  it('starts with business registration by Market Supervision, the only root', () => {
    expect(registration).toMatchObject({ id: 'registration', department: 'SAMR', dependsOn: [] });
    expect(companyStartup.steps.filter((s) => s.dependsOn.length === 0).map((s) => s.id)).toEqual([
      'registration',
    ]);
  });

  it('registration outputs the credit code, name, legal representative, address and scope', () => {
    const outputs = registration!.outputs.map((o) => o.name);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'creditCode',
        'companyName',
        'legalRepresentativeName',
        'registeredAddress',
        'businessScope',
      ]),
    );
    const creditCode = registration!.outputs.find((o) => o.name === 'creditCode');
    expect(creditCode).toMatchObject({ type: 'string', pattern: CREDIT_CODE_PATTERN });
    expect(creditCode?.required).not.toBe(false);
  });

  it('a failed registration stops everything', () => {
    expect(registration!.onDeny).toBe('stop-case');
  });

  it('then five steps run in parallel, each owned by its department, each consuming creditCode', () => {
    expect(rest).toHaveLength(5);
    for (const s of rest) {
      expect(parallel.get(s.id), s.id).toBe(s.department);
      expect(s.dependsOn, s.id).toEqual(['registration']);
      expect(s.inputs, s.id).toContain('creditCode');
      expect(s.onDeny ?? 'cancel-dependants', s.id).toBe('cancel-dependants');
    }
    expect(new Set(rest.map((s) => s.id))).toEqual(new Set(parallel.keys()));
  });

  it('the five parallel steps consume only what registration produces', () => {
    const produced = new Set(registration!.outputs.map((o) => o.name));
    for (const s of rest) {
      for (const input of s.inputs) expect(produced.has(input), `${s.id} consumes ${input}`).toBe(true);
    }
  });

  it('has one shared set of at most 5 materials, the core ones among them', () => {
    expect(companyStartup.materials.length).toBeGreaterThan(0);
    expect(companyStartup.materials.length).toBeLessThanOrEqual(5);
    expect(companyStartup.materials.some((m) => m.core)).toBe(true);
  });

  it('lists each participating department exactly once', () => {
    const codes = companyStartup.departments.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(codes)).toEqual(new Set(companyStartup.steps.map((s) => s.department)));
  });

  it('plans as registration first, then the five together', () => {
    const first = plan(companyStartup, initialStatuses(companyStartup));
    expect(first.transitions).toEqual([{ stepId: 'registration', to: 'awaiting_decision' }]);

    const second = plan(companyStartup, { ...first.statuses, registration: 'approved' });
    expect(second.transitions.map((t) => t.stepId)).toEqual([...parallel.keys()]);
    expect(second.transitions.every((t) => t.to === 'awaiting_decision')).toBe(true);
  });

  it('a denied registration cancels all five and the case is denied', () => {
    const first = plan(companyStartup, initialStatuses(companyStartup));
    const result = plan(companyStartup, { ...first.statuses, registration: 'denied' });
    expect(result.transitions).toEqual(
      [...parallel.keys()].map((stepId) => ({ stepId, to: 'cancelled', because: 'registration' })),
    );
    expect(result.finished).toBe(true);
    expect(result.outcome).toBe('denied');
  });

  it('the five fail independently: one denial leaves the other four running', () => {
    const statuses = {
      ...plan(companyStartup, { ...initialStatuses(companyStartup), registration: 'approved' }).statuses,
    };
    statuses.bank = 'denied';
    const result = plan(companyStartup, statuses);
    expect(result.transitions).toEqual([]);
    expect(result.finished).toBe(false);

    for (const id of ['seal', 'tax', 'social-insurance', 'housing-fund']) statuses[id] = 'approved';
    const done = plan(companyStartup, statuses);
    expect(done.finished).toBe(true);
    expect(done.outcome).toBe('partially_completed');
  });
});

// ---------------------------------------------------------------------------------------------------------
// The other five processes of domain.md, and the samples of all six.

const engine = new LogicEngine();
const evaluate = (expression: Expression, data: unknown): unknown => engine.run(expression, data);

/**
 * What an auto step decides over the data: the first rule whose `when` holds (JsonLogic truthiness, as
 * activities/rules.ts judges it), else its `otherwise`.
 */
function decideAuto(
  s: StepDefinition,
  data: { application: unknown; outputs: Record<string, OutputValue> },
): { outcome: 'approve' | 'deny' | 'worklist'; rule?: string; outputs?: Record<string, OutputValue> } {
  for (const rule of s.rules ?? []) {
    if (!engine.truthy(evaluate(rule.when, data))) continue;
    const outputs = Object.fromEntries(
      Object.entries(rule.outputs ?? {}).map(([name, expr]) => [name, evaluate(expr, data) as OutputValue]),
    );
    return { outcome: rule.outcome, rule: rule.id, outputs };
  }
  return { outcome: s.otherwise ?? 'worklist' };
}

/** The outputs the sample approvals of a step's ancestors would have produced by the time it starts. */
function upstreamOutputs(
  def: ProcessDefinition,
  approvals: SampleApprovals,
  stepId: string,
): Record<string, OutputValue> {
  return Object.assign({}, ...[...ancestors(def.steps, stepId)].map((id) => approvals[id]?.outputs ?? {}));
}

/** Every `var` path an expression reads. */
function varPaths(expression: unknown): string[] {
  if (Array.isArray(expression)) return expression.flatMap(varPaths);
  if (typeof expression !== 'object' || expression === null) return [];
  return Object.entries(expression).flatMap(([op, arg]) => {
    if (op !== 'var') return varPaths(arg);
    const path = Array.isArray(arg) ? arg[0] : arg;
    return typeof path === 'string' ? [path] : [];
  });
}

const dagOf = (def: ProcessDefinition) => Object.fromEntries(def.steps.map((s) => [s.id, s.dependsOn]));
const departmentsOf = (def: ProcessDefinition) =>
  Object.fromEntries(def.steps.map((s) => [s.id, s.department]));
const sampleOf = (def: ProcessDefinition) => {
  const sample = SAMPLES[def.id];
  if (!sample) throw new Error(`no sample for ${def.id}`);
  return sample;
};

describe('the catalog holds the six real processes of domain.md', () => {
  it('in domain.md order', () => {
    expect(CATALOG.map((d) => d.id)).toEqual([
      'company-startup',
      'newborn',
      'restaurant',
      'home-transfer',
      'retirement',
      'after-death',
    ]);
  });

  describe.each(CATALOG.map((d) => [d.id, d] as const))('%s', (_id, def) => {
    const { application, approvals } = sampleOf(def);

    it('lists each participating department exactly once', () => {
      const codes = def.departments.map((d) => d.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(new Set(codes)).toEqual(new Set(def.steps.map((s) => s.department)));
    });

    it('has a form that rejects unknown fields and titles every field, and the sample is valid against it', () => {
      expect(def.form.additionalProperties).toBe(false);
      for (const [name, schema] of Object.entries(def.form.properties)) {
        expect(typeof schema.title, `${name} has a title`).toBe('string');
      }
      const validate = createAjv().compile(def.form);
      expect(validate(application), JSON.stringify(validate.errors)).toBe(true);
    });

    it('has one shared set of materials with core ones, each seen by some step', () => {
      expect(def.materials.some((m) => m.core)).toBe(true);
      const seen = new Set(def.steps.flatMap((s) => s.materials));
      expect(def.materials.filter((m) => !seen.has(m.id)).map((m) => m.id)).toEqual([]);
    });

    it('collects no field that no step sees and no condition or rule reads (minimum necessary)', () => {
      const used = new Set([
        ...def.steps.flatMap((s) => s.fields),
        ...def.steps
          .flatMap((s) => [
            s.condition,
            ...(s.rules ?? []).flatMap((r) => [r.when, ...Object.values(r.outputs ?? {})]),
          ])
          .flatMap(varPaths)
          .filter((p) => p.startsWith('application.'))
          .map((p) => p.split('.')[1]),
      ]);
      expect(Object.keys(def.form.properties).filter((f) => !used.has(f))).toEqual([]);
    });

    it('has approvals for exactly the steps a person decides, each passing checkDecision', () => {
      const manual = def.steps.filter((s) => s.adapter !== 'auto').map((s) => s.id);
      expect(Object.keys(approvals).sort()).toEqual([...manual].sort());
      for (const [stepId, { department, outputs }] of Object.entries(approvals)) {
        const problem = checkDecision(def, 'awaiting_decision', {
          stepId,
          outcome: 'approve',
          outputs,
          opinion: '材料齐全，符合法定形式，准予办理。',
          actor: { userId: `clerk-${department.toLowerCase()}`, department },
        });
        expect(problem, `${def.id}/${stepId}`).toBeUndefined();
      }
    });

    it('gives auto steps rules and only auto steps rules; conditions read only the application', () => {
      for (const s of def.steps) {
        if (s.adapter === 'auto') expect(s.rules?.length, s.id).toBeGreaterThan(0);
        else {
          expect(s.rules, s.id).toBeUndefined();
          expect(s.otherwise, s.id).toBeUndefined();
        }
        if (s.condition !== undefined) {
          const paths = varPaths(s.condition);
          expect(paths.length, s.id).toBeGreaterThan(0);
          for (const path of paths) {
            expect(path, s.id).toMatch(/^application\./);
            expect(Object.keys(def.form.properties), s.id).toContain(path.split('.')[1]);
          }
        }
      }
    });

    it('rules read form fields and outputs of steps that come before', () => {
      for (const s of def.steps) {
        const before = new Set(
          [...ancestors(def.steps, s.id)].flatMap((id) => findStep(def, id).outputs.map((o) => o.name)),
        );
        for (const path of (s.rules ?? [])
          .flatMap((r) => [r.when, ...Object.values(r.outputs ?? {})])
          .flatMap(varPaths)) {
          const [root, name] = path.split('.');
          if (root === 'application')
            expect(Object.keys(def.form.properties), `${s.id}: ${path}`).toContain(name);
          else {
            expect(root, `${s.id}: ${path}`).toBe('outputs');
            expect(before.has(name!), `${s.id}: ${path}`).toBe(true);
          }
        }
      }
    });

    it('has a case promise and promised limits shorter than the statutory ones', () => {
      // Company start-up's version 1 is published without limits; changing it needs a version 2.
      if (def.id !== 'company-startup') expect(def.promise?.days ?? def.promise?.hours).toBeGreaterThan(0);
      for (const s of def.steps.filter((x) => x.limits)) {
        const { promised, statutory } = s.limits!;
        expect(promised, s.id).toBeDefined();
        if (statutory?.days === undefined) continue;
        const promisedDays = promised?.days ?? (promised?.hours ?? 0) / 8;
        expect(promisedDays, s.id).toBeLessThan(statutory.days);
        // Joint handling is capped at 45 working days; a single item at 20 (+10 with approval).
        expect(statutory.days, s.id).toBeLessThanOrEqual(30);
      }
    });

    it('sample approvals feed every input their dependants consume', () => {
      for (const s of def.steps) {
        const upstream = upstreamOutputs(def, approvals, s.id);
        for (const input of s.inputs) {
          const producer = def.steps.find((p) => p.outputs.some((o) => o.name === input))!;
          if (producer.adapter === 'auto') continue; // computed by the rules, checked below
          expect(upstream[input], `${s.id} consumes ${input}`).toBeDefined();
        }
      }
    });
  });
});

describe('company start-up samples keep their older exports', () => {
  it('registrationApproval and parallelApprovals are views of companyStartupApprovals', () => {
    expect(registrationApproval).toEqual(companyStartupApprovals.registration.outputs);
    expect(parallelApprovals.map(([id]) => id)).toEqual([
      'seal',
      'tax',
      'social-insurance',
      'housing-fund',
      'bank',
    ]);
    for (const [id, department, outputs] of parallelApprovals) {
      expect(companyStartupApprovals[id as keyof typeof companyStartupApprovals]).toEqual({
        department,
        outputs,
      });
    }
    expect(SAMPLES['company-startup']?.application).toBe(companyStartupApplication);
  });
});

describe('newborn (出生一件事), as domain.md describes it', () => {
  const data = (application: unknown) => ({ application, outputs: {} });
  const eligibility = findStep(newborn, 'eligibility');
  const variant = (patch: Record<string, unknown>) => ({ ...structuredClone(newbornApplication), ...patch });

  it('pre-check -> [A certificate || B vaccination] -> C household -> [D medical || E card]; G in parallel', () => {
    expect(dagOf(newborn)).toEqual({
      eligibility: [],
      'birth-certificate': ['eligibility'],
      vaccination: ['eligibility'],
      household: ['birth-certificate', 'vaccination'],
      'medical-insurance': ['household'],
      'social-security-card': ['household'],
      'maternity-allowance': ['eligibility'],
    });
    expect(departmentsOf(newborn)).toEqual({
      eligibility: 'HEALTH',
      'birth-certificate': 'HEALTH',
      vaccination: 'HEALTH',
      household: 'PSB',
      'medical-insurance': 'HSA',
      'social-security-card': 'HRSS',
      'maternity-allowance': 'HSA',
    });
  });

  it('the pre-check is instant and stops the case when a person denies it', () => {
    expect(eligibility).toMatchObject({ adapter: 'auto', otherwise: 'worklist', onDeny: 'stop-case' });
  });

  it('household registration needs the birth certificate number; D and E the child’s ID number', () => {
    expect(findStep(newborn, 'household').inputs).toContain('birthCertificateNo');
    expect(findStep(newborn, 'household').outputs.find((o) => o.name === 'childIdNumber')?.pattern).toBe(
      '\\d{17}[0-9X]',
    );
    expect(findStep(newborn, 'birth-certificate').outputs[0]).toMatchObject({
      name: 'birthCertificateNo',
      pattern: BIRTH_CERTIFICATE_PATTERN,
    });
    expect(findStep(newborn, 'medical-insurance').inputs).toEqual(['childIdNumber']);
    expect(findStep(newborn, 'social-security-card').inputs).toEqual(['childIdNumber']);
  });

  it('the sample passes the pre-check instantly', () => {
    expect(decideAuto(eligibility, data(newbornApplication))).toMatchObject({
      outcome: 'approve',
      rule: 'eligible',
    });
  });

  it('a birth outside the listed hospitals goes to a person', () => {
    expect(decideAuto(eligibility, data(variant({ hospitalCode: '330199999' }))).outcome).toBe('worklist');
  });

  it('the age limit is one calendar month from the birth, and not before it', () => {
    const on = (applicationDate: string, birthDate = '2026-11-12') =>
      decideAuto(
        eligibility,
        data(variant({ applicationDate, child: { ...newbornApplication.child, birthDate } })),
      ).outcome;
    expect(on('2026-11-12')).toBe('approve');
    expect(on('2026-12-12')).toBe('approve');
    expect(on('2026-12-13')).toBe('worklist');
    expect(on('2026-11-11')).toBe('worklist');
    expect(on('2026-02-28', '2026-01-31')).toBe('approve');
    expect(on('2026-03-01', '2026-01-31')).toBe('worklist');
    expect(on('2027-01-05', '2026-12-20')).toBe('approve');
  });

  it('the parent whose household the child joins must be registered in Hangzhou', () => {
    const father = { ...newbornApplication.father, hukouDivision: '110105' };
    expect(decideAuto(eligibility, data(variant({ father }))).outcome).toBe('worklist');
    expect(decideAuto(eligibility, data(variant({ father, householdOf: 'mother' }))).outcome).toBe('approve');
    const { father: _absent, ...single } = variant({ householdOf: 'mother' });
    expect(decideAuto(eligibility, data(single)).outcome).toBe('approve');
    expect(decideAuto(eligibility, data({ ...single, householdOf: 'father' })).outcome).toBe('worklist');
  });

  it('only the maternity allowance sees the bank account', () => {
    expect(newborn.steps.filter((s) => s.fields.includes('bankAccount')).map((s) => s.id)).toEqual([
      'maternity-allowance',
    ]);
  });
});

describe('open a restaurant (开办餐饮店), as domain.md describes it', () => {
  const check = findStep(restaurant, 'licence-check');
  const fire = findStep(restaurant, 'fire-check');
  const signage = findStep(restaurant, 'signage');
  const data = (patch: Record<string, unknown> = {}) => ({
    application: { ...structuredClone(restaurantApplication), ...patch },
    outputs: {},
  });

  it('A licence check -> [B food permit || C fire check || D signage]', () => {
    expect(dagOf(restaurant)).toEqual({
      'licence-check': [],
      'food-permit': ['licence-check'],
      'fire-check': ['licence-check'],
      signage: ['licence-check'],
    });
    expect(departmentsOf(restaurant)).toEqual({
      'licence-check': 'SAMR',
      'food-permit': 'SAMR',
      'fire-check': 'FIRE',
      signage: 'URBAN',
    });
    expect(check).toMatchObject({ adapter: 'auto', onDeny: 'stop-case' });
  });

  it('the sample passes the licence check instantly, with outputs that pass the step’s specs', () => {
    const decided = decideAuto(check, data());
    expect(decided).toEqual({
      outcome: 'approve',
      rule: 'catering-licensed',
      outputs: {
        creditCode: restaurantApplication.creditCode,
        businessName: restaurantApplication.businessName,
        entityType: 'enterprise',
      },
    });
    const problem = checkDecision(restaurant, 'awaiting_decision', {
      stepId: check.id,
      outcome: 'approve',
      outputs: decided.outputs!,
      opinion: 'rules',
      actor: { userId: 'system' },
    });
    expect(problem).toBeUndefined();
  });

  it('an individual business passes too; a scope without catering goes to a person; a non-business is denied', () => {
    expect(decideAuto(check, data({ creditCode: '92330106MA2J5L8P3R' })).outputs?.entityType).toBe(
      'individual',
    );
    expect(decideAuto(check, data({ registeredScope: '小吃服务' })).outcome).toBe('worklist');
    expect(decideAuto(check, data({ creditCode: '52330106MJ1234567X' }))).toMatchObject({
      outcome: 'deny',
      rule: 'not-a-business',
    });
  });

  it('the fire check applies from 300 m2 on; the signage permit only when a sign is wanted', () => {
    expect(FIRE_CHECK_MIN_FLOOR_AREA).toBe(300);
    expect(fire.condition).toEqual({ '>=': [{ var: 'application.floorArea' }, 300] });
    expect(evaluate(fire.condition!, { application: {} })).toBe(false);
    expect(evaluate(fire.condition!, data())).toBe(true);
    expect(evaluate(fire.condition!, data({ floorArea: 300 }))).toBe(true);
    expect(evaluate(fire.condition!, data({ floorArea: 299.5 }))).toBe(false);
    expect(evaluate(signage.condition!, data())).toBe(true);
    const { sign: _sign, ...noSign } = data({ wantsOutdoorSign: false }).application;
    expect(evaluate(signage.condition!, { application: noSign })).toBe(false);
    expect(evaluate(signage.condition!, { application: {} })).toBe(false);
    expect(findStep(restaurant, 'food-permit').condition).toBeUndefined();
  });

  it('B and C share the floor plan; the fire brigade sees neither the operator’s ID nor the food-safety manager', () => {
    expect(findStep(restaurant, 'food-permit').materials).toContain('floor-plan');
    expect(fire.materials).toEqual(['floor-plan', 'fire-equipment-plan', 'fire-commitment']);
    expect(fire.fields).not.toContain('operator');
    expect(fire.fields).not.toContain('foodSafetyManager');
    expect(signage.materials).toEqual(['sign-design']);
    expect(signage.fields).not.toContain('floorArea');
  });
});

describe('second-hand home transfer with utilities, as domain.md describes it', () => {
  const gate = findStep(homeTransfer, 'seizure-check');
  const upstream = upstreamOutputs(homeTransfer, homeTransferApprovals, gate.id);

  it('A filing -> B tax -> seizure gate -> C registration -> [D water || E power || F gas || G broadband]', () => {
    expect(dagOf(homeTransfer)).toEqual({
      'contract-filing': [],
      tax: ['contract-filing'],
      'seizure-check': ['tax'],
      transfer: ['seizure-check'],
      water: ['transfer'],
      power: ['transfer'],
      gas: ['transfer'],
      broadband: ['transfer'],
    });
    expect(departmentsOf(homeTransfer)).toEqual({
      'contract-filing': 'HOUSING',
      tax: 'TAX',
      'seizure-check': 'NATRES',
      transfer: 'NATRES',
      water: 'WATER',
      power: 'POWER',
      gas: 'GAS',
      broadband: 'BROADBAND',
    });
    expect(
      findStep(homeTransfer, 'contract-filing').outputs.find((o) => o.name === 'propertyUnitNo')?.pattern,
    ).toBe(PROPERTY_UNIT_PATTERN);
  });

  it('a court seizure blocks the registration and stops the case; no seizure lets it through', () => {
    expect(gate).toMatchObject({ adapter: 'auto', otherwise: 'worklist', onDeny: 'stop-case' });
    expect(upstream.seizureRecorded).toBe(false);
    const application = homeTransferApplication;
    expect(decideAuto(gate, { application, outputs: upstream })).toMatchObject({ outcome: 'approve' });
    expect(decideAuto(gate, { application, outputs: { ...upstream, seizureRecorded: true } })).toMatchObject({
      outcome: 'deny',
      rule: 'court-seizure',
    });
    const { seizureRecorded: _unknown, ...unknown } = upstream;
    expect(decideAuto(gate, { application, outputs: unknown }).outcome).toBe('worklist');
  });

  it('each utility is opted into on the form: the sample takes water, power and gas, not broadband', () => {
    const included = UTILITIES.filter((u) =>
      evaluate(findStep(homeTransfer, u).condition!, { application: homeTransferApplication }),
    );
    expect(included).toEqual(['water', 'power', 'gas']);
    const { gas: _gas, ...noGas } = homeTransferApplication;
    expect(evaluate(findStep(homeTransfer, 'gas').condition!, { application: noGas })).toBe(false);
    for (const s of ['contract-filing', 'tax', 'seizure-check', 'transfer']) {
      expect(findStep(homeTransfer, s).condition, s).toBeUndefined();
    }
  });

  it('utilities see the address, the new holder and their own account, and consume the new certificate', () => {
    for (const u of UTILITIES) {
      const s = findStep(homeTransfer, u);
      expect(s.fields).toEqual(['propertyAddress', 'newAccountHolder', u]);
      expect(s.inputs).toContain('newCertificateNo');
      expect(s.fields).not.toContain('price');
    }
  });
});

describe('retirement (退休一件事), as domain.md describes it', () => {
  it('A pension -> [B housing fund || C retiree medical], both consuming the retirement date', () => {
    expect(dagOf(retirement)).toEqual({
      pension: [],
      'housing-fund': ['pension'],
      'retiree-medical': ['pension'],
    });
    expect(departmentsOf(retirement)).toEqual({
      pension: 'HRSS',
      'housing-fund': 'HPF',
      'retiree-medical': 'HSA',
    });
    expect(findStep(retirement, 'pension').outputs[0]).toMatchObject({
      name: 'retirementDate',
      type: 'date',
    });
    for (const id of ['housing-fund', 'retiree-medical']) {
      expect(findStep(retirement, id).inputs, id).toContain('retirementDate');
    }
    expect(findStep(retirement, 'retiree-medical').fields).not.toContain('bankAccount');
  });
});

describe('after a death (身后一件事), as domain.md describes it', () => {
  it('A certificate -> [B cremation || C cancellation] -> [D pension and grant || E medical || F housing fund]', () => {
    const joined = ['cremation', 'household-cancellation'];
    expect(dagOf(afterDeath)).toEqual({
      'death-certificate': [],
      cremation: ['death-certificate'],
      'household-cancellation': ['death-certificate'],
      'pension-funeral-grant': joined,
      'medical-settlement': joined,
      'housing-fund': joined,
    });
    expect(departmentsOf(afterDeath)).toEqual({
      'death-certificate': 'HEALTH',
      cremation: 'CIVIL',
      'household-cancellation': 'PSB',
      'pension-funeral-grant': 'HRSS',
      'medical-settlement': 'HSA',
      'housing-fund': 'HPF',
    });
  });

  it('the pension stop and funeral grant needs the cremation certificate; the funeral home sees no bank account', () => {
    expect(findStep(afterDeath, 'pension-funeral-grant').inputs).toContain('cremationCertificateNo');
    expect(findStep(afterDeath, 'cremation').fields).not.toContain('payeeAccount');
    expect(findStep(afterDeath, 'household-cancellation').fields).not.toContain('payeeAccount');
    expect(SAMPLES['after-death']?.application).toBe(afterDeathApplication);
  });
});
