// A worker killed in the middle of a case, after it wrote batches the history does not keep. Found by the
// chaos run: a home-transfer case was left with a step the read model showed waiting and its decision
// refused (409 step-not-awaiting-decision), because the next worker validated the decision before the
// transition that released the step had run again. Found by this test on the way: that worker's first
// batch, one the dead worker had written too, was refused for good as stale (the dead worker's later
// batch carried a longer history), and the case stopped.
//
// A transition waits for the batches written before it (their local activities); an Update's validator
// runs at once. So while a transition waits, validators leave the case's state to the handler.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { NativeConnection } from '@temporalio/worker';
import { expect, inject, it } from 'vitest';
import { verifyChain } from '../db/audit.ts';
import { findStep } from '../db/cases.ts';
import type { CaseEvent } from '../process/events.ts';
import { chainHeadsQuery, type DecideArgs, decideUpdate, stateQuery } from '../workflows/messages.ts';
import { definition, step } from './fixtures/definitions.ts';
import { caseWorkerOn, engineWithClerk, startCase, untilAwaiting, workerWithProjection } from './helpers.ts';
import { tcpLink } from './tcp-link.ts';

const t = engineWithClerk();

// c runs beside a; b waits for a.
const steps = definition([step('c'), step('a'), step('b', ['a'])]);

const decide = (stepId: string): DecideArgs => ({
  stepId,
  outcome: 'approve',
  opinion: 'OK',
  actor: { userId: randomUUID(), department: 'D1' },
});

const TASK_TIMEOUT = '2 seconds';
const HELD_MS = 2500;

/** A worker whose projection of a batch is held HELD_MS while `held()` says so. */
async function slowWorker(taskQueue: string, held: () => boolean) {
  const worker = await workerWithProjection(t.engine, taskQueue, (project) => async (args) => {
    if (held()) await delay(HELD_MS);
    return project(args);
  });
  return { worker, running: worker.run() };
}

async function started(taskQueue: string) {
  const handle = await startCase(
    { db: t.engine.database.db, client: t.engine.temporal.client, taskQueue, clerk: t.clerk },
    steps,
    {},
    { workflowTaskTimeout: TASK_TIMEOUT },
  );
  await untilAwaiting(handle, 'a');
  return handle;
}

it('accepts a decision sent while the transition releasing its step waits for earlier batches', async () => {
  const taskQueue = `queued-${randomUUID()}`;
  let hold = false;
  const { worker, running } = await slowWorker(taskQueue, () => hold);
  try {
    const handle = await started(taskQueue);
    hold = true;
    const c = handle.executeUpdate(decideUpdate, { args: [decide('c')] });
    await delay(300); // c's batch is being written, held: a's transition queues behind it
    const a = handle.executeUpdate(decideUpdate, { args: [decide('a')] });
    await delay(100);
    const b = handle.executeUpdate(decideUpdate, { args: [decide('b')] });
    const results = await Promise.allSettled([c, a, b]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason?.cause?.type) : 'ok'))).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
  } finally {
    hold = false;
    worker.shutdown();
    await running;
  }
}, 60_000);

it('accepts a decision on a step shown waiting when the worker that released it died before its task completed', async () => {
  const taskQueue = `queued-killed-${randomUUID()}`;
  const first = await caseWorkerOn(t.engine, taskQueue);
  const firstRunning = first.run();
  const handle = await started(taskQueue);
  first.shutdown();
  await firstRunning;

  // The dying worker writes c's batch slowly (it outlives the task, so a's decision arrives in the next
  // one and waits for it), then a's batch, which releases b. Then its connection is cut, as when it is
  // killed: that task never completes, the history keeps neither batch, and the read model shows b waiting.
  const has = (args: { events: CaseEvent[] }, type: string, stepId: string) =>
    args.events.some((e) => e.type === type && 'stepId' in e && e.stepId === stepId);
  let dying = true;
  const link = await tcpLink(inject('temporalAddress'));
  const connection = await NativeConnection.connect({ address: link.address });
  const doomed = await workerWithProjection(
    t.engine,
    taskQueue,
    (project) => async (args) => {
      if (dying && has(args, 'step.approved', 'c')) await delay(HELD_MS);
      const hash = await project(args);
      if (dying && has(args, 'step.dispatched', 'b')) await new Promise(() => undefined); // never answers
      return hash;
    },
    { connection, shutdownForceTime: '200 ms' },
  );
  const doomedRunning = doomed.run().catch(() => undefined); // cut off and forced to stop: it rejects
  const c = handle.executeUpdate(decideUpdate, { args: [decide('c')] });
  await delay(300);
  const a = handle.executeUpdate(decideUpdate, { args: [decide('a')] });
  const shown = async () => (await findStep(t.engine.database.db, handle.workflowId, 'b'))?.status;
  for (let i = 0; i < 200 && (await shown()) !== 'awaiting_decision'; i++) await delay(20);
  expect(await shown()).toBe('awaiting_decision');
  await link.cut();
  dying = false;
  doomed.shutdown();
  await doomedRunning;
  await connection.close().catch(() => undefined);

  // The decision on b, as the read model invites, reaches the next worker in the task that retries a's.
  const b = handle.executeUpdate(decideUpdate, { args: [decide('b')] });
  await delay(300);
  const fresh = await caseWorkerOn(t.engine, taskQueue);
  const freshRunning = fresh.run();
  try {
    const results = await Promise.allSettled([c, a, b]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason?.cause?.type) : 'ok'))).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
    expect((await handle.query(stateQuery)).steps).toEqual({ a: 'approved', b: 'approved', c: 'approved' });
    // The read model and the trail are the history's: the dead task's batch replaced, the chain whole.
    for (const id of ['a', 'b', 'c'])
      expect((await findStep(t.engine.database.db, handle.workflowId, id))?.status, id).toBe('approved');
    const heads = await handle.query(chainHeadsQuery);
    expect(await verifyChain(t.engine.database.db, handle.workflowId, heads)).toMatchObject({ intact: true });
  } finally {
    fresh.shutdown();
    await freshRunning;
  }
}, 60_000);
