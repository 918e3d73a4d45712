// A decision is recorded at the same instant on the first run and on replay, even when it arrived while
// an earlier batch's projection (a local activity) outlived its workflow task. Core then heartbeats the
// task and delivers the Update in the next one, at that task's time; on replay the Update comes in the
// activation where the projection's result is replayed, whose time core moves to the local activity's
// completion. The chaos run found the read model (written on the first run) and the replayed workflow
// (after a worker restart) holding different times for the same outputs, 1.5 s apart.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { cases } from '../db/schema.ts';
import { type DecideArgs, decideUpdate, stateQuery } from '../workflows/messages.ts';
import { definition, step } from './fixtures/definitions.ts';
import { caseWorkerOn, engineWithClerk, startCase, untilAwaiting, workerWithProjection } from './helpers.ts';

const t = engineWithClerk();

const output = (name: string) => [{ name, title: name, type: 'string' as const }];
const twoSteps = definition([step('a', { outputs: output('aNo') }), step('b', { outputs: output('bNo') })]);

const decide = (stepId: string, outputs: Record<string, string>): DecideArgs => ({
  stepId,
  outcome: 'approve',
  outputs,
  opinion: 'OK',
  actor: { userId: randomUUID(), department: 'D1' },
});

/** Core heartbeats a workflow task at 80 % of its timeout: with 2 s, a projection held 2.5 s spans two, and ends in the task that delivers the next Update. */
const TASK_TIMEOUT = '2 seconds';
const HELD_MS = 2500;

it('records a decision that arrived during a long projection at the instant a replay sees', async () => {
  // A worker of its own on another task queue whose projection can be held (the real projection after a
  // pause: the database is slow, as under the chaos run's Postgres restarts).
  const taskQueue = `update-time-${randomUUID()}`;
  let hold = false;
  const slow = await workerWithProjection(t.engine, taskQueue, (project) => async (args) => {
    if (hold) await delay(HELD_MS);
    return project(args);
  });
  const slowRunning = slow.run();

  const handle = await startCase(
    { db: t.engine.database.db, client: t.engine.temporal.client, taskQueue, clerk: t.clerk },
    twoSteps,
    {},
    { workflowTaskTimeout: TASK_TIMEOUT },
  );
  const id = handle.workflowId;
  await untilAwaiting(handle, 'b');

  hold = true;
  const first = handle.executeUpdate(decideUpdate, { args: [decide('a', { aNo: 'A-1' })] });
  await delay(300); // a's batch is being written, held
  const second = handle.executeUpdate(decideUpdate, { args: [decide('b', { bNo: 'B-1' })] });
  await Promise.all([first, second]);
  hold = false;

  slow.shutdown();
  await slowRunning;
  // A fresh worker on the same queue has no cached workflow: the query replays the history.
  const fresh = await caseWorkerOn(t.engine, taskQueue);
  const freshRunning = fresh.run();
  try {
    const replayed = (await handle.query(stateQuery)).data;
    const [row] = await t.engine.database.db.select().from(cases).where(eq(cases.id, id));
    for (const name of ['aNo', 'bNo']) {
      expect(replayed[name]?.at, name).toBeDefined();
      expect(Date.parse(replayed[name]!.at), name).toBe(Date.parse(row!.data[name]!.at));
    }
  } finally {
    fresh.shutdown();
    await freshRunning;
  }
}, 60_000);
