import { describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../process/definition.ts';
import { initialStatuses, plan } from '../process/planner.ts';
import { validateDefinition } from '../process/validate.ts';
import { CREDIT_CODE_PATTERN, companyStartup } from './company-startup.ts';
import { isKnownDepartment } from './departments.ts';
import { CATALOG, loadCatalog } from './index.ts';

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
    broken.departments.push({ code: 'FIRE', name: 'Fire Rescue' });
    broken.steps[1]!.department = 'FIRE';
    expect(loadError([broken])).toBe(
      'The process catalog is invalid:\ncompany-startup: departments: FIRE is not in the department registry',
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
