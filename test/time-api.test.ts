// Deadlines and clock states through the API. The Temporal test server starts on 30 Sep 2026 (China
// time, the day before the National Day break), so cases are accepted then; the API reads at the real
// present, by which every 2026 deadline has passed: red clocks, overdue lists, urgency-ordered worklists.
// Also the calendar administration and its refusals.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import type { App } from '../api/deps.ts';
import type { Database } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { companyStartup } from '../processes/company-startup.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { publishCatalog } from '../services/system.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { SAMPLES } from './fixtures/examples.ts';
import { callApi, openTestDatabase, uploadMaterials } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';
import { timeSkippingServerAt } from './time-skipping.ts';

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
let app: App;
let url: string;
let tokens: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'yjs-time-api-'));

beforeAll(async () => {
  env = await timeSkippingServerAt('2026-09-30T02:00:00Z');
  database = await openTestDatabase();
  const definitions = new DefinitionStore(database.db);
  await publishCatalog(definitions);
  tokens = Object.fromEntries((await ensureDemoUsers(database.db, dir)).map((c) => [c.user, c.token]));
  worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: 'time-api',
    db: database.db,
    payloadKeys: TEST_PAYLOAD_KEYS,
  });
  running = worker.run();
  app = await buildApp({
    db: database.db,
    definitions,
    client: env.client,
    taskQueue: 'time-api',
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

const call = (method: string, path: string, token: string, body?: unknown) =>
  callApi(url, method, path, token, body);

const materials = () =>
  uploadMaterials(
    url,
    tokens.clerk!,
    companyStartup.materials.map((m) => m.id),
  );

/** Company start-up cut down to its registration step, under the given limits. */
function quick(
  id: string,
  limits: ProcessDefinition['steps'][number]['limits'],
  promise?: ProcessDefinition['promise'],
): ProcessDefinition {
  const { promise: _promise, ...process } = companyStartup;
  const { limits: _limits, ...registration } = companyStartup.steps[0]!;
  return {
    ...process,
    id,
    steps: [{ ...registration, ...(limits ? { limits } : {}) }],
    ...(promise ? { promise } : {}),
  };
}

describe('deadlines and clocks through the API', () => {
  it('shows deadlines and clock states, lists overdue cases, and sorts worklists by urgency', async () => {
    const slow = quick('registration-slow', { statutory: { days: 20 } });
    const fast = quick('registration-fast', { promised: { days: 1 }, statutory: { days: 20 } }, { days: 3 });
    for (const def of [slow, fast]) {
      const published = await call('POST', '/api/processes', tokens.admin!, def);
      expect(published.status, JSON.stringify(published.body)).toBe(201);
    }
    const attach = await materials();
    const submit = async (processId: string) => {
      const res = await call('POST', '/api/cases', tokens.clerk!, {
        processId,
        application: SAMPLES['company-startup']!.application,
        materials: attach,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const older = await submit('registration-slow');
    const urgent = await submit('registration-fast');

    const detail = (await call('GET', `/api/cases/${urgent}`, tokens.manager!)).body;
    const [promised, statutory] = detail.steps[0].clocks;
    // Accepted Wed 30 Sep 10:00: 1 working day runs past the National Day break to Thu 8 Oct, 17:00.
    expect(promised).toMatchObject({ clock: 'promised', deadline: '2026-10-08T09:00:00.000Z', state: 'red' });
    expect(statutory.clock).toBe('statutory');
    expect(promised.usedHours).toBeGreaterThan(15);
    // The case's 3 working days end on the make-up Saturday, 10 Oct.
    expect(detail.clock).toMatchObject({ deadline: '2026-10-10T09:00:00.000Z', state: 'red' });

    const tasks = (await call('GET', '/api/tasks', tokens.samr!)).body as {
      caseId: string;
      urgency: string;
    }[];
    const order = tasks.map((t) => t.caseId).filter((id) => id === older || id === urgent);
    expect(order).toEqual([urgent, older]);
    expect(tasks.find((t) => t.caseId === urgent)!.urgency).toBe('red');

    const overdue = (await call('GET', '/api/cases?overdue=true', tokens.manager!)).body as { id: string }[];
    expect(overdue.map((c) => c.id)).toEqual(expect.arrayContaining([urgent, older]));

    const bad = await call('POST', '/api/processes', tokens.admin!, {
      ...fast,
      id: 'registration-negative',
      steps: [{ ...fast.steps[0]!, limits: { promised: { days: -1 } } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual({
      field: 'steps[0].limits.promised.days',
      message: 'must be a whole number of working days, 0 or more',
    });
  });
});

describe('calendar administration', () => {
  it('publishes a year, and refuses a date listed twice or an unknown region with specifics', async () => {
    const twice = await call('POST', '/api/calendars/years', tokens.admin!, {
      region: 'CN',
      year: '2027',
      offDays: ['2027-01-01', '2027-01-01'],
      makeupWorkdays: ['2027-01-04'],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['years.2027.offDays[1]', 'years.2027.makeupWorkdays[0]']),
    );
    const unknown = await call('POST', '/api/calendars/years', tokens.admin!, {
      region: 'CN-XX',
      year: '2027',
      offDays: [],
      makeupWorkdays: [],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('body.region');
    // Not a region code at all: refused by the schema, naming the field.
    const malformed = await call('GET', '/api/calendars/Hangzhou', tokens.admin!);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toMatch(/region/);
    expect(
      (
        await call('POST', '/api/calendars/years', tokens.manager!, {
          region: 'CN',
          year: '2027',
          offDays: [],
          makeupWorkdays: [],
        })
      ).status,
    ).toBe(403);

    const region = await call('POST', '/api/calendars/regions', tokens.admin!, {
      region: 'CN-ZJ-HZ',
      extends: 'CN',
    });
    expect(region.status).toBe(201);
    const local = await call('POST', '/api/calendars/years', tokens.admin!, {
      region: 'CN-ZJ-HZ',
      year: '2026',
      offDays: ['2026-12-01'],
      makeupWorkdays: [],
    });
    expect(local.status, JSON.stringify(local.body)).toBe(200);
    expect(local.body.years['2026'].offDays).toContain('2026-12-01');
    expect(local.body.years['2026'].offDays).toContain('2026-10-01');
    const listed = (await call('GET', '/api/calendars', tokens.clerk!)).body as { region: string }[];
    expect(listed.map((r) => r.region)).toEqual(['CN', 'CN-ZJ-HZ']);
  });
});
