// What the simulated departments did, per taskId, so tests can prove exactly-once effects across
// retries, duplicates and outages. Readers get copies: a test cannot change what the simulator saw.
import type { LedgerDecision, LedgerEntry, LedgerSnapshot, RefusalCounts } from './control-types.ts';

export type Refusal = keyof RefusalCounts;

/** Read-only view handed to tests and served at GET /_control/ledger. */
export interface LedgerView {
  get(taskId: string): LedgerEntry | undefined;
  entries(): LedgerEntry[];
  snapshot(): LedgerSnapshot;
}

export class Ledger implements LedgerView {
  readonly #entries = new Map<string, LedgerEntry>();
  readonly #refusals = new Map<string, RefusalCounts>();

  get(taskId: string): LedgerEntry | undefined {
    const entry = this.#entries.get(taskId);
    return entry && structuredClone(entry);
  }

  entries(): LedgerEntry[] {
    return [...this.#entries.values()].map((e) => structuredClone(e));
  }

  snapshot(): LedgerSnapshot {
    return { entries: this.entries(), refusals: Object.fromEntries(structuredClone([...this.#refusals])) };
  }

  /** The live entry (server-internal); created on first sight of a taskId. */
  entry(department: string, taskId: string): LedgerEntry {
    let entry = this.#entries.get(taskId);
    if (!entry) {
      entry = {
        taskId,
        department,
        caseId: null,
        stepId: null,
        dispatchesReceived: 0,
        effectsApplied: 0,
        withdrawn: false,
        withdrawalsReceived: 0,
        decision: null,
      };
      this.#entries.set(taskId, entry);
    }
    return entry;
  }

  /** The owning department of a known taskId, so another department cannot claim or withdraw it. */
  ownerOf(taskId: string): string | undefined {
    return this.#entries.get(taskId)?.department;
  }

  /**
   * Counts the delivery and applies the effect only for the first delivery of a task not withdrawn
   * meanwhile. Returns whether this call applied it (and so must schedule the decision).
   */
  receiveDispatch(department: string, taskId: string, caseId: string, stepId: string): boolean {
    const entry = this.entry(department, taskId);
    entry.dispatchesReceived += 1;
    entry.caseId ??= caseId;
    entry.stepId ??= stepId;
    if (entry.effectsApplied > 0 || entry.withdrawn) return false;
    entry.effectsApplied = 1;
    return true;
  }

  /** Marks the task withdrawn (also one never received: a late dispatch must then not take effect). */
  withdraw(department: string, taskId: string): void {
    const entry = this.entry(department, taskId);
    entry.withdrawalsReceived += 1;
    entry.withdrawn = true;
    if (entry.decision?.delivery === 'pending') entry.decision.delivery = 'cancelled';
  }

  decide(taskId: string, outcome: LedgerDecision['outcome']): LedgerDecision {
    const entry = this.#entries.get(taskId)!;
    entry.decision = {
      outcome,
      decidedAt: new Date().toISOString(),
      callbackAttempts: 0,
      lastCallbackStatus: null,
      delivery: 'pending',
    };
    return entry.decision;
  }

  refuse(department: string, why: Refusal): void {
    let counts = this.#refusals.get(department);
    if (!counts) {
      counts = { unavailable: 0, unauthorized: 0, malformed: 0 };
      this.#refusals.set(department, counts);
    }
    counts[why] += 1;
  }
}
