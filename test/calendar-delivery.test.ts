// A calendar published after intake reaches the running cases: a case accepted on Tue 1 Dec 2026 with
// a 30-working-day limit runs into 2027, whose holidays are not published yet, so its deadline is
// unknown; once an administrator publishes 2027 the case counts with it, and the deadline is known in the
// workflow (its state query), in the read model (the step row, the case's promise, the applicant's
// tracking page), and its alarm rings on the day. On the time-skipping test server, started at that
// instant, so the dates are fixed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import type { App } from '../api/deps.ts';
import { caseTimeline, findCase, listSteps } from '../db/cases.ts';
import type { Database } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { companyStartup } from '../processes/company-startup.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { publishCatalog } from '../services/system.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { stateQuery } from '../workflows/messages.ts';
import { SAMPLES } from './fixtures/examples.ts';
import { callApi, openTestDatabase, uploadMaterials } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';
import { timeSkippingServerAt } from './time-skipping.ts';

const CST = (local: string) => new Date(`${local}+08:00`).getTime();
const ACCEPTED = '2026-12-01T10:00:00';

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
let app: App;
let url: string;
let tokens: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'yjs-calendar-delivery-'));

beforeAll(async () => {
  env = await timeSkippingServerAt(new Date(CST(ACCEPTED)).toISOString());
  database = await openTestDatabase();
  const definitions = new DefinitionStore(database.db);
  await publishCatalog(definitions);
  tokens = Object.fromEntries((await ensureDemoUsers(database.db, dir)).map((c) => [c.user, c.token]));
  worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: 'calendar-delivery',
    db: database.db,
    payloadKeys: TEST_PAYLOAD_KEYS,
  });
  running = worker.run();
  app = await buildApp({
    db: database.db,
    definitions,
    client: env.client,
    taskQueue: 'calendar-delivery',
    materials: new FsMaterialStore(join(dir, 'materials')),
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  await env?.teardown();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, token: string | undefined, body?: unknown, headers = {}) =>
  callApi(url, method, path, token, body, headers);

/** Company start-up cut down to its registration step: 1 working day promised, 30 statutory; 25 for the case. */
function longRegistration(): ProcessDefinition {
  const { promise: _promise, ...process } = companyStartup;
  const { limits: _limits, ...registration } = companyStartup.steps[0]!;
  return {
    ...process,
    id: 'registration-long',
    steps: [{ ...registration, limits: { promised: { days: 1 }, statutory: { days: 30 } } }],
    promise: { days: 25 },
  };
}

/** Test data, not the State Council's notice: New Year's Day off, nothing else. */
const YEAR_2027 = { region: 'CN', year: '2027', offDays: ['2027-01-01'], makeupWorkdays: [] };

describe('publishing a calendar year', () => {
  it('makes the unknown deadlines of a running case known, in the workflow and the read model', async () => {
    expect((await call('POST', '/api/processes', tokens.admin!, longRegistration())).status).toBe(201);
    const materials = await uploadMaterials(
      url,
      tokens.clerk!,
      companyStartup.materials.map((m) => m.id),
    );
    const created = await call('POST', '/api/cases', tokens.clerk!, {
      processId: 'registration-long',
      application: SAMPLES['company-startup']!.application,
      materials,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, caseNo, trackingCode } = created.body as { id: string; caseNo: string; trackingCode: string };
    const handle = env.client.workflow.getHandle(id);
    const step = async () => (await listSteps(database.db, id))[0]!;

    // Before: 30 working days from 1 Dec run past 31 Dec; the promised day (2 Dec) is known.
    const before = await step();
    expect(before.statutoryDeadline).toBeNull();
    expect(before.promisedDeadline).not.toBeNull();
    expect(before.deadlineNote).toBe(
      'statutory deadline unknown: the 2027 holiday calendar is not published yet',
    );
    expect((await findCase(database.db, id))!.promisedDeadline).toBeNull();
    const stateBefore = await handle.query(stateQuery);
    expect(stateBefore.deadlines.promised).toBeUndefined();
    expect(stateBefore.deadlines.steps.registration?.statutory).toBeUndefined();
    const tracked = () =>
      call('GET', `/api/track/${encodeURIComponent(caseNo)}`, undefined, undefined, {
        'x-tracking-code': trackingCode,
      });
    expect((await tracked()).body.promisedDate).toBeNull();

    // A department's account may not publish; nothing is delivered.
    expect((await call('POST', '/api/calendars/years', tokens.samr!, YEAR_2027)).status).toBe(403);
    expect((await step()).statutoryDeadline).toBeNull();

    const published = await call('POST', '/api/calendars/years', tokens.admin!, YEAR_2027);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.years['2027'].offDays).toEqual(['2027-01-01']);
    // This case's statutory clock and its promise.
    expect(published.body.runningCases).toEqual({
      cases: 1,
      updated: 1,
      deadlines: 2,
      current: 0,
      skipped: 0,
      failed: [],
    });

    // After (the read model answered before the publication did): a limit in days ends at the close of
    // office on the last of them, counted from the day after acceptance. 30 days: 22 in December (2-31),
    // 4-8 January (1 January off), 11-13 January. The case's 25: 22 in December, 4-6 January.
    const statutory = CST('2027-01-13T17:00:00');
    const promised = CST('2027-01-06T17:00:00');
    const after = await step();
    expect(after.statutoryDeadline?.getTime()).toBe(statutory);
    expect(after.deadlineNote).toBeNull();
    expect(after.promisedDeadline?.getTime()).toBe(before.promisedDeadline!.getTime());
    const kase = (await findCase(database.db, id))!;
    expect(kase.promisedDeadline?.getTime()).toBe(promised);
    expect(kase.yellowAt).not.toBeNull();
    expect((await tracked()).body.promisedDate).toBe('2027-01-06');

    const state = await handle.query(stateQuery);
    expect(state.deadlines.promised).toBe(new Date(promised).toISOString());
    expect(state.deadlines.steps.registration?.statutory).toBe(new Date(statutory).toISOString());
    expect(state.deadlines.steps.registration?.note).toBeUndefined();

    const timeline = await caseTimeline(database.db, id);
    const recorded = timeline.filter(
      (e) => e.type.endsWith('calendar_updated') || e.type.endsWith('updated'),
    );
    expect(recorded.map((e) => e.type)).toEqual(['case.calendar_updated', 'step.deadlines_updated']);
    expect(recorded[0]!.details).toMatchObject({ region: 'CN', years: ['2024', '2025', '2026', '2027'] });

    // Publishing the same year again changes nothing and records nothing: the case has it.
    const again = await call('POST', '/api/calendars/years', tokens.admin!, YEAR_2027);
    expect(again.body.runningCases).toMatchObject({ cases: 1, updated: 0, current: 1, failed: [] });
    expect((await caseTimeline(database.db, id)).length).toBe(timeline.length);

    // The alarm is armed on the new deadline: the statutory clock turns red on 13 Jan.
    const red = async () =>
      (await caseTimeline(database.db, id)).filter(
        (e) => e.type === 'step.warning' && e.details.clock === 'statutory' && e.details.level === 'red',
      );
    await env.sleep(statutory - 60_000 - Number(await env.currentTimeMs()));
    expect(await red()).toEqual([]);
    await env.sleep(120_000);
    await expect.poll(red, { timeout: 20_000 }).toHaveLength(1);
    expect((await red())[0]!.details.deadline).toBe(new Date(statutory).toISOString());
    await handle.terminate('test done');
  });
});
