// Time as the law counts it, on the time-skipping test server started at real calendar edges of 2026
// (the National Day break and its make-up Saturday): deadlines, pauses for supplements and special
// stages, yellow and red warnings fired once each at the right instants, and 容缺 deadlines.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogNotifier } from '../activities/notifier.ts';
import { bundledNationalCalendar } from '../db/calendars.ts';
import { caseTimeline, listSteps } from '../db/cases.ts';
import type { Database } from '../db/client.ts';
import { createUser } from '../db/users.ts';
import type { Deficiency } from '../process/case-machine.ts';
import type { ProcessDefinition, StepDefinition } from '../process/definition.ts';
import { companyStartup } from '../processes/company-startup.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import {
  closeStageUpdate,
  decideUpdate,
  openStageUpdate,
  stateQuery,
  supplementUpdate,
} from '../workflows/messages.ts';
import { definition, step } from './fixtures/definitions.ts';
import { openTestDatabase, startCase } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';
import { timeSkippingServerAt } from './time-skipping.ts';

const CST = (local: string) => new Date(`${local}+08:00`).getTime();
const iso = (local: string) => new Date(CST(local)).toISOString();
/** Within a second: requests reach the server a few milliseconds after the instant the test skipped to. */
const near = (actual: Date | null | undefined, local: string) =>
  expect(Math.abs((actual?.getTime() ?? 0) - CST(local))).toBeLessThan(1000);

interface Rig {
  env: TestWorkflowEnvironment;
  database: Database;
  worker: Worker;
  running: Promise<void>;
  notifications: string[];
  clerk: string;
}
let rig: Rig | undefined;

afterEach(async () => {
  if (!rig) return;
  rig.worker.shutdown();
  await rig.running;
  await rig.env.teardown();
  await rig.database.close();
  rig = undefined;
});

async function startRig(localStart: string): Promise<Rig> {
  const env = await timeSkippingServerAt(iso(localStart));
  const database = await openTestDatabase();
  const notifications: string[] = [];
  const worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: 'clocks',
    db: database.db,
    payloadKeys: TEST_PAYLOAD_KEYS,
    notifier: createLogNotifier((line) => notifications.push(line)),
  });
  const running = worker.run();
  const clerk = (await createUser(database.db, { username: 'clerk', displayName: 'Clerk', role: 'clerk' }))
    .id;
  rig = { env, database, worker, running, notifications, clerk };
  return rig;
}

// Built on company start-up's form and materials, with only the limits each test gives.
const { limits: _stepLimits, id: _stepId, ...registration } = companyStartup.steps[0]!;
const { promise: _casePromise, steps: _steps, ...startup } = companyStartup;
const startupStep = (id: string, extra: Partial<StepDefinition> = {}) =>
  step(id, {
    ...registration,
    title: id,
    dependsOn: [],
    inputs: [],
    outputs: [],
    onDeny: 'cancel-dependants',
    ...extra,
  });
const startupDefinition = (steps: StepDefinition[], promise?: ProcessDefinition['promise']) =>
  definition(steps, { ...startup, id: `clock-${randomUUID().slice(0, 8)}`, ...(promise ? { promise } : {}) });

/** A case under the national calendar, once the read model shows its first dispatch. */
async function startRigCase(r: Rig, def: ProcessDefinition, deficiencies: Deficiency[] = []) {
  const handle = await startCase(
    { db: r.database.db, client: r.env.client, taskQueue: 'clocks', clerk: r.clerk },
    def,
    { calendar: bundledNationalCalendar(), warning: { fraction: 0.2 }, deficiencies },
  );
  await expect
    .poll(async () =>
      (await listSteps(r.database.db, handle.workflowId)).some((s) => s.dispatchedAt !== null),
    )
    .toBe(true);
  return handle;
}

/** Skips the server's clock to a local (China) time. */
async function skipTo(r: Rig, local: string): Promise<void> {
  const now = Number(await r.env.currentTimeMs());
  const target = CST(local);
  if (target > now) await r.env.sleep(target - now);
}

async function warnings(r: Rig, caseId: string) {
  const events = await caseTimeline(r.database.db, caseId);
  return events
    .filter((e) => e.type === 'step.warning' || e.type === 'case.warning')
    .map((e) => `${e.stepId ?? 'case'}:${e.details.level}@${e.details.deadline}`);
}

async function stepRow(r: Rig, caseId: string, stepId: string) {
  return (await listSteps(r.database.db, caseId)).find((s) => s.stepId === stepId)!;
}

const decide = (stepId: string) => ({
  stepId,
  outcome: 'approve' as const,
  opinion: 'OK',
  actor: { userId: randomUUID(), department: 'SAMR' },
});

describe('clocks across National Day 2026', () => {
  it('counts a step accepted the day before the holiday to after it, and the case to the make-up Saturday; yellow then red, once each', async () => {
    const r = await startRig('2026-09-30T10:00:00');
    const limits = { promised: { days: 1 }, statutory: { days: 20 } };
    const def = startupDefinition([startupStep('review', { limits })], { days: 3 });
    const handle = await startRigCase(r, def);
    const row = await stepRow(r, handle.workflowId, 'review');
    // 1 working day from Wed 30 Sep: 1-7 Oct are off, so the close of office on Thu 8 Oct.
    expect(row.promisedDeadline?.toISOString()).toBe(iso('2026-10-08T17:00:00'));
    // Budget 15 working hours; yellow with 20% (3 h) left. The server's clock started at 10:00 and ran on
    // while the case was submitted: every second of that shortens the budget and moves yellow 0.2 s later.
    const late = row.dispatchedAt!.getTime() - CST('2026-09-30T10:00:00');
    expect(Math.abs(row.yellowAt!.getTime() - (CST('2026-10-08T14:00:00') + 0.2 * late))).toBeLessThan(2000);

    await skipTo(r, '2026-10-08T13:59:00');
    expect(await warnings(r, handle.workflowId)).toEqual([]);
    await skipTo(r, '2026-10-08T14:01:00');
    await expect.poll(() => warnings(r, handle.workflowId)).toHaveLength(1);
    await skipTo(r, '2026-10-08T17:01:00');
    await expect.poll(() => warnings(r, handle.workflowId)).toHaveLength(2);
    // The case's 3 working days end on the make-up Saturday, 10 Oct (a working day).
    await skipTo(r, '2026-10-10T17:01:00');
    await expect.poll(() => warnings(r, handle.workflowId)).toHaveLength(4);
    await skipTo(r, '2026-10-13T12:00:00');
    const fired = await warnings(r, handle.workflowId);
    expect(fired.map((w) => w.split('@')[0])).toEqual([
      'review:yellow',
      'review:red',
      'case:yellow',
      'case:red',
    ]);
    expect(fired[1]).toBe(`review:red@${iso('2026-10-08T17:00:00')}`);
    expect(fired[3]).toBe(`case:red@${iso('2026-10-10T17:00:00')}`);
    // Each warning notified once (managers, and the department's supervisors for step warnings).
    expect(r.notifications.map((n) => JSON.parse(n).kind)).toEqual([
      'step.yellow',
      'step.red',
      'case.yellow',
      'case.red',
    ]);
    expect(r.notifications.join()).not.toMatch(/张三|idNumber/);

    await handle.executeUpdate(decideUpdate, { args: [decide('review')] });
    expect((await handle.result()).status).toBe('completed');
    expect(await warnings(r, handle.workflowId)).toHaveLength(4);
  });
});

describe('pauses', () => {
  it('a supplement request pauses only its step; a special stage pauses its step; deadlines move by the paused working time', async () => {
    const r = await startRig('2026-09-14T10:00:00');
    const limits = { promised: { days: 2 } };
    const def = startupDefinition([
      startupStep('a', { limits }),
      startupStep('b', { department: 'TAX', limits }),
      startupStep('c', { department: 'PSB', limits }),
    ]);
    const handle = await startRigCase(r, def);
    const due = iso('2026-09-16T17:00:00');
    expect((await stepRow(r, handle.workflowId, 'a')).promisedDeadline?.toISOString()).toBe(due);

    await skipTo(r, '2026-09-14T13:00:00');
    await handle.executeUpdate(decideUpdate, {
      args: [
        { ...decide('a'), outcome: 'supplement', items: [{ item: 'premises-proof', reason: 'unreadable' }] },
      ],
    });
    await skipTo(r, '2026-09-14T15:00:00');
    await handle.executeUpdate(openStageUpdate, {
      args: [
        { stepId: 'b', kind: 'site-inspection', opinion: 'visit', actor: { userId: 'u', department: 'TAX' } },
      ],
    });
    await skipTo(r, '2026-09-15T10:00:00');
    await handle.executeUpdate(closeStageUpdate, {
      args: [{ stepId: 'b', opinion: 'done', actor: { userId: 'u', department: 'TAX' } }],
    });
    await skipTo(r, '2026-09-15T11:00:00');
    await handle.executeUpdate(supplementUpdate, {
      args: [{ stepId: 'a', note: 'clear copy', materials: [], actor: { userId: r.clerk } }],
    });

    // a: paused 13:00-17:00 and 09:00-11:00 = 6 working hours; b: 15:00-17:00 and 09:00-10:00 = 3 hours.
    near((await stepRow(r, handle.workflowId, 'a')).promisedDeadline, '2026-09-17T15:00:00');
    near((await stepRow(r, handle.workflowId, 'b')).promisedDeadline, '2026-09-17T12:00:00');
    expect((await stepRow(r, handle.workflowId, 'c')).promisedDeadline?.toISOString()).toBe(due);

    // c alone turns red at the original deadline.
    await skipTo(r, '2026-09-16T17:01:00');
    await expect
      .poll(async () => (await warnings(r, handle.workflowId)).filter((w) => w.includes(':red')))
      .toEqual([`c:red@${due}`]);
    await handle.terminate('done');
  });

  it('fires nothing for a step decided before yellow', async () => {
    const r = await startRig('2026-09-14T10:00:00');
    const def = startupDefinition([
      startupStep('a', { limits: { promised: { days: 2 } } }),
      startupStep('b', { department: 'TAX' }),
    ]);
    const handle = await startRigCase(r, def);
    await skipTo(r, '2026-09-14T11:00:00');
    await handle.executeUpdate(decideUpdate, { args: [decide('a')] });
    await skipTo(r, '2026-09-21T10:00:00');
    expect((await handle.query(stateQuery)).steps.b).toBe('awaiting_decision');
    expect(await warnings(r, handle.workflowId)).toEqual([]);
    await handle.terminate('done');
  });
});

describe('one timer for the alarms of a case', () => {
  it('keeps the timer armed for an earlier instant, warns every parallel step due at once, and cancels nothing', async () => {
    const r = await startRig('2026-09-14T10:00:00');
    const limits = { promised: { days: 1 } };
    const def = startupDefinition([
      startupStep('reg', { limits }),
      startupStep('p1', { department: 'TAX', limits, dependsOn: ['reg'] }),
      startupStep('p2', { department: 'PSB', limits, dependsOn: ['reg'] }),
      startupStep('p3', { department: 'HRSS', limits, dependsOn: ['reg'] }),
    ]);
    const handle = await startRigCase(r, def);
    // reg turns yellow at about 15:00 (20% of its 8 working hours left); decided at 11:00, the three it
    // releases turn yellow the next day at about 16:00 and red at 17:00.
    await skipTo(r, '2026-09-14T11:00:00');
    await handle.executeUpdate(decideUpdate, { args: [decide('reg')] });
    await skipTo(r, '2026-09-14T16:00:00');
    expect(await warnings(r, handle.workflowId)).toEqual([]);
    await skipTo(r, '2026-09-15T16:30:00');
    await expect
      .poll(async () => (await warnings(r, handle.workflowId)).map((w) => w.split('@')[0]).sort())
      .toEqual(['p1:yellow', 'p2:yellow', 'p3:yellow']);
    await handle.executeUpdate(decideUpdate, {
      args: [{ ...decide('p1'), actor: { userId: 'u', department: 'TAX' } }],
    });
    await skipTo(r, '2026-09-15T17:01:00');
    await expect
      .poll(async () => (await warnings(r, handle.workflowId)).filter((w) => w.includes(':red')).length)
      .toBe(2);
    await handle.executeUpdate(decideUpdate, {
      args: [{ ...decide('p2'), actor: { userId: 'u', department: 'PSB' } }],
    });
    await handle.executeUpdate(decideUpdate, {
      args: [{ ...decide('p3'), actor: { userId: 'u', department: 'HRSS' } }],
    });
    expect((await handle.result()).status).toBe('completed');
    const events = (await handle.fetchHistory()).events ?? [];
    const count = (name: string) => events.filter((e) => e[name as keyof typeof e]).length;
    // reg's timer (fired with nothing due, the steps having moved on), the yellows', the reds'.
    expect(count('timerStartedEventAttributes')).toBe(3);
    expect(count('timerCanceledEventAttributes')).toBe(0);
    expect(await warnings(r, handle.workflowId)).toHaveLength(5);
  });
});

describe('accept with deficiency (容缺受理)', () => {
  it('terminates a step whose promised materials are not in by the deadline, and cancels its dependants', async () => {
    const r = await startRig('2026-09-14T10:00:00');
    const def = startupDefinition([
      startupStep('a'),
      startupStep('b', { department: 'TAX', dependsOn: ['a'] }),
      startupStep('c', { department: 'PSB' }),
    ]);
    const due = new Date(CST('2026-09-16T23:59:59.999')).toISOString();
    const handle = await startRigCase(r, def, [{ stepId: 'a', materials: ['shareholder-resolution'], due }]);
    expect((await stepRow(r, handle.workflowId, 'a')).status).toBe('awaiting_decision');
    await skipTo(r, '2026-09-16T23:00:00');
    expect((await handle.query(stateQuery)).steps.a).toBe('awaiting_decision');
    await skipTo(r, '2026-09-17T00:01:00');
    await expect
      .poll(async () => (await handle.query(stateQuery)).steps)
      .toEqual({
        a: 'terminated',
        b: 'cancelled',
        c: 'awaiting_decision',
      });
    await handle.executeUpdate(decideUpdate, {
      args: [{ ...decide('c'), actor: { userId: 'u', department: 'PSB' } }],
    });
    expect((await handle.result()).status).toBe('partially_completed');
    const terminated = (await caseTimeline(r.database.db, handle.workflowId)).find(
      (e) => e.type === 'step.terminated',
    );
    expect(terminated?.details.materials).toEqual(['shareholder-resolution']);
  });
});
