import { describe, expect, it } from 'vitest';
import { step, validDefinition } from '../test/fixtures/definitions.ts';
import type { ProcessDefinition, StepStatus } from './definition.ts';
import { initialStatuses, outcomeOf, plan, type StepStatuses } from './planner.ts';

/** a -> b -> c */
const chain = () => validDefinition([step('a'), step('b', ['a']), step('c', ['b'])]);

/** reg (stop-case) -> [p || q || r], like company start-up. */
const fanOut = () =>
  validDefinition([
    step('reg', [], { onDeny: 'stop-case' }),
    step('p', ['reg']),
    step('q', ['reg']),
    step('r', ['reg']),
  ]);

/** [a || b] -> c */
const fanIn = () => validDefinition([step('a'), step('b'), step('c', ['a', 'b'])]);

/** a -> [b -> c || d]; e independent of all of them. */
const branches = () =>
  validDefinition([step('a'), step('b', ['a']), step('c', ['b']), step('d', ['a']), step('e')]);

/** x and y (stop-case) in parallel; z after y. */
const stopper = () => validDefinition([step('x'), step('y', [], { onDeny: 'stop-case' }), step('z', ['y'])]);

const awaiting = (ids: string[]) => ids.map((stepId) => ({ stepId, to: 'awaiting_decision' }));

describe('plan: releasing steps', () => {
  it('releases only the roots first', () => {
    const def = branches();
    const result = plan(def, initialStatuses(def));
    expect(result.transitions).toEqual(awaiting(['a', 'e']));
    expect(result.statuses).toEqual({
      a: 'awaiting_decision',
      b: 'blocked',
      c: 'blocked',
      d: 'blocked',
      e: 'awaiting_decision',
    });
    expect(result.finished).toBe(false);
    expect(result).not.toHaveProperty('outcome');
  });

  it('treats steps missing from the statuses as blocked', () => {
    const def = chain();
    const result = plan(def, {});
    expect(result.transitions).toEqual(awaiting(['a']));
    expect(result.statuses).toEqual({ a: 'awaiting_decision' });
    expect(result.finished).toBe(false);
  });

  it('initialStatuses marks every step blocked', () => {
    expect(initialStatuses(branches())).toEqual({
      a: 'blocked',
      b: 'blocked',
      c: 'blocked',
      d: 'blocked',
      e: 'blocked',
    });
  });

  it('runs a serial chain one step at a time', () => {
    const def = chain();
    let statuses: StepStatuses = plan(def, initialStatuses(def)).statuses;
    expect(statuses).toEqual({ a: 'awaiting_decision', b: 'blocked', c: 'blocked' });

    let result = plan(def, { ...statuses, a: 'approved' });
    expect(result.transitions).toEqual(awaiting(['b']));
    expect(result.statuses).toEqual({ a: 'approved', b: 'awaiting_decision', c: 'blocked' });
    statuses = result.statuses;

    result = plan(def, { ...statuses, b: 'approved' });
    expect(result.transitions).toEqual(awaiting(['c']));
    expect(result.finished).toBe(false);
    statuses = result.statuses;

    result = plan(def, { ...statuses, c: 'approved' });
    expect(result.transitions).toEqual([]);
    expect(result.finished).toBe(true);
    expect(result.outcome).toBe('completed');
  });

  it('does not release a step while its dependency awaits a decision', () => {
    const def = chain();
    const result = plan(def, { a: 'awaiting_decision', b: 'blocked', c: 'blocked' });
    expect(result.transitions).toEqual([]);
    expect(result.finished).toBe(false);
  });

  it('fans out: every dependant of an approved step is released together', () => {
    const def = fanOut();
    const result = plan(def, { reg: 'approved', p: 'blocked', q: 'blocked', r: 'blocked' });
    expect(result.transitions).toEqual(awaiting(['p', 'q', 'r']));
    expect(result.statuses).toEqual({
      reg: 'approved',
      p: 'awaiting_decision',
      q: 'awaiting_decision',
      r: 'awaiting_decision',
    });
  });

  it('fans in: a step with two dependencies waits for both approvals', () => {
    const def = fanIn();
    let result = plan(def, initialStatuses(def));
    expect(result.transitions).toEqual(awaiting(['a', 'b']));

    result = plan(def, { ...result.statuses, a: 'approved' });
    expect(result.transitions).toEqual([]);
    expect(result.statuses.c).toBe('blocked');

    result = plan(def, { ...result.statuses, b: 'approved' });
    expect(result.transitions).toEqual(awaiting(['c']));
  });

  it('fans in the other way round too (order of approvals does not matter)', () => {
    const def = fanIn();
    expect(plan(def, { a: 'awaiting_decision', b: 'approved', c: 'blocked' }).transitions).toEqual([]);
    expect(plan(def, { a: 'approved', b: 'approved', c: 'blocked' }).transitions).toEqual(awaiting(['c']));
  });

  it('releases one level per approval: a newly released step does not release its own dependants', () => {
    // c is listed before its dependency b.
    const def = validDefinition([step('c', ['b']), step('a'), step('b', ['a'])]);
    const result = plan(def, { a: 'approved', b: 'blocked', c: 'blocked' });
    expect(result.transitions).toEqual(awaiting(['b']));
    expect(result.statuses.c).toBe('blocked');
  });

  it('leaves steps that already await a decision alone', () => {
    const def = fanOut();
    const result = plan(def, {
      reg: 'approved',
      p: 'awaiting_decision',
      q: 'blocked',
      r: 'awaiting_decision',
    });
    expect(result.transitions).toEqual(awaiting(['q']));
  });
});

describe('plan: denials (cancel-dependants)', () => {
  it('cancels only the transitive dependants of a denied step; independent branches go on', () => {
    const def = branches();
    const result = plan(def, {
      a: 'awaiting_decision',
      b: 'blocked',
      c: 'blocked',
      d: 'blocked',
      e: 'awaiting_decision',
    });
    expect(result.transitions).toEqual([]);

    const denied = plan(def, { ...result.statuses, a: 'denied' });
    expect(denied.transitions).toEqual([
      { stepId: 'b', to: 'cancelled', because: 'a' },
      { stepId: 'c', to: 'cancelled', because: 'b' },
      { stepId: 'd', to: 'cancelled', because: 'a' },
    ]);
    expect(denied.statuses).toEqual({
      a: 'denied',
      b: 'cancelled',
      c: 'cancelled',
      d: 'cancelled',
      e: 'awaiting_decision',
    });
    expect(denied.finished).toBe(false);
  });

  it('cancels a chain in one call even when dependants are listed before their dependencies', () => {
    const def = validDefinition([step('c', ['b']), step('b', ['a']), step('a')]);
    const result = plan(def, { a: 'denied', b: 'blocked', c: 'blocked' });
    expect(result.statuses).toEqual({ a: 'denied', b: 'cancelled', c: 'cancelled' });
    // `because` names the immediate failed dependency: b for c (b itself was cancelled because of a).
    expect(result.transitions).toContainEqual({ stepId: 'b', to: 'cancelled', because: 'a' });
    expect(result.transitions).toContainEqual({ stepId: 'c', to: 'cancelled', because: 'b' });
    expect(result.transitions).toHaveLength(2);
  });

  it('a denial deep in one branch leaves the sibling branch running', () => {
    const def = branches();
    const result = plan(def, {
      a: 'approved',
      b: 'denied',
      c: 'blocked',
      d: 'awaiting_decision',
      e: 'approved',
    });
    expect(result.transitions).toEqual([{ stepId: 'c', to: 'cancelled', because: 'b' }]);
    expect(result.statuses.d).toBe('awaiting_decision');
    expect(result.finished).toBe(false);
  });

  it('never withdraws with cancel-dependants: the dependants had not been dispatched', () => {
    const def = branches();
    const result = plan(def, {
      a: 'denied',
      b: 'blocked',
      c: 'blocked',
      d: 'blocked',
      e: 'awaiting_decision',
    });
    expect(result.transitions.every((t) => t.withdraw === undefined)).toBe(true);
    expect(result.statuses.e).toBe('awaiting_decision');
  });

  it('fan-in: one denied dependency cancels the joined step at once while the other keeps running', () => {
    const def = fanIn();
    const result = plan(def, { a: 'denied', b: 'awaiting_decision', c: 'blocked' });
    expect(result.transitions).toEqual([{ stepId: 'c', to: 'cancelled', because: 'a' }]);
    expect(result.statuses).toEqual({ a: 'denied', b: 'awaiting_decision', c: 'cancelled' });
    expect(result.finished).toBe(false);

    const done = plan(def, { ...result.statuses, b: 'approved' });
    expect(done.transitions).toEqual([]);
    expect(done.finished).toBe(true);
    expect(done.outcome).toBe('partially_completed');
  });

  it('fan-in: a dependency approved does not save the joined step when the other is denied', () => {
    const def = fanIn();
    const result = plan(def, { a: 'approved', b: 'denied', c: 'blocked' });
    expect(result.transitions).toEqual([{ stepId: 'c', to: 'cancelled', because: 'b' }]);
    expect(result.outcome).toBe('partially_completed');
  });

  it('a denied leaf with cancel-dependants affects nothing else', () => {
    const def = fanOut();
    const result = plan(def, {
      reg: 'approved',
      p: 'denied',
      q: 'awaiting_decision',
      r: 'awaiting_decision',
    });
    expect(result.transitions).toEqual([]);
    expect(result.statuses).toEqual({
      reg: 'approved',
      p: 'denied',
      q: 'awaiting_decision',
      r: 'awaiting_decision',
    });
  });
});

describe("plan: onDeny 'stop-case'", () => {
  it('cancels every undecided step when the stopper is denied', () => {
    const def = fanOut();
    const result = plan(def, { reg: 'denied', p: 'blocked', q: 'blocked', r: 'blocked' });
    expect(result.transitions).toEqual([
      { stepId: 'p', to: 'cancelled', because: 'reg' },
      { stepId: 'q', to: 'cancelled', because: 'reg' },
      { stepId: 'r', to: 'cancelled', because: 'reg' },
    ]);
    expect(result.finished).toBe(true);
    expect(result.outcome).toBe('denied');
  });

  it('cancels independent branches too, withdrawing the ones awaiting a decision', () => {
    const def = validDefinition([
      step('x'),
      step('y', [], { onDeny: 'stop-case' }),
      step('z'),
      step('w', ['y']),
      step('v', ['x']),
      step('u'),
    ]);
    const result = plan(def, {
      x: 'awaiting_decision',
      y: 'denied',
      z: 'approved',
      w: 'blocked',
      v: 'blocked',
      u: 'denied',
    });
    expect(result.transitions).toEqual([
      { stepId: 'x', to: 'cancelled', because: 'y', withdraw: true },
      { stepId: 'w', to: 'cancelled', because: 'y' },
      { stepId: 'v', to: 'cancelled', because: 'y' },
    ]);
    // Decided steps keep their decision.
    expect(result.statuses).toEqual({
      x: 'cancelled',
      y: 'denied',
      z: 'approved',
      w: 'cancelled',
      v: 'cancelled',
      u: 'denied',
    });
    expect(result.finished).toBe(true);
    expect(result.outcome).toBe('partially_completed');
  });

  it('withdraws only awaiting steps; blocked ones carry no withdraw flag', () => {
    const def = validDefinition([step('a'), step('b', [], { onDeny: 'stop-case' }), step('c', ['a'])]);
    const result = plan(def, { a: 'awaiting_decision', b: 'denied', c: 'blocked' });
    expect(result.transitions).toEqual([
      { stepId: 'a', to: 'cancelled', because: 'b', withdraw: true },
      { stepId: 'c', to: 'cancelled', because: 'b' },
    ]);
    expect(result.transitions[1]).not.toHaveProperty('withdraw');
  });

  it('a stop-case step that is approved or still undecided stops nothing', () => {
    const def = fanOut();
    expect(
      plan(def, { reg: 'awaiting_decision', p: 'blocked', q: 'blocked', r: 'blocked' }).transitions,
    ).toEqual([]);
    expect(plan(def, { reg: 'approved', p: 'blocked', q: 'blocked', r: 'blocked' }).transitions).toEqual(
      awaiting(['p', 'q', 'r']),
    );
  });

  it('a cancelled (not denied) stop-case step does not stop the case', () => {
    const def = validDefinition([step('a'), step('b', ['a'], { onDeny: 'stop-case' }), step('c')]);
    const result = plan(def, { a: 'denied', b: 'blocked', c: 'awaiting_decision' });
    expect(result.transitions).toEqual([{ stepId: 'b', to: 'cancelled', because: 'a' }]);
    expect(result.statuses.c).toBe('awaiting_decision');
  });
});

describe('plan: outcome and finished', () => {
  it('is completed when every step is approved', () => {
    const def = fanOut();
    const result = plan(def, { reg: 'approved', p: 'approved', q: 'approved', r: 'approved' });
    expect(result).toEqual({
      transitions: [],
      statuses: { reg: 'approved', p: 'approved', q: 'approved', r: 'approved' },
      finished: true,
      outcome: 'completed',
    });
  });

  it('is partially completed when some but not all steps are approved', () => {
    const def = fanOut();
    const result = plan(def, { reg: 'approved', p: 'approved', q: 'denied', r: 'approved' });
    expect(result.finished).toBe(true);
    expect(result.outcome).toBe('partially_completed');
  });

  it('is partially completed when only the root is approved and every later step denied', () => {
    const def = fanOut();
    const result = plan(def, { reg: 'approved', p: 'denied', q: 'denied', r: 'denied' });
    expect(result.outcome).toBe('partially_completed');
  });

  it('is denied when no step is approved', () => {
    const def = fanIn();
    const result = plan(def, { a: 'denied', b: 'denied', c: 'blocked' });
    expect(result.statuses.c).toBe('cancelled');
    expect(result.finished).toBe(true);
    expect(result.outcome).toBe('denied');
  });

  it('is not finished while any step is blocked or awaiting a decision', () => {
    const def = fanOut();
    for (const open of ['blocked', 'awaiting_decision'] as const) {
      const result = plan(def, { reg: 'approved', p: 'approved', q: 'approved', r: open });
      expect(result.finished).toBe(false);
      expect(result).not.toHaveProperty('outcome');
    }
  });

  it('outcomeOf counts approvals only', () => {
    const def = fanIn();
    expect(outcomeOf(def, { a: 'approved', b: 'approved', c: 'approved' })).toBe('completed');
    expect(outcomeOf(def, { a: 'approved', b: 'cancelled', c: 'cancelled' })).toBe('partially_completed');
    expect(outcomeOf(def, { a: 'denied', b: 'cancelled', c: 'cancelled' })).toBe('denied');
    // Nothing approved and nothing denied (e.g. a deficiency deadline missed on the first step).
    expect(outcomeOf(def, {})).toBe('terminated');
  });

  it('runs a whole case to completion by approving whatever awaits a decision', () => {
    const def = validDefinition([
      step('a'),
      step('b', ['a']),
      step('c', ['a']),
      step('d', ['b', 'c']),
      step('e'),
    ]);
    let result = plan(def, initialStatuses(def));
    const order: string[][] = [];
    while (!result.finished) {
      const ready = Object.keys(result.statuses).filter((id) => result.statuses[id] === 'awaiting_decision');
      expect(ready.length).toBeGreaterThan(0);
      order.push(ready);
      const next: Record<string, StepStatus> = { ...result.statuses };
      for (const id of ready) next[id] = 'approved';
      result = plan(def, next);
    }
    expect(order).toEqual([['a', 'e'], ['b', 'c'], ['d']]);
    expect(result.outcome).toBe('completed');
  });
});

describe('plan: purity and idempotence', () => {
  const scenarios: [string, () => ProcessDefinition, StepStatuses][] = [
    ['initial', branches, initialStatuses(branches())],
    ['after approval', fanOut, { reg: 'approved', p: 'blocked', q: 'blocked', r: 'blocked' }],
    [
      'after a denial',
      branches,
      { a: 'denied', b: 'blocked', c: 'blocked', d: 'blocked', e: 'awaiting_decision' },
    ],
    ['after a stop-case denial', stopper, { x: 'awaiting_decision', y: 'denied', z: 'blocked' }],
    ['fan-in half done', fanIn, { a: 'approved', b: 'awaiting_decision', c: 'blocked' }],
    ['finished', fanIn, { a: 'approved', b: 'approved', c: 'approved' }],
  ];

  it.each(scenarios)('does not mutate its input (%s)', (_label, makeDef, statuses) => {
    const def = makeDef();
    const input = Object.freeze({ ...statuses });
    const before = structuredClone(input);
    const defBefore = structuredClone(def);
    const result = plan(def, input);
    expect(input).toEqual(before);
    expect(def).toEqual(defBefore);
    expect(result.statuses).not.toBe(input);
  });

  it.each(scenarios)(
    'is idempotent: planning the result again changes nothing (%s)',
    (_label, makeDef, statuses) => {
      const def = makeDef();
      const first = plan(def, statuses);
      const second = plan(def, first.statuses);
      expect(second.transitions).toEqual([]);
      expect(second.statuses).toEqual(first.statuses);
      expect(second.finished).toBe(first.finished);
      expect(second.outcome).toBe(first.outcome);
    },
  );

  it.each(scenarios)(
    'is deterministic: the same input gives the same plan (%s)',
    (_label, makeDef, statuses) => {
      const def = makeDef();
      expect(plan(def, statuses)).toEqual(plan(def, statuses));
    },
  );

  it('returns a fresh statuses object that the caller may change without affecting later plans', () => {
    const def = chain();
    const start = initialStatuses(def);
    const first = plan(def, start);
    first.statuses.a = 'approved';
    expect(start.a).toBe('blocked');
    expect(plan(def, start).statuses.a).toBe('awaiting_decision');
  });

  it('keeps statuses of ids that are not steps of the definition', () => {
    const def = chain();
    const result = plan(def, { a: 'approved', b: 'blocked', c: 'blocked', stray: 'denied' });
    expect(result.statuses.stray).toBe('denied');
    expect(result.transitions).toEqual(awaiting(['b']));
  });
});
