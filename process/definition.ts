// Process definitions (一件事): the data a caseWorkflow interprets. Pure types, no I/O: this module is
// imported by workflow code, the API and the catalog alike.
import type { PersonalCategory } from './personal-data.ts';

/** How a step reaches its department: our own worklist, the department's HTTP system, or rules (秒批). */
export type AdapterKind = 'worklist' | 'http' | 'auto';
export const ADAPTER_KINDS: readonly AdapterKind[] = ['worklist', 'http', 'auto'];

/** Output values are plain scalars so they can be checked without a schema engine inside a workflow. */
export type OutputType = 'string' | 'number' | 'boolean' | 'date';
export const OUTPUT_TYPES: readonly OutputType[] = ['string', 'number', 'boolean', 'date'];

export interface OutputSpec {
  /** Case-wide name; a dependant step consumes it by this name (数据共享: never asked again). */
  name: string;
  title: string;
  type: OutputType;
  /** A regular expression the value must match in full (strings only), e.g. the 18-character credit code. */
  pattern?: string;
  /** Defaults to true: an approval without it is rejected. */
  required?: boolean;
  /** The categories of personal information the value is (process/personal-data.ts), if any. */
  personal?: PersonalCategory[];
}

/** What happens to the rest of the case when this step is denied. */
export type OnDeny = 'cancel-dependants' | 'stop-case';

/**
 * A JsonLogic expression (https://jsonlogic.com), evaluated with json-logic-engine over
 * `{ application, outputs }`: the combined form and the outputs of approved steps by name.
 * Data, not code: definitions stay serialisable and an expression cannot reach anything else.
 */
export type Expression = Record<string, unknown> | boolean;

/** One rule of an instant (秒批) step: the first rule whose `when` holds decides the step. */
export interface AutoRule {
  id: string;
  /** Recorded as the decision's opinion: which rule decided, in words. */
  description: string;
  when: Expression;
  outcome: 'approve' | 'deny';
  /** For approvals: output name -> expression computing its value. */
  outputs?: Record<string, Expression>;
}

/** Time limits in working days (hours for same-day promises); see the calendar in process/calendar.ts. */
export interface TimeLimit {
  days?: number;
  hours?: number;
}

export interface StepLimits {
  /** 承诺时限: what the government promised, much shorter than the law. */
  promised?: TimeLimit;
  /** 法定时限: what the law allows (a single licence: 20 working days). */
  statutory?: TimeLimit;
}

export interface StepDefinition {
  /** Short stable id, unique in the definition (e.g. "registration"). */
  id: string;
  title: string;
  /** Code of the department that owns the step (one of the definition's departments). */
  department: string;
  adapter: AdapterKind;
  /** Steps that must be approved before this one starts (串联); steps with no path between them run in parallel (并联). */
  dependsOn: string[];
  /** Top-level fields of the combined form this step's department may see (PIPL: minimum necessary). */
  fields: string[];
  /** Materials this step's department may see. */
  materials: string[];
  /** Outputs of earlier steps this step consumes. */
  inputs: string[];
  /** What an approval must (or may) carry. */
  outputs: OutputSpec[];
  /** Defaults to 'cancel-dependants'. */
  onDeny?: OnDeny;
  /**
   * Included only when this holds over the application (evaluated at intake); otherwise the step is
   * 'not_applicable' and counts as neither approved nor failed for its dependants' sake (they go on).
   */
  condition?: Expression;
  /** For adapter 'auto' (秒批): the rules, in order. */
  rules?: AutoRule[];
  /** For adapter 'auto': what happens when no rule holds. Defaults to 'worklist' (a person looks at it). */
  otherwise?: 'deny' | 'worklist';
  limits?: StepLimits;
  /**
   * Why the department uses the personal data its step receives, and the law that allows it: required
   * when its fields or inputs carry personal information (process/personal-data.ts); shown to the
   * applicant with every read.
   */
  purpose?: { use: string; legalBasis: string };
}

export interface DepartmentRef {
  code: string;
  name: string;
}

export interface MaterialDefinition {
  id: string;
  title: string;
  /** Core materials must be present at intake; others may be promised later (容缺受理). */
  core?: boolean;
}

/** A JSON Schema (draft 2020-12 subset) of the combined form; validated with Ajv outside workflows. */
export interface FormSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: boolean;
  [keyword: string]: unknown;
}

export interface ProcessDefinition {
  id: string;
  version: number;
  title: string;
  description?: string;
  /** Department codes that take part, with display names. */
  departments: DepartmentRef[];
  /** The combined form (一表申请). */
  form: FormSchema;
  /** One shared set of materials; steps name the ones they may see. */
  materials: MaterialDefinition[];
  steps: StepDefinition[];
  /** The case's overall promise (e.g. company start-up: one working day). */
  promise?: TimeLimit;
}

/**
 * A step's life: blocked (waiting for the steps it depends on) -> awaiting_decision (with its department)
 * <-> supplement_requested (补正: waiting for the applicant) / in_special_stage (特别程序) -> approved |
 * denied. Or: not_applicable (its condition does not hold), cancelled (a step it depends on failed, or
 * the case was withdrawn or stopped), terminated (容缺: promised materials not in by the deadline).
 */
export type StepStatus =
  | 'blocked'
  | 'awaiting_decision'
  | 'supplement_requested'
  | 'in_special_stage'
  | 'approved'
  | 'denied'
  | 'cancelled'
  | 'terminated'
  | 'not_applicable';
export const TERMINAL_STEP_STATUSES: readonly StepStatus[] = [
  'approved',
  'denied',
  'cancelled',
  'terminated',
  'not_applicable',
];
/** Statuses of a step its department holds (dispatched, not yet decided): withdrawn if no longer needed. */
export const ACTIVE_STEP_STATUSES: readonly StepStatus[] = [
  'awaiting_decision',
  'supplement_requested',
  'in_special_stage',
];
/** A dependency in one of these lets its dependants go on. */
export const SATISFIED_STEP_STATUSES: readonly StepStatus[] = ['approved', 'not_applicable'];
/** A dependency in one of these cancels its dependants. */
export const FAILED_STEP_STATUSES: readonly StepStatus[] = ['denied', 'cancelled', 'terminated'];

export type CaseOutcome = 'completed' | 'partially_completed' | 'denied' | 'withdrawn' | 'terminated';
export type CaseStatus = 'running' | CaseOutcome;

export function isTerminal(status: StepStatus): boolean {
  return TERMINAL_STEP_STATUSES.includes(status);
}

export function stepById(definition: ProcessDefinition, stepId: string): StepDefinition | undefined {
  return definition.steps.find((s) => s.id === stepId);
}
