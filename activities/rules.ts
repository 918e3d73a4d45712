// Instant approval (秒批): a step's declarative rules, JsonLogic evaluated with json-logic-engine over the
// case's application (read here, so it never enters workflow history) and the outputs of earlier steps.
// Read-only and deterministic for the same data: safe to retry.
import { LogicEngine } from 'json-logic-engine';
import { applicationOf } from '../db/case-reads.ts';
import type { Db } from '../db/client.ts';
import type { OutputValue } from '../process/decision.ts';
import type { AutoRule } from '../process/definition.ts';
import { afterVerdict } from '../process/rule-wave.ts';

export interface RulesArgs {
  caseId: string;
  rules: AutoRule[];
  outputs: Record<string, OutputValue>;
}

export type RulesVerdict =
  | { ruleId: string; description: string; outcome: 'approve' | 'deny'; outputs: Record<string, OutputValue> }
  | { ruleId?: undefined };

const engine = new LogicEngine();

export function evaluateRules(rules: AutoRule[], data: Record<string, unknown>): RulesVerdict {
  for (const rule of rules) {
    if (!engine.truthy(engine.run(rule.when, data))) continue;
    const outputs: Record<string, OutputValue> = {};
    for (const [name, expression] of Object.entries(rule.outputs ?? {})) {
      outputs[name] = engine.run(expression, data) as OutputValue;
    }
    return { ruleId: rule.id, description: rule.description, outcome: rule.outcome, outputs };
  }
  return {};
}

/** The 秒批 steps one transition released, in the order it released them. */
export interface WaveRulesArgs {
  caseId: string;
  steps: { stepId: string; rules: AutoRule[] }[];
  /** The case's outputs when the first of them is decided. */
  outputs: Record<string, OutputValue>;
}

/**
 * The verdicts of several steps' rules, from one read of the application. Each step is judged as if the
 * steps before it were decided by their verdicts: it sees the outputs of those approved before it, as it
 * would see them if each were judged in turn (workflows/adapters.ts checks that assumption, and asks again
 * for a step whose outputs turned out otherwise).
 */
export function evaluateWave(
  steps: WaveRulesArgs['steps'],
  application: Record<string, unknown>,
  base: Record<string, OutputValue>,
): RulesVerdict[] {
  let outputs = base;
  return steps.map(({ rules }) => {
    const verdict = evaluateRules(rules, { application, outputs });
    outputs = afterVerdict(outputs, verdict);
    return verdict;
  });
}

export function createWaveRules(db: Db) {
  return async function decideWaveByRules({
    caseId,
    steps,
    outputs,
  }: WaveRulesArgs): Promise<RulesVerdict[]> {
    const application = await applicationOf(db, caseId);
    if (!application) throw new Error(`case ${caseId} is not in the read model`);
    return evaluateWave(steps, application, outputs);
  };
}

export function createRules(db: Db) {
  return async function decideByRules({ caseId, rules, outputs }: RulesArgs): Promise<RulesVerdict> {
    const application = await applicationOf(db, caseId);
    if (!application) throw new Error(`case ${caseId} is not in the read model`);
    return evaluateRules(rules, { application, outputs });
  };
}
