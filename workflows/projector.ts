// Writes a case's events to the read model through the projection local activity, strictly in order
// (the audit chain links each event to the one before) while several Updates may be in flight: each batch
// waits for the batches queued before it. Each batch extends the hash chain from the previous batch's last
// hash, a local activity result, so replay sees the same value without reading the database.
//
// Batches queued behind one still waiting for its turn join it (patch 'projection-batches-merged'): the
// transitions of one activation (a department's five parallel decisions delivered together, say) are
// written by one local activity instead of one after another, each answering once the shared write has
// committed. One write less is one activation less for the workflow and one statement less for the read
// model; the events and their hash chain are the same. Histories recorded before the patch replay with
// one local activity per batch. A transition that releases 秒批 steps holds the queued batch (hold()) while
// their rules run, so their decisions join it too (caseWorkflow.ts, patch 'instant-decisions-one-batch').
//
// A batch the read model refuses for good (activities/projection.ts: recorded as an incident on the case)
// is tried again hourly, not in a loop: the case waits, visibly, for a fix; everything queued after the
// batch waits with it, so the trail stays in order.
import { ActivityFailure, ApplicationFailure, patched, sleep, workflowInfo } from '@temporalio/workflow';
import type { CaseEvent } from '../process/events.ts';
import { projectCase } from './local-activities.ts';

/** Same string as activities/projection.ts PROJECTION_REJECTED (workflow code does not import activities). */
const PROJECTION_REJECTED = 'projection-rejected';
const RETRY_REJECTED_AFTER = '1 hour';

const rejected = (error: unknown) =>
  error instanceof ActivityFailure &&
  error.cause instanceof ApplicationFailure &&
  error.cause.type === PROJECTION_REJECTED;

/** A batch queued behind the tail, not yet handed to its local activity: later batches may still join it. */
interface Queued {
  events: CaseEvent[];
  written: Promise<void>;
}

/** What keeps queued batches from starting while held: released when the last hold is. */
interface Gate {
  opened: Promise<void>;
  open: () => void;
  holds: number;
}

function closedGate(): Gate {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open, holds: 0 };
}

export class Projector {
  private tail: Promise<void> = Promise.resolve();
  private readonly heads: [number, string][] = [];
  private readonly merging = patched('projection-batches-merged');
  private queued: Queued | undefined;
  /** While held (hold()), the queued batch does not start: it waits here, and may still grow. */
  private gate: Gate | undefined;

  constructor(private readonly caseId: string) {}

  write(batchEvents: CaseEvent[]): Promise<void> {
    if (batchEvents.length === 0) return this.tail;
    if (this.queued) {
      this.queued.events.push(...batchEvents);
      return this.queued.written;
    }
    const events = [...batchEvents];
    const batch = this.tail.then(async () => {
      while (this.gate) await this.gate.opened;
      if (this.queued?.events === events) this.queued = undefined; // its turn: later writes go to the next batch
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
    if (this.merging) this.queued = { events, written: batch };
    this.tail = batch;
    return batch;
  }

  /**
   * Keeps the batch queued now, or the next one, from starting until the answer is called: what is written
   * meanwhile joins it. A batch already being written is not held.
   */
  hold(): () => void {
    this.gate ??= closedGate();
    const gate = this.gate;
    gate.holds++;
    return () => {
      if (--gate.holds > 0) return;
      this.gate = undefined;
      gate.open();
    };
  }

  /** The chain's head after each batch written, as the history has it: the verify endpoint's anchor. */
  chainHeads(): [number, string][] {
    return [...this.heads];
  }

  flushed(): Promise<void> {
    return this.tail;
  }
}
