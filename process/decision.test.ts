import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_PATTERN, companyStartup } from '../processes/company-startup.ts';
import { step } from '../test/fixtures/definitions.ts';
import { parallelApprovals, registrationApproval } from '../test/fixtures/examples.ts';
import {
  checkDecision,
  checkOutputValue,
  type Decision,
  type DecisionOutcome,
  type DecisionProblem,
  type OutputValue,
} from './decision.ts';
import type { OutputSpec, ProcessDefinition, StepStatus } from './definition.ts';
import { validateDefinition } from './validate.ts';

/** One step per output flavour, so each check can be exercised on its own. */
const def: ProcessDefinition = {
  id: 'decision-test',
  version: 1,
  title: 'Decision test',
  departments: [
    { code: 'HEALTH', name: 'Health' },
    { code: 'PSB', name: 'Public Security' },
  ],
  form: { type: 'object', properties: {} },
  materials: [],
  steps: [
    step('certificate', [], {
      department: 'HEALTH',
      outputs: [
        { name: 'certificateNo', title: 'Certificate number', type: 'string', pattern: '[A-Z]\\d{6}' },
        { name: 'birthDate', title: 'Date of birth', type: 'date' },
        { name: 'weightKg', title: 'Weight', type: 'number' },
        { name: 'twins', title: 'Twins', type: 'boolean' },
        { name: 'note', title: 'Note', type: 'string', required: false },
      ],
    }),
    step('household', ['certificate'], { department: 'PSB' }),
  ],
};

const goodOutputs: Record<string, OutputValue> = {
  certificateNo: 'A123456',
  birthDate: '2026-03-01',
  weightKg: 3.2,
  twins: false,
};

function decision(extra: Partial<Decision> = {}): Decision {
  return {
    stepId: 'certificate',
    outcome: 'approve',
    outputs: { ...goodOutputs },
    opinion: 'Checked against the hospital record.',
    actor: { userId: 'u-1', department: 'HEALTH' },
    ...extra,
  };
}

const deny = (extra: Partial<Decision> = {}) =>
  decision({ outcome: 'deny', outputs: undefined, opinion: 'Not born in a listed hospital.', ...extra });

const AWAITING: StepStatus = 'awaiting_decision';

/** Unsound on purpose: what a client may send at runtime. */
const loose = (value: unknown) => value as Decision;

describe('checkDecision: accepted decisions', () => {
  it('the fixture definition is valid', () => {
    expect(validateDefinition(def)).toEqual([]);
  });

  it('accepts an approval with every output', () => {
    expect(checkDecision(def, AWAITING, decision())).toBeUndefined();
  });

  it('accepts an approval that also carries the optional output', () => {
    expect(
      checkDecision(def, AWAITING, decision({ outputs: { ...goodOutputs, note: 'ok' } })),
    ).toBeUndefined();
  });

  it('accepts an approval without the optional output (omitted or null)', () => {
    expect(checkDecision(def, AWAITING, decision({ outputs: { ...goodOutputs } }))).toBeUndefined();
    const withNull = loose({ ...decision(), outputs: { ...goodOutputs, note: null } });
    expect(checkDecision(def, AWAITING, withNull)).toBeUndefined();
  });

  it('accepts an approval of a step with no outputs, with or without an empty outputs object', () => {
    const base = { stepId: 'household', actor: { userId: 'u-2', department: 'PSB' } };
    expect(checkDecision(def, AWAITING, decision({ ...base, outputs: undefined }))).toBeUndefined();
    expect(checkDecision(def, AWAITING, decision({ ...base, outputs: {} }))).toBeUndefined();
  });

  it('accepts a denial without outputs, and with an empty outputs object', () => {
    expect(checkDecision(def, AWAITING, deny())).toBeUndefined();
    expect(checkDecision(def, AWAITING, deny({ outputs: {} }))).toBeUndefined();
  });

  it('does not check the outputs of a denial against the step (there are none to check)', () => {
    expect(checkDecision(def, AWAITING, deny({ reasons: ['hospital not listed'] }))).toBeUndefined();
  });

  it('accepts an actor without a department (the department check only applies to department staff)', () => {
    expect(checkDecision(def, AWAITING, decision({ actor: { userId: 'clerk-1' } }))).toBeUndefined();
  });

  it('does not mutate the decision', () => {
    const d = decision({ outputs: { ...goodOutputs, extra: 'x' } });
    const before = structuredClone(d);
    checkDecision(def, AWAITING, d);
    expect(d).toEqual(before);
  });
});

describe('checkDecision: problem codes', () => {
  it('unknown-step: a step the definition does not have', () => {
    expect(checkDecision(def, AWAITING, decision({ stepId: 'ghost' }))).toEqual({
      code: 'unknown-step',
      message: "Step 'ghost' is not part of this case.",
    });
  });

  it('unknown-step: a step of the definition with no status in this case', () => {
    expect(checkDecision(def, undefined, decision())?.code).toBe('unknown-step');
  });

  it('wrong-department: staff of another department', () => {
    expect(checkDecision(def, AWAITING, decision({ actor: { userId: 'u-9', department: 'PSB' } }))).toEqual({
      code: 'wrong-department',
      message: "Step 'certificate' belongs to department HEALTH, not PSB.",
    });
  });

  it.each<StepStatus>(['blocked', 'approved', 'denied', 'cancelled'])(
    'step-not-awaiting-decision: a step that is %s',
    (status) => {
      const problem = checkDecision(def, status, decision());
      expect(problem).toEqual({
        code: 'step-not-awaiting-decision',
        message: `Step 'certificate' is ${status}, not awaiting a decision.`,
      });
    },
  );

  it('step-not-awaiting-decision message spells the status out', () => {
    const d = decision({ stepId: 'household', outputs: {}, actor: { userId: 'u-2', department: 'PSB' } });
    expect(checkDecision(def, 'awaiting_decision', d)).toBeUndefined();
    expect(checkDecision(def, 'blocked', d)?.message).toBe(
      "Step 'household' is blocked, not awaiting a decision.",
    );
  });

  it('malformed-decision: an unknown outcome', () => {
    expect(checkDecision(def, AWAITING, decision({ outcome: 'maybe' as DecisionOutcome }))).toEqual({
      code: 'malformed-decision',
      message: 'The decision is malformed.',
      errors: [{ field: 'outcome', message: 'must be one of approve, deny, supplement' }],
    });
  });

  it.each(['', '   ', undefined, 7])('malformed-decision: opinion %j', (opinion) => {
    expect(checkDecision(def, AWAITING, loose({ ...decision(), opinion }))).toEqual({
      code: 'malformed-decision',
      message: 'The decision is malformed.',
      errors: [{ field: 'opinion', message: 'a written opinion is required' }],
    });
  });

  it('malformed-decision: a denial needs a written opinion too', () => {
    expect(checkDecision(def, AWAITING, deny({ opinion: '' }))?.errors).toEqual([
      { field: 'opinion', message: 'a written opinion is required' },
    ]);
  });

  it.each([null, 'A123456', 42])('malformed-decision: outputs that are not an object (%j)', (outputs) => {
    const problem = checkDecision(def, AWAITING, loose({ ...decision(), outputs }));
    expect(problem?.code).toBe('malformed-decision');
    expect(problem?.errors).toContainEqual({ field: 'outputs', message: 'must be an object' });
  });

  it('malformed-decision: a denial that carries outputs', () => {
    expect(checkDecision(def, AWAITING, deny({ outputs: { certificateNo: 'A123456' } }))).toEqual({
      code: 'malformed-decision',
      message: 'The decision is malformed.',
      errors: [{ field: 'outputs', message: 'a denial carries no outputs' }],
    });
  });

  it('malformed-decision lists every error at once', () => {
    const problem = checkDecision(
      def,
      AWAITING,
      loose({ ...decision(), outcome: 'perhaps', opinion: ' ', outputs: null }),
    );
    expect(problem).toEqual({
      code: 'malformed-decision',
      message: 'The decision is malformed.',
      errors: [
        { field: 'outcome', message: 'must be one of approve, deny, supplement' },
        { field: 'opinion', message: 'a written opinion is required' },
        { field: 'outputs', message: 'must be an object' },
      ],
    });
  });

  it('malformed-decision lists the missing opinion and the outputs of a denial together', () => {
    expect(checkDecision(def, AWAITING, deny({ opinion: '', outputs: { twins: true } }))?.errors).toEqual([
      { field: 'opinion', message: 'a written opinion is required' },
      { field: 'outputs', message: 'a denial carries no outputs' },
    ]);
  });

  it('invalid-outputs: a missing required output', () => {
    const { weightKg: _omit, ...outputs } = goodOutputs;
    expect(checkDecision(def, AWAITING, decision({ outputs }))).toEqual({
      code: 'invalid-outputs',
      message: "The approval of 'certificate' has 1 problem(s) with its outputs.",
      errors: [{ field: 'outputs.weightKg', message: 'is required' }],
    });
  });

  it('invalid-outputs: an approval without outputs at all lists every required output', () => {
    const problem = checkDecision(def, AWAITING, decision({ outputs: undefined }));
    expect(problem?.code).toBe('invalid-outputs');
    expect(problem?.errors).toEqual([
      { field: 'outputs.certificateNo', message: 'is required' },
      { field: 'outputs.birthDate', message: 'is required' },
      { field: 'outputs.weightKg', message: 'is required' },
      { field: 'outputs.twins', message: 'is required' },
    ]);
  });

  it('invalid-outputs: a required output given as null counts as missing', () => {
    const problem = checkDecision(
      def,
      AWAITING,
      loose({ ...decision(), outputs: { ...goodOutputs, twins: null } }),
    );
    expect(problem?.errors).toEqual([{ field: 'outputs.twins', message: 'is required' }]);
  });

  it('invalid-outputs: an output the step does not produce', () => {
    const problem = checkDecision(def, AWAITING, decision({ outputs: { ...goodOutputs, creditCode: 'x' } }));
    expect(problem).toEqual({
      code: 'invalid-outputs',
      message: "The approval of 'certificate' has 1 problem(s) with its outputs.",
      errors: [
        { field: 'outputs.creditCode', message: "step 'certificate' produces no output 'creditCode'" },
      ],
    });
  });

  it('invalid-outputs: an optional output of the wrong type is still checked', () => {
    const problem = checkDecision(def, AWAITING, decision({ outputs: { ...goodOutputs, note: 5 } }));
    expect(problem?.errors).toEqual([{ field: 'outputs.note', message: 'must be a non-empty string' }]);
  });

  it('invalid-outputs lists every output error at once', () => {
    const problem = checkDecision(
      def,
      AWAITING,
      decision({
        outputs: {
          certificateNo: 'a123456',
          birthDate: '01/03/2026',
          weightKg: '3.2',
          extra: true,
          other: 1,
        },
      }),
    );
    expect(problem).toEqual({
      code: 'invalid-outputs',
      message: "The approval of 'certificate' has 6 problem(s) with its outputs.",
      errors: [
        { field: 'outputs.extra', message: "step 'certificate' produces no output 'extra'" },
        { field: 'outputs.other', message: "step 'certificate' produces no output 'other'" },
        { field: 'outputs.certificateNo', message: 'does not match the required format [A-Z]\\d{6}' },
        { field: 'outputs.birthDate', message: 'must be a date (YYYY-MM-DD)' },
        { field: 'outputs.weightKg', message: 'must be a number' },
        { field: 'outputs.twins', message: 'is required' },
      ],
    });
  });
});

describe('checkDecision: precedence (identity and state before content)', () => {
  const everythingWrong = (extra: Partial<Decision> = {}) =>
    loose({
      ...decision(),
      outcome: 'maybe',
      opinion: '',
      outputs: { bogus: 1 },
      actor: { userId: 'u-9', department: 'PSB' },
      ...extra,
    });

  it('unknown-step comes first', () => {
    expect(checkDecision(def, 'cancelled', everythingWrong({ stepId: 'ghost' }))?.code).toBe('unknown-step');
    expect(checkDecision(def, undefined, everythingWrong())?.code).toBe('unknown-step');
  });

  it('then wrong-department (before the step status)', () => {
    expect(checkDecision(def, 'approved', everythingWrong())?.code).toBe('wrong-department');
  });

  it('then step-not-awaiting-decision (before the content)', () => {
    expect(
      checkDecision(def, 'approved', everythingWrong({ actor: { userId: 'u-1', department: 'HEALTH' } }))
        ?.code,
    ).toBe('step-not-awaiting-decision');
  });

  it('then malformed-decision (before the outputs)', () => {
    const problem = checkDecision(def, AWAITING, decision({ opinion: '', outputs: { bogus: 1 } }));
    expect(problem?.code).toBe('malformed-decision');
    expect(problem?.errors).toEqual([{ field: 'opinion', message: 'a written opinion is required' }]);
  });

  it('invalid-outputs last', () => {
    expect(checkDecision(def, AWAITING, decision({ outputs: { bogus: 1 } }))?.code).toBe('invalid-outputs');
  });
});

describe('checkOutputValue', () => {
  const spec = (type: OutputSpec['type'], pattern?: string): OutputSpec => ({
    name: 'v',
    title: 'V',
    type,
    ...(pattern !== undefined ? { pattern } : {}),
  });

  it.each(['x', 'a longer value', '统一社会信用代码'])('string: accepts %j', (value) => {
    expect(checkOutputValue(spec('string'), value)).toBeUndefined();
  });

  it.each(['', '   ', 5, true, null, undefined, ['a'], { a: 1 }])('string: rejects %j', (value) => {
    expect(checkOutputValue(spec('string'), value)).toBe('must be a non-empty string');
  });

  it('string: the pattern must match in full, not just somewhere inside', () => {
    const s = spec('string', 'AB\\d');
    expect(checkOutputValue(s, 'AB1')).toBeUndefined();
    for (const value of ['xAB1', 'AB12', 'AB1\n', ' AB1']) {
      expect(checkOutputValue(s, value)).toBe('does not match the required format AB\\d');
    }
  });

  it('string: the anchoring covers every alternative of a pattern with |', () => {
    const s = spec('string', 'cat|dog');
    expect(checkOutputValue(s, 'cat')).toBeUndefined();
    expect(checkOutputValue(s, 'dog')).toBeUndefined();
    expect(checkOutputValue(s, 'cats')).toBeDefined();
    expect(checkOutputValue(s, 'hotdog')).toBeDefined();
    expect(checkOutputValue(s, 'catdog')).toBeDefined();
  });

  it('string: an already anchored pattern works too', () => {
    expect(checkOutputValue(spec('string', '^\\d+$'), '123')).toBeUndefined();
    expect(checkOutputValue(spec('string', '^\\d+$'), '12a')).toBeDefined();
  });

  it('string: an empty string fails before the pattern is tried', () => {
    expect(checkOutputValue(spec('string', '.*'), '')).toBe('must be a non-empty string');
  });

  it('string: the unified social credit code pattern', () => {
    const s = spec('string', CREDIT_CODE_PATTERN);
    expect(checkOutputValue(s, '91330106MA2H3K7Q4X')).toBeUndefined();
    expect(checkOutputValue(s, '91330106MA2H3K7Q4')).toBeDefined(); // 17 characters
    expect(checkOutputValue(s, '91330106MA2H3K7Q4XX')).toBeDefined(); // 19 characters
    expect(checkOutputValue(s, '91330106MA2H3K7Q4I')).toBeDefined(); // I is not in the alphabet
    expect(checkOutputValue(s, '91330106MA2H3K7Q4O')).toBeDefined(); // nor O
    expect(checkOutputValue(s, '91330106ma2h3k7q4x')).toBeDefined(); // lower case
    expect(checkOutputValue(s, '9133A106MA2H3K7Q4X')).toBeDefined(); // characters 3-8 are digits
  });

  it.each([0, -1.5, 25, 1e9])('number: accepts %j', (value) => {
    expect(checkOutputValue(spec('number'), value)).toBeUndefined();
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '25', '', true, null])(
    'number: rejects %j',
    (value) => {
      expect(checkOutputValue(spec('number'), value)).toBe('must be a number');
    },
  );

  it.each([true, false])('boolean: accepts %j', (value) => {
    expect(checkOutputValue(spec('boolean'), value)).toBeUndefined();
  });

  it.each(['true', 'false', 0, 1, null])('boolean: rejects %j', (value) => {
    expect(checkOutputValue(spec('boolean'), value)).toBe('must be true or false');
  });

  it.each(['2026-11-28', '2024-02-29', '1999-12-31', '2026-01-01'])('date: accepts %j', (value) => {
    expect(checkOutputValue(spec('date'), value)).toBeUndefined();
  });

  it.each([
    '2026-1-5',
    '26-11-28',
    '2026/11/28',
    '28-11-2026',
    '2026-11-28T00:00:00Z',
    '2026-11-28 ',
    '20261128',
    '2026-13-01',
    '2026-00-10',
    '2026-11-32',
    '2026-11-00',
    '',
    20261128,
    null,
  ])('date: rejects %j', (value) => {
    expect(checkOutputValue(spec('date'), value)).toBe('must be a date (YYYY-MM-DD)');
  });

  // V8's Date.parse accepts any day 01-31 in any month (it rolls '2026-02-30' over to 2 March): an
  // impossible date must not pass as a retirement date or date of establishment.
  it.each(['2026-02-30', '2026-02-29', '2026-04-31', '2026-06-31'])(
    'date: rejects the impossible calendar date %j',
    (value) => {
      expect(checkOutputValue(spec('date'), value)).toBe('must be a date (YYYY-MM-DD)');
    },
  );
});

describe('checkDecision with the company start-up catalog', () => {
  it('accepts the example registration approval', () => {
    const d: Decision = {
      stepId: 'registration',
      outcome: 'approve',
      outputs: registrationApproval,
      opinion: 'Registered.',
      actor: { userId: 'samr-1', department: 'SAMR' },
    };
    expect(checkDecision(companyStartup, AWAITING, d)).toBeUndefined();
  });

  it.each(parallelApprovals)('accepts the example approval of %s by %s', (stepId, department, outputs) => {
    const d: Decision = {
      stepId,
      outcome: 'approve',
      outputs,
      opinion: 'Done.',
      actor: { userId: `${department.toLowerCase()}-1`, department },
    };
    expect(checkDecision(companyStartup, AWAITING, d)).toBeUndefined();
  });

  it('rejects a registration approval with a malformed credit code', () => {
    const d: Decision = {
      stepId: 'registration',
      outcome: 'approve',
      outputs: { ...registrationApproval, creditCode: 'ABC' },
      opinion: 'Registered.',
      actor: { userId: 'samr-1', department: 'SAMR' },
    };
    const problem: DecisionProblem | undefined = checkDecision(companyStartup, AWAITING, d);
    expect(problem?.code).toBe('invalid-outputs');
    expect(problem?.errors).toEqual([
      { field: 'outputs.creditCode', message: `does not match the required format ${CREDIT_CODE_PATTERN}` },
    ]);
  });

  it('accepts the tax approval without its optional tax device number', () => {
    const d: Decision = {
      stepId: 'tax',
      outcome: 'approve',
      outputs: { invoiceQuota: 25 },
      opinion: 'Done.',
      actor: { userId: 'tax-1', department: 'TAX' },
    };
    expect(checkDecision(companyStartup, AWAITING, d)).toBeUndefined();
  });
});
