// The decision scheduler: a filed task is decided after its department's delay (approve with fabricated
// outputs, or deny at the configured rate), then its callback is sent (callback-sender.ts). A department
// in an outage decides nothing until the outage ends; a withdrawal cancels the wait and the delivery.
import type { FastifyBaseLogger } from 'fastify';
import type { DecisionCallback, DispatchRequest } from '../departments/protocol.ts';
import { type CallbackRetry, sendCallback } from './callback-sender.ts';
import type { Ledger } from './ledger.ts';
import { fabricateOutputs, UnsupportedPattern } from './outputs.ts';
import { type DepartmentRegistry, inOutage } from './registry.ts';

/** A decision waiting for its delay or being delivered; withdrawal cancels both. */
interface PendingTask {
  request: DispatchRequest;
  timer?: NodeJS.Timeout;
  abort: AbortController;
}

class Denial extends Error {}

export class DecisionScheduler {
  readonly #pending = new Map<string, PendingTask>();

  constructor(
    private readonly departments: DepartmentRegistry,
    private readonly ledger: Ledger,
    private readonly retry: CallbackRetry,
    private readonly random: () => number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** A task just filed: decide it after `delayMs`. */
  accept(request: DispatchRequest, delayMs: number): void {
    const task: PendingTask = { request, abort: new AbortController() };
    this.#pending.set(request.taskId, task);
    this.#schedule(task, delayMs);
  }

  /** Withdrawal: no decision, no further callback attempt. Unknown or finished tasks are ignored. */
  cancel(taskId: string): void {
    const task = this.#pending.get(taskId);
    if (!task) return;
    clearTimeout(task.timer);
    task.abort.abort();
    this.#pending.delete(taskId);
  }

  cancelAll(): void {
    for (const taskId of [...this.#pending.keys()]) this.cancel(taskId);
  }

  #schedule(task: PendingTask, ms: number): void {
    task.timer = setTimeout(() => {
      this.#fire(task).catch((err: unknown) =>
        this.log.error({ err, taskId: task.request.taskId }, 'decision failed'),
      );
    }, ms);
  }

  async #fire(task: PendingTask): Promise<void> {
    task.timer = undefined;
    if (task.abort.signal.aborted) return;
    const { request } = task;
    const d = this.departments.find(request.department)!;
    const now = Date.now();
    // A system that is down decides nothing; poll so a shortened or cleared outage is noticed.
    if (inOutage(d, now)) return this.#schedule(task, Math.min(d.outage!.until - now, 250));

    let body: DecisionCallback;
    const base = { taskId: request.taskId, caseId: request.caseId, stepId: request.stepId };
    try {
      if (d.approveRate < 1 && this.random() >= d.approveRate)
        throw new Denial('Simulated denial: the application does not meet the conditions.');
      const outputs = fabricateOutputs(request.expectedOutputs, this.random);
      body = {
        ...base,
        outcome: 'approve',
        outputs,
        opinion: `Approved by ${d.code} (simulated department system).`,
      };
    } catch (err) {
      if (!(err instanceof Denial || err instanceof UnsupportedPattern)) throw err;
      body = {
        ...base,
        outcome: 'deny',
        opinion: `Denied by ${d.code} (simulated department system).`,
        reasons: [err.message],
      };
    }
    const decision = this.ledger.decide(request.taskId, body.outcome);
    await sendCallback(
      {
        taskId: request.taskId,
        callbackUrl: request.callbackUrl,
        department: d,
        raw: JSON.stringify(body),
        signal: task.abort.signal,
      },
      decision,
      this.retry,
      this.log,
    );
    this.#pending.delete(request.taskId);
  }
}
