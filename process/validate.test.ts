import { describe, expect, it } from 'vitest';
import { companyStartup } from '../processes/company-startup.ts';
import { definition, step } from '../test/fixtures/definitions.ts';
import type { AdapterKind, OnDeny, OutputType, ProcessDefinition } from './definition.ts';
import { ancestors, type DefinitionProblem, findCycle, validateDefinition } from './validate.ts';

/** Deliberately ill-typed input, as it would arrive from JSON. */
const loose = (value: unknown) => value as ProcessDefinition;

const clone = (def: ProcessDefinition): ProcessDefinition => structuredClone(def);

const paths = (problems: DefinitionProblem[]) => problems.map((p) => p.path);

describe('validateDefinition: valid definitions', () => {
  it('accepts the company start-up definition', () => {
    expect(validateDefinition(companyStartup)).toEqual([]);
  });

  it('accepts a minimal definition', () => {
    expect(validateDefinition(definition([step('a')]))).toEqual([]);
  });

  it('accepts an output consumed by a transitive (not only direct) dependant', () => {
    const def = definition([
      step('a', { outputs: [{ name: 'code', title: 'Code', type: 'string', pattern: '[A-Z]{3}' }] }),
      step('b', { dependsOn: ['a'] }),
      step('c', { dependsOn: ['b'], inputs: ['code'] }),
    ]);
    expect(validateDefinition(def)).toEqual([]);
  });

  it('accepts a diamond (fan-out then fan-in), every output type, both onDeny values and every adapter', () => {
    const def = definition([
      step('a', {
        adapter: 'auto',
        onDeny: 'stop-case',
        rules: [
          {
            id: 'always',
            description: 'always',
            when: true,
            outcome: 'approve',
            outputs: { n: { '+': [1] } },
          },
        ],
        outputs: [{ name: 'n', title: 'N', type: 'number' }],
      }),
      step('b', {
        adapter: 'http',
        dependsOn: ['a'],
        outputs: [{ name: 'ok', title: 'OK', type: 'boolean' }],
      }),
      step('c', {
        dependsOn: ['a'],
        onDeny: 'cancel-dependants',
        outputs: [{ name: 'd', title: 'D', type: 'date', required: false }],
      }),
      step('d', {
        department: 'D2',
        dependsOn: ['b', 'c'],
        inputs: ['n', 'ok', 'd'],
        fields: ['name', 'age'],
      }),
    ]);
    expect(validateDefinition(def)).toEqual([]);
  });

  it('does not mutate the definition', () => {
    const def = clone(companyStartup);
    validateDefinition(def);
    expect(def).toEqual(companyStartup);
  });
});

describe('validateDefinition: header and shape', () => {
  it.each([
    ['an upper-case id', { id: 'Company' }],
    ['an id with underscores', { id: 'company_startup' }],
    ['an id starting with a digit', { id: '1company' }],
    ['an empty id', { id: '' }],
    ['a missing id', { id: undefined }],
    ['an id longer than 64 characters', { id: `a${'b'.repeat(64)}` }],
  ])('reports %s', (_label, patch) => {
    expect(validateDefinition(loose({ ...definition([step('a')]), ...patch }))).toEqual([
      { path: 'id', message: 'must be a lower-case id (a-z, 0-9, -)' },
    ]);
  });

  it('accepts a 64-character id', () => {
    expect(validateDefinition(definition([step('a')], { id: `a${'b'.repeat(63)}` }))).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN, '1', undefined])('reports version %s', (version) => {
    expect(validateDefinition(loose({ ...definition([step('a')]), version }))).toEqual([
      { path: 'version', message: 'must be a positive integer' },
    ]);
  });

  it.each(['', '   ', undefined, 42])('reports title %j', (title) => {
    expect(validateDefinition(loose({ ...definition([step('a')]), title }))).toEqual([
      { path: 'title', message: 'is required' },
    ]);
  });

  it('reports an empty step list', () => {
    expect(validateDefinition(definition([]))).toEqual([
      { path: 'steps', message: 'must be a non-empty list' },
    ]);
  });

  it('reports a step list that is not a list', () => {
    expect(validateDefinition(loose({ ...definition([]), steps: { a: step('a') } }))).toEqual([
      { path: 'steps', message: 'must be a non-empty list' },
    ]);
  });

  it.each([
    ['an array schema', { type: 'array', items: {} }],
    ['a missing type', { properties: {} }],
    ['null', null],
    ['a string', 'object'],
  ])('reports a form that is %s', (_label, form) => {
    expect(validateDefinition(loose({ ...definition([step('a')]), form }))).toEqual([
      { path: 'form', message: "must be a JSON Schema with type 'object'" },
    ]);
  });

  it('reports an object form without properties', () => {
    expect(validateDefinition(loose({ ...definition([step('a')]), form: { type: 'object' } }))).toEqual([
      { path: 'form.properties', message: 'must list the fields of the combined form' },
    ]);
  });

  it('reports departments and materials that are not lists', () => {
    const problems = validateDefinition(
      loose({ ...definition([step('a')]), departments: {}, materials: 'm1' }),
    );
    expect(problems).toEqual([
      { path: 'departments', message: 'must be a list' },
      { path: 'materials', message: 'must be a list' },
    ]);
  });

  it.each([null, undefined, 'company-startup', 42])(
    'reports a definition that is not an object (%j)',
    (def) => {
      expect(validateDefinition(loose(def))).toEqual([
        { path: '', message: 'a definition must be an object' },
      ]);
    },
  );

  it('reports every shape problem at once', () => {
    const problems = validateDefinition(
      loose({ id: 'X', version: 0, title: '', departments: null, materials: null, steps: [], form: {} }),
    );
    expect(paths(problems)).toEqual(['id', 'version', 'title', 'departments', 'materials', 'steps', 'form']);
  });
});

describe('validateDefinition: duplicates', () => {
  it('reports a duplicate step id', () => {
    const def = definition([step('a'), step('b'), step('a')]);
    expect(validateDefinition(def)).toEqual([{ path: 'steps', message: "step id 'a' is used twice" }]);
  });

  it('reports a step id used three times only once', () => {
    const problems = validateDefinition(definition([step('a'), step('a'), step('a')]));
    expect(problems).toEqual([{ path: 'steps', message: "step id 'a' is used twice" }]);
  });

  it('reports a duplicate department code', () => {
    const def = definition([step('a')], {
      departments: [
        { code: 'D1', name: 'One' },
        { code: 'D1', name: 'One again' },
      ],
    });
    expect(validateDefinition(def)).toEqual([
      { path: 'departments', message: 'department D1 is listed twice' },
    ]);
  });

  it('reports a duplicate material id', () => {
    const def = definition([step('a')], {
      materials: [
        { id: 'm1', title: 'One' },
        { id: 'm2', title: 'Two' },
        { id: 'm1', title: 'One again' },
      ],
    });
    expect(validateDefinition(def)).toEqual([
      { path: 'materials', message: "material 'm1' is listed twice" },
    ]);
  });

  it('reports an output produced by two steps, at the second producer', () => {
    const def = definition([
      step('a', { outputs: [{ name: 'code', title: 'Code', type: 'string' }] }),
      step('b', { outputs: [{ name: 'code', title: 'Code', type: 'string' }] }),
    ]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[1].outputs', message: "output 'code' is also produced by step 'a'" },
    ]);
  });

  it('reports an output produced twice by the same step', () => {
    const def = definition([
      step('a', {
        outputs: [
          { name: 'code', title: 'Code', type: 'string' },
          { name: 'code', title: 'Code again', type: 'number' },
        ],
      }),
    ]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].outputs', message: "output 'code' is also produced by step 'a'" },
    ]);
  });
});

describe('validateDefinition: dependencies', () => {
  it('reports an unknown dependency', () => {
    const def = definition([step('a'), step('b', { dependsOn: ['a', 'ghost'] })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[1].dependsOn', message: "unknown step 'ghost'" },
    ]);
  });

  it('reports a self-dependency once, at the step', () => {
    const problems = validateDefinition(definition([step('a'), step('b', { dependsOn: ['b'] })]));
    expect(problems).toEqual([{ path: 'steps[1].dependsOn', message: "step 'b' depends on itself" }]);
  });

  it('reports a cycle, listing the steps along it', () => {
    const def = definition([
      step('a', { dependsOn: ['b'] }),
      step('b', { dependsOn: ['c'] }),
      step('c', { dependsOn: ['a'] }),
    ]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps', message: 'dependency cycle: a -> b -> c -> a' },
    ]);
  });

  it('reports a cycle that does not include the first step, without the steps leading into it', () => {
    const def = definition([
      step('root'),
      step('x', { dependsOn: ['root', 'y'] }),
      step('y', { dependsOn: ['z'] }),
      step('z', { dependsOn: ['x'] }),
    ]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps', message: 'dependency cycle: x -> y -> z -> x' },
    ]);
  });

  it('does not mistake a diamond for a cycle', () => {
    const def = definition([
      step('a'),
      step('b', { dependsOn: ['a'] }),
      step('c', { dependsOn: ['a'] }),
      step('d', { dependsOn: ['b', 'c', 'a'] }),
    ]);
    expect(validateDefinition(def)).toEqual([]);
  });
});

describe('findCycle and ancestors', () => {
  it('findCycle returns undefined for an acyclic graph and ignores unknown dependencies', () => {
    expect(findCycle([step('a'), step('b', { dependsOn: ['a', 'ghost'] })])).toBeUndefined();
  });

  it('findCycle returns the cycle with the first id repeated last', () => {
    expect(findCycle([step('a', { dependsOn: ['b'] }), step('b', { dependsOn: ['a'] })])).toEqual([
      'a',
      'b',
      'a',
    ]);
  });

  it('ancestors are transitive and exclude the step itself and its dependants', () => {
    const steps = [
      step('a'),
      step('b', { dependsOn: ['a'] }),
      step('c', { dependsOn: ['b'] }),
      step('d', { dependsOn: ['c', 'a'] }),
      step('e', { dependsOn: ['d'] }),
      step('x'),
    ];
    expect([...ancestors(steps, 'd')].sort()).toEqual(['a', 'b', 'c']);
    expect([...ancestors(steps, 'a')]).toEqual([]);
    expect([...ancestors(steps, 'unknown')]).toEqual([]);
  });

  it('ancestors terminate on a cycle', () => {
    const steps = [step('a', { dependsOn: ['b'] }), step('b', { dependsOn: ['a'] })];
    expect([...ancestors(steps, 'a')].sort()).toEqual(['a', 'b']);
  });
});

describe('validateDefinition: references', () => {
  it('reports an unknown form field', () => {
    const def = definition([step('a', { fields: ['name', 'salary'] })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].fields', message: "unknown form field 'salary'" },
    ]);
  });

  it('reports an unknown material', () => {
    const def = definition([step('a'), step('b', { materials: ['m1', 'passport'] })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[1].materials', message: "unknown material 'passport'" },
    ]);
  });

  it('reports an unknown department', () => {
    const def = definition([step('a', { department: 'FIRE' })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].department', message: "unknown department 'FIRE'" },
    ]);
  });

  it('reports an unknown adapter, naming the allowed ones', () => {
    const def = definition([step('a', { adapter: 'email' as AdapterKind })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].adapter', message: "unknown adapter 'email' (one of worklist, http, auto)" },
    ]);
  });

  it('reports an unknown onDeny', () => {
    const def = definition([step('a', { onDeny: 'stop' as OnDeny })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].onDeny', message: "must be 'cancel-dependants' or 'stop-case'" },
    ]);
  });

  it('reports a required field that is not a property of the form', () => {
    const def = definition([step('a')], {
      form: { type: 'object', properties: { name: { type: 'string' } }, required: ['name', 'phone'] },
    });
    expect(validateDefinition(def)).toEqual([
      { path: 'form.required', message: "required field 'phone' is not a property of the form" },
    ]);
  });

  it('reports a bad step id and a missing step title', () => {
    const def = definition([step('Seal_Step', { title: ' ' })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].id', message: 'must be a lower-case id (a-z, 0-9, -)' },
      { path: 'steps[0].title', message: 'is required' },
    ]);
  });
});

describe('validateDefinition: outputs and inputs', () => {
  it('reports an unknown output type, naming the allowed ones', () => {
    const def = definition([
      step('a', {
        outputs: [
          { name: 'ok', title: 'OK', type: 'string' },
          { name: 'code', title: 'Code', type: 'text' as OutputType },
        ],
      }),
    ]);
    expect(validateDefinition(def)).toEqual([
      {
        path: 'steps[0].outputs[1].type',
        message: "unknown type 'text' (one of string, number, boolean, date)",
      },
    ]);
  });

  it.each(['[A-Z', '(abc', 'abc)', '\\', '*abc'])('reports the bad regular expression %j', (pattern) => {
    const def = definition([
      step('a', { outputs: [{ name: 'code', title: 'Code', type: 'string', pattern }] }),
    ]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].outputs[0].pattern', message: 'is not a valid regular expression' },
    ]);
  });

  it('accepts the credit-code pattern of the catalog', () => {
    const pattern = companyStartup.steps[0]!.outputs[0]!.pattern!;
    const def = definition([
      step('a', { outputs: [{ name: 'code', title: 'Code', type: 'string', pattern }] }),
    ]);
    expect(validateDefinition(def)).toEqual([]);
  });

  it('reports an output consumed but never produced', () => {
    const def = definition([step('a'), step('b', { dependsOn: ['a'], inputs: ['creditCode'] })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[1].inputs', message: "output 'creditCode' is consumed but no step produces it" },
    ]);
  });

  it('reports an output consumed from a step that is not an ancestor (a parallel branch)', () => {
    const def = definition([
      step('a'),
      step('b', { dependsOn: ['a'], outputs: [{ name: 'sealNo', title: 'Seal', type: 'string' }] }),
      step('c', { dependsOn: ['a'], inputs: ['sealNo'] }),
    ]);
    expect(validateDefinition(def)).toEqual([
      {
        path: 'steps[2].inputs',
        message: "output 'sealNo' comes from step 'b', which 'c' does not depend on",
      },
    ]);
  });

  it('reports an output consumed from a later step (a dependant, not an ancestor)', () => {
    const def = definition([
      step('a', { inputs: ['late'] }),
      step('b', { dependsOn: ['a'], outputs: [{ name: 'late', title: 'Late', type: 'string' }] }),
    ]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].inputs', message: "output 'late' comes from step 'b', which 'a' does not depend on" },
    ]);
  });

  it('reports a step consuming its own output', () => {
    const def = definition([
      step('a', { inputs: ['own'], outputs: [{ name: 'own', title: 'Own', type: 'string' }] }),
    ]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].inputs', message: "output 'own' comes from step 'a', which 'a' does not depend on" },
    ]);
  });
});

describe('validateDefinition: one-time notice (every problem at once)', () => {
  it('reports all content problems of one definition in a single call', () => {
    const def = definition(
      [
        step('a', {
          department: 'NOPE',
          fields: ['salary'],
          outputs: [
            { name: 'code', title: 'Code', type: 'string', pattern: '[' },
            { name: 'when', title: 'When', type: 'time' as OutputType },
          ],
        }),
        step('b', {
          adapter: 'fax' as AdapterKind,
          dependsOn: ['ghost'],
          materials: ['passport'],
          inputs: ['nothing'],
          outputs: [{ name: 'code', title: 'Code', type: 'string' }],
        }),
        step('c', { dependsOn: ['d'] }),
        step('d', { dependsOn: ['c'] }),
        step('a', { title: '' }),
      ],
      {
        departments: [
          { code: 'D1', name: 'One' },
          { code: 'D1', name: 'One' },
        ],
        materials: [
          { id: 'm1', title: 'One' },
          { id: 'm1', title: 'One' },
        ],
        form: { type: 'object', properties: { name: { type: 'string' } }, required: ['email'] },
      },
    );
    const problems = validateDefinition(def);
    expect(problems).toEqual(
      expect.arrayContaining<DefinitionProblem>([
        { path: 'departments', message: 'department D1 is listed twice' },
        { path: 'materials', message: "material 'm1' is listed twice" },
        { path: 'steps', message: "step id 'a' is used twice" },
        { path: 'form.required', message: "required field 'email' is not a property of the form" },
        { path: 'steps[1].outputs', message: "output 'code' is also produced by step 'a'" },
        { path: 'steps[0].department', message: "unknown department 'NOPE'" },
        { path: 'steps[0].fields', message: "unknown form field 'salary'" },
        { path: 'steps[0].outputs[0].pattern', message: 'is not a valid regular expression' },
        {
          path: 'steps[0].outputs[1].type',
          message: "unknown type 'time' (one of string, number, boolean, date)",
        },
        { path: 'steps[1].adapter', message: "unknown adapter 'fax' (one of worklist, http, auto)" },
        { path: 'steps[1].dependsOn', message: "unknown step 'ghost'" },
        { path: 'steps[1].materials', message: "unknown material 'passport'" },
        { path: 'steps[1].inputs', message: "output 'nothing' is consumed but no step produces it" },
        { path: 'steps[4].title', message: 'is required' },
        { path: 'steps', message: 'dependency cycle: c -> d -> c' },
      ]),
    );
    expect(problems).toHaveLength(15);
  });

  it('reports several problems of the same kind in the same step', () => {
    const def = definition([step('a', { fields: ['x', 'name', 'y'], materials: ['p', 'q'] })]);
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[0].fields', message: "unknown form field 'x'" },
      { path: 'steps[0].fields', message: "unknown form field 'y'" },
      { path: 'steps[0].materials', message: "unknown material 'p'" },
      { path: 'steps[0].materials', message: "unknown material 'q'" },
    ]);
  });

  it('reports each step with its own index in the path', () => {
    const def = definition([
      step('a', { department: 'X' }),
      step('b', { department: 'Y' }),
      step('c', { department: 'Z' }),
    ]);
    expect(paths(validateDefinition(def))).toEqual([
      'steps[0].department',
      'steps[1].department',
      'steps[2].department',
    ]);
  });

  it('reports problems in a broken copy of the company start-up definition', () => {
    const def = clone(companyStartup);
    def.steps[1]!.inputs.push('sealColour');
    def.steps[2]!.department = 'FIRE';
    expect(validateDefinition(def)).toEqual([
      { path: 'steps[1].inputs', message: "output 'sealColour' is consumed but no step produces it" },
      { path: 'steps[2].department', message: "unknown department 'FIRE'" },
    ]);
  });

  // A bad id, version or title must not hide the content problems (一次告知, not drip-fed).
  it('reports a bad id/version/title together with the content problems', () => {
    const def = clone(companyStartup);
    def.version = 0;
    def.steps[2]!.department = 'FIRE';
    expect(validateDefinition(def)).toEqual([
      { path: 'version', message: 'must be a positive integer' },
      { path: 'steps[2].department', message: "unknown department 'FIRE'" },
    ]);
  });
});

describe('validateDefinition: personal data and the purpose of its use', () => {
  const personal = () => {
    const def = definition([
      step('a', {
        fields: ['name'],
        outputs: [{ name: 'holderId', title: 'Holder', type: 'string', personal: ['identity'] }],
      }),
      step('b', { dependsOn: ['a'], inputs: ['holderId'] }),
    ]);
    def.form.properties.name = { ...def.form.properties.name, 'x-personal': ['identity'] };
    return def;
  };
  const basis = { use: '办理登记', legalBasis: '《某条例》第一条' };

  it('refuses a step that receives a personal field or a personal output without a purpose and legal basis', () => {
    expect(validateDefinition(personal())).toEqual([
      {
        path: 'steps[0].purpose',
        message:
          'step \'a\' receives personal data (name) and must declare the purpose of its use and its legal basis ({"use": …, "legalBasis": …})',
      },
      {
        path: 'steps[1].purpose',
        message:
          'step \'b\' receives personal data (holderId) and must declare the purpose of its use and its legal basis ({"use": …, "legalBasis": …})',
      },
    ]);
  });

  it('refuses a purpose without its legal basis', () => {
    const def = personal();
    def.steps[0]!.purpose = basis;
    def.steps[1]!.purpose = { use: '复用持有人身份', legalBasis: ' ' };
    expect(paths(validateDefinition(def))).toEqual(['steps[1].purpose']);
  });

  it('accepts both once declared, and refuses an unknown category', () => {
    const def = personal();
    def.steps[0]!.purpose = basis;
    def.steps[1]!.purpose = basis;
    expect(validateDefinition(def)).toEqual([]);
    def.form.properties.name = { ...def.form.properties.name, 'x-personal': ['secrets'] };
    expect(paths(validateDefinition(def))).toEqual(['form.properties.name.x-personal']);
  });

  it('holds for the whole catalog: every step that receives personal data says why', () => {
    expect(validateDefinition(companyStartup)).toEqual([]);
    expect(companyStartup.steps.every((s) => s.purpose?.legalBasis)).toBe(true);
  });
});
