// Transitions delivered together are written together (patch 'projection-batches-merged'): the decisions
// on a case's parallel steps that reach the workflow in one activation share one projection local
// activity, each answering after that write, and the read model and the audit chain are as if each had
// been written alone. The history they leave replays (the merge is decided by what the history delivers).
// And a decision that releases 秒批 steps is written with their decisions (patch
// 'instant-decisions-one-batch'): one write, not one per instant decision.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { verifyChain } from '../db/audit.ts';
import { caseTimeline, listSteps } from '../db/cases.ts';
import type { CaseEvent } from '../process/events.ts';
import { chainHeadsQuery, type DecideArgs, decideUpdate } from '../workflows/messages.ts';
import { definition, step } from './fixtures/definitions.ts';
import { engineWithClerk, replays, startCase, untilAwaiting, workerWithProjection } from './helpers.ts';

const t = engineWithClerk();

// a first; then b, c, d and e in parallel.
const steps = definition([step('a'), step('b', ['a']), step('c', ['a']), step('d', ['a']), step('e', ['a'])]);
const PARALLEL = ['b', 'c', 'd', 'e'];

const decide = (stepId: string): DecideArgs => ({
  stepId,
  outcome: 'approve',
  opinion: 'OK',
  actor: { userId: randomUUID(), department: 'D1' },
});

/** Two 秒批 steps released by a's decision, the second released by the first; then a person's step. */
const rule = (id: string) => ({
  id,
  description: 'The records agree',
  when: true,
  outcome: 'approve' as const,
});
const instantSteps = definition([
  step('a'),
  step('check', ['a'], { adapter: 'auto', rules: [rule('agree')] }),
  step('recheck', ['check'], { adapter: 'auto', rules: [rule('still-agree')] }),
  step('review', ['recheck']),
]);

const approvedIn = (events: CaseEvent[]) =>
  events.flatMap((e) => (e.type === 'step.approved' ? [e.stepId] : [])).sort(); // in the order they arrived

it('writes the decisions delivered in one activation with one local activity, each answered after it', async () => {
  const taskQueue = `merged-${randomUUID()}`;
  const batches: CaseEvent[][] = [];
  let holdNext = false;
  let holding = () => {};
  const held = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const worker = await workerWithProjection(t.engine, taskQueue, (project) => async (args) => {
    batches.push(args.events);
    // Held while the parallel decisions are sent (a's transition has run, its steps are released): they
    // reach the server during this workflow task and are delivered together in the next one.
    if (holdNext) {
      holdNext = false;
      holding();
      await delay(1500);
    }
    return project(args);
  });
  const running = worker.run();
  try {
    const handle = await startCase(
      { db: t.engine.database.db, client: t.engine.temporal.client, taskQueue, clerk: t.clerk },
      steps,
    );
    await untilAwaiting(handle, 'a');
    holdNext = true;
    const a = handle.executeUpdate(decideUpdate, { args: [decide('a')] });
    await held;
    const parallel = PARALLEL.map((s) => handle.executeUpdate(decideUpdate, { args: [decide(s)] }));
    const answers = await Promise.all([a, ...parallel]);
    expect(answers.map((r) => r.stepStatus)).toEqual([
      'approved',
      'approved',
      'approved',
      'approved',
      'approved',
    ]);
    // Each answer comes after its write: the read model already shows its step decided.
    const shown = await shownSteps(handle.workflowId);
    for (const s of ['a', ...PARALLEL]) expect(shown[s]).toBe('approved');
    expect(await handle.result()).toMatchObject({ status: 'completed' });

    // The opening, a's decision, then the four parallel decisions in one batch (the closing joins it).
    const decidedBatches = batches.map(approvedIn).filter((ids) => ids.length > 0);
    expect(decidedBatches).toEqual([['a'], PARALLEL]);

    // The trail is whole and chained, its heads as the history has them: one per write.
    const timeline = await caseTimeline(t.engine.database.db, handle.workflowId);
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    const heads = await handle.query(chainHeadsQuery);
    expect(await verifyChain(t.engine.database.db, handle.workflowId, heads)).toMatchObject({ intact: true });
    expect(heads).toHaveLength(batches.length);
    expect(heads.at(-1)![0]).toBe(timeline.at(-1)!.seq);

    await replays(handle);
  } finally {
    worker.shutdown();
    await running;
  }
}, 60_000);

it('writes a decision and the instant decisions it led to as one batch, and answers after it', async () => {
  const taskQueue = `merged-instant-${randomUUID()}`;
  const batches: CaseEvent[][] = [];
  const worker = await workerWithProjection(t.engine, taskQueue, (project) => async (args) => {
    batches.push(args.events);
    return project(args);
  });
  const running = worker.run();
  try {
    const target = { db: t.engine.database.db, client: t.engine.temporal.client, taskQueue, clerk: t.clerk };
    const handle = await startCase(target, instantSteps);
    await untilAwaiting(handle, 'a');
    const answer = await handle.executeUpdate(decideUpdate, { args: [decide('a')] });
    expect(answer.steps).toMatchObject({
      a: 'approved',
      check: 'approved',
      recheck: 'approved',
      review: 'awaiting_decision',
    });
    expect(await shownSteps(handle.workflowId)).toMatchObject({
      a: 'approved',
      check: 'approved',
      recheck: 'approved',
      review: 'awaiting_decision',
    });

    // The opening, then a's decision with both instant decisions and review's release: two writes.
    expect(batches).toHaveLength(2);
    expect(batches[1]!.map((e) => ('stepId' in e ? `${e.type} ${e.stepId}` : e.type))).toEqual([
      'step.approved a',
      'step.dispatched check',
      'step.approved check',
      'step.dispatched recheck',
      'step.approved recheck',
      'step.dispatched review',
    ]);
    await handle.executeUpdate(decideUpdate, { args: [decide('review')] });
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    const heads = await handle.query(chainHeadsQuery);
    expect(await verifyChain(t.engine.database.db, handle.workflowId, heads)).toMatchObject({ intact: true });
    await replays(handle);
  } finally {
    worker.shutdown();
    await running;
  }
}, 60_000);

/** The read model's step statuses of the case. */
async function shownSteps(caseId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await listSteps(t.engine.database.db, caseId)).map((s) => [s.stepId, s.status]));
}
