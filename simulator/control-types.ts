// The simulator's own control API (/_control): how a simulated department behaves, and the ledger of
// what it did. Not part of the engine <-> department contract (departments/protocol.ts): a real department
// system has none of this.

export interface SimulatedDepartment {
  code: string;
  secret: string;
  /** Time from accepting a dispatch to sending the decision. Default 50. */
  delayMs?: number;
  /** Probability of approving (0..1). Default 1. */
  approveRate?: number;
  /** Probability of answering a dispatch 503 without receiving it (0..1). Default 0. */
  errorRate?: number;
  /** Added before every answer to the engine (dispatch and withdraw). Default 0. */
  latencyMs?: number;
  /** While now is in [from, until) every engine request gets 503 and decisions wait for the end. */
  outage?: { from: number; until: number } | null;
}

/** Partial runtime change (PUT /_control/departments/{CODE}); `outage: null` ends an outage. */
export type DepartmentPatch = Partial<Omit<SimulatedDepartment, 'code'>>;

export interface LedgerDecision {
  outcome: 'approve' | 'deny';
  decidedAt: string;
  callbackAttempts: number;
  /** HTTP status of the last attempt; null when it never got an answer (network error, timeout). */
  lastCallbackStatus: number | null;
  /** pending: still trying; delivered: 2xx; refused: 4xx; gave-up: attempts exhausted; cancelled: withdrawn. */
  delivery: 'pending' | 'delivered' | 'refused' | 'gave-up' | 'cancelled';
}

/** What one department did for one taskId. Ids only: no fields, no materials, nothing personal. */
export interface LedgerEntry {
  taskId: string;
  department: string;
  caseId: string | null;
  stepId: string | null;
  /** Every accepted delivery of the dispatch, duplicates included. */
  dispatchesReceived: number;
  /** The department's real-world effect (the filing); must never exceed 1. */
  effectsApplied: number;
  withdrawn: boolean;
  withdrawalsReceived: number;
  decision: LedgerDecision | null;
}

/** Requests refused before reaching the ledger, per department. */
export interface RefusalCounts {
  unavailable: number;
  unauthorized: number;
  malformed: number;
}

export interface LedgerSnapshot {
  entries: LedgerEntry[];
  refusals: Record<string, RefusalCounts>;
}
