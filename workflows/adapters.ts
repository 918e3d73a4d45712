// Carries out a transition's side effects through the step adapters: 'auto' steps (秒批) are decided at
// once by their rules (a local activity reads the application; the rules run there, so the form never
// enters workflow history), and the decision is applied like any other. The worklist needs nothing: the
// read model is the worklist.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { ClockAlarm } from '../process/case-clocks.ts';
import type { CaseMachine, Effects } from '../process/case-machine.ts';
import { stepById } from '../process/definition.ts';
import type { CaseInput } from './messages.ts';

const { decideByRules } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '100 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

// Notifications leave the system (a webhook): an ordinary activity, retried for a while, then given up
// on (the warning itself is in the case's timeline either way).
const { notify } = proxyActivities<Activities>({
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

export async function runAdapters(
  machine: CaseMachine,
  input: CaseInput,
  fx: Effects,
  record: (fx: Effects) => Promise<void>,
): Promise<void> {
  for (const d of fx.dispatch) {
    if (d.adapter !== 'auto') continue;
    const step = stepById(input.definition, d.stepId)!;
    const verdict = await decideByRules({
      caseId: input.caseId,
      rules: step.rules ?? [],
      outputs: Object.fromEntries(Object.entries(machine.data).map(([k, v]) => [k, v.value])),
    });
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
          Date.now(),
        );
        await record(next);
      }
      continue;
    }
    const next = machine.decide(decision, Date.now(), decision.actor.userId);
    await record(next);
    await runAdapters(machine, input, next, record);
  }
}
