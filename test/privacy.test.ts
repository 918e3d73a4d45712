// Minimum necessary across departments, over the API on a real Temporal server and database: a department
// reads of a case only its own steps' results, opinions and deciders (also in the closing event, which lists
// every result), and a step that does not apply (its condition false) opens nothing to its department.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES } from './fixtures/examples.ts';
import { type ApiResponse, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

interface StepView {
  stepId: string;
  department: string;
  status: string;
  opinion: string | null;
  decidedBy: string | null;
}
interface EventView {
  type: string;
  stepId: string | null;
  actor: string | null;
  opinion: string | null;
  details: Record<string, unknown>;
}

const tokenOf = (department: string) => api.tokens[department.toLowerCase()]!;

async function submit(processId: string, application: Record<string, unknown>, materials: string[]) {
  const all = await api.materialsFor(processId);
  const created = await api.call('POST', '/api/cases', api.tokens.clerk, {
    processId,
    application,
    materials: Object.fromEntries(materials.map((m) => [m, all[m]])),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

/** Every step approved by its department as it comes up, each with an opinion naming the step. */
async function walk(processId: string, id: string): Promise<ApiResponse> {
  const { approvals } = SAMPLES[processId]!;
  for (let round = 0; round < 20; round++) {
    const detail = await api.call('GET', `/api/cases/${id}`, api.tokens.manager);
    if (detail.body.status !== 'running') return detail;
    for (const step of (detail.body.steps as StepView[]).filter((s) => s.status === 'awaiting_decision')) {
      const res = await api.call(
        'POST',
        `/api/cases/${id}/steps/${step.stepId}/decision`,
        tokenOf(step.department),
        {
          outcome: 'approve',
          opinion: `opinion of ${step.stepId}`,
          outputs: approvals[step.stepId]!.outputs,
        },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  throw new Error('the case did not close');
}

describe('a closed case as each department sees it', () => {
  it("shows Health its own results, opinions and deciders, none of Public Security's", async () => {
    const { application } = SAMPLES.newborn!;
    const id = await submit('newborn', application, Object.keys(await api.materialsFor('newborn')));
    const closed = await walk('newborn', id);
    expect(closed.body.status).toBe('completed');
    const childIdNumber = SAMPLES.newborn!.approvals.household!.outputs.childIdNumber as string;
    // The manager's view has everything, the closing event's results included.
    const closing = (closed.body.timeline as EventView[]).find((e) => e.type === 'case.closed')!;
    expect(Object.keys(closing.details.results as object)).toContain('childIdNumber');

    const health = await api.call('GET', `/api/cases/${id}`, tokenOf('HEALTH'));
    expect(health.status).toBe(200);
    expect(JSON.stringify(health.body)).not.toContain(childIdNumber);
    const timeline = health.body.timeline as EventView[];
    const results = timeline.find((e) => e.type === 'case.closed')!.details.results as object;
    expect(Object.keys(results).sort()).toEqual([
      'birthCertificateIssuedOn',
      'birthCertificateNo',
      'firstVaccinationDate',
      'vaccinationRecordNo',
    ]);
    const steps = health.body.steps as StepView[];
    const household = steps.find((s) => s.stepId === 'household')!;
    expect(household).toMatchObject({ status: 'approved', opinion: null, decidedBy: null });
    const own = steps.find((s) => s.stepId === 'birth-certificate')!;
    expect(own.opinion).toBe('opinion of birth-certificate');
    expect(own.decidedBy).toBe((await api.call('GET', '/api/me', tokenOf('HEALTH'))).body.id);
    for (const e of timeline.filter((e) => e.stepId === 'household' || e.stepId === 'medical-insurance')) {
      expect(e.opinion, e.type).toBeNull();
      // A person's id is withheld; the system's own events name no one anyway.
      expect(e.actor, e.type).toBe(e.type === 'step.approved' ? null : 'system');
    }
    // The case-level events name no clerk either.
    expect(timeline.find((e) => e.type === 'case.started')!.actor).toBeNull();
    expect(JSON.stringify(timeline)).not.toContain('opinion of household');
    const ownApproval = timeline.find((e) => e.type === 'step.approved' && e.stepId === 'birth-certificate')!;
    expect(ownApproval.opinion).toBe('opinion of birth-certificate');
    expect(ownApproval.actor).toBe(own.decidedBy);

    // Medical Security consumes the child's ID number: it sees that, not Health's vaccination record.
    const hsa = await api.call('GET', `/api/cases/${id}`, tokenOf('HSA'));
    const hsaResults = (hsa.body.timeline as EventView[]).find((e) => e.type === 'case.closed')!.details
      .results as Record<string, { value: unknown }>;
    expect(hsaResults.childIdNumber?.value).toBe(childIdNumber);
    expect(hsaResults.vaccinationRecordNo).toBeUndefined();
  });
});

describe('a step that does not apply', () => {
  it('opens a home transfer without broadband to Broadband nowhere', async () => {
    const { application } = SAMPLES['home-transfer']!;
    const definition = (await api.call('GET', '/api/processes/home-transfer', api.tokens.admin)).body;
    const id = await submit(
      'home-transfer',
      application,
      (definition.materials as { id: string }[]).map((m) => m.id).filter((m) => !m.includes('broadband')),
    );
    const broadband = tokenOf('BROADBAND');
    const view = await api.call('GET', `/api/cases/${id}`, broadband);
    expect(view.status, JSON.stringify(view.body)).toBe(403);
    expect(JSON.stringify(view.body)).not.toContain('吴昊');
    expect((await api.call('GET', `/api/cases/${id}/materials`, broadband)).status).toBe(403);
    const found = await api.call('GET', '/api/cases?limit=100', broadband);
    expect(found.body.map((c: { id: string }) => c.id)).not.toContain(id);
    // Water, which the applicant opted into, still opens it.
    expect((await api.call('GET', `/api/cases/${id}`, tokenOf('WATER'))).status).toBe(200);
    const log = await api.call('GET', `/api/cases/${id}/access-log`, api.tokens.manager);
    expect(log.body.map((a: { department: string | null }) => a.department)).not.toContain('BROADBAND');
  });

  it('keeps a small restaurant without a sign and its plans from Fire Rescue and Urban Management', async () => {
    const { sign: _sign, ...sample } = SAMPLES.restaurant!.application as Record<string, unknown>;
    const application = { ...sample, floorArea: 120, wantsOutdoorSign: false };
    const id = await submit('restaurant', application, [
      'operator-id',
      'premises-proof',
      'floor-plan',
      'food-safety-rules',
    ]);
    for (const department of ['FIRE', 'URBAN']) {
      const token = tokenOf(department);
      expect((await api.call('GET', `/api/cases/${id}`, token)).status, department).toBe(403);
      expect((await api.call('GET', `/api/cases/${id}/materials`, token)).status, department).toBe(403);
      const download = await fetch(`${api.url}/api/cases/${id}/materials/floor-plan`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(download.status, department).toBe(403);
      const found = await api.call('GET', '/api/cases?limit=100', token);
      expect(found.body.map((c: { id: string }) => c.id)).not.toContain(id);
    }
    // Market Supervision's food permit applies: it downloads the floor plan it declares.
    const samr = await fetch(`${api.url}/api/cases/${id}/materials/floor-plan`, {
      headers: { authorization: `Bearer ${tokenOf('SAMR')}` },
    });
    expect(samr.status).toBe(200);
    await samr.arrayBuffer();
  });
});
