// The read-model projection as an activity: brings cases, case_steps and the audit trail up to date with a
// batch of events from one caseWorkflow. Runs as a local activity (our own database, no extra server round
// trip); the statement itself, idempotent by the workflow's sequence numbers, is db/case-events.ts.
//
// Group commit: the batches of many workflows arriving while a statement runs go together into the next
// one (one statement for the lot costs the database about what one batch alone does). Each local activity
// still answers only once the statement holding its batch has committed, so the Update that waits for it
// still reads its own write. When the database is idle a batch is written at once: no added latency.
import { type ProjectCaseArgs, projectEventsBatch } from '../db/case-events.ts';
import type { Db } from '../db/client.ts';

export type { ProjectCaseArgs };

interface Waiting {
  args: ProjectCaseArgs;
  resolve(hash: string): void;
  reject(error: unknown): void;
}

/** Most batches one statement carries (keeps statements, and a failed one's retries, small). */
const MAX_GROUP = 64;

export class ProjectionWriter {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  write(args: ProjectCaseArgs): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ args, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Batches sent in the same turn of the event loop (one workflow task's, several workers') join.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.take();
      try {
        const hashes = await projectEventsBatch(
          this.db,
          group.map((w) => w.args),
        );
        for (const [i, w] of group.entries()) w.resolve(hashes[i]!);
      } catch (error) {
        if (group.length === 1) group[0]!.reject(error);
        // One bad batch must not fail the others: each on its own, so only it fails (and is retried).
        else for (const w of group) await this.writeAlone(w);
      }
    }
    this.writing = false;
  }

  /** The next group: in arrival order, at most one batch per case (a case's batches stay in order). */
  private take(): Waiting[] {
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    const cases = new Set<string>();
    for (const w of this.queue) {
      if (group.length < MAX_GROUP && !cases.has(w.args.caseId)) {
        cases.add(w.args.caseId);
        group.push(w);
      } else rest.push(w);
    }
    this.queue = rest;
    return group;
  }

  private async writeAlone(w: Waiting): Promise<void> {
    try {
      const [hash] = await projectEventsBatch(this.db, [w.args]);
      w.resolve(hash!);
    } catch (error) {
      w.reject(error);
    }
  }
}

export function createProjection(db: Db) {
  const writer = new ProjectionWriter(db);
  return function projectCase(args: ProjectCaseArgs): Promise<string> {
    return writer.write(args);
  };
}
