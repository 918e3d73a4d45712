// The paths real cases take besides straight approval, through the API on a real Temporal server and
// database: supplements (补正), accept with deficiency (容缺受理), withdrawal, conditional steps, special
// stages (特别程序), unified delivery (统一出件), materials, and definition versions. Each with its bad inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../process/definition.ts';
import { companyStartup } from '../processes/company-startup.ts';
import { retirement } from '../processes/retirement.ts';
import { parallelApprovals, registrationApproval, SAMPLES } from './fixtures/examples.ts';
import { SAMPLE_PDF, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

const approve = (outputs: Record<string, unknown>) => ({ outcome: 'approve', opinion: '同意', outputs });

async function submit(
  processId: string,
  extra: Record<string, unknown> = {},
  application?: Record<string, unknown>,
) {
  const res = await api.call('POST', '/api/cases', api.tokens.clerk, {
    processId,
    application: application ?? SAMPLES[processId]!.application,
    materials: await api.materialsFor(processId),
    ...extra,
  });
  return res;
}

async function registered(): Promise<string> {
  const created = await submit('company-startup');
  expect(created.status).toBe(201);
  const id = created.body.id;
  const res = await api.call(
    'POST',
    `/api/cases/${id}/steps/registration/decision`,
    api.tokens.samr,
    approve(registrationApproval),
  );
  expect(res.status).toBe(200);
  return id;
}

async function detail(id: string) {
  return (await api.call('GET', `/api/cases/${id}`, api.tokens.manager)).body;
}

const stepOf = async (id: string, stepId: string) =>
  (await detail(id)).steps.find((s: { stepId: string }) => s.stepId === stepId);

describe('supplement requests (补正)', () => {
  it('stop only that step; the clerk answers and it returns to the same department, round after round', async () => {
    const id = await registered();
    const ask = await api.call('POST', `/api/cases/${id}/steps/seal/decision`, api.tokens.psb, {
      outcome: 'supplement',
      opinion: '材料不齐',
      items: [
        { item: 'representative-id', reason: '身份证复印件不清晰' },
        { item: 'seals', reason: '请确认印章种类' },
      ],
    });
    expect(ask.status, JSON.stringify(ask.body)).toBe(200);
    expect(ask.body.steps.seal).toBe('supplement_requested');
    expect((await stepOf(id, 'seal')).supplementItems).toHaveLength(2);

    // Parallel branches go on meanwhile.
    const [, dept, outputs] = parallelApprovals.find(([s]) => s === 'tax')!;
    const tax = await api.call(
      'POST',
      `/api/cases/${id}/steps/tax/decision`,
      api.tokens[dept.toLowerCase()],
      approve(outputs),
    );
    expect(tax.status).toBe(200);
    // The department cannot decide while it waits for the applicant.
    const early = await api.call(
      'POST',
      `/api/cases/${id}/steps/seal/decision`,
      api.tokens.psb,
      approve({ sealFilingNo: 'X' }),
    );
    expect(early.status).toBe(409);

    const scan = (await api.upload(SAMPLE_PDF, 'id-clear.pdf')).body.id;
    const answer = await api.call('POST', `/api/cases/${id}/supplements`, api.tokens.clerk, {
      stepId: 'seal',
      note: '已补充清晰的身份证复印件，印章种类不变',
      materials: { 'representative-id': scan },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.steps.seal).toBe('awaiting_decision');
    const seal = await stepOf(id, 'seal');
    expect(seal).toMatchObject({ status: 'awaiting_decision', round: 2, supplementItems: null });
    const psbTasks = await api.call('GET', '/api/tasks', api.tokens.psb);
    expect(psbTasks.body.some((t: { caseId: string }) => t.caseId === id)).toBe(true);

    // A second round.
    await api.call('POST', `/api/cases/${id}/steps/seal/decision`, api.tokens.psb, {
      outcome: 'supplement',
      opinion: '仍需补正',
      items: [{ item: 'seals', reason: '请补充合同专用章申请' }],
    });
    await api.call('POST', `/api/cases/${id}/supplements`, api.tokens.clerk, {
      stepId: 'seal',
      note: '增加合同专用章',
    });
    expect((await stepOf(id, 'seal')).round).toBe(3);
    const types = (await detail(id)).timeline.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'step.supplement_requested')).toHaveLength(2);
    expect(types.filter((t: string) => t === 'step.supplemented')).toHaveLength(2);
    // The new scan is what the department downloads now.
    const download = await fetch(`${api.url}/api/cases/${id}/materials/representative-id`, {
      headers: { authorization: `Bearer ${api.tokens.psb}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(SAMPLE_PDF)).toBe(true);
  });

  it('refuses a supplement for a step not asking for one (409), and a request listing nothing (400)', async () => {
    const id = await registered();
    const none = await api.call('POST', `/api/cases/${id}/supplements`, api.tokens.clerk, {
      stepId: 'seal',
      note: 'x',
    });
    expect(none.status).toBe(409);
    expect(none.body.type).toMatch(/not-in-supplement$/);
    const empty = await api.call('POST', `/api/cases/${id}/steps/seal/decision`, api.tokens.psb, {
      outcome: 'supplement',
      opinion: '材料不齐',
      items: [],
    });
    expect(empty.status).toBe(400);
    const unknown = await api.call('POST', `/api/cases/${id}/supplements`, api.tokens.clerk, {
      stepId: 'nope',
      note: 'x',
    });
    expect(unknown.status).toBe(404);
    expect((await stepOf(id, 'seal')).status).toBe('awaiting_decision');
  });
});

describe('accept with deficiency (容缺受理)', () => {
  const due = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

  it('accepts a step with a non-core material promised, and settles it when the material arrives', async () => {
    const { 'bank-application': _owed, ...materials } = await api.materialsFor('company-startup');
    const created = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'company-startup',
      application: SAMPLES['company-startup']!.application,
      materials,
      deficiencies: [{ stepId: 'bank', materials: ['bank-application'], due }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    expect(await stepOf(id, 'bank')).toMatchObject({ owed: ['bank-application'] });
    const scan = (await api.upload(SAMPLE_PDF, 'bank-form.pdf')).body.id;
    const attached = await api.call('POST', `/api/cases/${id}/materials`, api.tokens.clerk, {
      materials: { 'bank-application': scan },
    });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    expect(await stepOf(id, 'bank')).toMatchObject({ owed: [] });
    expect(
      (await detail(id)).timeline.some((e: { type: string }) => e.type === 'step.deficiency_resolved'),
    ).toBe(true);
  });

  it('refuses a core material, a past date, a step that does not use it, and a missing material, all at once', async () => {
    const {
      'articles-of-association': _a,
      'bank-application': _b,
      ...materials
    } = await api.materialsFor('company-startup');
    const res = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'company-startup',
      application: SAMPLES['company-startup']!.application,
      materials,
      deficiencies: [
        { stepId: 'registration', materials: ['articles-of-association'], due },
        { stepId: 'tax', materials: ['bank-application'], due: '2020-01-01' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/invalid-materials$/);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'deficiencies[0].materials',
        'deficiencies[1].materials',
        'deficiencies[1].due',
        'materials.articles-of-association',
        'materials.bank-application',
      ]),
    );
  });
});

describe('withdrawal', () => {
  it('withdraws a running case: undecided steps are cancelled and the case closes as withdrawn', async () => {
    const id = await registered();
    const res = await api.call('POST', `/api/cases/${id}/withdrawal`, api.tokens.clerk, {
      reason: '申请人撤回申请',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.caseStatus).toBe('withdrawn');
    const d = await detail(id);
    expect(d.status).toBe('withdrawn');
    expect(d.steps.filter((s: { status: string }) => s.status === 'cancelled')).toHaveLength(5);
    const cancelled = d.timeline.filter((e: { type: string }) => e.type === 'step.cancelled');
    expect(cancelled.every((e: { details: { withdrawn: boolean } }) => e.details.withdrawn)).toBe(true);
    const tasks = await api.call('GET', '/api/tasks', api.tokens.psb);
    expect(tasks.body.some((t: { caseId: string }) => t.caseId === id)).toBe(false);

    const again = await api.call('POST', `/api/cases/${id}/withdrawal`, api.tokens.clerk, {
      reason: '再次撤回',
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/case-closed$/);
    expect(
      (await api.call('POST', `/api/cases/${id}/withdrawal`, api.tokens.samr, { reason: 'x' })).status,
    ).toBe(403);
  });
});

describe('conditional steps', () => {
  it('shows steps whose condition does not hold as not applicable, and the case completes without them', async () => {
    const application = { ...SAMPLES.restaurant!.application, floorArea: 120, wantsOutdoorSign: false };
    const created = await submit('restaurant', {}, application);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const d = await detail(created.body.id);
    const statuses = Object.fromEntries(
      d.steps.map((s: { stepId: string; status: string }) => [s.stepId, s.status]),
    );
    expect(statuses['fire-check']).toBe('not_applicable');
    expect(statuses.signage).toBe('not_applicable');
    expect(d.timeline.filter((e: { type: string }) => e.type === 'step.not_applicable')).toHaveLength(2);
  });
});

describe('special stages (特别程序)', () => {
  it('opens and closes on a step, holding the decision meanwhile, all in the timeline', async () => {
    const id = await registered();
    const path = `/api/cases/${id}/steps/seal/special-stage`;
    const open = await api.call('POST', path, api.tokens.psb, {
      kind: 'site-inspection',
      reason: '需现场核查经营场所',
    });
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect((await stepOf(id, 'seal')).specialStage).toMatchObject({ kind: 'site-inspection' });
    expect((await api.call('POST', path, api.tokens.psb, { kind: 'hearing', reason: 'x' })).status).toBe(409);
    const decide = await api.call(
      'POST',
      `/api/cases/${id}/steps/seal/decision`,
      api.tokens.psb,
      approve({ sealFilingNo: 'X' }),
    );
    expect(decide.status).toBe(409);
    expect((await api.call('POST', path, api.tokens.tax, { kind: 'hearing', reason: 'x' })).status).toBe(403);
    const close = await api.call('POST', `${path}/close`, api.tokens.psb, { opinion: '现场核查通过' });
    expect(close.status).toBe(200);
    expect((await api.call('POST', `${path}/close`, api.tokens.psb, { opinion: 'again' })).status).toBe(409);
    const done = await api.call(
      'POST',
      `/api/cases/${id}/steps/seal/decision`,
      api.tokens.psb,
      approve({ sealFilingNo: 'X' }),
    );
    expect(done.status).toBe(200);
    const types = (await detail(id)).timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['step.special_stage_opened', 'step.special_stage_closed']));
    expect((await api.call('POST', path, api.tokens.psb, { kind: 'site-visit', reason: 'x' })).status).toBe(
      400,
    );
  });
});

describe('unified delivery (统一出件)', () => {
  it('gathers every result when the case closes, and records the handover once', async () => {
    const id = await registered();
    expect((await api.call('GET', `/api/cases/${id}/delivery`, api.tokens.clerk)).status).toBe(409);
    for (const [step, dept, outputs] of parallelApprovals) {
      await api.call(
        'POST',
        `/api/cases/${id}/steps/${step}/decision`,
        api.tokens[dept.toLowerCase()],
        approve(outputs),
      );
    }
    const delivery = await api.call('GET', `/api/cases/${id}/delivery`, api.tokens.clerk);
    expect(delivery.status).toBe(200);
    expect(delivery.body.results.creditCode).toMatchObject({
      value: registrationApproval.creditCode,
      stepId: 'registration',
    });
    expect(delivery.body.results.sealFilingNo.stepId).toBe('seal');
    const handed = await api.call('POST', `/api/cases/${id}/delivery`, api.tokens.clerk, {
      method: 'window',
      note: '本人领取',
    });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ method: 'window', handedOverAt: expect.any(String) });
    expect(
      (await api.call('POST', `/api/cases/${id}/delivery`, api.tokens.clerk, { method: 'post' })).status,
    ).toBe(409);
    expect(
      (await api.call('POST', `/api/cases/${id}/delivery`, api.tokens.clerk, { method: 'pigeon' })).status,
    ).toBe(400);
    const audit = await api.call('GET', `/api/cases/${id}/audit`, api.tokens.manager);
    expect(audit.body.intact).toBe(true);
    expect((await detail(id)).timeline.at(-1).type).toBe('case.delivered');
  });
});

describe('materials', () => {
  it('refuses an upload too large (413) or of a forbidden type (415)', async () => {
    const big = Buffer.concat([SAMPLE_PDF, Buffer.alloc(300 * 1024)]);
    expect((await api.upload(big, 'big.pdf')).status).toBe(413);
    const text = await api.upload(Buffer.from('just some text, renamed'), 'fake.pdf');
    expect(text.status).toBe(415);
    expect(text.body.type).toMatch(/material-type-not-allowed$/);
    expect((await api.upload(SAMPLE_PDF, 'x.pdf', api.tokens.samr)).status).toBe(403);
  });

  it('lets a department download only the materials its steps use, and logs each download', async () => {
    const created = await submit('company-startup');
    const id = created.body.id;
    const own = await fetch(`${api.url}/api/cases/${id}/materials/premises-proof`, {
      headers: { authorization: `Bearer ${api.tokens.samr}` },
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('application/pdf');
    const other = await api.call('GET', `/api/cases/${id}/materials/articles-of-association`, api.tokens.psb);
    expect(other.status).toBe(403);
    const listed = await api.call('GET', `/api/cases/${id}/materials`, api.tokens.psb);
    expect(listed.body.map((m: { materialId: string }) => m.materialId)).toEqual(['representative-id']);
    const log = await api.call('GET', `/api/cases/${id}/access-log`, api.tokens.manager);
    expect(log.body.some((a: { purpose: string }) => a.purpose === 'material:premises-proof')).toBe(true);
    const foreign = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'company-startup',
      application: SAMPLES['company-startup']!.application,
      materials: { ...(await api.materialsFor('company-startup')), 'not-a-material': created.body.id },
    });
    expect(foreign.status).toBe(400);
  });
});

describe('definition versions', () => {
  it('refuses a definition with a cycle, listing the cycle, and a version not above the published one', async () => {
    const cyclic: ProcessDefinition = {
      ...companyStartup,
      id: 'cyclic-startup',
      steps: companyStartup.steps.map((s) => (s.id === 'registration' ? { ...s, dependsOn: ['bank'] } : s)),
    };
    const res = await api.call('POST', '/api/processes', api.tokens.admin, cyclic);
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({
      field: 'steps',
      message: 'dependency cycle: registration -> bank -> registration',
    });
    const same = await api.call('POST', '/api/processes', api.tokens.admin, companyStartup);
    expect(same.status).toBe(409);
    expect((await api.call('POST', '/api/processes', api.tokens.clerk, companyStartup)).status).toBe(403);
  });

  it('runs a started case on its version while new cases use the new one, across a worker restart', async () => {
    const old = await submit('retirement');
    expect(old.status).toBe(201);
    const v2: ProcessDefinition = {
      ...retirement,
      version: retirement.version + 1,
      title: `${retirement.title} (v2)`,
      // Version 2 drops the retiree medical step.
      steps: retirement.steps.filter((s) => s.id !== 'retiree-medical'),
    };
    const published = await api.call('POST', '/api/processes', api.tokens.admin, v2);
    expect(published.status, JSON.stringify(published.body)).toBe(201);

    await api.engine.restartWorker();

    const fresh = await submit('retirement');
    expect((await detail(fresh.body.id)).processVersion).toBe(v2.version);
    expect((await detail(fresh.body.id)).steps).toHaveLength(v2.steps.length);

    const oldCase = await detail(old.body.id);
    expect(oldCase.processVersion).toBe(retirement.version);
    expect(oldCase.steps).toHaveLength(retirement.steps.length);
    const approvals = SAMPLES.retirement!.approvals;
    for (let i = 0; i < 5; i++) {
      const d = await detail(old.body.id);
      if (d.status !== 'running') break;
      for (const s of d.steps.filter((x: { status: string }) => x.status === 'awaiting_decision')) {
        const r = await api.call(
          'POST',
          `/api/cases/${old.body.id}/steps/${s.stepId}/decision`,
          api.tokens[s.department.toLowerCase()],
          approve(approvals[s.stepId]!.outputs),
        );
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
    }
    const finished = await detail(old.body.id);
    expect(finished.status).toBe('completed');
    expect(finished.steps.map((s: { stepId: string }) => s.stepId)).toContain('retiree-medical');
  });
});

describe('a case stored but never started', () => {
  it('is started by resumeUnstarted, with its steps as stored (not applicable, owed materials)', async () => {
    const { insertCase } = await import('../db/cases.ts');
    const { restaurant } = await import('../processes/restaurant.ts');
    const clerk = (await api.call('GET', '/api/me', api.tokens.clerk)).body.id;
    const { row } = await insertCase(
      api.engine.database.db,
      {
        id: crypto.randomUUID(),
        caseNoPrefix: 'YJS',
        processId: restaurant.id,
        processVersion: restaurant.version,
        application: { ...SAMPLES.restaurant!.application, floorArea: 120, wantsOutdoorSign: false },
        submittedBy: clerk,
        requestHash: 'stored-before-a-crash',
        steps: restaurant.steps.map((s) => ({
          stepId: s.id,
          department: s.department,
          title: s.title,
          ...(s.id === 'fire-check' || s.id === 'signage' ? { status: 'not_applicable' as const } : {}),
        })),
      },
      new Date(Date.now() - 60_000),
    );
    expect((await detail(row.id)).timeline).toEqual([]);
    expect(await api.app.intake.resumeUnstarted()).toBeGreaterThanOrEqual(1);
    const d = await detail(row.id);
    expect(d.timeline.map((e: { type: string }) => e.type)).toContain('case.started');
    const statuses = Object.fromEntries(
      d.steps.map((s: { stepId: string; status: string }) => [s.stepId, s.status]),
    );
    expect(statuses['fire-check']).toBe('not_applicable');
    expect(await api.app.intake.resumeUnstarted()).toBe(0);
  });
});
