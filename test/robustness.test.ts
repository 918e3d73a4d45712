// Bad input, outages and retries, tried from outside over real HTTP against a real Temporal dev server and
// a real database: every such request gets a problem+json 4xx or a 503 with Retry-After, never a 500 or a
// request that hangs, and nothing it carried reaches the workflow. Regression tests of issue 12's findings.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { DefinitionStore } from '../db/definitions.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { companyStartup } from '../processes/company-startup.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { companyStartupApplication, registrationApproval } from './fixtures/examples.ts';
import { type ApiResponse, SAMPLE_PDF, startTestApi, type TestApi } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

let api: TestApi;
let materials: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'yjs-robust-'));
beforeAll(async () => {
  api = await startTestApi();
  materials = await api.materialsFor('company-startup');
});
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';

/** A request over real HTTP that gives up after `ms` (a request that hangs is a failure, not a wait). */
async function request(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
  ms = 15_000,
): Promise<ApiResponse & { text: string }> {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(ms),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

const call = (method: string, path: string, token: string | undefined, body?: unknown, headers = {}) =>
  request(api.url, method, path, token, body, headers);

function expectProblem(res: ApiResponse, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
}

async function submitCase(): Promise<string> {
  const created = await call('POST', '/api/cases', api.tokens.clerk, {
    processId: 'company-startup',
    application: companyStartupApplication,
    materials,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

const approveRegistration = (id: string, headers = {}, opinion = '同意') =>
  call(
    'POST',
    `/api/cases/${id}/steps/registration/decision`,
    api.tokens.samr,
    { outcome: 'approve', outputs: registrationApproval, opinion },
    headers,
  );

const stepStatus = async (id: string, stepId: string) =>
  (await call('GET', `/api/cases/${id}`, api.tokens.manager)).body.steps.find(
    (s: { stepId: string }) => s.stepId === stepId,
  ).status;

describe('text the database cannot store is refused at the edge (400 naming the field)', () => {
  it('refuses NUL and lone surrogates in decisions, withdrawals, applications, file names and user names; the case goes on', async () => {
    const id = await submitCase();
    const decision = `/api/cases/${id}/steps/registration/decision`;
    for (const [body, field] of [
      [{ outcome: 'approve', outputs: registrationApproval, opinion: NUL }, 'body.opinion'],
      [
        {
          outcome: 'approve',
          outputs: { ...registrationApproval, companyName: LONE_SURROGATE },
          opinion: 'ok',
        },
        'body.outputs.companyName',
      ],
      [{ outcome: 'deny', opinion: 'no', reasons: [NUL] }, 'body.reasons.0'],
    ] as const) {
      const res = await call('POST', decision, api.tokens.samr, body);
      expectProblem(res, 400);
      expect(res.body.errors).toContainEqual({ field, message: expect.stringMatching(/NUL/) });
    }
    const withdrawal = await call('POST', `/api/cases/${id}/withdrawal`, api.tokens.clerk, {
      reason: LONE_SURROGATE,
    });
    expectProblem(withdrawal, 400);
    expect(withdrawal.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.reason']);

    const application = await call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'company-startup',
      application: {
        ...companyStartupApplication,
        address: NUL,
        legalRepresentative: { ...companyStartupApplication.legalRepresentative, name: LONE_SURROGATE },
      },
      materials,
    });
    expectProblem(application, 400);
    for (const field of ['application.address', 'application.legalRepresentative.name'])
      expect(application.body.errors).toContainEqual({ field, message: expect.stringMatching(/NUL/) });

    const upload = await api.upload(SAMPLE_PDF, `scan${NUL}.pdf`);
    expect(upload.status, JSON.stringify(upload.body)).toBe(400);
    expect(upload.body.errors).toEqual([{ field: 'file.filename', message: expect.any(String) }]);

    const user = await call('POST', '/api/users', api.tokens.admin, {
      username: 'nul-user',
      displayName: `张${NUL}`,
      role: 'clerk',
    });
    expectProblem(user, 400);
    expect(user.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.displayName']);

    // None of it reached the workflow: the case takes a good decision at once.
    expect((await approveRegistration(id)).status).toBe(200);
    expect(await stepStatus(id, 'registration')).toBe('approved');
  });
});

describe('a projection the database refuses for good (in depth: input that got past the edge)', () => {
  it('becomes an incident on the case instead of a hot loop', async () => {
    const id = await submitCase();
    const { decideUpdate } = await import('../workflows/messages.ts');
    const handle = api.engine.temporal.client.workflow.getHandle(id);
    // Straight to the workflow, as a bug in the API's validation would let it through.
    void handle
      .executeUpdate(decideUpdate, {
        args: [
          {
            stepId: 'registration',
            outcome: 'approve',
            outputs: registrationApproval,
            opinion: NUL,
            actor: { userId: 'test', department: 'SAMR' },
          },
        ],
      })
      .catch(() => undefined);
    await expect
      .poll(
        async () =>
          (await call('GET', '/api/incidents', api.tokens.manager)).body.filter(
            (i: { caseId: string }) => i.caseId === id,
          ),
        { timeout: 20_000, interval: 500 },
      )
      .toEqual([
        expect.objectContaining({
          caseId: id,
          retrying: false,
          lastError: expect.stringMatching(/read model/),
        }),
      ]);
    // No hot loop: the history stops growing while the case waits for a person.
    const length = async () => (await handle.fetchHistory()).events?.length ?? 0;
    const before = await length();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await length()) - before).toBeLessThan(5);
  }, 60_000);
});

describe('Idempotency-Key on case actions, and a bounded wait', () => {
  it('answers a repeated decision and a repeated withdrawal with their first answers', async () => {
    const id = await submitCase();
    const key = { 'idempotency-key': randomUUID() };
    const first = await approveRegistration(id, key);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await approveRegistration(id, key);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual(first.body);
    // Without the key, the same decision is a second one, and refused.
    expect((await approveRegistration(id)).status).toBe(409);

    const withdrawKey = { 'idempotency-key': randomUUID() };
    const withdrawn = await call(
      'POST',
      `/api/cases/${id}/withdrawal`,
      api.tokens.clerk,
      { reason: '撤回' },
      withdrawKey,
    );
    expect(withdrawn.status).toBe(200);
    const repeat = await call(
      'POST',
      `/api/cases/${id}/withdrawal`,
      api.tokens.clerk,
      { reason: '撤回' },
      withdrawKey,
    );
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(repeat.body).toEqual(withdrawn.body);
    // Also once the case's workflow has ended.
    const handle = api.engine.temporal.client.workflow.getHandle(id);
    await expect
      .poll(async () => (await handle.describe()).status.name, { timeout: 20_000 })
      .toBe('COMPLETED');
    const late = await call(
      'POST',
      `/api/cases/${id}/withdrawal`,
      api.tokens.clerk,
      { reason: '撤回' },
      withdrawKey,
    );
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    expect(late.body).toEqual(withdrawn.body);
    const timeline = (await call('GET', `/api/cases/${id}`, api.tokens.manager)).body.timeline;
    expect(timeline.filter((e: { type: string }) => e.type === 'case.withdrawn')).toHaveLength(1);
  });

  it('answers 503 with Retry-After while no worker runs, and the repeat with the same key gets the decision, applied once', async () => {
    // An API of its own on a task queue whose worker this test stops and starts.
    const taskQueue = `robust-${randomUUID()}`;
    const app = await buildApp({
      db: api.engine.database.db,
      definitions: new DefinitionStore(api.engine.database.db),
      client: api.engine.temporal.client,
      taskQueue,
      materials: new FsMaterialStore(join(dir, 'materials')),
      updateWaitMs: 2000,
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const newWorker = () =>
      createCaseWorker({
        connection: api.engine.temporal.nativeConnection,
        payloadKeys: TEST_PAYLOAD_KEYS,
        namespace: api.engine.temporal.namespace,
        taskQueue,
        db: api.engine.database.db,
      });
    let worker: Worker = await newWorker();
    let running = worker.run();
    try {
      const created = await request(url, 'POST', '/api/cases', api.tokens.clerk, {
        processId: 'company-startup',
        application: companyStartupApplication,
        materials,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id;
      worker.shutdown();
      await running;

      const key = { 'idempotency-key': randomUUID() };
      const path = `/api/cases/${id}/steps/registration/decision`;
      const body = { outcome: 'approve', outputs: registrationApproval, opinion: '同意' };
      const started = Date.now();
      const waiting = await request(url, 'POST', path, api.tokens.samr, body, key, 10_000);
      expectProblem(waiting, 503);
      expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(8000);

      // So does an intake: the case is stored, its workflow waits for a worker; the repeat finishes it.
      const intakeKey = { 'idempotency-key': randomUUID() };
      const submission = { processId: 'company-startup', application: companyStartupApplication, materials };
      const intakeStarted = Date.now();
      const pending = await request(
        url,
        'POST',
        '/api/cases',
        api.tokens.clerk,
        submission,
        intakeKey,
        10_000,
      );
      expectProblem(pending, 503);
      expect(Number(pending.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Date.now() - intakeStarted).toBeLessThan(8000);

      worker = await newWorker();
      running = worker.run();
      const submitted = await request(
        url,
        'POST',
        '/api/cases',
        api.tokens.clerk,
        submission,
        intakeKey,
        20_000,
      );
      expect([200, 201], JSON.stringify(submitted.body)).toContain(submitted.status);
      const steps = (await request(url, 'GET', `/api/cases/${submitted.body.id}`, api.tokens.manager)).body
        .steps;
      expect(steps.find((s: { stepId: string }) => s.stepId === 'registration').status).toBe(
        'awaiting_decision',
      );
      const answered = await request(url, 'POST', path, api.tokens.samr, body, key, 20_000);
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      expect(answered.body.stepStatus).toBe('approved');
      const timeline = (await request(url, 'GET', `/api/cases/${id}`, api.tokens.manager)).body.timeline;
      expect(
        timeline.filter(
          (e: { type: string; stepId: string }) => e.type === 'step.approved' && e.stepId === 'registration',
        ),
      ).toHaveLength(1);
    } finally {
      await app.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    }
  }, 60_000);
});

describe('outages answer 503 with Retry-After', () => {
  it('answers a decision 503 (problem+json, Retry-After) within the bound while Temporal is unreachable', async () => {
    const id = await submitCase();
    // A port nothing listens on: Temporal is "down".
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const app = await buildApp({
      db: api.engine.database.db,
      definitions: new DefinitionStore(api.engine.database.db),
      client: new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) }),
      taskQueue: api.engine.taskQueue,
      materials: new FsMaterialStore(join(dir, 'materials')),
      updateWaitMs: 2000,
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const started = Date.now();
      const res = await request(
        url,
        'POST',
        `/api/cases/${id}/steps/registration/decision`,
        api.tokens.samr,
        { outcome: 'approve', outputs: registrationApproval, opinion: '同意' },
        {},
        20_000,
      );
      expectProblem(res, 503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await app.close();
    }
    // Nothing was applied; the real engine still takes the decision.
    expect((await approveRegistration(id)).status).toBe(200);
  }, 60_000);
});

describe('500s that were 4xx', () => {
  it('answers a multipart request without a boundary 400', async () => {
    const res = await call('POST', '/api/materials', api.tokens.clerk, 'xxxx', {
      'content-type': 'multipart/form-data',
    });
    expectProblem(res, 400);
  });

  it('answers NUL in path parameters and query values 400', async () => {
    const id = await submitCase();
    expectProblem(await call('GET', `/api/cases/${id}/materials/a%00b`, api.tokens.manager), 400);
    expectProblem(
      await call('POST', `/api/cases/${id}/steps/a%00b/decision`, api.tokens.samr, {
        outcome: 'deny',
        opinion: 'x',
      }),
      400,
    );
    expectProblem(await call('GET', '/api/tasks?department=S%00AMR', api.tokens.manager), 400);
    expectProblem(await call('GET', '/api/processes/a%00b', api.tokens.clerk), 400);
    expectProblem(await call('GET', '/api/calendars/CN%00', api.tokens.clerk), 400);
  });

  it('refuses a definition with a JsonLogic condition nested thousands deep (400, no stack overflow)', async () => {
    // Written as text: JSON.stringify itself would overflow the stack on such a value.
    const depth = 5000;
    const deep = `${'{"!":['.repeat(depth)}{"var":"application.employeeCount"}${']}'.repeat(depth)}`;
    const definition: ProcessDefinition = {
      ...companyStartup,
      id: 'deep-condition',
      version: 1,
      steps: companyStartup.steps.map((s) => (s.id === 'bank' ? { ...s, condition: { var: 'DEEP' } } : s)),
    };
    const body = JSON.stringify(definition).replace('{"var":"DEEP"}', deep);
    const res = await call('POST', '/api/processes', api.tokens.admin, body);
    expectProblem(res, 400);
    expect(res.body.errors).toContainEqual({
      field: expect.stringMatching(/condition/),
      message: expect.stringMatching(/deep/),
    });
  });

  it('answers 414 and 431 as problem+json without echoing the URL', async () => {
    const id = await submitCase();
    const long = 'x'.repeat(500);
    const res = await call('GET', `/api/cases/${id}/materials/${long}`, api.tokens.manager);
    expectProblem(res, 414);
    expect(res.text).not.toContain(long);

    const secret = 's'.repeat(20_000);
    const big = await call('GET', '/api/me', api.tokens.clerk, undefined, { 'x-filler': secret });
    expectProblem(big, 431);
    expect(big.text).not.toContain(secret);
  });
});

describe('the OpenAPI spec and the server agree', () => {
  it('declares every error response as application/problem+json, with the statuses the API sends', async () => {
    const spec = (await call('GET', '/docs/json', undefined)).body;
    const methods = ['get', 'post', 'put', 'patch', 'delete'];
    const wrong: string[] = [];
    for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!methods.includes(method)) continue;
        const responses = (op as { responses: Record<string, { content?: Record<string, unknown> }> })
          .responses;
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) < 400) continue;
          const types = Object.keys(response.content ?? {});
          if (types.length !== 1 || types[0] !== 'application/problem+json')
            wrong.push(`${method} ${path} ${status}: ${types.join(',')}`);
        }
        const statuses = Object.keys(responses);
        if (path.includes('{') && !statuses.includes('400')) wrong.push(`${method} ${path}: no 400`);
        if (!statuses.includes('503')) wrong.push(`${method} ${path}: no 503`);
        if (path.includes('{') && !statuses.includes('414')) wrong.push(`${method} ${path}: no 414`);
        if (method === 'post' && !['413', '415'].every((s) => statuses.includes(s)))
          wrong.push(`${method} ${path}: no 413/415`);
      }
    }
    expect(wrong).toEqual([]);
    const download = spec.paths['/api/cases/{id}/materials/{materialId}'].get.responses['200'];
    expect(Object.keys(download.content).sort()).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
  });

  it('takes POST .../redispatch without a body, as the README shows it', async () => {
    const id = await submitCase();
    const res = await call('POST', `/api/cases/${id}/steps/registration/redispatch`, api.tokens.manager);
    // No incident on the step: refused by the case (409), not by the body's absence (400).
    expectProblem(res, 409);
    expect(res.body.type).toMatch(/no-incident$/);
  });
});
