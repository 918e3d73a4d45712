// The realistic-mix scenario's workload: the catalog's processes in the proportions of a service centre's
// day (mostly company start-up, newborn and restaurant), each case submitted with its sample application
// and decided by its departments as soon as a step appears in their worklist.
//
// The catalog decides only three steps in 27 by rules; a real centre decides far more by data check
// (Hangzhou 2020: 83% of its items, domain.md). So the mix runs copies of the catalog definitions, under
// ids of their own (`mix-…`, published by the bench only), in which the steps a centre typically decides by
// checking shared data (filings, registrations that follow from another department's result, benefits
// computed from records) are instant (秒批) steps whose rule approves with the sample approval's outputs.
// Everything else (forms, materials, dependencies, conditions, limits) is the catalog's.
import type { AutoRule, ProcessDefinition } from '../process/definition.ts';
import { CATALOG } from '../processes/index.ts';
import { SAMPLES } from '../test/fixtures/examples.ts';

export interface MixEntry {
  /** The catalog process the entry copies. */
  processId: string;
  /** Share of the cases (the shares add up to 1). */
  share: number;
  /** Steps a person decides in the catalog that a service centre decides by data check. */
  instant: string[];
}

/** A service centre's day, by share of cases. */
export const MIX: MixEntry[] = [
  // 企业开办: seal filing, tax enrolment, social insurance and housing-fund registration follow from the
  // business licence (the registration's outputs); registration and the bank appointment stay with people.
  {
    processId: 'company-startup',
    share: 0.35,
    instant: ['seal', 'tax', 'social-insurance', 'housing-fund'],
  },
  // 出生一件事: the eligibility pre-check is instant in the catalog; the insurance enrolment and the card
  // follow from the household registration.
  { processId: 'newborn', share: 0.25, instant: ['medical-insurance', 'social-security-card'] },
  // 开办餐饮店: the licence check is instant in the catalog; the fire check is approved on commitment (告知承诺).
  { processId: 'restaurant', share: 0.2, instant: ['fire-check'] },
  { processId: 'retirement', share: 0.1, instant: ['housing-fund', 'retiree-medical'] },
  {
    processId: 'after-death',
    share: 0.05,
    instant: ['household-cancellation', 'medical-settlement', 'housing-fund'],
  },
  // 二手房: the seizure check is instant in the catalog; the utilities follow from the transfer.
  { processId: 'home-transfer', share: 0.05, instant: ['water', 'power', 'gas'] },
];

export const mixId = (processId: string) => `mix-${processId}`;

/** The catalog definition with the entry's steps made instant (rules approving with the sample outputs). */
export function mixDefinition(entry: MixEntry): ProcessDefinition {
  const catalog = CATALOG.find((d) => d.id === entry.processId)!;
  const approvals = SAMPLES[entry.processId]!.approvals;
  const definition = structuredClone(catalog) as ProcessDefinition;
  definition.id = mixId(entry.processId);
  for (const step of definition.steps) {
    if (!entry.instant.includes(step.id)) continue;
    const outputs = approvals[step.id]!.outputs;
    const rule: AutoRule = {
      id: 'records-agree',
      description: 'The shared records agree with the application',
      when: { '!!': [{ var: 'application' }] },
      outcome: 'approve',
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v as never])),
    };
    step.adapter = 'auto';
    step.rules = [rule];
    step.otherwise = 'worklist';
  }
  return definition;
}

/** The process of the i-th case of the mix (deterministic: the shares interleaved, not in blocks). */
export function mixEntryFor(i: number): MixEntry {
  // A low-discrepancy sequence over [0, 1): every prefix of the run is close to the shares.
  const x = (i * 0.6180339887498949) % 1;
  let acc = 0;
  for (const entry of MIX) {
    acc += entry.share;
    if (x < acc) return entry;
  }
  return MIX.at(-1)!;
}
