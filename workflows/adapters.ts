// Carries out a transition's side effects through the step adapters: 'auto' steps (秒批) are decided at
// once by their rules (a local activity reads the application; the rules run there, so the form never
// enters workflow history), and the decision is applied like any other. The worklist needs nothing: the
// read model is the worklist.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { RulesVerdict } from '../activities/rules.ts';
import { canonicalJson } from '../process/canonical-json.ts';
import type { ClockAlarm } from '../process/case-clocks.ts';
import type { CaseMachine, Effects } from '../process/case-machine.ts';
import { stepById } from '../process/definition.ts';
import { afterVerdict } from '../process/rule-wave.ts';
import { decideByRules, decideWaveByRules } from './local-activities.ts';
import type { CaseInput } from './messages.ts';

// Notifications leave the system (a webhook): an ordinary activity, retried for a while, then given up
// on (the warning itself is in the case's timeline either way).
export const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
});

export async function notifyWarning(input: CaseInput, alarm: ClockAlarm, deadline: string): Promise<void> {
  const step = alarm.stepId === undefined ? undefined : stepById(input.definition, alarm.stepId);
  const key = `${input.caseId}/${alarm.stepId ?? 'case'}/${alarm.clock}/${alarm.kind}`;
  try {
    await notify(
      {
        kind: `${step ? 'step' : 'case'}.${alarm.kind}`,
        caseId: input.caseId,
        caseNo: input.caseNo,
        processId: input.definition.id,
        ...(step ? { stepId: step.id, department: step.department } : {}),
        deadline,
        at: new Date().toISOString(),
        recipients: { ...(step ? { departmentSupervisors: step.department } : {}), managers: true },
      },
      key,
    );
  } catch {
    // Given up after the retries; the timeline records the warning regardless.
  }
}

const DEFAULT_HTTP_ATTEMPTS = 10;
/**
 * A dispatch attempt's time limit beyond its request's own: the case read before it and the incident or
 * access-log writes after it. An attempt that outlives the limit died with its worker, most likely; the
 * server then retries it elsewhere (or, at the last attempt, the workflow opens the incident), so the
 * limit is how long a killed worker can hold a department's step.
 */
const DISPATCH_MARGIN_MS = 20_000;
/** Cases started before intake recorded the request timeout: as before. */
const DISPATCH_LIMIT_BEFORE_TIMEOUTS = '1 minute';

/**
 * Dispatches to departments' own systems, in the background: an Update does not wait for another
 * organisation's server. Each runs in its own cancellation scope, so a step withdrawn meanwhile stops
 * being retried; a dispatch that finally fails (a 4xx, or every attempt) becomes an incident on the step.
 */
export class HttpDispatches {
  private readonly running = new Map<string, { scope: CancellationScope; done: Promise<void> }>();

  constructor(
    private readonly input: CaseInput,
    private readonly onIncident: (stepId: string, message: string) => Promise<unknown>,
  ) {}

  start(stepId: string, round: number): void {
    const step = stepById(this.input.definition, stepId)!;
    const maximumAttempts = this.input.httpAttempts?.[step.department] ?? DEFAULT_HTTP_ATTEMPTS;
    const requestMs = this.input.httpTimeoutsMs?.[step.department];
    const { dispatchToDepartment } = proxyActivities<Activities>({
      startToCloseTimeout:
        requestMs === undefined ? DISPATCH_LIMIT_BEFORE_TIMEOUTS : requestMs + DISPATCH_MARGIN_MS,
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: '10 seconds',
        maximumAttempts,
      },
    });
    const scope = new CancellationScope();
    const { id, title, department, fields, materials, inputs, outputs } = step;
    const done = scope
      .run(() =>
        dispatchToDepartment({
          caseId: this.input.caseId,
          processId: this.input.definition.id,
          step: { id, title, department, fields, materials, inputs, outputs },
          round,
          maximumAttempts,
        }),
      )
      .catch(async (error: unknown) => {
        if (isCancellation(error)) return;
        const cause = error instanceof ActivityFailure ? error.cause : error;
        const message =
          cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
        await this.onIncident(stepId, message);
      })
      .finally(() => {
        if (this.running.get(stepId)?.done === done) this.running.delete(stepId);
      });
    this.running.set(stepId, { scope, done });
  }

  /** Stops retrying a dispatch and tells the department's system the step is withdrawn. */
  withdraw(stepId: string, round: number): void {
    this.running.get(stepId)?.scope.cancel();
    const step = stepById(this.input.definition, stepId)!;
    const { withdrawFromDepartment } = proxyActivities<Activities>({
      startToCloseTimeout: '30 seconds',
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: '30 seconds',
        maximumAttempts: 10,
      },
    });
    const done = withdrawFromDepartment({
      caseId: this.input.caseId,
      stepId,
      round,
      department: step.department,
    }).catch(
      () => undefined, // the step is withdrawn here regardless; the department's callback will be refused
    );
    this.running.set(`${stepId}:withdraw`, { scope: CancellationScope.current(), done });
  }

  /** Waits for withdrawals; cancels dispatches nobody needs any more (the case is over). */
  async settle(): Promise<void> {
    for (const [key, r] of this.running) if (!key.endsWith(':withdraw')) r.scope.cancel();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
}

/** The case's outputs so far, by name: what a step's rules see besides the application. */
const outputsOf = (machine: CaseMachine) =>
  Object.fromEntries(Object.entries(machine.data).map(([k, v]) => [k, v.value]));

/** A step's verdict judged with its wave, and the outputs it was judged against (canonical JSON). */
type Judged = Map<string, { verdict: RulesVerdict; outputs: string }>;

/**
 * The verdicts of the 秒批 steps one transition released, from one local activity instead of one each
 * (patch 'instant-rules-one-call'): a company start-up's registration releases four at once. Each is
 * judged as if those before it were decided by their verdicts; runAdapters uses a verdict only if the
 * case's outputs are what it was judged against when its turn comes, and otherwise asks again, so the
 * decisions are the ones judging each in turn gives. Histories recorded before the patch replay with one
 * local activity per step.
 */
function judgeWave(machine: CaseMachine, input: CaseInput, stepIds: string[]): Promise<Judged> | undefined {
  // Undefined at once, not a promise, when there is no wave: an await here would let the batch's write be
  // scheduled before the step's rules, and histories recorded before the patch have the rules first.
  if (stepIds.length < 2 || !patched('instant-rules-one-call')) return undefined;
  const base = outputsOf(machine);
  const steps = stepIds.map((stepId) => ({ stepId, rules: stepById(input.definition, stepId)!.rules ?? [] }));
  return decideWaveByRules({ caseId: input.caseId, steps, outputs: base }).then((verdicts) => {
    const judged: Judged = new Map();
    let outputs = base;
    stepIds.forEach((stepId, i) => {
      const verdict = verdicts[i]!;
      judged.set(stepId, { verdict, outputs: canonicalJson(outputs) });
      outputs = afterVerdict(outputs, verdict);
    });
    return judged;
  });
}

export async function runAdapters(
  machine: CaseMachine,
  input: CaseInput,
  fx: Effects,
  record: (fx: Effects) => Promise<void>,
  http?: HttpDispatches,
  // An instant decision is recorded at the instant its step was released. Not Date.now() after the
  // rules' local activity: workflow time moved by a local activity is not the time a replay sees (the
  // read model kept the first, the replayed workflow had the other, and their data's times differed).
  now: number = Date.now(),
  /** Given: each decision's write is added here for the caller to await, instead of awaited at once. */
  writes?: Promise<void>[],
): Promise<void> {
  /** Records a decision: the write to await now, or none when the caller collects it. */
  const write = (next: Effects): Promise<void> | undefined => {
    const written = record(next);
    if (!writes) return written;
    writes.push(written);
    return undefined;
  };
  for (const w of fx.withdraw) http?.withdraw(w.stepId, machine.steps[w.stepId]!.round);
  let judged: Judged | undefined;
  let waveJudged = false;
  for (const [i, d] of fx.dispatch.entries()) {
    if (d.adapter === 'http') http?.start(d.stepId, d.round);
    if (d.adapter !== 'auto') continue;
    const step = stepById(input.definition, d.stepId)!;
    // At the wave's first 秒批 step, its rest are judged with it (the dispatches before it have started).
    if (!waveJudged) {
      waveJudged = true;
      const wave = fx.dispatch.slice(i).flatMap((x) => (x.adapter === 'auto' ? [x.stepId] : []));
      const judging = judgeWave(machine, input, wave);
      if (judging) judged = await judging;
    }
    const outputs = outputsOf(machine);
    const early = judged?.get(d.stepId);
    const verdict =
      early && early.outputs === canonicalJson(outputs)
        ? early.verdict
        : await decideByRules({ caseId: input.caseId, rules: step.rules ?? [], outputs });
    let decision: Parameters<CaseMachine['decide']>[0] | undefined;
    if (verdict.ruleId !== undefined) {
      decision = {
        stepId: d.stepId,
        outcome: verdict.outcome,
        outputs: verdict.outputs,
        opinion: `秒批 ${verdict.ruleId}: ${verdict.description}`,
        reasons: verdict.outcome === 'deny' ? [verdict.description] : [],
        actor: { userId: `rule:${verdict.ruleId}` },
      };
    } else if (step.otherwise === 'deny') {
      const opinion = '秒批: no rule held over the application; denied by the definition';
      decision = {
        stepId: d.stepId,
        outcome: 'deny',
        opinion,
        reasons: [opinion],
        actor: { userId: 'rule:otherwise' },
      };
    }
    if (!decision) continue; // otherwise 'worklist': a person in the department decides
    const problem = machine.checkDecision(decision);
    if (problem) {
      // The case moved on meanwhile (withdrawn, say), or the rule's outputs do not fit: a person looks.
      if (problem.code === 'invalid-outputs' || problem.code === 'malformed-decision') {
        const next = machine.incident(
          d.stepId,
          `rule ${verdict.ruleId ?? 'otherwise'}: ${problem.message}`,
          now,
        );
        await write(next);
      }
      continue;
    }
    const next = machine.decide(decision, now, decision.actor.userId);
    await write(next);
    await runAdapters(machine, input, next, record, http, now, writes);
  }
}
