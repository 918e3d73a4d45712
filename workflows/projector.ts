// Writes a case's events to the read model through the projection local activity, strictly in order
// (the audit chain links each event to the one before) while several Updates may be in flight: each batch
// waits for the batches queued before it. Each batch extends the hash chain from the previous batch's last
// hash, a local activity result, so replay sees the same value without reading the database.
//
// A batch the read model refuses for good (activities/projection.ts: recorded as an incident on the case)
// is tried again hourly, not in a loop: the case waits, visibly, for a fix; everything queued after the
// batch waits with it, so the trail stays in order.
import { ActivityFailure, ApplicationFailure, sleep, workflowInfo } from '@temporalio/workflow';
import type { CaseEvent } from '../process/events.ts';
import { projectCase } from './local-activities.ts';

/** Same string as activities/projection.ts PROJECTION_REJECTED (workflow code does not import activities). */
const PROJECTION_REJECTED = 'projection-rejected';
const RETRY_REJECTED_AFTER = '1 hour';

const rejected = (error: unknown) =>
  error instanceof ActivityFailure &&
  error.cause instanceof ApplicationFailure &&
  error.cause.type === PROJECTION_REJECTED;

export class Projector {
  private tail: Promise<void> = Promise.resolve();
  private readonly heads: [number, string][] = [];

  constructor(private readonly caseId: string) {}

  write(events: CaseEvent[]): Promise<void> {
    if (events.length === 0) return this.tail;
    const batch = this.tail.then(async () => {
      // The fence: a task retried after a worker died in it runs at a longer history, so its batch may
      // replace the dead task's rows and a stale task's batch may not (db/superseded-events.ts).
      const fence = workflowInfo().historyLength;
      const args = { caseId: this.caseId, previousHash: this.heads.at(-1)?.[1] ?? '', events, fence };
      for (let afterIncident = false; ; afterIncident = true) {
        try {
          const hash = await projectCase(afterIncident ? { ...args, afterIncident } : args);
          this.heads.push([events[events.length - 1]!.seq, hash]);
          return;
        } catch (error) {
          if (!rejected(error)) throw error;
          await sleep(RETRY_REJECTED_AFTER);
        }
      }
    });
    this.tail = batch;
    return batch;
  }

  /** The chain's head after each batch written, as the history has it: the verify endpoint's anchor. */
  chainHeads(): [number, string][] {
    return [...this.heads];
  }

  flushed(): Promise<void> {
    return this.tail;
  }
}
