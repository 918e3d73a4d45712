// Instant approval (秒批): a step's declarative rules, JsonLogic evaluated with json-logic-engine over the
// case's application (read here, so it never enters workflow history) and the outputs of earlier steps.
// Read-only and deterministic for the same data: safe to retry.
import { LogicEngine } from 'json-logic-engine';
import { applicationOf } from '../db/case-reads.ts';
import type { Db } from '../db/client.ts';
import type { OutputValue } from '../process/decision.ts';
import type { AutoRule } from '../process/definition.ts';

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

export function createRules(db: Db) {
  return async function decideByRules({ caseId, rules, outputs }: RulesArgs): Promise<RulesVerdict> {
    const application = await applicationOf(db, caseId);
    if (!application) throw new Error(`case ${caseId} is not in the read model`);
    return evaluateRules(rules, { application, outputs });
  };
}
