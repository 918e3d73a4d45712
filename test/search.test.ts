// Managers' search and the worklist at scale, through the API on a real Temporal server: cases submitted
// and decided here, every expectation computed from what the test itself submitted and decided (never by
// the same SQL): filters, applicant search by a keyed hash, department staff's view, keyset pages, bad
// filters, and claims (承办人) with the lead's assignment, in the history and enforced on decisions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  companyStartupApplication,
  parallelApprovals,
  registrationApproval,
  SAMPLES,
} from './fixtures/examples.ts';
import { type ApiResponse, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;

interface Submitted {
  id: string;
  caseNo: string;
  processId: string;
  idNumber?: string;
}
const submitted: Submitted[] = [];

/** A company start-up whose legal representative has this ID number. */
const startup = (idNumber: string) => ({
  ...companyStartupApplication,
  legalRepresentative: { ...companyStartupApplication.legalRepresentative, idNumber },
});

async function submit(processId: string, application: unknown, idNumber?: string): Promise<Submitted> {
  const res = await api.call('POST', '/api/cases', api.tokens.clerk, {
    processId,
    application,
    materials: await api.materialsFor(processId),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const s = { id: res.body.id, caseNo: res.body.caseNo, processId, ...(idNumber ? { idNumber } : {}) };
  submitted.push(s);
  return s;
}

const decide = (caseId: string, stepId: string, token: string, body: unknown) =>
  api.call('POST', `/api/cases/${caseId}/steps/${stepId}/decision`, token, body);
const approve = (outputs: Record<string, unknown>) => ({ outcome: 'approve', opinion: '同意', outputs });

const ids = (res: ApiResponse) => (res.body as { id: string }[]).map((c) => c.id).sort();
const sorted = (list: Submitted[]) => list.map((s) => s.id).sort();

/** Every page of a list, following Next-Cursor. */
async function allPages(path: string, token: string) {
  const pages: { id: string; caseNo: string; submittedAt: string }[][] = [];
  let next: string | null = path;
  while (next) {
    const res = await api.call('GET', next, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    const cursor = res.headers.get('next-cursor');
    next = cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : null;
    if (pages.length > 20) throw new Error('pagination does not end');
  }
  return pages;
}

let approved: Submitted; // registration approved: five parallel steps wait
let denied: Submitted; // registration denied: closed as denied
let restaurant: Submitted;
let newborn: Submitted;

beforeAll(async () => {
  api = await startTestApi();
  approved = await submit('company-startup', startup('330106199001011234'), '330106199001011234');
  denied = await submit('company-startup', startup('33010619851212002X'), '33010619851212002X');
  await submit('company-startup', startup('330106197703030011'), '330106197703030011');
  restaurant = await submit('restaurant', SAMPLES.restaurant!.application);
  newborn = await submit('newborn', SAMPLES.newborn!.application);
  expect(
    (await decide(approved.id, 'registration', api.tokens.samr!, approve(registrationApproval))).status,
  ).toBe(200);
  expect(
    (
      await decide(denied.id, 'registration', api.tokens.samr!, {
        outcome: 'deny',
        opinion: '名称不符',
        reasons: ['名称重复'],
      })
    ).status,
  ).toBe(200);
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('search', () => {
  it('filters by process, status and department, as submitted and decided here', async () => {
    const m = api.tokens.manager!;
    const startups = submitted.filter((s) => s.processId === 'company-startup');
    expect(ids(await api.call('GET', '/api/cases?processId=company-startup', m))).toEqual(sorted(startups));
    expect(ids(await api.call('GET', '/api/cases?processId=restaurant', m))).toEqual([restaurant.id]);
    expect(ids(await api.call('GET', '/api/cases?status=denied', m))).toEqual([denied.id]);
    expect(ids(await api.call('GET', '/api/cases?status=running', m))).toEqual(
      sorted(submitted.filter((s) => s !== denied)),
    );
    // PSB holds the seal step of every start-up, and the newborn's household registration.
    expect(ids(await api.call('GET', '/api/cases?department=PSB', m))).toEqual(
      sorted([...startups, newborn]),
    );
    expect(ids(await api.call('GET', '/api/cases?department=PSB&processId=newborn', m))).toEqual([
      newborn.id,
    ]);
    // Dates: everything was submitted today; nothing closed before today.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(ids(await api.call('GET', `/api/cases?submittedFrom=${today}&submittedTo=${today}`, m))).toEqual(
      sorted(submitted),
    );
    expect(ids(await api.call('GET', `/api/cases?closedFrom=${today}`, m))).toEqual([denied.id]);
    expect(ids(await api.call('GET', '/api/cases?submittedTo=2020-01-01', m))).toEqual([]);
  });

  it('finds an applicant by an exact identifier through its keyed hash, never stored in clear', async () => {
    const m = api.tokens.manager!;
    expect(ids(await api.call('GET', '/api/cases?applicant=330106199001011234', m))).toEqual([approved.id]);
    // As written on the card: the check letter in lower case, spaces around, still the same identifier.
    expect(ids(await api.call('GET', '/api/cases?applicant=%2033010619851212002x', m))).toEqual([denied.id]);
    // The newborn's mother, and the employer's credit code (also a company start-up's... not its applicant).
    expect(ids(await api.call('GET', '/api/cases?applicant=330106199203154527', m))).toEqual([newborn.id]);
    expect(ids(await api.call('GET', '/api/cases?applicant=330106199001011235', m))).toEqual([]);
    const { rowsOf } = await import('../db/client.ts');
    const { sql } = await import('drizzle-orm');
    const stored = rowsOf<{ case_id: string; identifier_hash: string }>(
      await api.engine.database.db.execute(sql`select case_id, identifier_hash from case_applicants`),
    );
    // One identifier per start-up (the legal representative), three for the newborn (mother, father, the
    // employer's credit code); none in clear.
    expect(stored.filter((r) => r.case_id === approved.id)).toHaveLength(1);
    expect(stored.filter((r) => r.case_id === newborn.id)).toHaveLength(3);
    for (const r of stored) expect(r.identifier_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows clock colours: all promises still green, and a decision a moment ago is found at once', async () => {
    const m = api.tokens.manager!;
    const running = submitted.filter((s) => s !== denied);
    const green = await api.call('GET', '/api/cases?clock=green', m);
    // Every running case here has a promise (the catalog's), far from due.
    expect(ids(green)).toEqual(sorted(running));
    expect(green.body.every((c: { clock: string }) => c.clock === 'green')).toBe(true);
    expect(ids(await api.call('GET', '/api/cases?clock=red', m))).toEqual([]);
    expect(ids(await api.call('GET', '/api/cases?overdue=true', m))).toEqual([]);
    // Decide and search in the same breath.
    const third = submitted[2]!;
    await decide(third.id, 'registration', api.tokens.samr!, {
      outcome: 'deny',
      opinion: '不符',
      reasons: ['x'],
    });
    expect(ids(await api.call('GET', '/api/cases?status=denied', m))).toEqual(sorted([denied, third]));
    expect(ids(await api.call('GET', '/api/cases?clock=green', m))).not.toContain(third.id);
  });

  it('lets department staff search only cases with a step of theirs, seeing only their steps', async () => {
    const psb = await api.call('GET', '/api/cases', api.tokens.psb);
    expect(ids(psb)).toEqual(sorted(submitted.filter((s) => s.processId !== 'restaurant')));
    for (const c of psb.body)
      expect(c.steps.every((s: { department: string }) => s.department === 'PSB')).toBe(true);
    expect((await api.call('GET', '/api/cases?department=SAMR', api.tokens.psb)).status).toBe(403);
    const manager = await api.call('GET', `/api/cases?caseNo=${approved.caseNo}`, api.tokens.manager);
    expect(manager.body[0].steps.map((s: { stepId: string }) => s.stepId).sort()).toEqual(
      ['bank', 'housing-fund', 'registration', 'seal', 'social-insurance', 'tax'].sort(),
    );
  });

  it('pages with keyset cursors in every sort order, each case once, in order', async () => {
    const m = api.tokens.manager!;
    for (const [sort, check] of [
      ['submitted', (a: string[]) => [...a].sort().reverse()],
      ['caseNo', (a: string[]) => [...a].sort()],
    ] as const) {
      const pages = await allPages(`/api/cases?sort=${sort}&limit=2`, m);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      const flat = pages.flat();
      expect(flat.map((c) => c.id).sort()).toEqual(sorted(submitted));
      const keys = flat.map((c) => (sort === 'caseNo' ? c.caseNo : c.submittedAt));
      if (sort === 'caseNo') expect(keys).toEqual(check(keys));
      else expect(keys).toEqual([...keys].sort().reverse());
    }
    const first = await api.call('GET', '/api/cases?limit=2', m);
    expect(first.headers.get('link')).toMatch(/^<\/api\/cases\?limit=2&cursor=[\w-]+>; rel="next"$/);
  });

  it('refuses bad filters with a 400 naming each, and changes nothing', async () => {
    const m = api.tokens.manager!;
    const schema = await api.call('GET', '/api/cases?status=lost&clock=purple&limit=0&sort=size', m);
    expect(schema.status).toBe(400);
    expect(schema.headers.get('content-type')).toContain('application/problem+json');
    const fields = schema.body.errors.map((e: { field: string }) => e.field);
    for (const f of ['status', 'clock', 'limit', 'sort']) expect(fields.join(' ')).toContain(f);
    const semantic = await api.call(
      'GET',
      '/api/cases?submittedFrom=2026-02-30&closedFrom=2026-05-02&closedTo=2026-05-01&cursor=bm9wZQ',
      m,
    );
    expect(semantic.status).toBe(400);
    expect(semantic.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['querystring.closedTo', 'querystring.cursor', 'querystring.submittedFrom'].sort(),
    );
  });
});

describe('worklist with owners', () => {
  it('claims, refuses others, lets the lead assign, and keeps it in the history', async () => {
    // A colleague at PSB, made by the admin.
    const colleague = await api.call('POST', '/api/users', api.tokens.admin, {
      username: 'psb-2',
      displayName: 'PSB colleague',
      role: 'department',
      department: 'PSB',
    });
    expect(colleague.status).toBe(201);
    const colleagueToken = (
      await api.call('POST', `/api/users/${colleague.body.id}/tokens`, api.tokens.admin, { label: 't' })
    ).body.token as string;
    const me = (await api.call('GET', '/api/me', api.tokens.psb)).body;

    // Only the approved start-up's seal step is pending at PSB (the newborn's household waits for the
    // birth certificate and vaccination).
    const before = await api.call('GET', '/api/tasks', api.tokens.psb);
    const pending = before.body.map((t: { caseId: string; stepId: string }) => `${t.caseId}/${t.stepId}`);
    expect(pending).toEqual([`${approved.id}/seal`]);
    const counts = (await api.call('GET', '/api/tasks/counts', api.tokens.psb)).body;
    expect(counts).toEqual({ total: 1, red: 0, yellow: 0, green: 1, none: 0, mine: 0, unassigned: 1 });

    const seal = `/api/cases/${approved.id}/steps/seal`;
    expect((await api.call('POST', `${seal}/claim`, api.tokens.psb)).status).toBe(200);
    const mine = await api.call('GET', '/api/tasks?assigned=mine', api.tokens.psb);
    expect(mine.body.map((t: { stepId: string }) => t.stepId)).toEqual(['seal']);
    expect(mine.body[0]).toMatchObject({ assignee: me.id, assigneeName: me.displayName });
    expect((await api.call('GET', '/api/tasks?assigned=unassigned', api.tokens.psb)).body).toEqual([]);
    expect((await api.call('GET', '/api/tasks/counts', api.tokens.psb)).body).toMatchObject({
      mine: 1,
      unassigned: 0,
    });

    // The colleague can neither take it nor decide it: 409 task-claimed.
    const taken = await api.call('POST', `${seal}/claim`, colleagueToken);
    expect(taken.status).toBe(409);
    expect(taken.body.type).toMatch(/task-claimed$/);
    const sealApproval = parallelApprovals.find(([s]) => s === 'seal')![2];
    expect((await decide(approved.id, 'seal', colleagueToken, approve(sealApproval))).status).toBe(409);
    // Another department cannot claim it; the colleague cannot assign (not the lead).
    expect((await api.call('POST', `${seal}/claim`, api.tokens.samr)).status).toBe(403);
    expect(
      (await api.call('POST', `${seal}/assign`, colleagueToken, { assignee: colleague.body.id })).status,
    ).toBe(403);

    // The lead assigns it to the colleague; now the first holder is refused, the colleague decides.
    const lead = api.tokens['psb-lead']!;
    expect(
      (await api.call('POST', `${seal}/assign`, lead, { assignee: '00000000-0000-4000-8000-000000000000' }))
        .status,
    ).toBe(400);
    expect((await api.call('POST', `${seal}/assign`, lead, { assignee: colleague.body.id })).status).toBe(
      200,
    );
    expect((await decide(approved.id, 'seal', api.tokens.psb!, approve(sealApproval))).status).toBe(409);
    expect((await decide(approved.id, 'seal', colleagueToken, approve(sealApproval))).status).toBe(200);

    // The history shows who claimed and who assigned whom, by name.
    const history = (await api.call('GET', `/api/cases/${approved.id}/history`, api.tokens.manager)).body;
    const assigned = history.events.filter((e: { type: string }) => e.type === 'step.assigned');
    expect(
      assigned.map((e: { actorName: string; details: { action: string; assignee: string } }) => [
        e.actorName,
        e.details.action,
        e.details.assignee,
      ]),
    ).toEqual([
      [me.displayName, 'claim', me.id],
      ['公安局 Public Security lead', 'assign', colleague.body.id],
    ]);
    const sealDecision = history.events.find(
      (e: { type: string; stepId: string }) => e.type === 'step.approved' && e.stepId === 'seal',
    );
    expect(sealDecision.actor).toBe(colleague.body.id);
    expect(sealDecision.clocks.map((c: { state: string }) => c.state)).toContain('stopped');
    expect(history.accesses.length).toBeGreaterThan(0);

    expect((await api.call('GET', '/api/tasks/counts', api.tokens.psb)).body).toMatchObject({ total: 0 });

    // Released by the lead: the newborn's birth certificate, claimed by HEALTH staff, is free again; a
    // step not in the worklist (the household, still blocked) cannot be claimed.
    const certificate = `/api/cases/${newborn.id}/steps/birth-certificate`;
    expect((await api.call('POST', `${certificate}/claim`, api.tokens.health)).status).toBe(200);
    expect((await api.call('GET', '/api/tasks/counts', api.tokens.health)).body).toMatchObject({
      total: 2,
      mine: 1,
      unassigned: 1,
    });
    expect((await api.call('POST', `${certificate}/release`, api.tokens['health-lead'])).status).toBe(200);
    expect((await api.call('GET', '/api/tasks/counts', api.tokens.health)).body).toMatchObject({
      total: 2,
      mine: 0,
      unassigned: 2,
    });
    const blocked = await api.call('POST', `/api/cases/${newborn.id}/steps/household/claim`, api.tokens.psb);
    expect(blocked.status).toBe(409);
    expect(blocked.body.type).toMatch(/not-assignable$/);
  });

  it('pages the worklist and filters it by process, colour and due date', async () => {
    const tax = await api.call('GET', '/api/tasks?processId=company-startup&urgency=green', api.tokens.tax);
    expect(tax.body.map((t: { caseId: string }) => t.caseId)).toEqual([approved.id]);
    expect((await api.call('GET', '/api/tasks?urgency=red', api.tokens.tax)).body).toEqual([]);
    expect((await api.call('GET', '/api/tasks?dueBefore=2020-01-01', api.tokens.tax)).body).toEqual([]);
    expect((await api.call('GET', '/api/tasks?processId=newborn', api.tokens.tax)).body).toEqual([]);
    // The manager pages HEALTH's worklist (the newborn's birth certificate and vaccination) one at a time.
    const all = (await api.call('GET', '/api/tasks?department=HEALTH', api.tokens.manager)).body;
    expect(all.map((t: { stepId: string }) => t.stepId).sort()).toEqual(['birth-certificate', 'vaccination']);
    const first = await api.call('GET', '/api/tasks?department=HEALTH&limit=1', api.tokens.manager);
    const cursor = first.headers.get('next-cursor')!;
    const second = await api.call(
      'GET',
      `/api/tasks?department=HEALTH&limit=1&cursor=${cursor}`,
      api.tokens.manager,
    );
    expect([first.body[0].stepId, second.body[0].stepId]).toEqual(
      all.map((t: { stepId: string }) => t.stepId),
    );
    const third = await api.call(
      'GET',
      `/api/tasks?department=HEALTH&limit=1&cursor=${second.headers.get('next-cursor')}`,
      api.tokens.manager,
    );
    expect(third.body).toEqual([]);
    expect((await api.call('GET', '/api/tasks?cursor=nope', api.tokens.tax)).status).toBe(400);
  });
});

describe('search by what a case awaits', () => {
  it("finds the cases waiting for the applicant's supplement on the server, and loses one once answered", async () => {
    const m = api.tokens.manager!;
    // Nothing asked for a supplement yet; the approved start-up's Tax, housing-fund, social-insurance and
    // bank steps, and the newborn's birth certificate and vaccination, await decisions.
    expect(ids(await api.call('GET', '/api/cases?awaiting=supplement', m))).toEqual([]);
    const deciding = ids(await api.call('GET', '/api/cases?awaiting=decision', m));
    expect(deciding).toEqual(expect.arrayContaining(sorted([approved, newborn])));
    expect(deciding).not.toContain(denied.id);

    const ask = await decide(approved.id, 'tax', api.tokens.tax!, {
      outcome: 'supplement',
      opinion: '材料不齐',
      items: [{ item: 'articles', reason: '章程缺少签字页' }],
    });
    expect(ask.status, JSON.stringify(ask.body)).toBe(200);
    // At once, for the manager (any department, or Tax's), for Tax's staff; not for HPF, whose step of the
    // same case still awaits its decision.
    expect(ids(await api.call('GET', '/api/cases?awaiting=supplement', m))).toEqual([approved.id]);
    expect(ids(await api.call('GET', '/api/cases?awaiting=supplement&department=TAX', m))).toEqual([
      approved.id,
    ]);
    expect(ids(await api.call('GET', '/api/cases?awaiting=supplement&department=HPF', m))).toEqual([]);
    expect(ids(await api.call('GET', '/api/cases?awaiting=decision&department=TAX', m))).toEqual([]);
    expect(ids(await api.call('GET', '/api/cases?awaiting=decision&department=HPF', m))).toEqual([
      approved.id,
    ]);
    expect(ids(await api.call('GET', '/api/cases?awaiting=supplement', api.tokens.tax))).toEqual([
      approved.id,
    ]);
    expect(ids(await api.call('GET', '/api/cases?awaiting=supplement', api.tokens.hpf))).toEqual([]);
    const clerkView = await api.call('GET', '/api/cases?awaiting=supplement', api.tokens.clerk);
    expect(clerkView.body[0].steps.find((s: { stepId: string }) => s.stepId === 'tax').status).toBe(
      'supplement_requested',
    );

    const answer = await api.call('POST', `/api/cases/${approved.id}/supplements`, api.tokens.clerk, {
      stepId: 'tax',
      note: '已补签字页',
      materials: {},
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(ids(await api.call('GET', '/api/cases?awaiting=supplement', m))).toEqual([]);
    expect(ids(await api.call('GET', '/api/cases?awaiting=decision&department=TAX', m))).toEqual([
      approved.id,
    ]);
  });

  it('refuses an unknown awaiting with a 400 naming it', async () => {
    const res = await api.call('GET', '/api/cases?awaiting=payment', api.tokens.manager);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field).join(' ')).toContain('awaiting');
  });
});
