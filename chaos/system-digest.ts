// What a wedged step of a department's own system went through, in one line of the report: the
// simulator's ledger for its tasks (received, decided, how the callback fared), the incidents the engine
// opened on it, and the step's events in the trail. A CI run's folder does not outlive the machine, so
// the line is what the next person has to go on. Ids, counts and statuses only.
import type { LedgerEntry } from '../simulator/control-types.ts';

export interface IncidentRow {
  round: number;
  attempts: number;
  retrying: number;
  last_error: string;
  resolved_at: string | null;
}

function ledgerPart(entries: LedgerEntry[]): string {
  if (entries.length === 0) return 'ledger: no task received';
  return entries
    .map((e) => {
      const round = e.taskId.split(':').at(-1);
      const d = e.decision;
      const decision = d
        ? `${d.outcome}, callback ${d.delivery} after ${d.callbackAttempts} attempts (last ${d.lastCallbackStatus ?? 'no answer'})`
        : 'undecided';
      return `ledger round ${round}: received ${e.dispatchesReceived}x${e.withdrawn ? ', withdrawn' : ''}, ${decision}`;
    })
    .join('; ');
}

function incidentPart(incidents: IncidentRow[]): string {
  if (incidents.length === 0) return 'no incident';
  return incidents
    .map(
      (i) =>
        `incident round ${i.round}: ${i.attempts} attempts, ${i.retrying ? 'retrying' : 'stopped'}, ` +
        `${i.resolved_at ? 'resolved' : 'open'} (${i.last_error})`,
    )
    .join('; ');
}

export function systemStepDigest(entries: LedgerEntry[], incidents: IncidentRow[], trail: string[]): string {
  return `[${ledgerPart(entries)}; ${incidentPart(incidents)}; trail: ${trail.join(' > ') || 'none'}]`;
}
