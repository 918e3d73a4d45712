// Every process of the catalog, walked to completion through the API on a real Temporal server and
// database: the clerk submits the sample application with its materials, instant steps decide themselves,
// and each department approves its steps with the sample outputs as they reach its worklist. On the way,
// minimum necessary (issue 11): what each department reads, in its worklist and its view of the case, at
// every stage and once the case is closed, is only the form fields its steps declare and the results its
// steps consume or produce; and each of its reads is in the applicant's view with its purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS } from '../processes/departments.ts';
import { CATALOG } from '../processes/index.ts';
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
    // Intake's answer says where the case went: each step it moved, with the status the case view shows.
    const opened = await api.call('GET', `/api/cases/${id}`, api.tokens.manager);
    const moved = Object.entries(created.body.steps as Record<string, string>);
    expect(moved.length).toBeGreaterThan(0);
    for (const [stepId, status] of moved)
      expect((opened.body.steps as StepView[]).find((s) => s.stepId === stepId)?.status, stepId).toBe(status);
    const definition = CATALOG.find((d) => d.id === processId)!;
    const applies = (stepId: string, steps: StepView[]) =>
      steps.some((s) => s.stepId === stepId && s.status !== 'not_applicable');
    /** What a department may read: its applicable steps' fields, and their inputs and outputs. */
    const allowed = (department: string, steps: StepView[]) => {
      const own = definition.steps.filter((s) => s.department === department && applies(s.id, steps));
      return {
        fields: new Set(own.flatMap((s) => s.fields)),
        data: new Set(own.flatMap((s) => [...s.inputs, ...(s.outputs ?? []).map((o) => o.name)])),
      };
    };
    const readers = new Set<string>();
    /** Every department of the process reads the case as it stands: never more than it may. */
    const readAsEveryDepartment = async (steps: StepView[]) => {
      for (const { code } of definition.departments) {
        const token = api.tokens[code.toLowerCase()]!;
        const may = allowed(code, steps);
        const view = await api.call('GET', `/api/cases/${id}`, token);
        if (may.fields.size === 0 && may.data.size === 0 && view.status !== 200) continue;
        if (view.status !== 200) continue; // no applicable step (yet): refused, which is the rule
        readers.add(code);
        const seen = JSON.stringify(view.body);
        expect(
          Object.keys(view.body.application ?? {}).filter((f) => !may.fields.has(f)),
          code,
        ).toEqual([]);
        expect(
          Object.keys(view.body.data ?? {}).filter((d) => !may.data.has(d)),
          code,
        ).toEqual([]);
        // (a form field may share its name with a result the department consumes: that one is its own)
        for (const field of Object.keys(sample.application as Record<string, unknown>))
          if (!may.fields.has(field) && !may.data.has(field))
            expect(seen, `${code} reads ${field}`).not.toContain(`"${field}":`);
        // No other department's result reaches it by any part of the view (timeline, closing results...).
        for (const output of definition.steps.flatMap((s) => (s.outputs ?? []).map((o) => o.name)))
          if (!may.data.has(output) && !may.fields.has(output))
            expect(seen, `${code} reads ${output}`).not.toContain(`"${output}":`);
        const tasks = await api.call('GET', '/api/tasks', token);
        for (const t of tasks.body as {
          caseId: string;
          stepId: string;
          application: object;
          inputs: object;
        }[]) {
          if (t.caseId !== id) continue;
          const step = definition.steps.find((s) => s.id === t.stepId)!;
          expect(
            Object.keys(t.application).filter((f) => !step.fields.includes(f)),
            t.stepId,
          ).toEqual([]);
          expect(
            Object.keys(t.inputs).filter((i) => !step.inputs.includes(i)),
            t.stepId,
          ).toEqual([]);
        }
      }
    };

    for (let round = 0; round < 20; round++) {
      const detail = await api.call('GET', `/api/cases/${id}`, api.tokens.manager);
      if (detail.body.status !== 'running') break;
      await readAsEveryDepartment(detail.body.steps as StepView[]);
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
    // Closed: the results of the whole case stay with the departments they belong to.
    await readAsEveryDepartment(steps);
    // Every department that read the case is in the applicant's view, with the purpose its step declares.
    const track = await api.call('POST', '/api/track', undefined, {
      caseNo: created.body.caseNo,
      trackingCode: created.body.trackingCode,
    });
    expect(track.status, JSON.stringify(track.body)).toBe(200);
    const accesses = track.body.accesses as {
      departmentName: string;
      purpose: string | null;
      legalBasis: string | null;
    }[];
    for (const code of readers) {
      const name = (DEPARTMENTS as Record<string, { name: string }>)[code]!.name.split(' ')[0];
      const theirs = accesses.filter((a) => a.departmentName === name);
      expect(theirs.length, `${code} read the case but is not in the applicant's view`).toBeGreaterThan(0);
      for (const a of theirs) {
        expect(a.purpose, code).toBeTruthy();
        expect(a.legalBasis, code).toBeTruthy();
      }
    }
    const delivery = await api.call('GET', `/api/cases/${id}/delivery`, api.tokens.clerk);
    expect(delivery.body.outcome).toBe('completed');
    expect(Object.keys(delivery.body.results).length).toBeGreaterThan(0);
  });
});
