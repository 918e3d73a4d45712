// The API over real HTTP against a real Temporal dev server and a real database (PGlite, or the Postgres
// server in TEST_DATABASE_URL): a company start-up from intake to completion, and every refusal.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyStartupApplication, parallelApprovals, registrationApproval } from './fixtures/examples.ts';
import { startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  submission.materials = await api.materialsFor('company-startup');
});
afterAll(() => api?.stop());

const submission: Record<string, unknown> = {
  processId: 'company-startup',
  application: companyStartupApplication,
};
const approve = (outputs: Record<string, unknown>, opinion = '同意') => ({
  outcome: 'approve',
  outputs,
  opinion,
});

async function submit(body: unknown = submission, headers: Record<string, string> = {}) {
  return api.call('POST', '/api/cases', api.tokens.clerk, body, headers);
}

async function submitAndRegister(): Promise<string> {
  const created = await submit();
  expect(created.status).toBe(201);
  const decided = await api.call(
    'POST',
    `/api/cases/${created.body.id}/steps/registration/decision`,
    api.tokens.samr,
    approve(registrationApproval),
  );
  expect(decided.status).toBe(200);
  return created.body.id;
}

describe('a company start-up case, end to end', () => {
  it('goes from intake to completed, with the credit code in all five parallel tasks', async () => {
    const created = await submit();
    expect(created.status).toBe(201);
    expect(created.body.caseNo).toMatch(/^YJS-\d{8}-\d{6}$/);
    expect(created.body.steps).toEqual({ registration: 'awaiting_decision' });
    expect(created.headers.get('location')).toBe(`/api/cases/${created.body.id}`);
    const id = created.body.id;

    const samrTasks = await api.call('GET', '/api/tasks', api.tokens.samr);
    const registration = samrTasks.body.find((t: { caseId: string }) => t.caseId === id);
    expect(registration).toMatchObject({ stepId: 'registration', department: 'SAMR' });
    expect(registration.application.legalRepresentative.idNumber).toBe('330106199001011234');

    const decided = await api.call('POST', `/api/cases/${id}/steps/registration/decision`, api.tokens.samr, {
      ...approve(registrationApproval, '符合设立登记条件'),
    });
    expect(decided.status).toBe(200);
    expect(decided.body.dispatched.sort()).toEqual([
      'bank',
      'housing-fund',
      'seal',
      'social-insurance',
      'tax',
    ]);

    for (const [stepId, department, outputs] of parallelApprovals) {
      const token = api.tokens[department.toLowerCase()]!;
      const tasks = await api.call('GET', `/api/tasks?department=${department}`, token);
      const task = tasks.body.find((t: { caseId: string }) => t.caseId === id);
      expect(task.stepId).toBe(stepId);
      expect(task.inputs.creditCode).toEqual({
        value: registrationApproval.creditCode,
        stepId: 'registration',
        at: expect.any(String),
      });
      // Minimum necessary: no department after registration sees the legal representative's ID number.
      expect(JSON.stringify(task.application)).not.toContain('330106199001011234');
      const res = await api.call(
        'POST',
        `/api/cases/${id}/steps/${stepId}/decision`,
        token,
        approve(outputs),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }

    const detail = await api.call('GET', `/api/cases/${id}`, api.tokens.manager);
    expect(detail.body.status).toBe('completed');
    expect(detail.body.closedAt).not.toBeNull();
    expect(detail.body.steps.map((s: { status: string }) => s.status)).toEqual(Array(6).fill('approved'));
    expect(detail.body.data.creditCode).toMatchObject({
      value: registrationApproval.creditCode,
      stepId: 'registration',
    });
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'case.started',
      'step.dispatched',
      'step.approved',
      ...Array(5).fill('step.dispatched'),
      ...Array(5).fill('step.approved'),
      'case.closed',
    ]);
    expect(detail.body.timeline[2]).toMatchObject({ opinion: '符合设立登记条件', stepId: 'registration' });

    const audit = await api.call('GET', `/api/cases/${id}/audit`, api.tokens.manager);
    expect(audit.body).toEqual({ intact: true, events: 14, anchor: 'anchored' });
    const log = await api.call('GET', `/api/cases/${id}/access-log`, api.tokens.manager);
    expect(log.body.map((a: { purpose: string }) => a.purpose)).toEqual(
      expect.arrayContaining(['case-detail', 'worklist:registration', 'worklist:seal']),
    );
  });

  it('shows department staff only what their steps need', async () => {
    const id = await submitAndRegister();
    const seal = await api.call('GET', `/api/cases/${id}`, api.tokens.psb);
    expect(seal.status).toBe(200);
    expect(Object.keys(seal.body.application)).toEqual(['seals']);
    expect(Object.keys(seal.body.data).sort()).toEqual([
      'companyName',
      'creditCode',
      'legalRepresentativeName',
    ]);
    const bystander = await api.call('GET', `/api/cases/${id}`, api.tokens.hsa);
    expect(bystander.status).toBe(403);
  });
});

describe('intake', () => {
  it('returns the same case for the same Idempotency-Key, and refuses the key for another request', async () => {
    const key = randomUUID();
    const first = await submit(submission, { 'idempotency-key': key });
    const again = await submit(submission, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, trackingCode: null });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await submit(
      { ...submission, application: { ...companyStartupApplication, employeeCount: 6 } },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
  });

  it('answers malformed JSON with a problem', async () => {
    const res = await api.call('POST', '/api/cases', api.tokens.clerk, '{"processId": "company-');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Malformed JSON' });
  });

  it('lists every schema violation at once and stores nothing', async () => {
    const before = await api.call('GET', '/api/cases?limit=500', api.tokens.manager);
    const res = await submit({
      processId: 'company-startup',
      application: {
        companyName: 'AB',
        enterpriseType: 'cooperative',
        registeredCapital: -1,
        legalRepresentative: { name: '李四', idNumber: '123', phone: '13800000000' },
        employeeCount: 3,
        unexpected: true,
      },
      materials: submission.materials,
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/invalid-application$/);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'application.address',
      'application.businessScope',
      'application.companyName',
      'application.enterpriseType',
      'application.legalRepresentative.idNumber',
      'application.registeredCapital',
      'application.unexpected',
    ]);
    const after = await api.call('GET', '/api/cases?limit=500', api.tokens.manager);
    expect(after.body.length).toBe(before.body.length);
  });

  it('lists every violation of the request envelope too', async () => {
    const res = await submit({ application: 'x', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.application',
      'body.extra',
      'body.processId',
    ]);
  });

  it('refuses an unknown process', async () => {
    const res = await submit({ processId: 'open-a-spaceport', application: {} });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/unknown-process$/);
  });

  it('lets only clerks submit', async () => {
    const res = await api.call('POST', '/api/cases', api.tokens.samr, submission);
    expect(res.status).toBe(403);
  });
});

describe('reads', () => {
  it('404s an unknown case and 400s a malformed id', async () => {
    const missing = await api.call('GET', `/api/cases/${randomUUID()}`, api.tokens.manager);
    expect(missing.status).toBe(404);
    expect(missing.body.type).toMatch(/unknown-case$/);
    const bad = await api.call('GET', '/api/cases/not-a-uuid', api.tokens.manager);
    expect(bad.status).toBe(400);
  });

  it('lists processes and serves health, readiness and the OpenAPI docs', async () => {
    const processes = await api.call('GET', '/api/processes', api.tokens.clerk);
    expect(processes.body.map((p: { id: string }) => p.id)).toContain('company-startup');
    const one = await api.call('GET', '/api/processes/company-startup', api.tokens.clerk);
    expect(one.body.steps).toHaveLength(6);
    expect((await api.call('GET', '/api/processes/nope', api.tokens.clerk)).status).toBe(404);
    expect((await api.call('GET', '/healthz', undefined)).status).toBe(200);
    expect((await api.call('GET', '/readyz', undefined)).status).toBe(200);
    const docs = await api.call('GET', '/docs/json', undefined);
    expect(docs.body.paths['/api/cases/{id}/steps/{stepId}/decision']).toBeDefined();
  });

  it('sends a department to its own worklist only', async () => {
    expect((await api.call('GET', '/api/tasks?department=TAX', api.tokens.samr)).status).toBe(403);
    expect((await api.call('GET', '/api/tasks', api.tokens.clerk)).status).toBe(403);
    expect((await api.call('GET', '/api/tasks', api.tokens.manager)).status).toBe(400);
    expect((await api.call('GET', '/api/tasks?department=TAX', api.tokens.manager)).status).toBe(200);
  });
});

describe('decisions', () => {
  it('403s a decision by the wrong department, 409s a second decision, 404s an unknown step', async () => {
    const id = await submitAndRegister();
    const wrong = await api.call('POST', `/api/cases/${id}/steps/seal/decision`, api.tokens.tax, approve({}));
    expect(wrong.status).toBe(403);
    const again = await api.call(
      'POST',
      `/api/cases/${id}/steps/registration/decision`,
      api.tokens.samr,
      approve(registrationApproval),
    );
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/step-not-awaiting-decision$/);
    const unknown = await api.call(
      'POST',
      `/api/cases/${id}/steps/nope/decision`,
      api.tokens.samr,
      approve({}),
    );
    expect(unknown.status).toBe(404);
  });

  it('409s a decision on a step that is not released yet', async () => {
    const created = await submit();
    const early = await api.call(
      'POST',
      `/api/cases/${created.body.id}/steps/seal/decision`,
      api.tokens.psb,
      approve({ sealFilingNo: 'X' }),
    );
    expect(early.status).toBe(409);
  });

  it('lists every problem with the outputs, and a malformed decision, without deciding', async () => {
    const created = await submit();
    const path = `/api/cases/${created.body.id}/steps/registration/decision`;
    const res = await api.call(
      'POST',
      path,
      api.tokens.samr,
      approve({ creditCode: 'short', registrationDate: 'x' }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'outputs.businessScope',
      'outputs.companyName',
      'outputs.creditCode',
      'outputs.legalRepresentativeName',
      'outputs.registeredAddress',
      'outputs.registrationDate',
    ]);
    const malformed = await api.call('POST', path, api.tokens.samr, { outcome: 'maybe', opinion: '' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.opinion',
      'body.outcome',
    ]);
    const ok = await api.call('POST', path, api.tokens.samr, approve(registrationApproval));
    expect(ok.status).toBe(200);
  });

  it('denies registration: the whole case closes as denied', async () => {
    const created = await submit();
    const res = await api.call(
      'POST',
      `/api/cases/${created.body.id}/steps/registration/decision`,
      api.tokens.samr,
      {
        outcome: 'deny',
        opinion: '名称与已登记企业重复',
        reasons: ['企业名称不符合《企业名称登记管理规定》'],
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.caseStatus).toBe('denied');
    const detail = await api.call('GET', `/api/cases/${created.body.id}`, api.tokens.clerk);
    expect(detail.body.status).toBe('denied');
    expect(detail.body.steps[0]).toMatchObject({
      status: 'denied',
      reasons: ['企业名称不符合《企业名称登记管理规定》'],
    });
    expect(detail.body.steps.slice(1).every((s: { status: string }) => s.status === 'cancelled')).toBe(true);
  });
});

describe('authentication', () => {
  it('401s a missing or unknown token', async () => {
    const none = await api.call('GET', '/api/processes', undefined);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const bad = await api.call('GET', '/api/processes', 'yjs_not-a-real-token');
    expect(bad.status).toBe(401);
    const scheme = await api.call('GET', '/api/processes', undefined, undefined, {
      authorization: 'Basic abc',
    });
    expect(scheme.status).toBe(401);
    expect((await api.call('GET', '/api/me', api.tokens.tax)).body).toMatchObject({
      role: 'department',
      department: 'TAX',
    });
  });
});

describe('administration', () => {
  it('lets an admin create staff and issue and revoke tokens, and no one else', async () => {
    expect((await api.call('GET', '/api/users', api.tokens.manager)).status).toBe(403);
    const bad = await api.call('POST', '/api/users', api.tokens.admin, {
      username: 'fire1',
      displayName: 'Fire',
      role: 'department',
    });
    expect(bad.status).toBe(400);
    const user = await api.call('POST', '/api/users', api.tokens.admin, {
      username: `tax-${Date.now()}`,
      displayName: 'Tax officer',
      role: 'department',
      department: 'TAX',
    });
    expect(user.status).toBe(201);
    const issued = await api.call('POST', `/api/users/${user.body.id}/tokens`, api.tokens.admin, {
      label: 'laptop',
    });
    expect(issued.status).toBe(201);
    expect((await api.call('GET', '/api/me', issued.body.token)).body.department).toBe('TAX');
    expect((await api.call('DELETE', `/api/tokens/${issued.body.id}`, api.tokens.admin)).status).toBe(204);
    expect((await api.call('DELETE', `/api/tokens/${issued.body.id}`, api.tokens.admin)).status).toBe(404);
  });
});
