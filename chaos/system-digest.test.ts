import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../simulator/control-types.ts';
import { systemStepDigest } from './system-digest.ts';

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  taskId: 'c1:bank:1',
  department: 'BANK',
  caseId: 'c1',
  stepId: 'bank',
  dispatchesReceived: 1,
  effectsApplied: 1,
  withdrawn: false,
  withdrawalsReceived: 0,
  decision: null,
  ...over,
});

describe("the report's line for a wedged step of a department's system", () => {
  it('says the system never got the task, and why the engine stopped', () => {
    expect(
      systemStepDigest(
        [],
        [
          {
            round: 1,
            attempts: 2,
            retrying: 0,
            last_error: 'activity StartToClose timeout',
            resolved_at: null,
          },
        ],
        ['dispatched', 'incident'],
      ),
    ).toBe(
      '[ledger: no task received; incident round 1: 2 attempts, stopped, open (activity StartToClose timeout); ' +
        'trail: dispatched > incident]',
    );
  });

  it('says how the callback fared for each round the system received', () => {
    const decided = entry({
      dispatchesReceived: 2,
      decision: {
        outcome: 'approve',
        decidedAt: '2026-12-02T18:00:00.000Z',
        callbackAttempts: 3,
        lastCallbackStatus: 409,
        delivery: 'refused',
      },
    });
    const pending = entry({ taskId: 'c1:bank:2', withdrawn: true });
    expect(systemStepDigest([decided, pending], [], [])).toBe(
      '[ledger round 1: received 2x, approve, callback refused after 3 attempts (last 409); ' +
        'ledger round 2: received 1x, withdrawn, undecided; no incident; trail: none]',
    );
  });
});
