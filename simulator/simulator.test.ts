// The simulator over real HTTP, exactly as the engine will use it: signed dispatches in, signed decision
// callbacks out to a tiny node:http receiver that checks every signature with the shared verify().
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionCallback, DispatchRequest, ExpectedOutput } from '../departments/protocol.ts';
import { dispatchPath, SIGNATURE_HEADER, TIMESTAMP_HEADER, withdrawPath } from '../departments/protocol.ts';
import { signedHeaders, type VerifyResult, verify } from '../departments/signing.ts';
import { checkOutputValue } from '../process/decision.ts';
import { CREDIT_CODE_PATTERN } from '../processes/company-startup.ts';
import type { LedgerSnapshot } from './control-types.ts';
import { fabricateOutputs, generateFromPattern, UnsupportedPattern } from './outputs.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from './server.ts';

const SECRET = 'dev-secret-tax';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  // Every test stops what it started, latest first.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(
  overrides: Partial<SimulatorOptions['departments'][number]> = {},
  options: Partial<SimulatorOptions> = {},
): Promise<Simulator> {
  const sim = await startSimulator({
    port: 0,
    departments: [{ code: 'TAX', secret: SECRET, ...overrides }],
    callbackRetry: { baseMs: 20, maxMs: 100 },
    ...options,
  });
  cleanups.push(() => sim.stop());
  return sim;
}

interface Call {
  body: DecisionCallback;
  check: VerifyResult;
  status: number;
}

/** The engine's callback endpoint in miniature; `statuses` scripts its answers, then 200 forever. */
async function receiver(statuses: number[] = []) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const check = verify(
        SECRET,
        req.headers[TIMESTAMP_HEADER] as string | undefined,
        req.headers[SIGNATURE_HEADER] as string | undefined,
        raw,
        Math.floor(Date.now() / 1000),
      );
      const status = statuses[calls.length] ?? (check.ok ? 200 : 401);
      calls.push({ body: JSON.parse(raw) as DecisionCallback, check, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/callbacks/TAX`, calls };
}

const CREDIT_CODE: ExpectedOutput = {
  name: 'taxRegistrationNo',
  type: 'string',
  pattern: CREDIT_CODE_PATTERN,
};

function request(
  taskId: string,
  callbackUrl: string,
  overrides: Partial<DispatchRequest> = {},
): DispatchRequest {
  return {
    taskId,
    caseId: 'case-1',
    caseNo: 'YJS-20260101-000001',
    processId: 'company-startup',
    stepId: 'tax',
    title: 'Invoices and tax device',
    department: 'TAX',
    fields: { companyName: 'Example Trading Co.' },
    materials: ['business-licence'],
    inputs: { creditCode: '91330106MA2B3C4D5E' },
    expectedOutputs: [
      CREDIT_CODE,
      { name: 'registeredOn', type: 'date' },
      { name: 'invoiceQuota', type: 'number' },
      { name: 'taxDeviceIssued', type: 'boolean', required: false },
    ],
    callbackUrl,
    ...overrides,
  };
}

async function post(url: string, raw: string, headers: Record<string, string>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

function dispatch(
  sim: Simulator,
  body: DispatchRequest,
  opts: { secret?: string; now?: number; key?: string } = {},
) {
  const raw = JSON.stringify(body);
  return post(`${sim.url}${dispatchPath('TAX')}`, raw, {
    'idempotency-key': opts.key ?? body.taskId,
    ...signedHeaders(opts.secret ?? SECRET, raw, opts.now),
  });
}

function withdraw(sim: Simulator, taskId: string) {
  return post(`${sim.url}${withdrawPath('TAX', taskId)}`, '{}', signedHeaders(SECRET, '{}'));
}

async function until(what: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function control(sim: Simulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/_control${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('department simulator over HTTP', () => {
  it('accepts a signed dispatch and calls back signed, with outputs the engine accepts', async () => {
    const sim = await simulator();
    const rx = await receiver();
    const sent = request('task-1', rx.url);

    const res = await dispatch(sim, sent);
    expect(res).toMatchObject({ status: 202, body: { taskId: 'task-1', received: true } });
    await until(() => rx.calls.length === 1);

    const [call] = rx.calls;
    expect(call!.check).toEqual({ ok: true });
    expect(call!.body).toMatchObject({
      taskId: 'task-1',
      caseId: 'case-1',
      stepId: 'tax',
      outcome: 'approve',
    });
    expect(call!.body.opinion).toMatch(/TAX/);
    for (const spec of sent.expectedOutputs) {
      // The engine's own output check, so the simulator cannot drift from what cases accept.
      const value = call!.body.outputs?.[spec.name];
      expect(checkOutputValue({ ...spec, title: spec.name }, value), spec.name).toBeUndefined();
    }
    await until(() => sim.ledger.get('task-1')?.decision?.delivery === 'delivered');
    expect(sim.ledger.get('task-1')).toMatchObject({
      department: 'TAX',
      caseId: 'case-1',
      stepId: 'tax',
      dispatchesReceived: 1,
      effectsApplied: 1,
      withdrawn: false,
      decision: { outcome: 'approve', callbackAttempts: 1, lastCallbackStatus: 200 },
    });
    const ledger = (await control(sim, 'GET', '/ledger/task-1')).body;
    expect(ledger).toEqual(sim.ledger.get('task-1'));
  });

  it('refuses a bad signature or a stale timestamp with 401 and records nothing', async () => {
    const sim = await simulator({ delayMs: 10 });
    const rx = await receiver();

    expect((await dispatch(sim, request('t-bad', rx.url), { secret: 'wrong' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    const res = await dispatch(sim, request('t-stale', rx.url), { now: stale });
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized' } });

    await pause(100);
    expect(rx.calls).toEqual([]);
    expect(sim.ledger.get('t-stale')).toBeUndefined();
    const snapshot = (await control(sim, 'GET', '/ledger')).body as LedgerSnapshot;
    expect(snapshot.entries).toEqual([]);
    expect(snapshot.refusals.TAX).toMatchObject({ unauthorized: 2 });
  });

  it('answers a duplicate dispatch 202 every time but applies it and decides once', async () => {
    const sim = await simulator({ delayMs: 100 });
    const rx = await receiver();
    const sent = request('task-dup', rx.url);

    const answers = await Promise.all([dispatch(sim, sent), dispatch(sim, sent), dispatch(sim, sent)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    await until(() => rx.calls.length === 1);
    expect((await dispatch(sim, sent)).status).toBe(202); // after the decision too
    await pause(250);

    expect(rx.calls).toHaveLength(1);
    expect(sim.ledger.get('task-dup')).toMatchObject({ dispatchesReceived: 4, effectsApplied: 1 });
  });

  it('refuses a dispatch whose Idempotency-Key or department does not match, recording nothing', async () => {
    const sim = await simulator();
    const rx = await receiver();
    expect((await dispatch(sim, request('t-key', rx.url), { key: 'other' })).status).toBe(400);
    expect((await dispatch(sim, request('t-dep', rx.url, { department: 'BANK' }))).status).toBe(400);
    const malformed = await dispatch(sim, { ...request('t-mal', rx.url), materials: 'all' } as never);
    expect(malformed).toMatchObject({ status: 400, body: { errors: [{ field: 'materials' }] } });
    expect(sim.ledger.entries()).toEqual([]);
  });

  it('withdrawal before the delay cancels the decision, idempotently', async () => {
    const sim = await simulator({ delayMs: 200 });
    const rx = await receiver();
    await dispatch(sim, request('task-w', rx.url));

    expect(await withdraw(sim, 'task-w')).toMatchObject({
      status: 200,
      body: { taskId: 'task-w', withdrawn: true },
    });
    expect((await withdraw(sim, 'task-w')).status).toBe(200);
    await pause(400);

    expect(rx.calls).toEqual([]);
    expect(sim.ledger.get('task-w')).toMatchObject({
      withdrawn: true,
      withdrawalsReceived: 2,
      effectsApplied: 1,
      decision: null,
    });
    // A late redelivery of the dispatch does not revive it.
    expect((await dispatch(sim, request('task-w', rx.url))).status).toBe(202);
    await pause(300);
    expect(rx.calls).toEqual([]);
  });

  it('errorRate 1 answers 503 without receiving anything, until set back through the control API', async () => {
    const sim = await simulator();
    const rx = await receiver();
    expect((await control(sim, 'PUT', '/departments/TAX', { errorRate: 1 })).body).toMatchObject({
      errorRate: 1,
    });

    expect((await dispatch(sim, request('t-err', rx.url))).status).toBe(503);
    expect(sim.ledger.get('t-err')).toBeUndefined();

    await control(sim, 'PUT', '/departments/TAX', { errorRate: 0 });
    expect((await dispatch(sim, request('t-err', rx.url))).status).toBe(202);
    await until(() => rx.calls.length === 1);
    expect(sim.ledger.get('t-err')).toMatchObject({ dispatchesReceived: 1, effectsApplied: 1 });
  });

  it('an outage window answers 503 with Retry-After, then recovers', async () => {
    const sim = await simulator();
    const rx = await receiver();
    expect((await control(sim, 'POST', '/departments/TAX/outage', { seconds: 0.5 })).status).toBe(200);

    const down = await dispatch(sim, request('t-out', rx.url));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect((await withdraw(sim, 't-other')).status).toBe(503);

    await pause(550);
    expect((await dispatch(sim, request('t-out', rx.url))).status).toBe(202);
    await until(() => rx.calls.length === 1);
    expect(sim.ledger.get('t-out')).toMatchObject({ dispatchesReceived: 1, effectsApplied: 1 });
    expect(sim.ledger.snapshot().refusals.TAX).toMatchObject({ unavailable: 2 });
  });

  it('a decision falling inside an outage waits for its end', async () => {
    const sim = await simulator({ delayMs: 150 });
    const rx = await receiver();
    await dispatch(sim, request('t-wait', rx.url));
    const startedAt = Date.now();
    sim.outage('TAX', 0.4); // starts before the decision is due

    await until(() => rx.calls.length === 1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(380);
  });

  it('retries the callback after 500s and stops at the first 2xx: one decision', async () => {
    const sim = await simulator({ delayMs: 10 });
    const rx = await receiver([500, 500, 200]);
    await dispatch(sim, request('t-retry', rx.url));

    await until(() => sim.ledger.get('t-retry')?.decision?.delivery === 'delivered');
    await pause(200);
    expect(rx.calls.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(rx.calls.every((c) => c.check.ok)).toBe(true);
    expect(new Set(rx.calls.map((c) => JSON.stringify(c.body))).size).toBe(1);
    expect(sim.ledger.get('t-retry')?.decision).toMatchObject({
      callbackAttempts: 3,
      lastCallbackStatus: 200,
    });
  });

  it('stops at a 4xx, and gives up after the bounded attempts', async () => {
    const sim = await simulator({ delayMs: 10 }, { callbackRetry: { attempts: 3, baseMs: 10, maxMs: 20 } });
    const refusing = await receiver([409]);
    const failing = await receiver([503, 503, 503, 503]);
    await dispatch(sim, request('t-409', refusing.url));
    await dispatch(sim, request('t-503', failing.url));

    await until(() => sim.ledger.get('t-503')?.decision?.delivery === 'gave-up');
    await until(() => sim.ledger.get('t-409')?.decision?.delivery === 'refused');
    await pause(100);
    expect(refusing.calls).toHaveLength(1);
    expect(failing.calls).toHaveLength(3);
    expect(sim.ledger.get('t-503')?.decision).toMatchObject({ callbackAttempts: 3, lastCallbackStatus: 503 });
  });

  it('retries a callback receiver that is not listening (network error)', async () => {
    const sim = await simulator({ delayMs: 10 }, { callbackRetry: { attempts: 2, baseMs: 10, maxMs: 10 } });
    await dispatch(sim, request('t-net', 'http://127.0.0.1:9/api/callbacks/TAX'));
    await until(() => sim.ledger.get('t-net')?.decision?.delivery === 'gave-up');
    expect(sim.ledger.get('t-net')?.decision).toMatchObject({
      callbackAttempts: 2,
      lastCallbackStatus: null,
    });
  });

  it('withdrawal during callback retries stops them', async () => {
    const sim = await simulator({ delayMs: 10 }, { callbackRetry: { attempts: 8, baseMs: 100, maxMs: 100 } });
    const rx = await receiver([503, 503, 503, 503, 503, 503, 503, 503]);
    await dispatch(sim, request('t-wr', rx.url));
    await until(() => rx.calls.length === 1);

    await withdraw(sim, 't-wr');
    await pause(300);
    expect(rx.calls).toHaveLength(1);
    expect(sim.ledger.get('t-wr')).toMatchObject({ withdrawn: true, decision: { delivery: 'cancelled' } });
  });

  it('approveRate 0 denies with written reasons and no outputs', async () => {
    const sim = await simulator({ approveRate: 0, delayMs: 10 });
    const rx = await receiver();
    await dispatch(sim, request('t-deny', rx.url));
    await until(() => rx.calls.length === 1);

    const { body, check } = rx.calls[0]!;
    expect(check.ok).toBe(true);
    expect(body).toMatchObject({ taskId: 't-deny', outcome: 'deny' });
    expect(body.outputs).toBeUndefined();
    expect(body.opinion).not.toBe('');
    expect(body.reasons?.length).toBeGreaterThan(0);
    await until(() => sim.ledger.get('t-deny')?.decision?.delivery === 'delivered');
    expect(sim.ledger.get('t-deny')?.decision?.outcome).toBe('deny');
  });

  it('latencyMs slows every answer to the engine', async () => {
    const sim = await simulator({ latencyMs: 150 });
    const rx = await receiver();
    const started = Date.now();
    expect((await dispatch(sim, request('t-slow', rx.url))).status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 404 for an unknown department, on the protocol and the control API', async () => {
    const sim = await simulator();
    const raw = JSON.stringify(request('t-x', 'http://127.0.0.1:9/cb', { department: 'NOPE' }));
    expect((await post(`${sim.url}${dispatchPath('NOPE')}`, raw, signedHeaders(SECRET, raw))).status).toBe(
      404,
    );
    expect((await control(sim, 'PUT', '/departments/NOPE', { delayMs: 1 })).status).toBe(404);
    expect((await control(sim, 'POST', '/departments/NOPE/outage', { seconds: 1 })).status).toBe(404);
    expect((await control(sim, 'GET', '/ledger/never')).status).toBe(404);
    expect((await control(sim, 'PUT', '/departments/TAX', { approveRate: 2 })).status).toBe(400);
    expect(() => sim.configure('NOPE', {})).toThrow(/NOPE/);
  });

  it('plays several departments with their own secrets; the control API never shows secrets', async () => {
    const sim = await startSimulator({
      departments: [
        { code: 'TAX', secret: SECRET },
        { code: 'BANK', secret: 'dev-secret-bank' },
      ],
    });
    cleanups.push(() => sim.stop());
    const raw = JSON.stringify(request('t-bank', 'http://127.0.0.1:9/cb', { department: 'BANK' }));
    const headers = { 'idempotency-key': 't-bank' };
    expect(
      (await post(`${sim.url}${dispatchPath('BANK')}`, raw, { ...headers, ...signedHeaders(SECRET, raw) }))
        .status,
    ).toBe(401);
    const ok = await post(`${sim.url}${dispatchPath('BANK')}`, raw, {
      ...headers,
      ...signedHeaders('dev-secret-bank', raw),
    });
    expect(ok.status).toBe(202);
    sim.configure('BANK', { delayMs: 60_000 }); // the pending decision must not outlive stop()
    const listed = (await control(sim, 'GET', '/departments')).body;
    expect(JSON.stringify(listed)).not.toContain('secret');
    expect(listed).toHaveLength(2);
  });

  it('stop() clears pending decisions: no callback afterwards', async () => {
    const sim = await startSimulator({ departments: [{ code: 'TAX', secret: SECRET, delayMs: 150 }] });
    const rx = await receiver();
    await dispatch(sim, request('t-stop', rx.url));
    await sim.stop();
    await pause(300);
    expect(rx.calls).toEqual([]);
  });
});

describe('fabricated outputs', () => {
  const credit = new RegExp(`^(?:${CREDIT_CODE_PATTERN})$`);

  it('generates unified social credit codes that match the pattern, every time', () => {
    for (let i = 0; i < 500; i++) expect(generateFromPattern(CREDIT_CODE_PATTERN)).toMatch(credit);
  });

  it.each([
    '[A-Z]\\d{6}',
    '^\\d{17}[0-9X]$',
    '(?:ABC|[a-c]{2,4})-\\w+',
    '[^a-z]{3}x?y*',
    '[\\d-]{5}',
    '出生\\d{4}号',
    'a{2,}\\.b',
  ])('generates a full match for %j', (pattern) => {
    const re = new RegExp(`^(?:${pattern})$`);
    for (let i = 0; i < 50; i++) expect(generateFromPattern(pattern)).toMatch(re);
  });

  it.each(['(a)\\1', '(?=a)a', '\\bword', '[z-a]', '[]'])('refuses %j instead of guessing', (pattern) => {
    expect(() => generateFromPattern(pattern)).toThrow(UnsupportedPattern);
  });

  it('fabricates one value per expected output, typed', () => {
    const outputs = fabricateOutputs(
      [
        { name: 's', type: 'string' },
        { name: 'n', type: 'number' },
        { name: 'b', type: 'boolean' },
        { name: 'd', type: 'date' },
      ],
      Math.random,
      new Date('2026-03-09T12:00:00Z'),
    );
    expect(outputs).toEqual({
      s: expect.stringMatching(/^SIM[0-9A-Z]{10}$/),
      n: expect.any(Number),
      b: true,
      d: '2026-03-09',
    });
  });
});
