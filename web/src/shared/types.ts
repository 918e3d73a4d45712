// The API's response shapes the screens use (see api/schemas.ts and api/routes/*.ts).
export type Role = 'clerk' | 'department' | 'manager' | 'admin';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
  disabled?: boolean;
}

export interface Session {
  user: User;
  csrfToken: string;
  idleMinutes: number;
}

export type OutputValue = string | number | boolean;

export interface Datum {
  value: OutputValue;
  stepId: string;
  at: string;
}

export interface ClockView {
  clock: string;
  deadline: string | null;
  usedHours: number;
  state: string;
  finalState: string | null;
  note?: string;
}

export interface StepView {
  stepId: string;
  title: string;
  department: string;
  status: string;
  round: number;
  supplementItems: { item: string; reason: string }[] | null;
  specialStage: { kind: string; since: string } | null;
  owed: string[];
  owedBy: string | null;
  incident: string | null;
  clocks: ClockView[];
  outputs: Record<string, OutputValue> | null;
  opinion: string | null;
  reasons: string[];
  decidedBy: string | null;
  dispatchedAt: string | null;
  decidedAt: string | null;
}

export interface EventView {
  seq: number;
  type: string;
  stepId: string | null;
  /** null: who acted is withheld (another department's step, as department staff see a case). */
  actor: string | null;
  at: string;
  opinion: string | null;
  details: Record<string, unknown>;
}

export interface CaseDetail {
  id: string;
  caseNo: string;
  processId: string;
  processVersion: number;
  processTitle: string;
  status: string;
  submittedAt: string;
  updatedAt: string;
  closedAt: string | null;
  clock: ClockView | null;
  application: Record<string, unknown>;
  data: Record<string, Datum>;
  steps: StepView[];
  timeline: EventView[];
}

export interface CaseSummary {
  id: string;
  caseNo: string;
  processId: string;
  status: string;
  submittedAt: string;
  closedAt: string | null;
}

export interface Task {
  caseId: string;
  caseNo: string;
  processId: string;
  processVersion: number;
  stepId: string;
  title: string;
  department: string;
  dispatchedAt: string | null;
  deadline: string | null;
  yellowAt: string | null;
  urgency: 'red' | 'yellow' | 'green' | 'none';
  application: Record<string, unknown>;
  inputs: Record<string, Datum>;
  materials: string[];
}

export interface DepartmentRef {
  code: string;
  name: string;
}

export interface ProcessSummary {
  id: string;
  version: number;
  title: string;
  description?: string;
  departments: DepartmentRef[];
  steps: { id: string; title: string; department: string; dependsOn: string[] }[];
}

export interface OutputSpec {
  name: string;
  title: string;
  type: 'string' | 'number' | 'boolean' | 'date';
  pattern?: string;
  required?: boolean;
}

export interface StepDefinition {
  id: string;
  title: string;
  department: string;
  adapter: string;
  dependsOn: string[];
  fields: string[];
  materials: string[];
  inputs: string[];
  outputs: OutputSpec[];
  condition?: unknown;
  limits?: { promised?: { days?: number; hours?: number }; statutory?: { days?: number; hours?: number } };
}

export interface MaterialDefinition {
  id: string;
  title: string;
  core?: boolean;
}

export interface ProcessDefinition {
  id: string;
  version: number;
  title: string;
  description?: string;
  departments: DepartmentRef[];
  form: Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  materials: MaterialDefinition[];
  steps: StepDefinition[];
  promise?: { days?: number; hours?: number };
  versions?: number[];
}

export interface Upload {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  filename: string;
}

export interface Delivery {
  caseId: string;
  caseNo: string;
  outcome: string;
  results: Record<string, { value: unknown; stepId: string; at: string }>;
  readyAt: string;
  method: string | null;
  note: string | null;
  handedOverBy: string | null;
  handedOverAt: string | null;
}

export interface Incident {
  caseId: string;
  caseNo: string;
  stepId: string;
  round: number;
  department: string;
  attempts: number;
  lastError: string;
  retrying: boolean;
  firstAt: string;
  lastAt: string;
}

export interface AccessEntry {
  userId: string;
  role: string;
  department: string | null;
  purpose: string;
  fields: string[];
  at: string;
}

export interface TrackStep {
  stepId: string;
  name: string;
  departmentName: string;
  state: 'waiting' | 'in_progress' | 'supplement_requested' | 'done' | 'denied' | 'not_needed' | 'withdrawn';
  text: string;
  expectedBy: string | null;
  finishedAt: string | null;
}

export interface TrackView {
  caseNo: string;
  processId: string;
  processName: string;
  status: string;
  submittedAt: string;
  closedAt: string | null;
  promisedDate: string | null;
  summary: string;
  steps: TrackStep[];
  results: { name: string; department: string; readyForCollection: boolean }[];
  supplements: {
    stepId: string;
    departmentName: string;
    requestedAt: string;
    items: { item: string; name: string; reason: string }[];
  }[];
  delivered: boolean;
  accesses: {
    departmentName: string;
    at: string;
    stepName: string | null;
    purpose: string | null;
    legalBasis: string | null;
    categories: string[];
    what: string;
  }[];
  rating: {
    score: number;
    comment?: string | null;
    at?: string;
    department?: string | null;
    departmentName?: string;
  } | null;
  /** The case's departments, for a rating of 1 or 2 to name the one it is about. */
  departments: { code: string; name: string }[];
  /** A bad rating's follow-up (整改): who answers by when, or what they answered. */
  followUp: {
    state: 'open' | 'overdue' | 'closed';
    departmentName: string;
    text: string;
    promisedDate: string | null;
    response: string | null;
    respondedAt: string | null;
  } | null;
}

/** A bad rating's follow-up (整改), as GET /api/follow-ups lists it. */
export interface FollowUp {
  id: string;
  caseId: string;
  caseNo: string;
  processId: string;
  department: string | null;
  score: number;
  comment: string | null;
  status: 'open' | 'closed';
  urgency: 'green' | 'yellow' | 'red' | 'none';
  overdue: boolean;
  dueAt: string | null;
  closedAt: string | null;
  response: string | null;
}
