// The case machine and the read side agree on every clock. Each catalog process is driven through the pure
// CaseMachine with timestamps (its sample decisions, and the supplement / special-stage / deficiency /
// denial / withdrawal paths); at several instants each step's clocks are read from the machine's own state
// and from what the read model stores (the timeline as the projection writes it, the step rows'
// recorded deadlines), and must be equal: the API's clock views, the worklist's urgency, the case clock.
import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../activities/rules.ts';
import { caseClock, clockView, stepClocks } from '../api/clock-view.ts';
import { notApplicableSteps } from '../api/intake-checks.ts';
import { auditRow } from '../db/audit.ts';
import { bundledNationalCalendar } from '../db/calendars.ts';
import type { EventRow } from '../db/cases.ts';
import { changesOf } from '../db/read-model-changes.ts';
import { CaseClocks } from '../process/case-clocks.ts';
import { CaseMachine, type Deficiency, type Effects } from '../process/case-machine.ts';
import type { ClockWarning } from '../process/clock.ts';
import type { Decision, OutputValue } from '../process/decision.ts';
import type { ProcessDefinition, StepDefinition } from '../process/definition.ts';
import type { CaseEvent } from '../process/events.ts';
import { type ClockReading, readClock, readStepClocks, spansOf, urgencyOf } from '../process/step-clock.ts';
import { CATALOG } from '../processes/index.ts';
import { SAMPLES } from './fixtures/examples.ts';

const CN = bundledNationalCalendar();
const WARNING: ClockWarning = { fraction: 0.2 };
const HOUR = 3_600_000;
const CST = (local: string) => Date.parse(`${local}+08:00`);
/** Gaps between transitions, cycled: within a day, overnight, across a weekend and a holiday week. */
const GAPS = [3 * HOUR, 20 * HOUR, 2 * HOUR, 50 * HOUR, 5 * HOUR, 7 * 24 * HOUR];
/** Long after the published calendar years: running clocks read as unknown on both sides. */
const IN_2027 = CST('2027-01-04T10:00:00');

type Scenario = 'samples' | 'supplement' | 'special-stage' | 'deficiency' | 'deny' | 'withdraw';
const SCENARIOS: Scenario[] = ['samples', 'supplement', 'special-stage', 'deficiency', 'deny', 'withdraw'];

/** A stored event row, as the projection writes it and caseTimeline reads it back. */
function storedRow(caseId: string, event: CaseEvent): EventRow {
  const row = auditRow(caseId, event);
  return { ...row, at: new Date(row.at), hash: '', fence: null };
}

class Drive {
  readonly machine: CaseMachine;
  readonly events: CaseEvent[] = [];
  /** What the comparisons saw, to show they compared every state rather than nothing. */
  readonly seen = { states: new Set<string>(), urgencies: new Set<string>(), comparisons: 0 };
  now: number;
  private gap = 0;

  constructor(
    readonly definition: ProcessDefinition,
    start: number,
    deficiencies: Deficiency[] = [],
  ) {
    const clocks = new CaseClocks(definition, CN, WARNING);
    this.now = start;
    this.machine = new CaseMachine(definition, {
      notApplicable: notApplicableSteps(definition, SAMPLES[definition.id]!.application),
      deficiencies,
      deadlines: (stepId, clock, now) => clocks.deadlines(stepId, clock, now),
      caseDeadline: (now) => clocks.caseDeadline(now),
    });
  }

  apply(fx: Effects): void {
    this.events.push(...fx.events);
    this.check(this.now);
  }

  /** Time passes: the clocks are read halfway, then at the next transition's instant. */
  advance(): void {
    const gap = GAPS[this.gap++ % GAPS.length]!;
    this.check(this.now + gap / 2);
    this.now += gap;
  }

  /** Every clock of the case at `at`, from the machine and from the read model, must be the same. */
  check(at: number): void {
    const def = this.definition;
    const m = this.machine;
    const rows = this.events.map((e) => storedRow('case', e));
    const timeline = spansOf(rows.map((r) => ({ type: r.type, stepId: r.stepId, at: r.at.getTime() })));
    const views = stepClocks(def, rows, CN, WARNING, at);
    const stepRows = new Map(changesOf(this.events).steps.map((s) => [s.step_id, s]));
    for (const step of def.steps) {
      const mine = readStepClocks(CN, step, m.steps[step.id]!.clock, WARNING, at);
      const span = timeline.get(step.id);
      const theirs = span ? readStepClocks(CN, step, span, WARNING, at) : [];
      expect(theirs, `${def.id}/${step.id} at ${new Date(at).toISOString()}`).toEqual(mine);
      expect(views.get(step.id) ?? [], `${def.id}/${step.id} view`).toEqual(mine.map(clockView));
      for (const r of mine) this.seen.states.add(r.state);
      this.seen.comparisons += 1;
      if (m.steps[step.id]!.status === 'awaiting_decision') this.checkRecorded(step, mine, stepRows, at);
    }
    // The case's own promise: from the machine's start and close, and from the timeline's.
    if (def.promise) {
      const span = {
        startedAt: m.startedAt!,
        pauses: [],
        ...(m.closedAt !== undefined ? { stoppedAt: m.closedAt } : {}),
      };
      const started = rows.find((r) => r.type === 'case.started')!.at;
      const closed = rows.find((r) => r.type === 'case.closed')?.at ?? null;
      expect(caseClock(def, started, closed, CN, WARNING, at)).toEqual(
        clockView(readClock(CN, span, def.promise, 'promised', at, WARNING)),
      );
    }
  }

  /**
   * A running step as the worklist sees it: the deadlines the machine recorded (its events, folded into the
   * step row) are the clock's own, and the urgency they give is the clock's colour.
   */
  private checkRecorded(
    step: StepDefinition,
    readings: ClockReading[],
    stepRows: Map<string, ReturnType<typeof changesOf>['steps'][number]>,
    at: number,
  ): void {
    const row = stepRows.get(step.id)!;
    const ms = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : undefined);
    const promised = ms(row.promised_deadline);
    const statutory = ms(row.statutory_deadline);
    const yellowAt = ms(row.yellow_at);
    const urgency = urgencyOf({ deadline: promised ?? statutory, yellowAt }, at);
    this.seen.urgencies.add(urgency);
    const kind = promised !== undefined ? 'promised' : statutory !== undefined ? 'statutory' : undefined;
    if (kind === undefined) {
      expect(urgency).toBe('none');
      expect(readings.every((r) => r.state === 'unknown')).toBe(true);
      return;
    }
    const reading = readings.find((r) => r.clock === kind)!;
    if (reading.state === 'unknown') return; // read in a year the calendar does not publish
    expect(reading.deadline).toBe(kind === 'promised' ? promised : statutory);
    if (kind === 'promised') expect(reading.yellowAt).toBe(yellowAt);
    expect(urgency, `${this.definition.id}/${step.id} urgency`).toBe(reading.state);
  }
}

const outputsOf = (m: CaseMachine): Record<string, OutputValue> =>
  Object.fromEntries(Object.entries(m.data).map(([name, d]) => [name, d.value]));

/** The decision a step gets on the sample path: its rules for an auto step, else the sample approval. */
function sampleDecision(def: ProcessDefinition, step: StepDefinition, m: CaseMachine): Decision {
  const actor = { userId: `staff-${step.department}`, department: step.department };
  if (step.adapter === 'auto') {
    const application = SAMPLES[def.id]!.application;
    const verdict = evaluateRules(step.rules ?? [], { application, outputs: outputsOf(m) });
    if (verdict.ruleId !== undefined) {
      return verdict.outcome === 'approve'
        ? {
            stepId: step.id,
            outcome: 'approve',
            outputs: verdict.outputs,
            opinion: verdict.description,
            actor,
          }
        : {
            stepId: step.id,
            outcome: 'deny',
            opinion: verdict.description,
            reasons: [verdict.ruleId],
            actor,
          };
    }
    if (step.otherwise === 'deny') {
      return { stepId: step.id, outcome: 'deny', opinion: 'no rule holds', reasons: ['otherwise'], actor };
    }
  }
  const outputs = SAMPLES[def.id]!.approvals[step.id]?.outputs ?? {};
  return { stepId: step.id, outcome: 'approve', outputs, opinion: '同意 Approved', actor };
}

function decide(d: Drive, decision: Decision): void {
  expect(d.machine.checkDecision(decision), JSON.stringify(decision)).toBeUndefined();
  d.apply(d.machine.decide(decision, d.now));
}

/** Drives one case of `def` along `scenario`, comparing the clocks after and between every transition. */
function drive(def: ProcessDefinition, scenario: Scenario, start = CST('2026-09-28T10:00:00')): Drive {
  const notApplicable = notApplicableSteps(def, SAMPLES[def.id]!.application);
  // The person-decided step the scenario is about: the first one of the case.
  const target = def.steps.find((s) => s.adapter !== 'auto' && !notApplicable.includes(s.id))!;
  const due = start + 2 * 24 * HOUR;
  const deficiencies =
    scenario === 'deficiency'
      ? [{ stepId: target.id, materials: ['promised-material'], due: new Date(due).toISOString() }]
      : [];
  const d = new Drive(def, start, deficiencies);
  const m = d.machine;
  d.apply(m.start(d.now, 'clerk-1'));
  d.check(IN_2027); // read much later with nobody acting
  let done = scenario === 'samples';
  const actor = { userId: `staff-${target.department}`, department: target.department };
  for (let guard = 0; m.outcome === undefined; guard++) {
    expect(guard).toBeLessThan(100);
    d.advance();
    if (!done && scenario === 'deficiency' && d.now >= due) {
      done = true;
      d.apply(m.deficiencyDue(target.id, d.now));
      continue;
    }
    const waiting = def.steps.filter(
      (s) => m.steps[s.id]!.status === 'awaiting_decision' && !(scenario === 'deficiency' && s === target),
    );
    const step = waiting[0];
    if (!step) continue; // only the step owing materials is left: its deadline comes
    if (!done && step === target) {
      done = true;
      if (scenario === 'supplement' || scenario === 'withdraw') {
        const items = [{ item: target.materials[0] ?? 'form', reason: 'unreadable' }];
        decide(d, { stepId: target.id, outcome: 'supplement', opinion: '请补正', items, actor });
        d.advance();
        if (scenario === 'withdraw') {
          d.apply(m.withdraw('the applicant withdraws', { userId: 'clerk-1' }, d.now));
          continue;
        }
        d.apply(m.supplement(target.id, 'clear copy', [], { userId: 'applicant-1' }, d.now));
        continue;
      }
      if (scenario === 'special-stage') {
        d.apply(m.openStage(target.id, 'site-inspection', 'visit', actor, d.now));
        d.advance();
        d.apply(m.closeStage(target.id, 'visited', actor, d.now));
        continue;
      }
      if (scenario === 'deny') {
        decide(d, { stepId: target.id, outcome: 'deny', opinion: '不予许可', reasons: ['unfit'], actor });
        continue;
      }
    }
    decide(d, sampleDecision(def, step, m));
  }
  expect(done, `${def.id}: the ${scenario} path was taken`).toBe(true);
  d.check(d.now + 3 * 24 * HOUR);
  d.check(IN_2027);
  return d;
}

describe('the machine and the read side read the same clocks', () => {
  describe.each(CATALOG.map((def) => [def.id, def] as const))('%s', (_id, def) => {
    it.each(SCENARIOS)('%s', (scenario) => {
      const d = drive(def, scenario);
      expect(d.machine.outcome).toBeDefined();
    });

    it('accepted at the end of the published years: deadlines unknown on both sides', () => {
      drive(def, 'supplement', CST('2026-12-30T10:00:00'));
    });
  });

  it('compared every state a clock and an urgency can be in', () => {
    const seen = { states: new Set<string>(), urgencies: new Set<string>(), comparisons: 0 };
    for (const def of CATALOG) {
      for (const [scenario, start] of [
        ...SCENARIOS.map((s) => [s, undefined] as const),
        ['supplement', CST('2026-12-30T10:00:00')] as const,
      ]) {
        const d = drive(def, scenario, start);
        for (const state of d.seen.states) seen.states.add(state);
        for (const urgency of d.seen.urgencies) seen.urgencies.add(urgency);
        seen.comparisons += d.seen.comparisons;
      }
    }
    expect(seen.comparisons).toBeGreaterThan(1000);
    expect([...seen.states].sort()).toEqual(['green', 'paused', 'red', 'stopped', 'unknown', 'yellow']);
    expect([...seen.urgencies].sort()).toEqual(['green', 'none', 'red', 'yellow']);
  });
});
