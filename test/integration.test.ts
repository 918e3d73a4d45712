// Departments' own systems: company start-up with Tax and the bank on the department simulator (HTTP,
// signed both ways) and Public Security's seal check as an instant rule (秒批), on a real Temporal server,
// a real database and real HTTP. Outages, incidents, signatures, duplicates, withdrawals, manual retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Integrations } from '../departments/integrations.ts';
import { sign } from '../departments/signing.ts';
import type { Simulator } from '../simulator/server.ts';
import { type DepartmentRig, startDepartmentRig } from './department-rig.ts';
import { companyStartupApplication, registrationApproval } from './fixtures/examples.ts';
import { startupWithSealByRule } from './fixtures/integrated-startup.ts';
import { callApi } from './helpers.ts';

const SECRETS = {
  TAX: 'tax-secret-0123456789abcdef',
  BANK: 'bank-secret-0123456789abcdef',
  HPF: 'hpf-secret-0123456789abcdef',
};

const integrated = startupWithSealByRule('company-startup-integrated');

let rig: DepartmentRig;
let simulator: Simulator;
let url: string;
let tokens: Record<string, string>;
let attach: Record<string, string>;
let integrations: Integrations;

beforeAll(async () => {
  rig = await startDepartmentRig({
    definition: integrated,
    secrets: SECRETS,
    delayMs: 100,
    callbackRetry: { attempts: 4, baseMs: 100, maxMs: 500 },
    bankAttempts: 40,
  });
  ({ simulator, url, tokens, attach, integrations } = rig);
});

afterAll(() => rig?.stop());

const call = (
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) => callApi(url, method, path, token, body, headers);

async function registeredCase(): Promise<string> {
  const created = await call('POST', '/api/cases', tokens.clerk, {
    processId: integrated.id,
    application: companyStartupApplication,
    materials: attach,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  const decided = await call('POST', `/api/cases/${id}/steps/registration/decision`, tokens.samr, {
    outcome: 'approve',
    opinion: '同意',
    outputs: registrationApproval,
  });
  expect(decided.status).toBe(200);
  // The seal check decided itself in the same answer (秒批).
  expect(decided.body.steps.seal).toBe('approved');
  return id;
}

const status = async (id: string) => {
  const d = (await call('GET', `/api/cases/${id}`, tokens.manager)).body;
  return Object.fromEntries(d.steps.map((s: { stepId: string; status: string }) => [s.stepId, s.status]));
};

async function approveWorklist(id: string) {
  for (const [stepId, dept, outputs] of [
    ['social-insurance', 'hrss', { socialInsuranceNo: 'SB-1' }],
    ['housing-fund', 'hpf', { housingFundAccountNo: 'GJJ-1' }],
  ] as const) {
    const res = await call('POST', `/api/cases/${id}/steps/${stepId}/decision`, tokens[dept], {
      outcome: 'approve',
      opinion: '同意',
      outputs,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

/** A callback as the department would send it, signed (or not) as given. */
function signedCallback(
  department: keyof typeof SECRETS,
  body: object,
  opts: { secret?: string; timestamp?: number } = {},
) {
  const raw = JSON.stringify(body);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    raw,
    headers: {
      'x-yjs-timestamp': String(timestamp),
      'x-yjs-signature': sign(opts.secret ?? SECRETS[department], timestamp, raw),
    },
  };
}

describe('company start-up with Tax and the bank on their own systems', () => {
  it('completes through a 30-second outage, each effect exactly once, the incident showing while it lasts', async () => {
    simulator.outage('TAX', 30);
    simulator.outage('BANK', 30);
    const started = Date.now();
    const id = await registeredCase();
    await approveWorklist(id);

    await expect
      .poll(
        async () =>
          (await call('GET', '/api/incidents', tokens.manager)).body
            .filter((i: { caseId: string }) => i.caseId === id)
            .map((i: { department: string; retrying: boolean }) => `${i.department}:${i.retrying}`)
            .sort(),
        { timeout: 15_000 },
      )
      .toEqual(['BANK:true', 'TAX:true']);
    expect((await status(id)).tax).toBe('awaiting_decision');

    await expect
      .poll(async () => (await call('GET', `/api/cases/${id}`, tokens.manager)).body.status, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe('completed');
    expect(Date.now() - started).toBeGreaterThan(29_000);
    const incidents = (await call('GET', '/api/incidents', tokens.manager)).body.filter(
      (i: { caseId: string }) => i.caseId === id,
    );
    expect(incidents).toEqual([]);

    const ledger = simulator.ledger.entries().filter((e) => e.caseId === id);
    expect(ledger.map((e) => e.department).sort()).toEqual(['BANK', 'TAX']);
    // The case completes when the last callback's decision is applied; the simulator records the callback
    // as delivered when our 200 reaches it, a moment later.
    await expect
      .poll(
        () =>
          simulator.ledger
            .entries()
            .filter((e) => e.caseId === id)
            .map((e) => e.decision?.delivery),
        { timeout: 15_000 },
      )
      .toEqual(['delivered', 'delivered']);
    for (const entry of ledger) expect(entry.effectsApplied).toBe(1);
    // What went to each system is in the access log once (retries of the dispatch included), by names.
    const access = (await call('GET', `/api/cases/${id}/access-log`, tokens.manager)).body as {
      role: string;
      department: string;
      purpose: string;
      fields: string[];
    }[];
    const sent = access.filter((a) => a.role === 'department-system');
    expect(sent.map((a) => a.purpose).sort()).toEqual(['dispatch:bank:1', 'dispatch:tax:1']);
    expect(sent.find((a) => a.department === 'TAX')?.fields).toContain('legalRepresentativeName');
    const detail = (await call('GET', `/api/cases/${id}`, tokens.manager)).body;
    const tax = detail.steps.find((s: { stepId: string }) => s.stepId === 'tax');
    expect(tax.decidedBy).toBe('department:TAX');
    expect(detail.data.sealFilingNo.value).toBe(`GA-${registrationApproval.creditCode}`);
    expect(
      detail.timeline.find(
        (e: { stepId: string; type: string }) => e.stepId === 'seal' && e.type === 'step.approved',
      ).actor,
    ).toBe('rule:registered-company');
  }, 120_000);
});

describe('signed callbacks', () => {
  it('refuses a bad signature and a stale timestamp (401), yields one decision for a repeated callback, and 409s a withdrawn step', async () => {
    // The departments "think" for a long time: the test sends the callbacks itself.
    simulator.configure('TAX', { delayMs: 600_000 });
    simulator.configure('BANK', { delayMs: 600_000 });
    try {
      await callbacks();
    } finally {
      simulator.configure('TAX', { delayMs: 100 });
      simulator.configure('BANK', { delayMs: 100 });
    }
  });
});

/** The callbacks a department's system might send, good and bad, for one case. */
async function callbacks() {
  const id = await registeredCase();
  await expect
    .poll(() => simulator.ledger.entries().some((e) => e.caseId === id && e.department === 'TAX'))
    .toBe(true);
  const taskId = `${id}:tax:1`;
  const decision = {
    taskId,
    caseId: id,
    stepId: 'tax',
    outcome: 'approve',
    outputs: { invoiceQuota: 30 },
    opinion: '准予',
  };

  const forged = signedCallback('TAX', decision, { secret: 'not-the-secret-000000000' });
  expect((await call('POST', '/api/callbacks/TAX', undefined, forged.raw, forged.headers)).status).toBe(401);
  const stale = signedCallback('TAX', decision, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
  const staleRes = await call('POST', '/api/callbacks/TAX', undefined, stale.raw, stale.headers);
  expect(staleRes.status).toBe(401);
  expect(staleRes.body.detail).toMatch(/stale/);
  expect((await status(id)).tax).toBe('awaiting_decision');
  const wrongDept = signedCallback('BANK', decision);
  expect(
    (await call('POST', '/api/callbacks/BANK', undefined, wrongDept.raw, wrongDept.headers)).status,
  ).toBe(403);

  const good = signedCallback('TAX', decision);
  const first = await call('POST', '/api/callbacks/TAX', undefined, good.raw, good.headers);
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  expect(first.body.status).toBe('accepted');
  const again = await call('POST', '/api/callbacks/TAX', undefined, good.raw, good.headers);
  expect(again.body.status).toBe('duplicate');
  const approvals = (await call('GET', `/api/cases/${id}`, tokens.manager)).body.timeline.filter(
    (e: { type: string; stepId: string }) => e.type === 'step.approved' && e.stepId === 'tax',
  );
  expect(approvals).toHaveLength(1);

  // Withdraw the case: the bank's step is withdrawn from its system, and its late callback refused.
  await expect
    .poll(() => simulator.ledger.entries().some((e) => e.caseId === id && e.department === 'BANK'))
    .toBe(true);
  expect(
    (await call('POST', `/api/cases/${id}/withdrawal`, tokens.clerk, { reason: '申请人撤回' })).status,
  ).toBe(200);
  await expect.poll(() => simulator.ledger.get(`${id}:bank:1`)?.withdrawn).toBe(true);
  const late = signedCallback('BANK', {
    taskId: `${id}:bank:1`,
    caseId: id,
    stepId: 'bank',
    outcome: 'approve',
    outputs: { appointmentRef: 'X', appointmentDate: '2026-12-01' },
    opinion: 'ok',
  });
  const lateRes = await call('POST', '/api/callbacks/BANK', undefined, late.raw, late.headers);
  expect(lateRes.status).toBe(409);
  expect(lateRes.body.type).toMatch(/step-withdrawn$/);
}

describe('incidents', () => {
  it('raises an incident at once for a department answering 4xx, and after exhausted retries; a manual retry succeeds', async () => {
    // Housing fund's "system" is configured, but the simulator does not know it: 404, final.
    integrations.HPF = { baseUrl: simulator.url, secret: SECRETS.HPF, timeoutMs: 3000 };
    integrations.BANK = { ...integrations.BANK!, maximumAttempts: 2 };
    simulator.outage('BANK', 60);
    try {
      const id = await registeredCase();
      await expect
        .poll(
          async () =>
            (await call('GET', `/api/cases/${id}`, tokens.manager)).body.steps
              .filter((s: { incident: string | null }) => s.incident)
              .map((s: { stepId: string }) => s.stepId)
              .sort(),
          { timeout: 20_000 },
        )
        .toEqual(['bank', 'housing-fund']);
      const incidents = (await call('GET', '/api/incidents', tokens.manager)).body.filter(
        (i: { caseId: string }) => i.caseId === id,
      );
      expect(incidents.find((i: { department: string }) => i.department === 'HPF')).toMatchObject({
        retrying: false,
        attempts: 1,
        lastError: 'department system answered HTTP 404',
      });
      expect(incidents.find((i: { department: string }) => i.department === 'BANK')).toMatchObject({
        retrying: false,
        attempts: 2,
      });

      simulator.outage('BANK', 0);
      const retry = await call('POST', `/api/cases/${id}/steps/bank/redispatch`, tokens.manager, {});
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
      await expect.poll(async () => (await status(id)).bank, { timeout: 20_000 }).toBe('approved');
      expect(simulator.ledger.get(`${id}:bank:1`)?.effectsApplied).toBe(1);
      const again = await call('POST', `/api/cases/${id}/steps/bank/redispatch`, tokens.manager, {});
      expect(again.status).toBe(409);
      expect((await call('POST', `/api/cases/${id}/steps/bank/redispatch`, tokens.clerk, {})).status).toBe(
        403,
      );
    } finally {
      delete integrations.HPF;
      integrations.BANK = { ...integrations.BANK!, maximumAttempts: 40 };
      simulator.outage('BANK', 0);
    }
  }, 60_000);
});
