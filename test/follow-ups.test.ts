// Follow-ups (整改) of bad ratings over real HTTP with real workflows: a company start-up case driven to
// delivery, then rated. A 1 or 2 opens one follow-up for the department the applicant blamed (or the
// centre), counted by its own workflow; the department sees it and answers; the applicant reads the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHeadsOf } from '../api/chain-heads.ts';
import { verifyChain } from '../db/audit.ts';
import { caseTimeline } from '../db/cases.ts';
import { followUpOfCase } from '../db/follow-ups.ts';
import { rateCase } from '../db/tracking.ts';
import { followUpClockQuery, followUpWorkflowId } from '../workflows/follow-up-messages.ts';
import { companyStartupApplication, parallelApprovals, registrationApproval } from './fixtures/examples.ts';
import { type ApiResponse, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
const submission: Record<string, unknown> = {
  processId: 'company-startup',
  application: companyStartupApplication,
};
beforeAll(async () => {
  api = await startTestApi({ trustProxy: true });
  submission.materials = await api.materialsFor('company-startup');
});
afterAll(() => api?.stop());

let address = 0;
const client = () => `10.30.${Math.floor(++address / 250)}.${address % 250}`;

interface Kase {
  id: string;
  caseNo: string;
  trackingCode: string;
}

/** A company start-up case, every step approved and the results handed over. */
async function deliveredCase(): Promise<Kase> {
  const res = await api.call('POST', '/api/cases', api.tokens.clerk, submission);
  expect(res.status).toBe(201);
  const kase: Kase = res.body;
  const decide = (stepId: string, department: string, outputs: unknown) =>
    api.call('POST', `/api/cases/${kase.id}/steps/${stepId}/decision`, api.tokens[department.toLowerCase()], {
      outcome: 'approve',
      outputs,
      opinion: '同意',
    });
  expect((await decide('registration', 'SAMR', registrationApproval)).status).toBe(200);
  for (const [stepId, department, outputs] of parallelApprovals)
    expect((await decide(stepId, department, outputs)).status).toBe(200);
  const handover = await api.call('POST', `/api/cases/${kase.id}/delivery`, api.tokens.clerk, {
    method: 'window',
  });
  expect(handover.status).toBe(200);
  return kase;
}

const rate = (kase: Kase, body: Record<string, unknown>) =>
  api.call(
    'POST',
    '/api/track/rating',
    undefined,
    { caseNo: kase.caseNo, trackingCode: kase.trackingCode, ...body },
    { 'x-forwarded-for': client() },
  );

const track = async (kase: Kase) =>
  (
    await api.call('GET', `/api/track/${kase.caseNo}`, undefined, undefined, {
      'x-tracking-code': kase.trackingCode,
      'x-forwarded-for': client(),
    })
  ).body;

const followUpsOf = async (token: string | undefined, query = ''): Promise<ApiResponse> =>
  api.call('GET', `/api/follow-ups${query}`, token);

const respond = (id: string, token: string | undefined, response: unknown) =>
  api.call('POST', `/api/follow-ups/${id}/response`, token, { response });

describe('a bad rating opens a follow-up for the blamed department', () => {
  let kase: Kase;
  beforeAll(async () => {
    kase = await deliveredCase();
  });

  it('lists the case departments by plain name for the applicant to choose', async () => {
    const view = await track(kase);
    expect(view.followUp).toBeNull();
    expect(view.departments).toContainEqual({ code: 'TAX', name: '税务局' });
    expect(view.departments).toContainEqual({ code: 'SAMR', name: '市场监督管理局' });
  });

  it('refuses a department that has no step in the case, naming it, and saves nothing', async () => {
    const res = await rate(kase, { score: 1, department: 'FIRE' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe('https://yijianshi.dev/problems/unknown-department');
    expect(res.body.errors).toEqual([
      { field: 'body.department', message: expect.stringContaining("'FIRE'") },
    ]);
    const view = await track(kase);
    expect(view.rating).toBeNull();
    expect(view.followUp).toBeNull();
    expect(await followUpOfCase(api.engine.database.db, kase.id)).toBeUndefined();
  });

  it('opens exactly one follow-up with a 15-working-day deadline; a replaced rating opens no second', async () => {
    const first = await rate(kase, { score: 2, comment: '税务窗口态度差', department: 'TAX' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ score: 2, department: 'TAX', followUp: true });
    // Answered after the workflow counted the deadline into the read model.
    const row = (await followUpOfCase(api.engine.database.db, kase.id))!;
    expect(row).toMatchObject({ department: 'TAX', score: 2, clockState: 'green', closedAt: null });
    expect(row.dueAt).not.toBeNull();
    const workingDays = (row.dueAt!.getTime() - row.openedAt.getTime()) / 86_400_000;
    expect(workingDays).toBeGreaterThanOrEqual(19); // 15 working days span three weekends at least
    const clock = await api.engine.temporal.client.workflow
      .getHandle(followUpWorkflowId(row.id))
      .query(followUpClockQuery);
    expect(clock).toMatchObject({ state: 'green', deadline: row.dueAt!.toISOString() });

    // Another bad score blaming another department, then a good one: still the one follow-up, for TAX.
    expect((await rate(kase, { score: 1, department: 'PSB' })).status).toBe(200);
    const better = await rate(kase, { score: 4 });
    expect(better.status).toBe(200);
    expect(better.body).toMatchObject({ score: 4, department: null, followUp: true });
    const all = await followUpsOf(api.tokens.manager, `?status=all&limit=500`);
    expect(all.body.filter((f: { caseId: string }) => f.caseId === kase.id)).toHaveLength(1);
    expect((await followUpOfCase(api.engine.database.db, kase.id))!.id).toBe(row.id);

    const view = await track(kase);
    expect(view.followUp).toMatchObject({
      state: 'open',
      departmentName: '税务局',
      promisedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      response: null,
    });
    expect(view.followUp.text).toMatch(/^税务局正在核实您反映的问题，将于 \d+ 月 \d+ 日前答复$/);
  });

  it('shows it to the blamed department, not to another; the department answers, once', async () => {
    const row = (await followUpOfCase(api.engine.database.db, kase.id))!;
    const tax = await followUpsOf(api.tokens.tax);
    expect(tax.status).toBe(200);
    expect(tax.body).toContainEqual(
      expect.objectContaining({
        id: row.id,
        caseNo: kase.caseNo,
        department: 'TAX',
        status: 'open',
        urgency: 'green',
        overdue: false,
        dueAt: row.dueAt!.toISOString(),
        comment: '税务窗口态度差',
      }),
    );
    const psb = await followUpsOf(api.tokens.psb);
    expect(psb.body.map((f: { id: string }) => f.id)).not.toContain(row.id);
    expect((await followUpsOf(api.tokens.psb, '?department=TAX')).status).toBe(403);
    expect((await followUpsOf(api.tokens.clerk)).status).toBe(403);

    expect((await respond(row.id, api.tokens.psb, '不是我们')).status).toBe(403);
    expect((await respond(row.id, api.tokens.manager, '督办')).status).toBe(403);
    expect((await respond('00000000-0000-4000-8000-000000000000', api.tokens.tax, 'x')).status).toBe(404);
    const nul = await respond(row.id, api.tokens.tax, 'bad\u0000text');
    expect(nul.status).toBe(400);
    expect((await respond(row.id, api.tokens.tax, '   ')).status).toBe(400);

    const answered = await respond(row.id, api.tokens.tax, '已约谈窗口人员并整改，欢迎再次监督');
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({
      status: 'closed',
      clockState: 'stopped',
      finalLevel: 'green',
      response: '已约谈窗口人员并整改，欢迎再次监督',
    });
    const again = await respond(row.id, api.tokens.tax, '再答一次');
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('https://yijianshi.dev/problems/follow-up-closed');

    // The workflow's clock stopped at the instant the read model recorded, and the workflow ended.
    const handle = api.engine.temporal.client.workflow.getHandle(followUpWorkflowId(row.id));
    expect(await handle.result()).toMatchObject({ state: 'stopped', finalLevel: 'green' });

    const view = await track(kase);
    expect(view.followUp).toMatchObject({
      state: 'closed',
      departmentName: '税务局',
      response: '已约谈窗口人员并整改，欢迎再次监督',
      respondedAt: expect.any(String),
    });
    expect(view.followUp.text).toMatch(/^税务局已于 \d+ 月 \d+ 日答复您的评价$/);
    expect((await followUpsOf(api.tokens.tax)).body.map((f: { id: string }) => f.id)).not.toContain(row.id);
  });

  it("records the follow-up in the case's trail, which still verifies against the workflow's anchor", async () => {
    const events = await caseTimeline(api.engine.database.db, kase.id);
    expect(events.map((e) => e.type).filter((t) => t.startsWith('follow_up.'))).toEqual([
      'follow_up.opened',
      'follow_up.closed',
    ]);
    expect(JSON.stringify(events)).not.toContain('税务窗口态度差'); // the applicant's comment stays out
    const heads = await chainHeadsOf(api.engine.temporal.client, kase.id);
    expect(heads).toBeDefined();
    expect(await verifyChain(api.engine.database.db, kase.id, heads)).toMatchObject({
      intact: true,
      anchor: 'anchored',
    });
    const audit = await api.call('GET', `/api/cases/${kase.id}/audit`, api.tokens.manager);
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({ intact: true });
  });

  it('shows the follow-up in the case view to managers and to the blamed department', async () => {
    const manager = await api.call('GET', `/api/cases/${kase.id}`, api.tokens.manager);
    expect(manager.body.followUp).toMatchObject({ department: 'TAX', status: 'closed' });
    const tax = await api.call('GET', `/api/cases/${kase.id}`, api.tokens.tax);
    expect(tax.body.followUp).toMatchObject({ department: 'TAX' });
    const psb = await api.call('GET', `/api/cases/${kase.id}`, api.tokens.psb);
    expect(psb.body.followUp).toBeNull();
  });
});

describe('ratings that open no follow-up, and the centre', () => {
  it('opens none for a 3 or better', async () => {
    const kase = await deliveredCase();
    const res = await rate(kase, { score: 3, comment: '一般' });
    expect(res.status).toBe(201);
    expect(res.body.followUp).toBe(false);
    expect(await followUpOfCase(api.engine.database.db, kase.id)).toBeUndefined();
    expect((await track(kase)).followUp).toBeNull();
  });

  it('gives a 1 without a department to the centre, answered by a manager, not by a clerk or a department', async () => {
    const kase = await deliveredCase();
    expect((await rate(kase, { score: 1 })).status).toBe(201);
    const row = (await followUpOfCase(api.engine.database.db, kase.id))!;
    expect(row.department).toBeNull();
    expect((await track(kase)).followUp.departmentName).toBe('政务服务中心');
    const centre = await followUpsOf(api.tokens.manager, '?department=centre');
    expect(centre.body.map((f: { id: string }) => f.id)).toContain(row.id);
    expect((await respond(row.id, api.tokens.clerk, '抱歉')).status).toBe(403);
    expect((await respond(row.id, api.tokens.samr, '抱歉')).status).toBe(403);
    const answered = await respond(row.id, api.tokens.manager, '已优化叫号流程');
    expect(answered.status).toBe(200);
    expect((await track(kase)).followUp).toMatchObject({ state: 'closed', response: '已优化叫号流程' });
  });
});

describe('ratings and follow-ups in the SLA report', () => {
  it('counts the ratings, their average, and the follow-ups opened, answered and overdue', async () => {
    // Run after the cases above (this file's own database): ratings 4 (was 2), 3 and 1; two follow-ups,
    // both answered.
    const day = (offset: number) =>
      new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const report = await api.call(
      'GET',
      `/api/reports/sla?from=${day(-1)}&to=${day(1)}&processId=company-startup`,
      api.tokens.manager,
    );
    expect(report.status).toBe(200);
    expect(report.body.ratings).toEqual({
      count: 3,
      averageScore: 2.67,
      byScore: [1, 0, 1, 1, 0],
      followUps: { opened: 2, closed: 2, closedLate: 0, overdueNow: 0 },
    });
    const tax = await api.call(
      'GET',
      `/api/reports/sla?from=${day(-1)}&to=${day(1)}&department=TAX`,
      api.tokens.manager,
    );
    expect(tax.body.ratings.followUps).toEqual({ opened: 1, closed: 1, closedLate: 0, overdueNow: 0 });
    const none = await api.call('GET', '/api/reports/sla?from=2026-01-01&to=2026-01-31', api.tokens.manager);
    expect(none.body.ratings).toMatchObject({ count: 0, averageScore: null });
  });
});

describe('a follow-up whose clock never started', () => {
  it('gets its clock at start-up (the process stopped between the rating and the start)', async () => {
    const kase = await deliveredCase();
    const db = api.engine.database.db;
    // As a rating request leaves it when the process dies after its transaction: the row, no workflow.
    const { followUp } = await rateCase(
      db,
      kase.id,
      { score: 1, comment: null, department: 'PSB' },
      new Date(Date.now() - 60_000),
    );
    expect(followUp).toMatchObject({ clockState: 'pending', dueAt: null });
    expect(await api.app.followUps.resumeUncounted()).toBe(1);
    expect(await followUpOfCase(db, kase.id)).toMatchObject({ clockState: 'green', dueAt: expect.any(Date) });
    expect(await api.app.followUps.resumeUncounted()).toBe(0);
    expect((await track(kase)).followUp).toMatchObject({ state: 'open', departmentName: '公安局' });
  });
});
