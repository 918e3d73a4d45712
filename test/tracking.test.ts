// Applicants' tracking (办件查询) over real HTTP with a real workflow: the code from intake opens the case
// in plain words, a wrong code looks exactly like an unknown case, a reissued code voids the old one,
// failures are rate-limited per case number and per address, and the rating rules after delivery. The app
// trusts X-Forwarded-For here so each test is its own client; its clock moves for the 7-day rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyStartupApplication, parallelApprovals, registrationApproval } from './fixtures/examples.ts';
import { type ApiResponse, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
let clock = Date.now();
const submission: Record<string, unknown> = {
  processId: 'company-startup',
  application: companyStartupApplication,
};
beforeAll(async () => {
  api = await startTestApi({ trustProxy: true, now: () => new Date(clock) });
  submission.materials = await api.materialsFor('company-startup');
});
afterAll(() => api?.stop());

let address = 0;
const client = () => `10.20.${Math.floor(++address / 250)}.${address % 250}`;

async function submit(): Promise<{ id: string; caseNo: string; trackingCode: string }> {
  const res = await api.call('POST', '/api/cases', api.tokens.clerk, submission);
  expect(res.status).toBe(201);
  return res.body;
}

const track = (caseNo: string, code: string, ip = client()) =>
  api.call('GET', `/api/track/${encodeURIComponent(caseNo)}`, undefined, undefined, {
    'x-tracking-code': code,
    'x-forwarded-for': ip,
  });

const decide = (id: string, stepId: string, department: string, body: unknown) =>
  api.call('POST', `/api/cases/${id}/steps/${stepId}/decision`, api.tokens[department.toLowerCase()], body);

/** A problem without its `instance` (which echoes the URL). */
const problemOf = (res: ApiResponse) => {
  const { instance: _, ...rest } = res.body;
  return { status: res.status, ...rest };
};

describe('tracking a case', () => {
  it('gives a 100-bit code at intake that opens the case in plain words, without an account', async () => {
    const kase = await submit();
    expect(kase.trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    const res = await track(kase.caseNo, kase.trackingCode);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      caseNo: kase.caseNo,
      processId: 'company-startup',
      processName: '企业开办',
      status: 'running',
      closedAt: null,
      delivered: false,
      results: [],
      rating: null,
    });
    const registration = res.body.steps.find((s: { stepId: string }) => s.stepId === 'registration');
    expect(registration).toMatchObject({
      name: '设立登记',
      departmentName: '市场监督管理局',
      state: 'in_progress',
    });
    expect(registration.text).toMatch(/^市场监督管理局正在办理/);
    expect(res.body.steps.find((s: { stepId: string }) => s.stepId === 'tax').state).toBe('waiting');
    expect(res.body.summary).toMatch(/^市场监督管理局正在办理/);
    // Plain words: no status codes, no English department names, no staff, nothing of the application.
    const text = JSON.stringify([res.body.summary, res.body.steps.map((s: { text: string }) => s.text)]);
    expect(text).not.toMatch(/awaiting|blocked|SAMR|Market Supervision/);
    expect(JSON.stringify(res.body)).not.toContain(String(companyStartupApplication.companyName));

    // The form, POST /api/track, gives the same; so does the code typed in lower case without dashes.
    const form = await api.call(
      'POST',
      '/api/track',
      undefined,
      { caseNo: kase.caseNo, trackingCode: kase.trackingCode.toLowerCase().replace(/-/g, '') },
      { 'x-forwarded-for': client() },
    );
    expect(form.status).toBe(200);
    expect(form.body.steps).toEqual(res.body.steps);
  });

  it('answers a wrong code and an unknown case number with the same 404', async () => {
    const kase = await submit();
    const wrongCode = await track(kase.caseNo, 'AAAA-BBBB-CCCC-DDDD-EEEE');
    const unknownCase = await track('YJS-19990101-000001', kase.trackingCode);
    expect(wrongCode.status).toBe(404);
    expect(problemOf(wrongCode)).toEqual(problemOf(unknownCase));
    expect(wrongCode.body.type).toBe('https://yijianshi.dev/problems/unknown-tracking');
    expect((await track(kase.caseNo, '')).status).toBe(400);
  });

  it('voids the old code when the clerk issues a new one', async () => {
    const kase = await submit();
    const reissued = await api.call('POST', `/api/cases/${kase.id}/tracking-code`, api.tokens.clerk);
    expect(reissued.status).toBe(201);
    expect(reissued.body.trackingCode).not.toBe(kase.trackingCode);
    expect((await track(kase.caseNo, kase.trackingCode)).status).toBe(404);
    expect((await track(kase.caseNo, reissued.body.trackingCode)).status).toBe(200);
    expect((await api.call('POST', `/api/cases/${kase.id}/tracking-code`, api.tokens.samr)).status).toBe(403);
  });

  it('answers an idempotent replay of intake without a code (it was shown once)', async () => {
    const headers = { 'idempotency-key': `track-${Date.now()}` };
    const first = await api.call('POST', '/api/cases', api.tokens.clerk, submission, headers);
    const again = await api.call('POST', '/api/cases', api.tokens.clerk, submission, headers);
    expect(first.body.trackingCode).toEqual(expect.any(String));
    expect(again.status).toBe(200);
    expect(again.body.trackingCode).toBeNull();
  });

  it('refuses, with 429 and Retry-After, after 10 failures for one case number (even the right code)', async () => {
    const kase = await submit();
    for (let i = 0; i < 10; i++) expect((await track(kase.caseNo, `WRONG-${i}`)).status).toBe(404);
    const blocked = await track(kase.caseNo, kase.trackingCode);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses, with 429, after 10 failures from one client address', async () => {
    const kase = await submit();
    const ip = client();
    for (let i = 0; i < 10; i++) expect((await track(`YJS-19990101-00000${i}`, 'X', ip)).status).toBe(404);
    expect((await track(kase.caseNo, kase.trackingCode, ip)).status).toBe(429);
    expect((await track(kase.caseNo, kase.trackingCode)).status).toBe(200);
  });

  it('lets managers find a case by its number or the beginning of it', async () => {
    const kase = await submit();
    const exact = await api.call('GET', `/api/cases?caseNo=${kase.caseNo}`, api.tokens.manager);
    expect(exact.body.map((c: { id: string }) => c.id)).toEqual([kase.id]);
    const prefix = await api.call('GET', `/api/cases?caseNo=${kase.caseNo.slice(0, -2)}`, api.tokens.manager);
    expect(prefix.body.map((c: { id: string }) => c.id)).toContain(kase.id);
    const none = await api.call('GET', '/api/cases?caseNo=NOPE-%25', api.tokens.manager);
    expect(none.body).toEqual([]);
  });
});

describe('a case through supplement, delivery and rating', () => {
  it('shows the supplement asked of the applicant, results ready, who read the data, then the rating', async () => {
    const kase = await submit();
    const rate = (score: number, comment?: string) =>
      api.call(
        'POST',
        '/api/track/rating',
        undefined,
        { caseNo: kase.caseNo, trackingCode: kase.trackingCode, score, ...(comment ? { comment } : {}) },
        { 'x-forwarded-for': client() },
      );
    expect((await rate(5)).status).toBe(409);

    await api.call('GET', '/api/tasks', api.tokens.samr);
    expect(
      (
        await decide(kase.id, 'registration', 'SAMR', {
          outcome: 'approve',
          outputs: registrationApproval,
          opinion: '同意',
        })
      ).status,
    ).toBe(200);
    const supplement = await decide(kase.id, 'seal', 'PSB', {
      outcome: 'supplement',
      opinion: '材料不全',
      items: [{ item: 'representative-id', reason: '身份证复印件不清晰' }],
    });
    expect(supplement.status).toBe(200);
    let view = (await track(kase.caseNo, kase.trackingCode)).body;
    expect(view.steps.find((s: { stepId: string }) => s.stepId === 'registration')).toMatchObject({
      state: 'done',
      text: '设立登记已办结',
      finishedAt: expect.any(String),
    });
    expect(view.steps.find((s: { stepId: string }) => s.stepId === 'seal').state).toBe(
      'supplement_requested',
    );
    expect(view.supplements).toEqual([
      {
        stepId: 'seal',
        departmentName: '公安局',
        requestedAt: expect.any(String),
        items: [{ item: 'representative-id', name: '法定代表人身份证明', reason: '身份证复印件不清晰' }],
      },
    ]);
    expect(view.summary).toBe('公安局需要您补充材料，请查看下方的补正告知');
    // SAMR read the case through its worklist: the applicant sees the department and the step, not who.
    // It also sees what was read (categories of personal data, never values), for what, and by what law.
    expect(view.accesses).toContainEqual({
      departmentName: '市场监督管理局',
      at: expect.any(String),
      stepName: '设立登记',
      purpose: '办理公司设立登记，核验法定代表人身份',
      legalBasis: expect.stringContaining('《中华人民共和国市场主体登记管理条例》'),
      categories: ['身份信息', '联系方式'],
      what: 'worklist',
    });
    expect(JSON.stringify(view.accesses)).not.toMatch(/staff|userId/);

    const answered = await api.call('POST', `/api/cases/${kase.id}/supplements`, api.tokens.clerk, {
      stepId: 'seal',
      note: '已补交清晰复印件',
      materials: {
        'representative-id': (submission.materials as Record<string, string>)['representative-id'],
      },
    });
    expect(answered.status).toBe(200);
    for (const [stepId, department, outputs] of parallelApprovals) {
      const res = await decide(kase.id, stepId, department, { outcome: 'approve', outputs, opinion: '同意' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    view = (await track(kase.caseNo, kase.trackingCode)).body;
    expect(view.status).toBe('completed');
    expect(view.summary).toBe('全部事项已办结，请到综合窗口领取办理结果');
    expect(view.results).toHaveLength(6);
    expect(view.results.every((r: { readyForCollection: boolean }) => r.readyForCollection)).toBe(true);
    expect((await rate(5)).status).toBe(409);

    expect(
      (await api.call('POST', `/api/cases/${kase.id}/delivery`, api.tokens.clerk, { method: 'window' }))
        .status,
    ).toBe(200);
    view = (await track(kase.caseNo, kase.trackingCode)).body;
    expect(view.delivered).toBe(true);
    expect(view.results.some((r: { readyForCollection: boolean }) => r.readyForCollection)).toBe(false);

    const first = await rate(2, '等待时间较长');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      score: 2,
      comment: '等待时间较长',
      at: expect.any(String),
      department: null,
      followUp: true,
    });
    expect((await rate(6)).status).toBe(400);
    clock += 6 * 86_400_000;
    const changed = await rate(4, '后来解决了');
    expect(changed.status).toBe(200);
    expect((await track(kase.caseNo, kase.trackingCode)).body.rating).toMatchObject({
      score: 4,
      comment: '后来解决了',
    });
    clock += 2 * 86_400_000;
    const late = await rate(5);
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('https://yijianshi.dev/problems/rating-closed');
    expect((await track(kase.caseNo, kase.trackingCode)).body.rating.score).toBe(4);
    // A wrong code cannot rate.
    const forged = await api.call(
      'POST',
      '/api/track/rating',
      undefined,
      { caseNo: kase.caseNo, trackingCode: 'AAAA', score: 1 },
      { 'x-forwarded-for': client() },
    );
    expect(forged.status).toBe(404);
  });
});
