// Writes a case's events to the read model through the projection local activity, strictly in order
// (the audit chain links each event to the one before) while several Updates may be in flight: each batch
// waits for the batches queued before it. Each batch extends the hash chain from the previous batch's last
// hash, a local activity result, so replay sees the same value without reading the database.
import type { CaseEvent } from '../process/events.ts';
import { projectCase } from './local-activities.ts';

export class Projector {
  private tail: Promise<void> = Promise.resolve();
  private lastHash = '';

  constructor(private readonly caseId: string) {}

  write(events: CaseEvent[]): Promise<void> {
    if (events.length === 0) return this.tail;
    const batch = this.tail.then(async () => {
      this.lastHash = await projectCase({ caseId: this.caseId, previousHash: this.lastHash, events });
    });
    this.tail = batch;
    return batch;
  }

  flushed(): Promise<void> {
    return this.tail;
  }
}
