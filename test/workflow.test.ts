// caseWorkflow on a real Temporal dev server with a real database: dispatch, output propagation,
// cancellation on denial, and every way the `decide` Update refuses a decision.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, verifyChain } from '../db/audit.ts';
import { caseTimeline, listSteps } from '../db/cases.ts';
import { caseEvents } from '../db/schema.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { companyStartup } from '../processes/company-startup.ts';
import { chainHeadsQuery, type DecideArgs, decideUpdate, stateQuery } from '../workflows/messages.ts';
import { createClerk, startCase as startTestCase, startTestEngine, type TestEngine } from './helpers.ts';

let engine: TestEngine;
let clerkId: string;

beforeAll(async () => {
  engine = await startTestEngine();
  clerkId = await createClerk(engine.database.db);
});
afterAll(() => engine?.stop());

const startCase = (definition: ProcessDefinition) =>
  startTestCase(
    { db: engine.database.db, client: engine.temporal.client, taskQueue: engine.taskQueue, clerk: clerkId },
    definition,
  );

const registrationOutputs = {
  creditCode: '91330106MA2KXXXX0Q',
  companyName: '杭州示例科技有限公司',
  legalRepresentativeName: '张三',
  registeredAddress: '杭州市西湖区文三路 1 号',
  businessScope: '软件开发',
  registrationDate: '2026-11-28',
};

function decide(stepId: string, department: string, extra: Partial<DecideArgs> = {}): DecideArgs {
  return { stepId, outcome: 'approve', opinion: 'OK', actor: { userId: randomUUID(), department }, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('company start-up', () => {
  it('releases the five parallel steps with the credit code once registration is approved', async () => {
    const handle = await startCase(companyStartup);
    const result = await handle.executeUpdate(decideUpdate, {
      args: [decide('registration', 'SAMR', { outputs: registrationOutputs })],
    });
    expect(result.dispatched.sort()).toEqual(['bank', 'housing-fund', 'seal', 'social-insurance', 'tax']);

    // Read-your-writes: the read model shows the decision and the dispatch when the Update returns.
    const steps = await listSteps(engine.database.db, handle.workflowId);
    expect(steps.filter((s) => s.status === 'awaiting_decision')).toHaveLength(5);
    const state = await handle.query(stateQuery);
    expect(state.data.creditCode).toMatchObject({
      value: registrationOutputs.creditCode,
      stepId: 'registration',
    });

    const approvals: [string, string, Record<string, string | number>][] = [
      ['seal', 'PSB', { sealFilingNo: 'S-1' }],
      ['tax', 'TAX', { invoiceQuota: 25 }],
      ['social-insurance', 'HRSS', { socialInsuranceNo: 'SI-1' }],
      ['housing-fund', 'HPF', { housingFundAccountNo: 'HF-1' }],
      ['bank', 'BANK', { appointmentRef: 'B-1', appointmentDate: '2026-12-01' }],
    ];
    const results = await Promise.all(
      approvals.map(([step, dept, outputs]) =>
        handle.executeUpdate(decideUpdate, { args: [decide(step, dept, { outputs })] }),
      ),
    );
    expect(results.filter((r) => r.caseStatus === 'completed')).toHaveLength(1);
    const final = await handle.result();
    expect(final.status).toBe('completed');
    expect(final.data.invoiceQuota).toMatchObject({ value: 25, stepId: 'tax' });

    const timeline = await caseTimeline(engine.database.db, handle.workflowId);
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline.at(-1)).toMatchObject({ type: 'case.closed', details: { outcome: 'completed' } });
    const heads = await handle.query(chainHeadsQuery);
    expect(heads.at(-1)![0]).toBe(timeline.length);
    expect(await verifyChain(engine.database.db, handle.workflowId, heads)).toEqual({
      intact: true,
      events: timeline.length,
      anchor: 'anchored',
    });

    // Tampering that keeps the chain consistent (an event changed and every later hash recomputed, by
    // someone who can switch the trigger off) is found only against the heads the workflow holds.
    const db = engine.database.db;
    const caseId = handle.workflowId;
    const rows = await db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.caseId, caseId))
      .orderBy(asc(caseEvents.seq));
    const target = rows.find((r) => r.type === 'step.approved' && r.stepId === 'tax')!;
    await db.execute(sql`alter table case_events disable trigger case_events_append_only`);
    let previous = rows[target.seq - 2]!.hash;
    for (const r of rows.slice(target.seq - 1)) {
      const opinion = r.seq === target.seq ? '改过的意见' : r.opinion;
      const hash = chainHash(previous, {
        caseId,
        seq: r.seq,
        type: r.type,
        stepId: r.stepId,
        actor: r.actor,
        at: r.at.toISOString(),
        opinion,
        details: r.details,
      });
      await db.execute(
        sql`update case_events set opinion = ${opinion}, hash = ${hash} where case_id = ${caseId}::uuid and seq = ${r.seq}`,
      );
      previous = hash;
    }
    await db.execute(sql`alter table case_events enable trigger case_events_append_only`);
    expect(await verifyChain(db, caseId)).toMatchObject({ intact: true, anchor: 'unanchored' });
    const batchOfTarget = heads.findIndex(([seq]) => seq >= target.seq);
    const batchStart = batchOfTarget === 0 ? 1 : heads[batchOfTarget - 1]![0] + 1;
    expect(await verifyChain(db, caseId, heads)).toEqual({
      intact: false,
      events: timeline.length,
      brokenAt: batchStart,
      anchor: 'anchored',
    });
    expect(batchStart).toBeLessThanOrEqual(target.seq);

    // So is a removed last event.
    await db.execute(sql`alter table case_events disable trigger case_events_append_only`);
    await db.execute(
      sql`delete from case_events where case_id = ${caseId}::uuid and seq = ${timeline.length}`,
    );
    await db.execute(sql`alter table case_events enable trigger case_events_append_only`);
    expect(await verifyChain(db, caseId)).toMatchObject({ intact: true });
    expect(await verifyChain(db, caseId, heads)).toMatchObject({ intact: false });
  });

  it('refuses to change or remove a trail row, outside the replacement of a dead task’s rows', async () => {
    const handle = await startCase(companyStartup);
    await expect
      .poll(async () => (await caseTimeline(engine.database.db, handle.workflowId)).length)
      .toBeGreaterThan(0);
    const db = engine.database.db;
    await expect(
      db.execute(sql`update case_events set opinion = 'x' where case_id = ${handle.workflowId}::uuid`),
    ).rejects.toThrow();
    await expect(
      db.execute(sql`delete from case_events where case_id = ${handle.workflowId}::uuid`),
    ).rejects.toThrow();
    // The setting names another case: still refused.
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('yjs.superseding_case', ${randomUUID()}, true)`);
        await tx.execute(sql`delete from case_events where case_id = ${handle.workflowId}::uuid`);
      }),
    ).rejects.toThrow();
  });

  it('stops the whole case when registration is denied', async () => {
    const handle = await startCase(companyStartup);
    const result = await handle.executeUpdate(decideUpdate, {
      args: [decide('registration', 'SAMR', { outcome: 'deny', opinion: 'Name taken', reasons: ['name'] })],
    });
    expect(result.cancelled).toHaveLength(5);
    expect(result.caseStatus).toBe('denied');
    expect((await handle.result()).status).toBe('denied');
  });
});

describe('denial cancels only dependants', () => {
  const diamond: ProcessDefinition = {
    ...companyStartup,
    id: 'diamond',
    steps: [
      { ...companyStartup.steps[0]!, id: 'a', dependsOn: [], onDeny: 'cancel-dependants', outputs: [] },
      { ...companyStartup.steps[1]!, id: 'b', dependsOn: ['a'], inputs: [], outputs: [] },
      { ...companyStartup.steps[2]!, id: 'c', dependsOn: [], inputs: [], outputs: [] },
      { ...companyStartup.steps[3]!, id: 'd', dependsOn: ['b', 'c'], inputs: [], outputs: [] },
    ],
  };

  it('cancels b and d but lets c finish', async () => {
    const handle = await startCase(diamond);
    const denied = await handle.executeUpdate(decideUpdate, {
      args: [decide('a', 'SAMR', { outcome: 'deny', opinion: 'No' })],
    });
    expect(denied.cancelled.sort()).toEqual(['b', 'd']);
    expect(denied.caseStatus).toBe('running');
    const state = await handle.query(stateQuery);
    expect(state.steps.c).toBe('awaiting_decision');
    const approved = await handle.executeUpdate(decideUpdate, { args: [decide('c', 'TAX')] });
    expect(approved.caseStatus).toBe('partially_completed');
    expect((await handle.result()).steps).toEqual({
      a: 'denied',
      b: 'cancelled',
      c: 'approved',
      d: 'cancelled',
    });
  });
});

describe('the decide Update refuses', () => {
  it('every invalid decision, without touching history', async () => {
    const handle = await startCase(companyStartup);
    const cases: [DecideArgs, string][] = [
      [decide('nope', 'SAMR'), 'unknown-step'],
      [decide('seal', 'PSB', { outputs: { sealFilingNo: 'x' } }), 'step-not-awaiting-decision'],
      [decide('registration', 'TAX', { outputs: registrationOutputs }), 'wrong-department'],
      [decide('registration', 'SAMR', { outcome: 'maybe' as never }), 'malformed-decision'],
      [decide('registration', 'SAMR', { opinion: '  ', outputs: registrationOutputs }), 'malformed-decision'],
      [decide('registration', 'SAMR', { outputs: { creditCode: '91330106MA2KXXXX0Q' } }), 'invalid-outputs'],
      [
        decide('registration', 'SAMR', { outputs: { ...registrationOutputs, creditCode: 'short' } }),
        'invalid-outputs',
      ],
      [
        decide('registration', 'SAMR', { outputs: { ...registrationOutputs, surprise: 1 } }),
        'invalid-outputs',
      ],
      [
        decide('registration', 'SAMR', { outputs: { ...registrationOutputs, registrationDate: '28/11' } }),
        'invalid-outputs',
      ],
    ];
    for (const [args, type] of cases) {
      const failure = await rejection(handle.executeUpdate(decideUpdate, { args: [args] }));
      expect(failure.type, JSON.stringify(args)).toBe(type);
    }
    const missing = await rejection(
      handle.executeUpdate(decideUpdate, { args: [decide('registration', 'SAMR', { outputs: {} })] }),
    );
    expect((missing.details![0] as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'outputs.businessScope',
      'outputs.companyName',
      'outputs.creditCode',
      'outputs.legalRepresentativeName',
      'outputs.registeredAddress',
      'outputs.registrationDate',
    ]);

    // Nothing was recorded: the first valid decision is still accepted, and a second one is refused.
    expect((await handle.query(stateQuery)).seq).toBe(2);
    await handle.executeUpdate(decideUpdate, {
      args: [decide('registration', 'SAMR', { outputs: registrationOutputs })],
    });
    const again = await rejection(
      handle.executeUpdate(decideUpdate, {
        args: [decide('registration', 'SAMR', { outputs: registrationOutputs })],
      }),
    );
    expect(again.type).toBe('step-not-awaiting-decision');
    await handle.terminate('test done');
  });
});
