// SLA analytics on the time-skipping server started on Monday 2 November 2026, 09:00 China time: five cases
// of a one-step process (a 4-hour promise per step, one working day per case) are decided at chosen
// instants, and every figure of the report, its CSV, the department variant, the metrics and the history
// is checked against values this test computes by hand from what it drove (office hours 09:00-17:00).
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
import { registrationApproval, SAMPLES } from './fixtures/examples.ts';
import { callApi, openTestDatabase, uploadMaterials } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';
import { timeSkippingServerAt } from './time-skipping.ts';

const CST = (local: string) => new Date(`${local}+08:00`).getTime();
const H = 3_600_000;
const MIN = 60_000;
const METRICS_TOKEN = 'metrics-token-for-the-test';

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
let app: App;
let url: string;
let tokens: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'yjs-sla-'));
const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
  callApi(url, method, path, token, body);

/**
 * Registration alone, titled with a comma and quotes (the CSV must quote it): a 4-hour promise for the
 * step, and the case promised the same day (8 office hours: by 17:00 on the day of intake).
 */
const { promise: _p, ...startup } = companyStartup;
const { limits: _l, ...registration } = companyStartup.steps[0]!;
const quick: ProcessDefinition = {
  ...startup,
  id: 'sla-quick',
  title: '快速登记 Quick registration',
  promise: { hours: 8 },
  steps: [
    {
      ...registration,
      title: '设立登记, "快速" Registration',
      limits: { promised: { hours: 4 }, statutory: { days: 15 } },
    },
  ],
};

async function skipTo(local: string) {
  const now = Number(await env.currentTimeMs());
  if (CST(local) > now) await env.sleep(CST(local) - now);
}

const decide = (caseId: string, body: unknown) =>
  call('POST', `/api/cases/${caseId}/steps/registration/decision`, tokens.samr, body);
const approve = { outcome: 'approve', opinion: '准予登记', outputs: registrationApproval };

const cases: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };
/** Server time around the intakes: the steps were dispatched in between (the hand figures count from 09:00). */
let intakeFrom = 0;
let intakeTo = 0;
/**
 * A working time counted from the dispatch: at most the hand figure, less at most the intake's duration; the
 * report gives hours to two decimals, so either bound may be passed by half the last digit.
 */
const nearHours = (actual: number, handMs: number) => {
  const rounding = 0.005;
  expect(actual).toBeLessThanOrEqual((handMs + 60_000) / H + rounding);
  expect(actual).toBeGreaterThanOrEqual((handMs - (intakeTo - intakeFrom) - 60_000) / H - rounding);
};

beforeAll(async () => {
  env = await timeSkippingServerAt(new Date(CST('2026-11-02T09:00:00')).toISOString());
  database = await openTestDatabase();
  const definitions = new DefinitionStore(database.db);
  await publishCatalog(definitions);
  tokens = Object.fromEntries((await ensureDemoUsers(database.db, dir)).map((c) => [c.user, c.token]));
  worker = await createCaseWorker({
    connection: env.nativeConnection,
    payloadKeys: TEST_PAYLOAD_KEYS,
    namespace: env.namespace ?? 'default',
    taskQueue: 'sla',
    db: database.db,
  });
  running = worker.run();
  app = await buildApp({
    db: database.db,
    definitions,
    client: env.client,
    taskQueue: 'sla',
    materials: new FsMaterialStore(join(dir, 'materials')),
    metricsToken: METRICS_TOKEN,
    temporalUiUrl: 'http://127.0.0.1:8233',
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  expect((await call('POST', '/api/processes', tokens.admin, quick)).status).toBe(201);

  const materials = await uploadMaterials(
    url,
    tokens.clerk!,
    quick.materials.map((m) => m.id),
  );
  intakeFrom = Number(await env.currentTimeMs());
  for (const name of Object.keys(cases) as (keyof typeof cases)[]) {
    const res = await call('POST', '/api/cases', tokens.clerk, {
      processId: 'sla-quick',
      application: SAMPLES['company-startup']!.application,
      materials,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    cases[name] = res.body.id;
  }
  intakeTo = Number(await env.currentTimeMs());
  // B asks for a supplement at 10:10 (1 h 10 min used), answered at 15:00, approved Tuesday 10:40.
  await skipTo('2026-11-02T10:10:00');
  expect(
    (
      await decide(cases.B, {
        outcome: 'supplement',
        opinion: '材料不清',
        items: [{ item: 'premises-proof', reason: '不清晰' }],
      })
    ).status,
  ).toBe(200);
  await skipTo('2026-11-02T11:10:00');
  expect((await decide(cases.A, approve)).status).toBe(200); // 2 h 10 min
  await skipTo('2026-11-02T12:10:00');
  expect(
    (await decide(cases.C, { outcome: 'deny', opinion: '不予登记', reasons: ['名称不合规'] })).status,
  ).toBe(200); // 3 h 10 min
  await skipTo('2026-11-02T15:00:00');
  const answered = await call('POST', `/api/cases/${cases.B}/supplements`, tokens.clerk, {
    stepId: 'registration',
    note: '已补正',
  });
  expect(answered.status, JSON.stringify(answered.body)).toBe(200);
  await skipTo('2026-11-02T16:00:00');
  expect(
    (await call('POST', `/api/cases/${cases.D}/withdrawal`, tokens.clerk, { reason: '申请人撤回' })).status,
  ).toBe(200);
  await skipTo('2026-11-03T10:40:00');
  expect((await decide(cases.B, approve)).status).toBe(200); // 1 h 10 + 2 h + 1 h 40 = 4 h 50 min
  // E stays with SAMR: past its 4-hour promise since Monday 13:00 (the real present is later still).
}, 240_000);

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  await env?.teardown();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

// What the test drove, by hand: working time of each ended step, and whether it ended after its promise.
const ended = [
  { name: 'A', workingMs: 2 * H + 10 * MIN, late: false, supplementMs: 0 },
  // Deadline: 1 h 10 used by 10:10, 2 h 50 left from 15:00: Monday 17:00 then Tuesday 09:50. Ended 10:40.
  { name: 'B', workingMs: 4 * H + 50 * MIN, late: true, supplementMs: 4 * H + 50 * MIN },
  { name: 'C', workingMs: 3 * H + 10 * MIN, late: false, supplementMs: 0 },
];
/** Nearest rank, then the start of its half hour. */
function percentile(p: number) {
  const sorted = ended.map((e) => e.workingMs).sort((a, b) => a - b);
  const v = sorted[Math.ceil(p * sorted.length) - 1]!;
  return Math.floor(v / (H / 2)) / 2;
}

describe('SLA report', () => {
  it('gives every figure as driven: cases, promise kept, working time, supplements, bottlenecks, days', async () => {
    const res = await call(
      'GET',
      '/api/reports/sla?from=2026-11-01&to=2026-11-30&processId=sla-quick',
      tokens.manager,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body;
    // Closed: A completed Mon 11:10, C denied Mon 12:10, D withdrawn Mon 16:00, B completed Tue 10:40.
    // Promise: Monday 17:00: only B missed it.
    expect(r.cases).toEqual({
      opened: 5,
      closed: { completed: 2, partiallyCompleted: 0, denied: 1, withdrawn: 1, terminated: 0, total: 4 },
      promised: 4,
      promiseKept: 3,
      promiseKeptPercent: 75,
    });
    expect(r.steps).toHaveLength(1);
    const s = r.steps[0];
    const meanHours = ended.reduce((a, e) => a + e.workingMs, 0) / ended.length / H;
    expect(s).toMatchObject({
      processId: 'sla-quick',
      stepId: 'registration',
      department: 'SAMR',
      ended: 3,
      approved: 2,
      denied: 1,
      terminated: 0,
      supplemented: 1,
      supplementRatePercent: Math.round((1 / 3) * 10000) / 100,
      endedLate: ended.filter((e) => e.late).length,
      overdueNow: 1, // E
    });
    expect(s.workingHours.p50).toBe(percentile(0.5)); // 3.0
    expect(s.workingHours.p90).toBe(percentile(0.9)); // 4.5
    nearHours(s.workingHours.mean, meanHours * H);
    expect(s.supplementWaitHours.total).toBeCloseTo(ended[1]!.supplementMs / H, 2);
    expect(r.bottlenecks).toEqual([
      {
        processId: 'sla-quick',
        stepId: 'registration',
        title: quick.steps[0]!.title,
        department: 'SAMR',
        heldPastPromise: 2,
        endedLate: 1,
        overdueNow: 1,
      },
    ]);
    expect(r.daily).toEqual([
      { day: '2026-11-02', opened: 5, closed: 3, promised: 3, promiseKept: 3 },
      { day: '2026-11-03', opened: 0, closed: 1, promised: 1, promiseKept: 0 },
    ]);

    // A year reads monthly summaries; the figures are the same.
    const year = await call(
      'GET',
      '/api/reports/sla?from=2026-01-01&to=2026-12-31&processId=sla-quick',
      tokens.manager,
    );
    expect(year.body.cases).toEqual(r.cases);
    expect(year.body.steps).toEqual(r.steps);
    // Outside the range: nothing ended then, only what is overdue now.
    const before = await call(
      'GET',
      '/api/reports/sla?from=2026-10-01&to=2026-10-31&processId=sla-quick',
      tokens.manager,
    );
    expect(before.body.cases.opened).toBe(0);
    expect(before.body.steps[0]).toMatchObject({ ended: 0, overdueNow: 1, workingHours: { p50: null } });
  });

  it('exports CSV with a BOM, a header row and RFC 4180 quoting; per department too', async () => {
    const res = await fetch(`${url}/api/reports/sla.csv?from=2026-11-01&to=2026-11-30&processId=sla-quick`, {
      headers: { authorization: `Bearer ${tokens.manager}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'process,step,title,department,ended,approved,denied,terminated,working_hours_p50,working_hours_p90,' +
        'working_hours_mean,supplemented,supplement_rate_percent,supplement_wait_hours,ended_late,overdue_now',
    );
    const prefix = 'sla-quick,registration,"设立登记, ""快速"" Registration",SAMR,';
    expect(lines[1]!.startsWith(prefix)).toBe(true);
    const numbers = lines[1]!.slice(prefix.length).split(',').map(Number);
    const mean = ended.reduce((a, e) => a + e.workingMs, 0) / ended.length / H;
    expect(numbers.slice(0, 6)).toEqual([3, 2, 1, 0, percentile(0.5), percentile(0.9)]);
    nearHours(numbers[6]!, mean * H);
    expect(numbers.slice(7, 9)).toEqual([1, 33.33]);
    expect(Math.abs(numbers[9]! - ended[1]!.supplementMs / H)).toBeLessThan(0.02);
    expect(numbers.slice(10)).toEqual([1, 1]);
    expect(lines[2]).toBe('');

    const departments = await call(
      'GET',
      '/api/reports/sla/departments?from=2026-11-01&to=2026-11-30',
      tokens.manager,
    );
    expect(departments.body.departments).toEqual([
      expect.objectContaining({
        department: 'SAMR',
        stepsEnded: 3,
        endedLate: 1,
        overdueNow: 1,
        supplemented: 1,
        workingHours: { p50: percentile(0.5), p90: percentile(0.9) },
        cases: expect.objectContaining({ opened: 5, promiseKept: 3, promised: 4 }),
      }),
    ]);
    const psb = await call(
      'GET',
      '/api/reports/sla?from=2026-11-01&to=2026-11-30&department=PSB',
      tokens.manager,
    );
    expect(psb.body.cases.opened).toBe(0);
    expect(psb.body.steps).toEqual([]);
    const csv = await fetch(`${url}/api/reports/sla/departments.csv?from=2026-11-01&to=2026-11-30`, {
      headers: { authorization: `Bearer ${tokens.manager}` },
    });
    expect((await csv.text()).split('\r\n')[1]).toBe('SAMR,5,4,3,4,75,3,3,4.5,1,1,1');
  });

  it('refuses other roles and bad ranges, naming each field', async () => {
    expect((await call('GET', '/api/reports/sla?from=2026-11-01&to=2026-11-30', tokens.samr)).status).toBe(
      403,
    );
    expect((await call('GET', '/api/reports/sla?from=2026-11-01&to=2026-11-30', tokens.clerk)).status).toBe(
      403,
    );
    const missing = await call('GET', '/api/reports/sla', tokens.manager);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).join(' ')).toMatch(/from.*to|to.*from/);
    const bad = await call('GET', '/api/reports/sla?from=2026-02-30&to=2026-13-01', tokens.manager);
    expect(bad.status).toBe(400);
    const reversed = await call('GET', '/api/reports/sla?from=2026-11-30&to=2026-11-01', tokens.manager);
    expect(reversed.body.errors).toEqual([{ field: 'querystring.to', message: 'must not be before from' }]);
  });

  it('finds the late case by its clocks, and shows its history with clock states then', async () => {
    const red = await call('GET', '/api/cases?clock=red', tokens.manager);
    expect(red.body.map((c: { id: string }) => c.id)).toEqual([cases.E]);
    const redSteps = await call('GET', '/api/cases?stepClock=red', tokens.manager);
    expect(redSteps.body.map((c: { id: string }) => c.id)).toEqual([cases.E]);
    expect((await call('GET', '/api/tasks/counts', tokens.samr)).body).toMatchObject({ total: 1, red: 1 });

    const b = (await call('GET', `/api/cases/${cases.B}/history`, tokens.manager)).body;
    expect(b.workflowUrl).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${cases.B}`);
    const at = (type: string) => b.events.find((e: { type: string }) => e.type === type);
    expect(at('step.supplement_requested').clocks[0]).toMatchObject({ clock: 'promised', state: 'paused' });
    expect(at('step.supplemented').clocks[0]).toMatchObject({ clock: 'promised', state: 'green' });
    expect(at('step.approved').clocks[0]).toMatchObject({ state: 'stopped', finalState: 'red' });
    expect(at('step.approved').caseClock).toMatchObject({ state: 'stopped', finalState: 'red' });
    expect(at('step.approved').details.timing).toMatchObject({ supplements: 1, late: true });
    expect(b.supplements).toEqual(
      b.events
        .filter((e: { type: string }) => e.type.startsWith('step.supplement'))
        .map((e: { seq: number }) => e.seq),
    );
    const e = (await call('GET', `/api/cases/${cases.E}/history`, tokens.manager)).body;
    const warnings = e.events.filter((x: { type: string }) => x.type.endsWith('.warning'));
    expect(
      warnings.map((w: { type: string; details: { level: string } }) => `${w.type}:${w.details.level}`),
    ).toEqual(['step.warning:yellow', 'step.warning:red', 'case.warning:yellow', 'case.warning:red']);
    expect(e.warnings).toEqual(warnings.map((w: { seq: number }) => w.seq));
  });

  it('exports Prometheus metrics to the configured token only, counted from what happened', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    expect(value('yjs_cases_started_total{process="sla-quick"}')).toBe(5);
    expect(value('yjs_cases_closed_total{process="sla-quick",outcome="completed"}')).toBe(2);
    expect(value('yjs_cases_closed_total{process="sla-quick",outcome="denied"}')).toBe(1);
    expect(value('yjs_cases_closed_total{process="sla-quick",outcome="withdrawn"}')).toBe(1);
    expect(value('yjs_step_decisions_total{department="SAMR",outcome="approved"}')).toBe(2);
    expect(value('yjs_step_decisions_total{department="SAMR",outcome="denied"}')).toBe(1);
    expect(value('yjs_step_decisions_total{department="SAMR",outcome="supplement_requested"}')).toBe(1);
    expect(value('yjs_step_working_seconds_count{department="SAMR"}')).toBe(3);
    expect(value('yjs_step_working_seconds_bucket{le="14400",department="SAMR"}')).toBe(2); // A, C under 4 h
    expect(value('yjs_warnings_total{level="red",clock="promised"}')).toBeGreaterThanOrEqual(1);
    expect(value('yjs_open_cases{clock="red"}')).toBe(1);
    expect(value('yjs_incidents_open{state="stuck"}')).toBe(0);
    expect(text).toMatch(
      /yjs_http_request_duration_seconds_count\{method="GET",route="\/api\/reports\/sla",status_code="200"\} \d+/,
    );
    // No personal data: no case number, no name, no identifier.
    expect(text).not.toMatch(/YJS-|张三|330106/);
  });
});
