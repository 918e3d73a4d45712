import { describe, expect, it } from 'vitest';
import { companyStartup } from '../processes/company-startup.ts';
import { step, validDefinition } from '../test/fixtures/definitions.ts';
import { CaseMachine, type CaseOptions, type Effects } from './case-machine.ts';
import type { ClockSpan } from './clock.ts';
import type { Actor, Decision, OutputValue } from './decision.ts';
import type { CaseEvent, StepDeadlines } from './events.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A Monday morning in Beijing; the machine does no calendar arithmetic itself. */
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const t = (minutes: number) => T0 + minutes * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

const clerk: Actor = { userId: 'clerk-1' };
const applicant: Actor = { userId: 'applicant-1' };
const staff = (department: string): Actor => ({ userId: `staff-${department}`, department });

const approve = (stepId: string, outputs: Record<string, OutputValue> = {}, actor = clerk): Decision => ({
  stepId,
  outcome: 'approve',
  outputs,
  opinion: '同意 Approved',
  actor,
});
const deny = (stepId: string, actor = clerk): Decision => ({
  stepId,
  outcome: 'deny',
  opinion: '不予许可 Denied',
  reasons: ['does not meet the conditions'],
  actor,
});
const askSupplement = (stepId: string, actor = clerk): Decision => ({
  stepId,
  outcome: 'supplement',
  opinion: '请补正 Please supplement',
  items: [{ item: 'floor-plan', reason: 'unreadable scan' }],
  actor,
});

type EventOf<T extends CaseEvent['type']> = Extract<CaseEvent, { type: T }>;
const ofType = <T extends CaseEvent['type']>(fx: Effects, type: T): EventOf<T>[] =>
  fx.events.filter((e): e is EventOf<T> => e.type === type);
const types = (fx: Effects) => fx.events.map((e) => e.type);
const only = <T extends CaseEvent['type']>(fx: Effects, type: T): EventOf<T> => {
  const found = ofType(fx, type);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const none: Effects = { events: [], dispatch: [], withdraw: [] };

/** a (outputs code, count) -> b -> c; d (department D2) independent. */
const chain = () =>
  validDefinition([
    step('a', [], {
      outputs: [
        { name: 'code', title: 'Code', type: 'string' },
        { name: 'count', title: 'Count', type: 'number' },
      ],
    }),
    step('b', ['a'], { inputs: ['code'] }),
    step('c', ['b']),
    step('d', [], { department: 'D2' }),
  ]);

/** x || w || y (stop-case, D2) in parallel; z after y. */
const stopper = () =>
  validDefinition([
    step('x'),
    step('w'),
    step('y', [], { department: 'D2', onDeny: 'stop-case' }),
    step('z', ['y']),
  ]);

/** a -> [b || c]. */
const fanOut = () => validDefinition([step('a'), step('b', ['a']), step('c', ['a'])]);

describe('sequence numbers', () => {
  it('numbers every event 1, 2, 3 … across transitions, with no gaps', () => {
    const m = new CaseMachine(chain(), { adapters: { d: 'http' }, notApplicable: [] });
    const all: CaseEvent[] = [];
    const run = (fx: Effects) => {
      all.push(...fx.events);
      return fx;
    };
    run(m.start(t(0), 'clerk-1'));
    run(m.decide(askSupplement('a'), t(1)));
    run(m.supplement('a', 'attached', ['floor-plan'], applicant, t(2)));
    run(m.openStage('d', 'site-inspection', 'inspect', staff('D2'), t(3)));
    run(m.closeStage('d', 'inspected', staff('D2'), t(4)));
    run(m.incident('d', 'HTTP 503', t(5)));
    run(m.redispatch('d', 'ops', t(6)));
    expect(run(m.incident('c', 'late failure of a blocked step', t(7)))).toEqual(none); // uses no number
    run(m.decide(approve('a', { code: 'A-1', count: 1 }), t(8)));
    run(m.decide(approve('b'), t(9)));
    run(m.warn({ stepId: 'c', clock: 'promised', kind: 'yellow' }, iso(t(60)), t(10)));
    run(m.withdraw('changed my mind', applicant, t(11)));
    expect(all.length).toBeGreaterThan(15);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(m.seq).toBe(all.length);
    expect(all.at(-1)!.type).toBe('case.closed');
  });

  it('stamps each event with the instant given and its actor', () => {
    const m = new CaseMachine(chain());
    const fx = m.start(t(0), 'clerk-1');
    expect(fx.events[0]).toMatchObject({ seq: 1, at: iso(t(0)), actor: 'clerk-1', type: 'case.started' });
    expect(fx.events.slice(1).every((e) => e.actor === 'system')).toBe(true);
    const decided = m.decide(approve('a', { code: 'A-1', count: 1 }, staff('D1')), t(5));
    expect(decided.events[0]).toMatchObject({ at: iso(t(5)), actor: 'staff-D1', type: 'step.approved' });
    // An explicit actor (e.g. a rule) overrides the decision's user.
    const m2 = new CaseMachine(chain());
    m2.start(t(0), 'clerk-1');
    const byRule = m2.decide(approve('d'), t(1), 'rule:r1');
    expect(byRule.events[0]!.actor).toBe('rule:r1');
  });
});

describe('start', () => {
  it('emits case.started with a summary of every step, then dispatches the roots', () => {
    const m = new CaseMachine(chain(), { adapters: { d: 'http' } });
    const fx = m.start(t(0), 'clerk-1');
    expect(types(fx)).toEqual(['case.started', 'step.dispatched', 'step.dispatched']);
    const started = only(fx, 'case.started');
    expect(started.steps).toEqual([
      { stepId: 'a', department: 'D1', title: 'Step a' },
      { stepId: 'b', department: 'D1', title: 'Step b' },
      { stepId: 'c', department: 'D1', title: 'Step c' },
      { stepId: 'd', department: 'D2', title: 'Step d' },
    ]);
    expect('deadline' in started).toBe(false); // no caseDeadline option: no promise
    expect(ofType(fx, 'step.dispatched')).toEqual([
      expect.objectContaining({ stepId: 'a', adapter: 'worklist', round: 1 }),
      expect.objectContaining({ stepId: 'd', adapter: 'http', round: 1 }),
    ]);
    // The worklist is the read model itself: only the http step is handed to an adapter.
    expect(fx.dispatch).toEqual([{ stepId: 'd', adapter: 'http', round: 1 }]);
    expect(fx.withdraw).toEqual([]);
    expect(m.statuses()).toEqual({
      a: 'awaiting_decision',
      b: 'blocked',
      c: 'blocked',
      d: 'awaiting_decision',
    });
    expect(m.status).toBe('running');
    expect(m.startedAt).toBe(t(0));
    expect(m.steps.a!.round).toBe(1);
    expect(m.steps.a!.clock).toEqual({ startedAt: t(0), pauses: [] });
    expect(m.steps.b!.round).toBe(0);
    expect(m.steps.b!.clock).toEqual({ pauses: [] });
  });

  it('marks notApplicable steps and lets their dependants go on', () => {
    const m = new CaseMachine(chain(), { notApplicable: ['a', 'd'] });
    const fx = m.start(t(0), 'clerk-1');
    expect(types(fx)).toEqual([
      'case.started',
      'step.not_applicable',
      'step.not_applicable',
      'step.dispatched',
    ]);
    expect(ofType(fx, 'step.not_applicable').map((e) => e.stepId)).toEqual(['a', 'd']);
    expect(only(fx, 'step.dispatched').stepId).toBe('b');
    expect(m.statuses()).toEqual({
      a: 'not_applicable',
      b: 'awaiting_decision',
      c: 'blocked',
      d: 'not_applicable',
    });
  });

  it('dispatches an auto step to its adapter too', () => {
    const def = validDefinition([
      step('auto', [], {
        adapter: 'auto',
        rules: [{ id: 'r1', description: 'always', when: true, outcome: 'approve' }],
      }),
    ]);
    const fx = new CaseMachine(def).start(t(0), 'clerk-1');
    expect(fx.dispatch).toEqual([{ stepId: 'auto', adapter: 'auto', round: 1 }]);
  });

  it('company start-up: only business registration is released at intake', () => {
    const m = new CaseMachine(companyStartup);
    const fx = m.start(t(0), 'clerk-1');
    expect(ofType(fx, 'step.dispatched').map((e) => e.stepId)).toEqual(['registration']);
    expect(only(fx, 'case.started').steps.map((s) => s.department)).toEqual([
      'SAMR',
      'PSB',
      'TAX',
      'HRSS',
      'HPF',
      'BANK',
    ]);
  });
});

describe('approve', () => {
  it('merges the outputs into data with their provenance and releases the dependants', () => {
    const m = new CaseMachine(chain(), { adapters: { b: 'http' } });
    m.start(t(0), 'clerk-1');
    const fx = m.decide(approve('a', { code: 'A-1', count: 3 }, staff('D1')), t(10));
    expect(types(fx)).toEqual(['step.approved', 'step.dispatched']);
    expect(only(fx, 'step.approved')).toMatchObject({
      stepId: 'a',
      opinion: '同意 Approved',
      outputs: { code: 'A-1', count: 3 },
      actor: 'staff-D1',
    });
    expect(m.data).toEqual({
      code: { value: 'A-1', stepId: 'a', at: iso(t(10)) },
      count: { value: 3, stepId: 'a', at: iso(t(10)) },
    });
    expect(only(fx, 'step.dispatched')).toMatchObject({
      stepId: 'b',
      adapter: 'http',
      round: 1,
      at: iso(t(10)),
    });
    expect(fx.dispatch).toEqual([{ stepId: 'b', adapter: 'http', round: 1 }]);
    expect(m.steps.a!.status).toBe('approved');
    expect(m.steps.a!.clock.stoppedAt).toBe(t(10));
    expect(m.steps.b!.clock).toEqual({ startedAt: t(10), pauses: [] });
    expect(m.status).toBe('running');
  });

  it('company start-up: approving registration releases the five parallel steps', () => {
    const m = new CaseMachine(companyStartup, { adapters: { bank: 'http' } });
    m.start(t(0), 'clerk-1');
    const outputs = {
      creditCode: '91330106MA2H4K7L0B',
      companyName: '杭州示例科技有限公司',
      legalRepresentativeName: '张三',
      registeredAddress: '杭州市西湖区文三路1号',
      businessScope: '软件开发',
      registrationDate: '2026-03-02',
    };
    const decision = approve('registration', outputs, staff('SAMR'));
    expect(m.checkDecision(decision)).toBeUndefined();
    const fx = m.decide(decision, t(60));
    expect(ofType(fx, 'step.dispatched').map((e) => e.stepId)).toEqual([
      'seal',
      'tax',
      'social-insurance',
      'housing-fund',
      'bank',
    ]);
    expect(fx.dispatch).toEqual([{ stepId: 'bank', adapter: 'http', round: 1 }]);
    expect(m.data.creditCode).toEqual({
      value: '91330106MA2H4K7L0B',
      stepId: 'registration',
      at: iso(t(60)),
    });
  });

  it('closes the case as completed once every step is approved, with the results for delivery', () => {
    const m = new CaseMachine(chain(), { notApplicable: ['c'] });
    m.start(t(0), 'clerk-1');
    m.decide(approve('a', { code: 'A-1', count: 1 }), t(1));
    m.decide(approve('d'), t(2));
    const fx = m.decide(approve('b'), t(3));
    expect(types(fx)).toEqual(['step.approved', 'case.closed']);
    const closed = only(fx, 'case.closed');
    expect(closed).toMatchObject({ outcome: 'completed', actor: 'system', at: iso(t(3)) });
    expect(closed.results).toEqual({
      code: { value: 'A-1', stepId: 'a', at: iso(t(1)) },
      count: { value: 1, stepId: 'a', at: iso(t(1)) },
    });
    expect(closed.results).toEqual(m.data);
    expect(closed.results).not.toBe(m.data);
    expect(m.outcome).toBe('completed');
    expect(m.status).toBe('completed');
    expect(m.closedAt).toBe(t(3));
  });
});

describe('deny', () => {
  it("onDeny 'cancel-dependants': cancels only the dependants; independent branches go on", () => {
    const m = new CaseMachine(chain(), { adapters: { b: 'http', c: 'http' } });
    m.start(t(0), 'clerk-1');
    const fx = m.decide(deny('a'), t(5));
    expect(types(fx)).toEqual(['step.denied', 'step.cancelled', 'step.cancelled']);
    expect(only(fx, 'step.denied')).toMatchObject({
      stepId: 'a',
      opinion: '不予许可 Denied',
      reasons: ['does not meet the conditions'],
    });
    expect(ofType(fx, 'step.cancelled')).toEqual([
      expect.objectContaining({ stepId: 'b', because: 'a', withdrawn: false, actor: 'system' }),
      expect.objectContaining({ stepId: 'c', because: 'b', withdrawn: false }),
    ]);
    // Never dispatched, so nothing to withdraw even for http steps.
    expect(fx.withdraw).toEqual([]);
    expect(fx.dispatch).toEqual([]);
    expect(m.statuses()).toEqual({ a: 'denied', b: 'cancelled', c: 'cancelled', d: 'awaiting_decision' });
    expect(m.status).toBe('running');

    const last = m.decide(approve('d'), t(6));
    expect(only(last, 'case.closed').outcome).toBe('partially_completed');
  });

  it("closes as 'denied' when no step was approved", () => {
    const m = new CaseMachine(chain());
    m.start(t(0), 'clerk-1');
    m.decide(deny('a'), t(1));
    const fx = m.decide(deny('d', staff('D2')), t(2));
    expect(only(fx, 'case.closed')).toMatchObject({ outcome: 'denied', results: {} });
  });

  it("onDeny 'stop-case': cancels every undecided step, withdrawing dispatched ones (http only as effects)", () => {
    const m = new CaseMachine(stopper(), { adapters: { x: 'http', z: 'http' } });
    m.start(t(0), 'clerk-1');
    const fx = m.decide(deny('y', staff('D2')), t(5));
    expect(types(fx)).toEqual([
      'step.denied',
      'step.cancelled',
      'step.cancelled',
      'step.cancelled',
      'case.closed',
    ]);
    expect(ofType(fx, 'step.cancelled')).toEqual([
      expect.objectContaining({ stepId: 'x', because: 'y', withdrawn: true }),
      expect.objectContaining({ stepId: 'w', because: 'y', withdrawn: true }),
      expect.objectContaining({ stepId: 'z', because: 'y', withdrawn: false }),
    ]);
    // w was dispatched but lives on the worklist; z (http) was never dispatched.
    expect(fx.withdraw).toEqual([{ stepId: 'x', adapter: 'http' }]);
    expect(only(fx, 'case.closed')).toMatchObject({ outcome: 'denied', results: {} });
    expect(m.steps.x!.clock.stoppedAt).toBe(t(5));
    expect(m.statuses()).toEqual({ x: 'cancelled', w: 'cancelled', y: 'denied', z: 'cancelled' });
  });

  it("onDeny 'stop-case' keeps what was already approved: partially completed", () => {
    const m = new CaseMachine(stopper(), { adapters: { x: 'http', w: 'http' } });
    m.start(t(0), 'clerk-1');
    m.decide(approve('x'), t(1));
    const fx = m.decide(deny('y'), t(2));
    expect(ofType(fx, 'step.cancelled').map((e) => [e.stepId, e.withdrawn])).toEqual([
      ['w', true],
      ['z', false],
    ]);
    expect(fx.withdraw).toEqual([{ stepId: 'w', adapter: 'http' }]);
    expect(only(fx, 'case.closed').outcome).toBe('partially_completed');
    expect(m.steps.x!.status).toBe('approved');
  });
});

describe('supplement (补正)', () => {
  const def = () => validDefinition([step('s'), step('t', ['s']), step('u', [], { department: 'D2' })]);

  it('a request pauses only that step: an open pause, no dispatch, nothing released', () => {
    const m = new CaseMachine(def(), { adapters: { s: 'http' } });
    m.start(t(0), 'clerk-1');
    const fx = m.decide(askSupplement('s', staff('D1')), t(30));
    expect(types(fx)).toEqual(['step.supplement_requested']);
    expect(only(fx, 'step.supplement_requested')).toMatchObject({
      stepId: 's',
      opinion: '请补正 Please supplement',
      items: [{ item: 'floor-plan', reason: 'unreadable scan' }],
      actor: 'staff-D1',
    });
    expect(fx.dispatch).toEqual([]);
    expect(fx.withdraw).toEqual([]);
    const s = m.steps.s!;
    expect(s.status).toBe('supplement_requested');
    expect(s.supplementItems).toEqual([{ item: 'floor-plan', reason: 'unreadable scan' }]);
    expect(s.clock.pauses).toEqual([{ from: t(30), reason: 'supplement' }]);
    expect(s.clock.stoppedAt).toBeUndefined();
    // The parallel branch goes on.
    expect(m.steps.u!.status).toBe('awaiting_decision');
    expect(m.steps.u!.clock.pauses).toEqual([]);
  });

  it('supplement() closes the pause, increments the round and re-dispatches an http step', () => {
    const m = new CaseMachine(def(), {
      adapters: { s: 'http' },
      deficiencies: [{ stepId: 't', materials: ['m1', 'm2'], due: iso(t(10 * 24 * 60)) }],
    });
    m.start(t(0), 'clerk-1');
    m.decide(askSupplement('s'), t(30));
    expect(m.checkSupplement('s')).toBeUndefined();
    const fx = m.supplement('s', 'corrected scan attached', ['floor-plan', 'm1'], applicant, t(90));
    expect(types(fx)).toEqual(['step.supplemented', 'step.deficiency_resolved']);
    expect(only(fx, 'step.supplemented')).toMatchObject({
      stepId: 's',
      note: 'corrected scan attached',
      materials: ['floor-plan', 'm1'],
      round: 2,
      actor: 'applicant-1',
      at: iso(t(90)),
    });
    // Owed materials are settled whichever step owed them (one shared set of materials).
    expect(only(fx, 'step.deficiency_resolved')).toMatchObject({
      stepId: 't',
      materials: ['m1'],
      remaining: ['m2'],
      actor: 'applicant-1',
    });
    expect(m.steps.t!.owed).toEqual(['m2']);
    expect(fx.dispatch).toEqual([{ stepId: 's', adapter: 'http', round: 2 }]);
    const s = m.steps.s!;
    expect(s.status).toBe('awaiting_decision');
    expect(s.round).toBe(2);
    expect(s.supplementItems).toBeUndefined();
    expect(s.clock.pauses).toEqual([{ from: t(30), to: t(90), reason: 'supplement' }]);
    expect(m.checkSupplement('s')?.code).toBe('not-in-supplement');

    // A second round.
    m.decide(askSupplement('s'), t(100));
    const again = m.supplement('s', 'again', [], applicant, t(130));
    expect(only(again, 'step.supplemented').round).toBe(3);
    expect(again.dispatch).toEqual([{ stepId: 's', adapter: 'http', round: 3 }]);
    expect(s.clock.pauses).toEqual([
      { from: t(30), to: t(90), reason: 'supplement' },
      { from: t(100), to: t(130), reason: 'supplement' },
    ]);
  });

  it('a worklist step goes back to the worklist: no dispatch effect', () => {
    const m = new CaseMachine(def());
    m.start(t(0), 'clerk-1');
    m.decide(askSupplement('s'), t(1));
    const fx = m.supplement('s', 'done', [], applicant, t(2));
    expect(fx.dispatch).toEqual([]);
    expect(m.steps.s!.round).toBe(2);
  });
});

describe('special stages (特别程序)', () => {
  it('open pauses the clock; close resumes it and returns the step to awaiting a decision', () => {
    const m = new CaseMachine(chain());
    m.start(t(0), 'clerk-1');
    expect(m.checkStage('d', staff('D2'), true)).toBeUndefined();
    const opened = m.openStage('d', 'expert-review', 'needs experts', staff('D2'), t(10));
    expect(types(opened)).toEqual(['step.special_stage_opened']);
    expect(only(opened, 'step.special_stage_opened')).toMatchObject({
      stepId: 'd',
      kind: 'expert-review',
      opinion: 'needs experts',
      actor: 'staff-D2',
    });
    expect(opened.dispatch).toEqual([]);
    const d = m.steps.d!;
    expect(d.status).toBe('in_special_stage');
    expect(d.stage).toEqual({ kind: 'expert-review', since: t(10) });
    expect(d.clock.pauses).toEqual([{ from: t(10), reason: 'special-stage' }]);
    expect(m.checkDecision(approve('d'))?.code).toBe('step-not-awaiting-decision');

    expect(m.checkStage('d', staff('D2'), false)).toBeUndefined();
    const closed = m.closeStage('d', 'experts agree', staff('D2'), t(70));
    expect(types(closed)).toEqual(['step.special_stage_closed']);
    expect(only(closed, 'step.special_stage_closed')).toMatchObject({
      stepId: 'd',
      kind: 'expert-review',
      opinion: 'experts agree',
    });
    expect(d.status).toBe('awaiting_decision');
    expect(d.stage).toBeUndefined();
    expect(d.clock.pauses).toEqual([{ from: t(10), to: t(70), reason: 'special-stage' }]);
    expect(d.round).toBe(1); // the department keeps the step: no new round
    expect(m.checkDecision(approve('d'))).toBeUndefined();
  });
});

describe('refusals', () => {
  /** Drives a case to its close: a denied, d denied. */
  const closeIt = (m: CaseMachine) => {
    m.decide(deny('a'), t(50));
    m.decide(deny('d'), t(51));
    expect(m.outcome).toBe('denied');
  };

  it('checkDecision: unknown step, wrong department, not awaiting, malformed, invalid outputs, closed', () => {
    const m = new CaseMachine(chain());
    m.start(t(0), 'clerk-1');
    expect(m.checkDecision(approve('nope'))?.code).toBe('unknown-step');
    expect(m.checkDecision(approve('a', { code: 'A', count: 1 }, staff('D2')))?.code).toBe(
      'wrong-department',
    );
    expect(m.checkDecision(approve('b'))?.code).toBe('step-not-awaiting-decision');
    const malformed = m.checkDecision({ ...deny('a'), opinion: ' ' });
    expect(malformed?.code).toBe('malformed-decision');
    expect(malformed?.errors).toEqual([{ field: 'opinion', message: 'a written opinion is required' }]);
    const invalid = m.checkDecision(approve('a', { code: 'A' }));
    expect(invalid?.code).toBe('invalid-outputs');
    expect(invalid?.errors).toEqual([{ field: 'outputs.count', message: 'is required' }]);
    expect(m.checkDecision(approve('a', { code: 'A', count: 1 }, staff('D1')))).toBeUndefined();
    expect(m.checkDecision(askSupplement('a'))).toBeUndefined();

    closeIt(m);
    expect(m.checkDecision(approve('b'))?.code).toBe('case-closed');
    expect(m.checkDecision(approve('nope'))?.code).toBe('case-closed');
  });

  it('checkSupplement: unknown step, not in supplement, closed', () => {
    const m = new CaseMachine(chain());
    m.start(t(0), 'clerk-1');
    expect(m.checkSupplement('nope')?.code).toBe('unknown-step');
    expect(m.checkSupplement('a')?.code).toBe('not-in-supplement');
    expect(m.checkSupplement('b')?.code).toBe('not-in-supplement');
    m.decide(askSupplement('a'), t(1));
    expect(m.checkSupplement('a')).toBeUndefined();
    m.withdraw('withdrawn', applicant, t(2));
    expect(m.checkSupplement('a')?.code).toBe('case-closed');
  });

  it('checkStage: unknown step, wrong department, not awaiting, stage open, no stage open, closed', () => {
    const m = new CaseMachine(chain());
    m.start(t(0), 'clerk-1');
    expect(m.checkStage('nope', clerk, true)?.code).toBe('unknown-step');
    expect(m.checkStage('a', staff('D2'), true)?.code).toBe('wrong-department');
    expect(m.checkStage('a', staff('D2'), false)?.code).toBe('wrong-department');
    expect(m.checkStage('b', clerk, true)?.code).toBe('step-not-awaiting-decision');
    expect(m.checkStage('a', clerk, false)?.code).toBe('no-stage-open');
    m.decide(askSupplement('a'), t(1));
    expect(m.checkStage('a', clerk, true)?.code).toBe('step-not-awaiting-decision');
    expect(m.checkStage('a', clerk, false)?.code).toBe('no-stage-open');
    m.openStage('d', 'hearing', 'a hearing', staff('D2'), t(2));
    expect(m.checkStage('d', staff('D2'), true)?.code).toBe('stage-open');
    expect(m.checkStage('d', clerk, false)).toBeUndefined(); // no department: not department staff
    m.closeStage('d', 'heard', staff('D2'), t(3));
    expect(m.checkStage('d', staff('D2'), false)?.code).toBe('no-stage-open');
    m.withdraw('withdrawn', applicant, t(4));
    expect(m.checkStage('d', staff('D2'), true)?.code).toBe('case-closed');
    expect(m.checkStage('d', staff('D2'), false)?.code).toBe('case-closed');
  });

  it('checkRedispatch: unknown step, no incident, closed', () => {
    const m = new CaseMachine(chain(), { adapters: { a: 'http' } });
    m.start(t(0), 'clerk-1');
    expect(m.checkRedispatch('nope')?.code).toBe('unknown-step');
    expect(m.checkRedispatch('a')?.code).toBe('no-incident');
    m.incident('a', 'HTTP 500', t(1));
    expect(m.checkRedispatch('a')).toBeUndefined();
    m.withdraw('withdrawn', applicant, t(2));
    expect(m.checkRedispatch('a')?.code).toBe('case-closed');
  });

  it('checkWithdraw: allowed while running, case-closed after the case closes', () => {
    const m = new CaseMachine(chain());
    m.start(t(0), 'clerk-1');
    expect(m.checkWithdraw()).toBeUndefined();
    closeIt(m);
    const problem = m.checkWithdraw();
    expect(problem?.code).toBe('case-closed');
    expect(problem?.message).toContain('denied');
  });
});

describe('deficiencies (容缺受理)', () => {
  it('terminates a step still owing materials, withdraws it (http), cancels its dependants: terminated', () => {
    const def = validDefinition([step('a'), step('b', ['a'])]);
    const m = new CaseMachine(def, {
      adapters: { a: 'http' },
      deficiencies: [{ stepId: 'a', materials: ['m1'], due: iso(t(60)) }],
    });
    m.start(t(0), 'clerk-1');
    expect(m.steps.a!.owed).toEqual(['m1']);
    const fx = m.deficiencyDue('a', t(60));
    expect(types(fx)).toEqual(['step.terminated', 'step.cancelled', 'case.closed']);
    expect(only(fx, 'step.terminated')).toMatchObject({ stepId: 'a', materials: ['m1'], actor: 'system' });
    expect(only(fx, 'step.cancelled')).toMatchObject({ stepId: 'b', because: 'a', withdrawn: false });
    expect(fx.withdraw).toEqual([{ stepId: 'a', adapter: 'http' }]);
    expect(only(fx, 'case.closed')).toMatchObject({ outcome: 'terminated', results: {} });
    expect(m.steps.a!.status).toBe('terminated');
    expect(m.steps.a!.clock.stoppedAt).toBe(t(60));
  });

  it('a stop-case step terminated stops the whole case', () => {
    const def = validDefinition([step('reg', [], { onDeny: 'stop-case' }), step('p', ['reg']), step('q')]);
    const m = new CaseMachine(def, { deficiencies: [{ stepId: 'reg', materials: ['m1'], due: iso(t(60)) }] });
    m.start(t(0), 'clerk-1');
    const fx = m.deficiencyDue('reg', t(60));
    expect(ofType(fx, 'step.cancelled').map((e) => [e.stepId, e.because, e.withdrawn])).toEqual([
      ['p', 'reg', false],
      ['q', 'reg', true],
    ]);
    expect(only(fx, 'case.closed').outcome).toBe('terminated');
  });

  it('is partially completed when other steps were approved', () => {
    const m = new CaseMachine(fanOut(), {
      deficiencies: [{ stepId: 'b', materials: ['m2'], due: iso(t(600)) }],
    });
    m.start(t(0), 'clerk-1');
    m.decide(approve('a'), t(1));
    m.decide(approve('c'), t(2));
    const fx = m.deficiencyDue('b', t(600));
    expect(types(fx)).toEqual(['step.terminated', 'case.closed']);
    expect(fx.withdraw).toEqual([]); // a worklist step
    expect(only(fx, 'case.closed').outcome).toBe('partially_completed');
  });

  it('terminates a step still blocked without withdrawing it; independent branches go on', () => {
    const m = new CaseMachine(fanOut(), {
      adapters: { b: 'http' },
      deficiencies: [{ stepId: 'b', materials: ['m1'], due: iso(t(60)) }],
    });
    m.start(t(0), 'clerk-1');
    const fx = m.deficiencyDue('b', t(60));
    expect(types(fx)).toEqual(['step.terminated']);
    expect(fx.withdraw).toEqual([]);
    expect(m.statuses()).toEqual({ a: 'awaiting_decision', b: 'terminated', c: 'blocked' });
    const next = m.decide(approve('a'), t(61));
    expect(ofType(next, 'step.dispatched').map((e) => e.stepId)).toEqual(['c']);
  });

  it('terminates with only what is still owed after a partial delivery', () => {
    const m = new CaseMachine(fanOut(), {
      deficiencies: [{ stepId: 'a', materials: ['m1', 'm2'], due: iso(t(60)) }],
    });
    m.start(t(0), 'clerk-1');
    const provided = m.provideMaterials(['m1'], 'clerk-1', t(10));
    expect(only(provided, 'step.deficiency_resolved')).toMatchObject({
      stepId: 'a',
      materials: ['m1'],
      remaining: ['m2'],
      actor: 'clerk-1',
    });
    const fx = m.deficiencyDue('a', t(60));
    expect(only(fx, 'step.terminated').materials).toEqual(['m2']);
  });

  it('does nothing once the materials were provided', () => {
    const m = new CaseMachine(fanOut(), {
      adapters: { a: 'http' },
      deficiencies: [{ stepId: 'a', materials: ['m1'], due: iso(t(60)) }],
    });
    m.start(t(0), 'clerk-1');
    const provided = m.provideMaterials(['m1', 'unrelated'], 'clerk-1', t(10));
    expect(only(provided, 'step.deficiency_resolved')).toMatchObject({ materials: ['m1'], remaining: [] });
    const seq = m.seq;
    expect(m.deficiencyDue('a', t(60))).toEqual(none);
    expect(m.seq).toBe(seq);
    expect(m.steps.a!.status).toBe('awaiting_decision');
    // Providing them again settles nothing.
    expect(m.provideMaterials(['m1'], 'clerk-1', t(70))).toEqual(none);
  });

  it('does nothing for a step already decided, or once the case is closed', () => {
    const m = new CaseMachine(fanOut(), {
      deficiencies: [
        { stepId: 'a', materials: ['m1'], due: iso(t(60)) },
        { stepId: 'b', materials: ['m2'], due: iso(t(60)) },
      ],
    });
    m.start(t(0), 'clerk-1');
    m.decide(approve('a'), t(1));
    expect(m.deficiencyDue('a', t(60))).toEqual(none);
    expect(m.steps.a!.status).toBe('approved');
    m.withdraw('withdrawn', applicant, t(2));
    expect(m.deficiencyDue('b', t(60))).toEqual(none);
    expect(m.steps.b!.status).toBe('cancelled');
  });
});

describe('withdraw', () => {
  it("cancels every undecided step and closes 'withdrawn' with the results", () => {
    const def = validDefinition([
      step('a', [], { outputs: [{ name: 'code', title: 'Code', type: 'string' }] }),
      step('b', ['a']),
      step('c', ['a']),
      step('d', ['b']),
      step('e', ['a']),
    ]);
    const m = new CaseMachine(def, { adapters: { b: 'http', c: 'http', d: 'http' }, notApplicable: ['e'] });
    m.start(t(0), 'clerk-1');
    m.decide(approve('a', { code: 'A-7' }), t(1));
    m.decide(askSupplement('c'), t(2));
    expect(m.statuses()).toEqual({
      a: 'approved',
      b: 'awaiting_decision',
      c: 'supplement_requested',
      d: 'blocked',
      e: 'not_applicable',
    });
    expect(m.checkWithdraw()).toBeUndefined();
    const fx = m.withdraw('the applicant withdraws', applicant, t(3));
    expect(types(fx)).toEqual([
      'case.withdrawn',
      'step.cancelled',
      'step.cancelled',
      'step.cancelled',
      'case.closed',
    ]);
    expect(only(fx, 'case.withdrawn')).toMatchObject({
      opinion: 'the applicant withdraws',
      actor: 'applicant-1',
    });
    expect(ofType(fx, 'step.cancelled').map((e) => [e.stepId, e.because, e.withdrawn])).toEqual([
      ['b', 'case-withdrawn', true],
      ['c', 'case-withdrawn', true],
      ['d', 'case-withdrawn', false],
    ]);
    expect(fx.withdraw).toEqual([
      { stepId: 'b', adapter: 'http' },
      { stepId: 'c', adapter: 'http' },
    ]);
    expect(fx.dispatch).toEqual([]);
    expect(only(fx, 'case.closed')).toMatchObject({
      outcome: 'withdrawn',
      results: { code: { value: 'A-7', stepId: 'a', at: iso(t(1)) } },
    });
    expect(m.statuses()).toEqual({
      a: 'approved',
      b: 'cancelled',
      c: 'cancelled',
      d: 'cancelled',
      e: 'not_applicable',
    });
    expect(m.status).toBe('withdrawn');
    expect(m.closedAt).toBe(t(3));
    expect(m.checkWithdraw()?.code).toBe('case-closed');
  });
});

describe('incidents and redispatch', () => {
  it('records an incident on an active step; redispatch emits a dispatch effect and clears it', () => {
    const m = new CaseMachine(chain(), { adapters: { a: 'http' } });
    m.start(t(0), 'clerk-1');
    const fx = m.incident('a', 'HTTP 503 after 10 attempts', t(1));
    expect(types(fx)).toEqual(['step.incident']);
    expect(only(fx, 'step.incident')).toMatchObject({ stepId: 'a', message: 'HTTP 503 after 10 attempts' });
    expect(m.steps.a!.incident).toBe('HTTP 503 after 10 attempts');
    expect(m.checkRedispatch('a')).toBeUndefined();

    const again = m.redispatch('a', 'ops-1', t(2));
    expect(types(again)).toEqual(['step.redispatched']);
    expect(only(again, 'step.redispatched')).toMatchObject({ stepId: 'a', actor: 'ops-1', at: iso(t(2)) });
    expect(again.dispatch).toEqual([{ stepId: 'a', adapter: 'http', round: 1 }]);
    expect(m.steps.a!.incident).toBeUndefined();
    expect(m.checkRedispatch('a')?.code).toBe('no-incident');
  });

  it('redispatches with the current round after a supplement', () => {
    const m = new CaseMachine(chain(), { adapters: { a: 'http' } });
    m.start(t(0), 'clerk-1');
    m.decide(askSupplement('a'), t(1));
    m.supplement('a', 'done', [], applicant, t(2));
    m.incident('a', 'HTTP 400', t(3));
    expect(m.redispatch('a', 'ops-1', t(4)).dispatch).toEqual([{ stepId: 'a', adapter: 'http', round: 2 }]);
  });

  it('a decision clears the incident', () => {
    const m = new CaseMachine(chain(), { adapters: { a: 'http' } });
    m.start(t(0), 'clerk-1');
    m.incident('a', 'HTTP 500', t(1));
    m.decide(approve('a', { code: 'A', count: 1 }), t(2));
    expect(m.steps.a!.incident).toBeUndefined();
  });

  it('is ignored for a step no longer (or not yet) active, and once the case is closed', () => {
    const m = new CaseMachine(chain(), { adapters: { a: 'http', d: 'http' } });
    m.start(t(0), 'clerk-1');
    m.decide(approve('a', { code: 'A', count: 1 }), t(1));
    const seq = m.seq;
    expect(m.incident('a', 'late failure', t(2))).toEqual(none);
    expect(m.incident('c', 'never dispatched', t(2))).toEqual(none);
    expect(m.seq).toBe(seq);
    expect(m.steps.a!.incident).toBeUndefined();
    expect(m.checkRedispatch('a')?.code).toBe('no-incident');
    m.withdraw('withdrawn', applicant, t(3));
    expect(m.incident('d', 'after close', t(4))).toEqual(none);
  });

  // A step that ended (terminated, cancelled) with an open incident is not redispatched.
  it('refuses to redispatch a step terminated while it had an open incident', () => {
    const def = validDefinition([step('a'), step('b')]);
    const m = new CaseMachine(def, {
      adapters: { a: 'http' },
      deficiencies: [{ stepId: 'a', materials: ['m1'], due: iso(t(60)) }],
    });
    m.start(t(0), 'clerk-1');
    m.incident('a', 'HTTP 503', t(1));
    m.deficiencyDue('a', t(60));
    expect(m.steps.a!.status).toBe('terminated');
    expect(m.status).toBe('running'); // b is still with its department
    expect(m.checkRedispatch('a')).toBeDefined();
  });
});

describe('the deadlines option', () => {
  const spy = () => {
    const calls: { stepId: string; clock: ClockSpan; now: number }[] = [];
    const deadlines: CaseOptions['deadlines'] = (stepId, clock, now): StepDeadlines => {
      calls.push({ stepId, clock: structuredClone(clock), now });
      return {
        promised: iso(now + 4 * HOUR),
        statutory: iso(now + 100 * HOUR),
        yellowAt: iso(now + 3 * HOUR),
      };
    };
    return { calls, deadlines };
  };
  const expected = (now: number) => ({
    promised: iso(now + 4 * HOUR),
    statutory: iso(now + 100 * HOUR),
    yellowAt: iso(now + 3 * HOUR),
  });

  it('is called on dispatch and its result lands in step.dispatched and the step', () => {
    const { calls, deadlines } = spy();
    const m = new CaseMachine(chain(), { deadlines });
    const fx = m.start(t(0), 'clerk-1');
    expect(calls).toEqual([
      { stepId: 'a', clock: { startedAt: t(0), pauses: [] }, now: t(0) },
      { stepId: 'd', clock: { startedAt: t(0), pauses: [] }, now: t(0) },
    ]);
    expect(ofType(fx, 'step.dispatched')[0]).toMatchObject({ stepId: 'a', ...expected(t(0)) });
    expect(m.steps.a!.deadlines).toEqual(expected(t(0)));
    expect(m.deadlineOf('a', 'promised')).toBe(iso(t(0) + 4 * HOUR));
    expect(m.deadlineOf('a', 'statutory')).toBe(iso(t(0) + 100 * HOUR));
    expect(m.deadlineOf('b', 'promised')).toBeUndefined();
    expect(m.deadlineOf('nope', 'promised')).toBeUndefined();

    const released = m.decide(approve('a', { code: 'A', count: 1 }), t(5));
    expect(calls.at(-1)).toEqual({ stepId: 'b', clock: { startedAt: t(5), pauses: [] }, now: t(5) });
    expect(only(released, 'step.dispatched')).toMatchObject({ stepId: 'b', ...expected(t(5)) });
  });

  it('is called on resume (supplement, special stage close) with the pauses so far, not on pausing', () => {
    const { calls, deadlines } = spy();
    const m = new CaseMachine(chain(), { deadlines });
    m.start(t(0), 'clerk-1');
    calls.length = 0;

    m.decide(askSupplement('a'), t(10));
    expect(calls).toEqual([]);
    const resumed = m.supplement('a', 'done', [], applicant, t(40));
    expect(calls).toEqual([
      {
        stepId: 'a',
        clock: { startedAt: t(0), pauses: [{ from: t(10), to: t(40), reason: 'supplement' }] },
        now: t(40),
      },
    ]);
    expect(only(resumed, 'step.supplemented')).toMatchObject(expected(t(40)));
    expect(m.steps.a!.deadlines).toEqual(expected(t(40)));

    m.openStage('a', 'site-inspection', 'visit', clerk, t(50));
    expect(calls).toHaveLength(1);
    const closed = m.closeStage('a', 'visited', clerk, t(80));
    expect(calls.at(-1)).toEqual({
      stepId: 'a',
      clock: {
        startedAt: t(0),
        pauses: [
          { from: t(10), to: t(40), reason: 'supplement' },
          { from: t(50), to: t(80), reason: 'special-stage' },
        ],
      },
      now: t(80),
    });
    expect(only(closed, 'step.special_stage_closed')).toMatchObject(expected(t(80)));
  });

  it('without it, events carry no deadlines', () => {
    const m = new CaseMachine(chain());
    const fx = m.start(t(0), 'clerk-1');
    const dispatched = ofType(fx, 'step.dispatched')[0]!;
    expect('promised' in dispatched || 'statutory' in dispatched || 'yellowAt' in dispatched).toBe(false);
    expect(m.steps.a!.deadlines).toEqual({});
  });

  it('caseDeadline: called at intake, lands in case.started and deadlineOf(undefined)', () => {
    const seen: number[] = [];
    const m = new CaseMachine(chain(), {
      caseDeadline: (now) => {
        seen.push(now);
        return iso(now + 8 * HOUR);
      },
    });
    const fx = m.start(t(0), 'clerk-1');
    expect(seen).toEqual([t(0)]);
    expect(only(fx, 'case.started').deadline).toBe(iso(t(0) + 8 * HOUR));
    expect(m.deadlineOf(undefined, 'promised')).toBe(iso(t(0) + 8 * HOUR));
  });

  it('caseDeadline returning undefined leaves case.started without a deadline', () => {
    const m = new CaseMachine(chain(), { caseDeadline: () => undefined });
    const started = only(m.start(t(0), 'clerk-1'), 'case.started');
    expect('deadline' in started).toBe(false);
  });
});

describe('warnings', () => {
  it('emits step.warning for a step clock and case.warning for the case promise', () => {
    const m = new CaseMachine(chain());
    m.start(t(0), 'clerk-1');
    const onStep = m.warn({ stepId: 'a', clock: 'statutory', kind: 'red' }, iso(t(30)), t(31));
    expect(onStep.events).toEqual([
      {
        type: 'step.warning',
        stepId: 'a',
        clock: 'statutory',
        level: 'red',
        deadline: iso(t(30)),
        seq: m.seq,
        at: iso(t(31)),
        actor: 'system',
      },
    ]);
    const whole = m.warn({ clock: 'promised', kind: 'yellow' }, iso(t(90)), t(32));
    expect(whole.events).toEqual([
      {
        type: 'case.warning',
        level: 'yellow',
        deadline: iso(t(90)),
        seq: m.seq,
        at: iso(t(32)),
        actor: 'system',
      },
    ]);
    expect(whole.dispatch).toEqual([]);
    expect(whole.withdraw).toEqual([]);
  });
});
