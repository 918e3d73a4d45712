// The simulator's ledger once its callbacks have settled. Every case can be closed while a department's
// system is still waiting to hear how its callback went: a worker killed mid-task holds the Updates of
// its cases until the workflow task times out (10 s), longer than a callback waits for its answer (5 s),
// so the system retries one the engine has already applied (the repeat is answered 200, "duplicate").
// Read before then, the ledger says "pending" for a decision the trail shows, and the verdict would blame
// the engine for the harness's haste (a chaos run of 2026-12-08 did).
import type { LedgerSnapshot } from '../simulator/control-types.ts';

export interface SettledLedger {
  ledger: LedgerSnapshot;
  /** Callbacks still pending when the wait ended (0 unless the bound ran out). */
  pending: number;
  /** How long it waited for pending callbacks (0 when none was pending at the first read). */
  waitedMs: number;
}

const pendingIn = (ledger: LedgerSnapshot) =>
  ledger.entries.filter((e) => e.decision?.delivery === 'pending').length;

/**
 * Polls the simulator's ledger until no callback is pending, for at most `boundMs` (the simulator's
 * retries, 8 attempts of at most 5 s each with backoff capped at 5 s, end within about 75 s).
 */
export async function settledLedger(
  simulatorUrl: string,
  boundMs = 90_000,
  pollMs = 500,
): Promise<SettledLedger> {
  const started = Date.now();
  let first = true;
  for (;;) {
    const response = await fetch(`${simulatorUrl}/_control/ledger`);
    if (!response.ok) throw new Error(`simulator ledger: HTTP ${response.status}`);
    const ledger = (await response.json()) as LedgerSnapshot;
    const pending = pendingIn(ledger);
    const waitedMs = first ? 0 : Date.now() - started;
    first = false;
    if (pending === 0 || waitedMs >= boundMs) return { ledger, pending, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
