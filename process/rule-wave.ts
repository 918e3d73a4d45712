// A wave of 秒批 steps (those one transition released) judged together: each step is judged against the
// outputs the case would have if the steps before it were decided by their verdicts. Shared by the rules'
// local activity (activities/rules.ts) and the workflow that checks the assumption (workflows/adapters.ts).
import type { OutputValue } from './decision.ts';

/** The part of a rules verdict that changes the case's outputs. */
export interface WaveVerdict {
  ruleId?: string;
  outcome?: 'approve' | 'deny';
  outputs?: Record<string, OutputValue>;
}

/** The outputs after a step's verdict: an approval adds its outputs, as CaseMachine.decide does. */
export function afterVerdict(
  outputs: Record<string, OutputValue>,
  verdict: WaveVerdict,
): Record<string, OutputValue> {
  return verdict.ruleId !== undefined && verdict.outcome === 'approve'
    ? { ...outputs, ...verdict.outputs }
    : outputs;
}
