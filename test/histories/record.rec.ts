// Records the histories test/replay.test.ts replays (npm run record-histories): the catalog's cases along
// the paths real cases take, driven through the API on a real Temporal dev server, as the tests drive them.
// Each history is written as test/histories/<path>.json (see history-files.ts). Payloads are encrypted with the tests' fixed key
// (test/payload-keys.ts): the files hold no readable case data, and the replay decodes them with that key.
// Each path overwrites its own file (`-t <name>` records one); a path removed here leaves its file behind,
// to be deleted by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../../process/definition.ts';
import { companyStartup } from '../../processes/company-startup.ts';
import { startDepartmentRig } from '../department-rig.ts';
import { parallelApprovals, registrationApproval, SAMPLES } from '../fixtures/examples.ts';
import {
  type ApiResponse,
  callApi,
  SAMPLE_PDF,
  startTestApi,
  type TestApi,
  uploadMaterial,
} from '../helpers.ts';
import { writeHistory } from './history-files.ts';

/** What a path needs of an engine: its API, the demo tokens, uploads, and the Temporal client. */
interface Engine {
  call(method: string, path: string, token: string | undefined, body?: unknown): Promise<ApiResponse>;
  tokens: Record<string, string>;
  materialsFor(processId: string): Promise<Record<string, string>>;
  upload(): Promise<string>;
  history(caseId: string): Promise<unknown>;
  /** Departments whose own systems decide their steps (over HTTP): the path waits for them. */
  systems: Set<string>;
}

type Decision = { outcome: 'approve' | 'deny' | 'supplement'; [k: string]: unknown };

const approve = (outputs: Record<string, unknown>): Decision => ({
  outcome: 'approve',
  opinion: '同意',
  outputs,
});

async function submit(e: Engine, processId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await e.call('POST', '/api/cases', e.tokens.clerk, {
    processId,
    application: SAMPLES[processId]?.application ?? SAMPLES['company-startup']!.application,
    materials: await e.materialsFor(processId),
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function decide(e: Engine, id: string, stepId: string, department: string, decision: Decision) {
  const res = await e.call(
    'POST',
    `/api/cases/${id}/steps/${stepId}/decision`,
    e.tokens[department.toLowerCase()],
    decision,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/**
 * Decides every step as it reaches its department's worklist (the sample approval, unless `choose` says
 * otherwise) until the case closes; steps with a department's own system are left to it.
 */
async function drive(
  e: Engine,
  id: string,
  processId: string,
  choose: (stepId: string) => Decision | undefined = () => undefined,
  /** All the steps waiting decided at the same moment (as five departments may), not one after another. */
  atOnce = false,
) {
  for (let round = 0; round < 200; round++) {
    const detail = (await e.call('GET', `/api/cases/${id}`, e.tokens.manager)).body;
    if (detail.status !== 'running') return detail.status as string;
    const waiting = (detail.steps as { stepId: string; department: string; status: string }[]).filter(
      (s) => s.status === 'awaiting_decision' && !e.systems.has(s.department),
    );
    if (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const decideOne = (s: (typeof waiting)[number]) => {
      const sample = (SAMPLES[processId] ?? SAMPLES['company-startup']!).approvals[s.stepId]!;
      return decide(e, id, s.stepId, s.department, choose(s.stepId) ?? approve(sample.outputs));
    };
    if (atOnce) await Promise.all(waiting.map(decideOne));
    else for (const s of waiting) await decideOne(s);
  }
  throw new Error(`case ${id} did not close`);
}

async function record(e: Engine, name: string, id: string) {
  writeHistory(name, await e.history(id));
}

function engineOf(api: TestApi): Engine {
  return {
    call: api.call,
    tokens: api.tokens,
    materialsFor: api.materialsFor,
    upload: async () => (await api.upload(SAMPLE_PDF, 'scan.pdf')).body.id,
    history: async (id) => {
      const handle = api.engine.temporal.client.workflow.getHandle(id);
      await handle.result();
      return handle.fetchHistory();
    },
    systems: new Set(),
  };
}

/** A step that needs 30 working days, from a process published for the calendar path. */
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

let api: TestApi;
let engine: Engine;
beforeAll(async () => {
  api = await startTestApi();
  engine = engineOf(api);
});
afterAll(() => api?.stop());

describe('recording', () => {
  it.each(Object.keys(SAMPLES))('%s: every step approved', async (processId) => {
    const id = await submit(engine, processId);
    expect(await drive(engine, id, processId)).toBe('completed');
    await record(engine, `${processId}-approved`, id);
  });

  it('company start-up: the five parallel steps decided at the same moment', async () => {
    const id = await submit(engine, 'company-startup');
    expect(await drive(engine, id, 'company-startup', undefined, true)).toBe('completed');
    await record(engine, 'company-startup-parallel-at-once', id);
  });

  it('company start-up: registration denied, every dependant cancelled', async () => {
    const id = await submit(engine, 'company-startup');
    const deny = { outcome: 'deny' as const, opinion: '不予登记', reasons: ['名称与已登记企业重复'] };
    expect(await drive(engine, id, 'company-startup', (s) => (s === 'registration' ? deny : undefined))).toBe(
      'denied',
    );
    await record(engine, 'company-startup-registration-denied', id);
  });

  it('company start-up: the seal denied, the other branches finish', async () => {
    const id = await submit(engine, 'company-startup');
    const deny = { outcome: 'deny' as const, opinion: '不予备案', reasons: ['印章式样不符'] };
    expect(await drive(engine, id, 'company-startup', (s) => (s === 'seal' ? deny : undefined))).toBe(
      'partially_completed',
    );
    await record(engine, 'company-startup-seal-denied', id);
  });

  it('company start-up: a supplement round on the seal, a special stage and a claim on tax', async () => {
    const id = await submit(engine, 'company-startup');
    await decide(engine, id, 'registration', 'SAMR', approve(registrationApproval));
    await decide(engine, id, 'seal', 'PSB', {
      outcome: 'supplement',
      opinion: '材料不齐',
      items: [{ item: 'representative-id', reason: '身份证复印件不清晰' }],
    });
    const answered = await engine.call('POST', `/api/cases/${id}/supplements`, engine.tokens.clerk, {
      stepId: 'seal',
      note: '已补充清晰的身份证复印件',
      materials: { 'representative-id': await engine.upload() },
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const tax = engine.tokens.tax;
    const claim = await engine.call('POST', `/api/cases/${id}/steps/tax/claim`, tax);
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    const opened = await engine.call('POST', `/api/cases/${id}/steps/tax/special-stage`, tax, {
      kind: 'site-inspection',
      reason: '核实经营场所',
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const closed = await engine.call('POST', `/api/cases/${id}/steps/tax/special-stage/close`, tax, {
      opinion: '场所属实',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(await drive(engine, id, 'company-startup')).toBe('completed');
    await record(engine, 'company-startup-supplement-stage-claim', id);
  });

  it('company start-up: accepted with a material owed (容缺受理), attached later', async () => {
    const { 'bank-application': _owed, ...materials } = await engine.materialsFor('company-startup');
    const due = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const created = await engine.call('POST', '/api/cases', engine.tokens.clerk, {
      processId: 'company-startup',
      application: SAMPLES['company-startup']!.application,
      materials,
      deficiencies: [{ stepId: 'bank', materials: ['bank-application'], due }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const attached = await engine.call('POST', `/api/cases/${id}/materials`, engine.tokens.clerk, {
      materials: { 'bank-application': await engine.upload() },
    });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    expect(await drive(engine, id, 'company-startup')).toBe('completed');
    await record(engine, 'company-startup-deficiency', id);
  });

  it('company start-up: withdrawn after registration', async () => {
    const id = await submit(engine, 'company-startup');
    await decide(engine, id, 'registration', 'SAMR', approve(registrationApproval));
    const [stepId, department, outputs] = parallelApprovals.find(([s]) => s === 'tax')!;
    await decide(engine, id, stepId, department, approve(outputs));
    const res = await engine.call('POST', `/api/cases/${id}/withdrawal`, engine.tokens.clerk, {
      reason: '申请人撤回申请',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await record(engine, 'company-startup-withdrawn', id);
  });

  it('a calendar year published while the case runs reaches it', async () => {
    const published = await engine.call('POST', '/api/processes', engine.tokens.admin, longRegistration());
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const id = await submit(engine, 'registration-long', {});
    // Next year in China, with test data (New Year's Day off): a newer calendar for the case either way.
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear() + 1;
    const res = await engine.call('POST', '/api/calendars/years', engine.tokens.admin, {
      region: 'CN',
      year: String(year),
      offDays: [`${year}-01-01`],
      makeupWorkdays: [],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.runningCases.updated).toBeGreaterThanOrEqual(1);
    expect(await drive(engine, id, 'company-startup')).toBe('completed');
    await record(engine, 'registration-long-calendar-published', id);
  });
});

describe('recording with departments’ own systems', () => {
  it('company start-up: Tax and the bank decide over HTTP (signed callbacks); an incident, redispatched', async () => {
    const rig = await startDepartmentRig({
      definition: companyStartup,
      secrets: { TAX: 'replay-tax-secret-0123456789abcdef', BANK: 'replay-bank-secret-0123456789abcdef' },
      delayMs: 50,
      callbackRetry: { attempts: 3, baseMs: 100, maxMs: 400 },
      bankAttempts: 2,
    });
    try {
      const e: Engine = {
        call: (method, path, token, body) => callApi(rig.url, method, path, token, body),
        tokens: rig.tokens,
        materialsFor: async () => rig.attach,
        upload: async () =>
          ((await (await uploadMaterial(rig.url, rig.tokens.clerk!)).json()) as { id: string }).id,
        history: async (id) => {
          const handle = rig.temporal.client.workflow.getHandle(id);
          await handle.result();
          return handle.fetchHistory();
        },
        systems: new Set(['TAX', 'BANK']),
      };
      const id = await submit(e, 'company-startup');
      expect(await drive(e, id, 'company-startup')).toBe('completed');
      await record(e, 'company-startup-department-systems', id);

      // The bank's system is down past the dispatch attempts: an incident; back up, a manager redispatches.
      rig.simulator.outage('BANK', 600);
      const down = await submit(e, 'company-startup');
      await decide(e, down, 'registration', 'SAMR', approve(registrationApproval));
      await expect
        .poll(
          async () =>
            (await e.call('GET', '/api/incidents', e.tokens.manager)).body.some(
              (i: { caseId: string; retrying: boolean }) => i.caseId === down && !i.retrying,
            ),
          { timeout: 60_000, interval: 500 },
        )
        .toBe(true);
      rig.simulator.outage('BANK', 0);
      const retry = await e.call('POST', `/api/cases/${down}/steps/bank/redispatch`, e.tokens.manager);
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
      expect(await drive(e, down, 'company-startup')).toBe('completed');
      await record(e, 'company-startup-incident-redispatch', down);
    } finally {
      await rig.stop();
    }
  });
});
