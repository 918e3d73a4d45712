// Every process of the catalog, walked to completion through the API on a real Temporal server and
// database: the clerk submits the sample application with its materials, instant steps decide themselves,
// and each department approves its steps with the sample outputs as they reach its worklist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES } from './fixtures/examples.ts';
import { startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

interface StepView {
  stepId: string;
  department: string;
  status: string;
}

describe.each(Object.keys(SAMPLES))('%s', (processId) => {
  it('goes from intake to completed through the API', async () => {
    const sample = SAMPLES[processId]!;
    const created = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId,
      application: sample.application,
      materials: await api.materialsFor(processId),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;

    for (let round = 0; round < 20; round++) {
      const detail = await api.call('GET', `/api/cases/${id}`, api.tokens.manager);
      if (detail.body.status !== 'running') break;
      const waiting = (detail.body.steps as StepView[]).filter((s) => s.status === 'awaiting_decision');
      expect(waiting.length, `case stuck: ${JSON.stringify(detail.body.steps)}`).toBeGreaterThan(0);
      for (const step of waiting) {
        const approval = sample.approvals[step.stepId];
        expect(approval, `no sample approval for ${step.stepId}`).toBeDefined();
        const token = api.tokens[step.department.toLowerCase()]!;
        const tasks = await api.call('GET', '/api/tasks', token);
        expect(
          tasks.body.some(
            (t: { caseId: string; stepId: string }) => t.caseId === id && t.stepId === step.stepId,
          ),
        ).toBe(true);
        const res = await api.call('POST', `/api/cases/${id}/steps/${step.stepId}/decision`, token, {
          outcome: 'approve',
          opinion: '同意',
          outputs: approval!.outputs,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
    }

    const final = await api.call('GET', `/api/cases/${id}`, api.tokens.manager);
    expect(final.body.status).toBe('completed');
    const steps = final.body.steps as StepView[];
    expect(steps.every((s) => s.status === 'approved' || s.status === 'not_applicable')).toBe(true);
    // Excluded steps are shown as not applicable, never silently missing.
    for (const s of steps.filter((s) => s.status === 'not_applicable')) {
      expect(
        final.body.timeline.some(
          (e: { type: string; stepId: string }) => e.type === 'step.not_applicable' && e.stepId === s.stepId,
        ),
      ).toBe(true);
    }
    const delivery = await api.call('GET', `/api/cases/${id}/delivery`, api.tokens.clerk);
    expect(delivery.body.outcome).toBe('completed');
    expect(Object.keys(delivery.body.results).length).toBeGreaterThan(0);
  });
});
