// The 秒批 steps one transition releases are judged by one local activity (patch 'instant-rules-one-call'),
// and the decisions are the ones judging each in turn gives: a step judged against outputs the case turns
// out not to have (the step before it was refused) is judged again. The history replays.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { listSteps } from '../db/cases.ts';
import type { AutoRule } from '../process/definition.ts';
import { type DecideArgs, decideUpdate } from '../workflows/messages.ts';
import { definition, step } from './fixtures/definitions.ts';
import { engineWithClerk, replays, startCase, untilAwaiting, workerWithActivities } from './helpers.ts';

const t = engineWithClerk();

const decide = (stepId: string): DecideArgs => ({
  stepId,
  outcome: 'approve',
  opinion: 'OK',
  actor: { userId: randomUUID(), department: 'D1' },
});

/** A rule approving with literal outputs (JsonLogic gives a literal back as it is, as bench/mix.ts's rules). */
const approveWith = (
  id: string,
  outputs: Record<string, string | number> | undefined,
  when: AutoRule['when'] = true,
): AutoRule => ({
  id,
  description: 'The records agree',
  when,
  outcome: 'approve',
  ...(outputs ? { outputs: outputs as unknown as AutoRule['outputs'] } : {}),
});
const output = (name: string) => ({ name, title: name, type: 'string' as const });

async function run(stepsOf: ReturnType<typeof definition>, calls: string[][]) {
  const taskQueue = `wave-${randomUUID()}`;
  // The rules activities counted: the steps judged, per call, in order.
  const worker = await workerWithActivities(t.engine, taskQueue, (real) => ({
    decideByRules: (args) => {
      calls.push(['one']);
      return real.decideByRules(args);
    },
    decideWaveByRules: (args) => {
      calls.push(args.steps.map((s) => s.stepId));
      return real.decideWaveByRules(args);
    },
  }));
  const running = worker.run();
  try {
    const target = { db: t.engine.database.db, client: t.engine.temporal.client, taskQueue, clerk: t.clerk };
    const handle = await startCase(target, stepsOf);
    await untilAwaiting(handle, 'a');
    const answer = await handle.executeUpdate(decideUpdate, { args: [decide('a')] });
    const shown = Object.fromEntries(
      (await listSteps(t.engine.database.db, handle.workflowId)).map((s) => [s.stepId, s.status]),
    );
    await replays(handle);
    return { answer, shown };
  } finally {
    worker.shutdown();
    await running;
  }
}

it('judges the instant steps one decision releases with one local activity, each seeing those before it', async () => {
  // a releases three 秒批 steps; y's rule holds only once x's output is in, as when each is judged in turn.
  const wave = definition([
    step('a'),
    step('x', ['a'], {
      adapter: 'auto',
      rules: [approveWith('x', { xNo: 'X-1' })],
      outputs: [output('xNo')],
    }),
    step('y', ['a'], {
      adapter: 'auto',
      rules: [approveWith('y', { yNo: 'Y-1' }, { '==': [{ var: 'outputs.xNo' }, 'X-1'] })],
      otherwise: 'worklist',
      outputs: [output('yNo')],
    }),
    step('z', ['a'], { adapter: 'auto', rules: [approveWith('z', undefined)] }),
    step('review', ['x', 'y', 'z']),
  ]);
  const calls: string[][] = [];
  const { answer, shown } = await run(wave, calls);
  expect(calls).toEqual([['x', 'y', 'z']]);
  const decided = { a: 'approved', x: 'approved', y: 'approved', z: 'approved', review: 'awaiting_decision' };
  expect(answer.steps).toMatchObject(decided);
  expect(shown).toMatchObject(decided);
}, 60_000);

it('judges a step again when the step before it was refused, so it does not see outputs the case lacks', async () => {
  // x's rule gives a number where a string is due: its decision is refused (an incident, no outputs), so y,
  // judged with the wave as if xNo were in, is judged again without it and goes to the worklist.
  const refused = definition([
    step('a'),
    step('x', ['a'], { adapter: 'auto', rules: [approveWith('x', { xNo: 7 })], outputs: [output('xNo')] }),
    step('y', ['a'], {
      adapter: 'auto',
      rules: [approveWith('y', { yNo: 'Y-1' }, { '!!': [{ var: 'outputs.xNo' }] })],
      otherwise: 'worklist',
      outputs: [output('yNo')],
    }),
    step('review', ['x', 'y']),
  ]);
  const calls: string[][] = [];
  const { answer, shown } = await run(refused, calls);
  expect(calls).toEqual([['x', 'y'], ['one']]);
  expect(answer.steps).toMatchObject({ a: 'approved', x: 'awaiting_decision', y: 'awaiting_decision' });
  expect(shown).toMatchObject({ x: 'awaiting_decision', y: 'awaiting_decision', review: 'blocked' });
}, 60_000);

it('judges a lone instant step as before, with no wave', async () => {
  const lone = definition([
    step('a'),
    step('x', ['a'], { adapter: 'auto', rules: [approveWith('x', undefined)] }),
    step('review', ['x']),
  ]);
  const calls: string[][] = [];
  const { answer } = await run(lone, calls);
  expect(calls).toEqual([['one']]);
  expect(answer.steps).toMatchObject({ x: 'approved', review: 'awaiting_decision' });
}, 60_000);
