// The authorisation matrix (issue 11): every operation of the served OpenAPI spec, called by every kind of
// caller, answers as the rules below say and no more: a caller the rule leaves out gets 401, 403 or 404
// (a case outside a department's steps is not even confirmed to exist), one it names gets past the
// checks (whatever its deliberately minimal input then earns: 200, 400, 409...). The list of operations
// comes from the spec, so a new route without a rule here fails this test.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByName, issueTokenWithId, revokeToken } from '../db/users.ts';
import { signedHeaders } from '../departments/signing.ts';
import { companyStartupApplication } from './fixtures/examples.ts';
import { startTestApi, type TestApi } from './helpers.ts';

/**
 * Callers with a bearer token (or none). `samr` (and its lead) has the case's first step; `health` has no step
 * in it.
 */
const CALLERS = ['anonymous', 'revoked', 'clerk', 'samr', 'samr-lead', 'health', 'manager', 'admin'] as const;
type Caller = (typeof CALLERS)[number];

type Rule =
  /** Callers who get past the checks; every other caller is refused. */
  | Caller[]
  /** Routes with their own kind of credential, checked in their own tests below. */
  | 'public'
  | 'signed-callback'
  | 'tracking-code';

const STAFF: Caller[] = ['clerk', 'samr', 'samr-lead', 'health', 'manager', 'admin'];
const CENTRE: Caller[] = ['clerk', 'manager', 'admin'];
const SUPERVISION: Caller[] = ['manager', 'admin'];
/** Callers who may see the case: the centre, and departments with a step in it that applies. */
const CASE_READERS: Caller[] = ['clerk', 'samr', 'samr-lead', 'manager', 'admin'];
/** The step's department: its staff and its lead. */
const STEP_DEPARTMENT: Caller[] = ['samr', 'samr-lead'];
const DEPARTMENTS_AND_SUPERVISION: Caller[] = ['samr', 'samr-lead', 'health', 'manager', 'admin'];

const RULES: Record<string, Rule> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'POST /api/session': 'public',
  // The browser's session (cookie and CSRF token): test/session.test.ts; a bearer token is not one.
  'GET /api/session': 'public',
  'DELETE /api/session': 'public',
  'GET /api/me': STAFF,
  'GET /api/calendars': STAFF,
  'GET /api/calendars/{region}': STAFF,
  'POST /api/calendars/years': ['admin'],
  'POST /api/calendars/regions': ['admin'],
  'GET /api/processes': STAFF,
  'POST /api/processes': ['admin'],
  'GET /api/processes/{id}': STAFF,
  'POST /api/materials': ['clerk'],
  'POST /api/cases': ['clerk'],
  'GET /api/cases': STAFF,
  'GET /api/cases/{id}': CASE_READERS,
  'GET /api/cases/{id}/materials': CASE_READERS,
  'GET /api/cases/{id}/materials/{materialId}': CASE_READERS,
  'POST /api/cases/{id}/materials': ['clerk'],
  'POST /api/cases/{id}/supplements': ['clerk'],
  'POST /api/cases/{id}/withdrawal': ['clerk'],
  'POST /api/cases/{id}/tracking-code': ['clerk'],
  'GET /api/cases/{id}/delivery': CENTRE,
  'POST /api/cases/{id}/delivery': ['clerk'],
  'GET /api/cases/{id}/history': SUPERVISION,
  'GET /api/cases/{id}/audit': SUPERVISION,
  'GET /api/cases/{id}/access-log': SUPERVISION,
  'POST /api/cases/{id}/steps/{stepId}/decision': STEP_DEPARTMENT,
  'POST /api/cases/{id}/steps/{stepId}/special-stage': STEP_DEPARTMENT,
  'POST /api/cases/{id}/steps/{stepId}/special-stage/close': STEP_DEPARTMENT,
  'POST /api/cases/{id}/steps/{stepId}/redispatch': SUPERVISION,
  'GET /api/tasks': DEPARTMENTS_AND_SUPERVISION,
  'GET /api/tasks/counts': DEPARTMENTS_AND_SUPERVISION,
  'GET /api/incidents': DEPARTMENTS_AND_SUPERVISION,
  'GET /api/follow-ups': DEPARTMENTS_AND_SUPERVISION,
  // Department staff answer their department's follow-ups, managers the centre's; which follow-up each may
  // answer (another department's: 403) is test/follow-ups.test.ts.
  'POST /api/follow-ups/{id}/response': ['samr', 'samr-lead', 'health', 'manager'],
  'GET /api/reports/sla': SUPERVISION,
  'GET /api/reports/sla.csv': SUPERVISION,
  'GET /api/reports/sla/departments': SUPERVISION,
  'GET /api/reports/sla/departments.csv': SUPERVISION,
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'POST /api/users/{id}/tokens': ['admin'],
  'GET /api/users/{id}/tokens': ['admin'],
  'PUT /api/users/{id}/password': ['admin'],
  'DELETE /api/tokens/{id}': ['admin'],
  'POST /api/users/{id}/disable': ['admin'],
  'POST /api/users/{id}/enable': ['admin'],
  'POST /codec/decode': SUPERVISION,
  'POST /codec/encode': SUPERVISION,
  'POST /api/callbacks/{department}': 'signed-callback',
  'GET /api/track/{caseNo}': 'tracking-code',
  'POST /api/track': 'tracking-code',
  'POST /api/track/rating': 'tracking-code',
};

/** Per-route rules for routes whose path is made from a template (the task holder's routes). */
function ruleOf(operation: string): Rule | undefined {
  if (RULES[operation]) return RULES[operation];
  // Staff claim and release their department's tasks; only the lead assigns one to a colleague.
  if (/^POST \/api\/cases\/\{id\}\/steps\/\{stepId\}\/(claim|release)$/.test(operation))
    return STEP_DEPARTMENT;
  if (operation === 'POST /api/cases/{id}/steps/{stepId}/assign') return ['samr-lead'];
  return undefined;
}

const DENIED = [401, 403, 404];

/**
 * Bodies that pass validation, for routes whose access check needs the case (a department's own step):
 * the allowed caller then meets the case's own rules (an approval without its outputs is refused 400),
 * a department without the step meets the access check.
 */
const BODIES: Record<string, unknown> = {
  'POST /api/cases/{id}/steps/{stepId}/decision': { outcome: 'approve', opinion: '核准', outputs: {} },
  'POST /api/cases/{id}/steps/{stepId}/special-stage': { kind: 'site-inspection', reason: '现场核查' },
  'POST /api/cases/{id}/steps/{stepId}/special-stage/close': { opinion: '核查完毕' },
  'POST /api/cases/{id}/steps/{stepId}/assign': { assignee: '00000000-0000-4000-8000-000000000000' },
};
const SECRET = 'matrix-secret-for-tax';

describe('the authorisation matrix', () => {
  let api: TestApi;
  let operations: { method: string; path: string; multipart: boolean }[];
  const tokens = {} as Record<Caller, string | undefined>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi({
      // Many refused calls from one address in a minute: the failure limits are tested in hardening.
      limits: { authFailures: { max: 10_000, windowMs: 60_000 } },
      integrations: { TAX: { baseUrl: 'http://127.0.0.1:9', secret: SECRET } },
    });
    const spec = (await api.call('GET', '/docs/json', undefined)).body as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    };
    operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        multipart: Object.keys(op.requestBody?.content ?? {}).includes('multipart/form-data'),
      })),
    );
    const db = api.engine.database.db;
    const clerk = (await findUserByName(db, 'clerk'))!;
    const { id: revokedId, token } = await issueTokenWithId(db, clerk.id, 'matrix');
    await revokeToken(db, revokedId);
    Object.assign(tokens, {
      anonymous: undefined,
      revoked: token,
      clerk: api.tokens.clerk,
      samr: api.tokens.samr,
      'samr-lead': api.tokens['samr-lead'],
      health: api.tokens.health,
      manager: api.tokens.manager,
      admin: api.tokens.admin,
    });
    const created = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'company-startup',
      application: companyStartupApplication,
      materials: await api.materialsFor('company-startup'),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const other = await api.call('POST', '/api/users', api.tokens.admin, {
      username: `matrix-${randomUUID().slice(0, 8)}`,
      displayName: 'Matrix',
      role: 'clerk',
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const { id: tokenId } = await issueTokenWithId(db, other.body.id, 'matrix-target');
    Object.assign(ids, {
      id: created.body.id,
      caseId: created.body.id,
      caseNo: created.body.caseNo,
      trackingCode: created.body.trackingCode,
      stepId: 'registration',
      materialId: 'articles-of-association',
      region: 'CN',
      department: 'TAX',
      user: other.body.id,
      token: tokenId,
    });
  }, 120_000);
  afterAll(() => api?.stop());

  /** The operation's path with real ids: the case, its first step, a user, a token of another user. */
  const concrete = (path: string) =>
    path
      .replace('/api/users/{id}', `/api/users/${ids.user}`)
      .replace('/api/tokens/{id}', `/api/tokens/${ids.token}`)
      .replace('/api/processes/{id}', '/api/processes/company-startup')
      .replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? name));

  async function call(op: { method: string; path: string; multipart: boolean }, caller: Caller) {
    const token = tokens[caller];
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let body: string | FormData | undefined;
    if (op.method !== 'GET' && op.method !== 'DELETE') {
      if (op.multipart) body = new FormData();
      else {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(BODIES[`${op.method} ${op.path}`] ?? {});
      }
    }
    const response = await fetch(api.url + concrete(op.path), { method: op.method, headers, body });
    await response.arrayBuffer();
    return response.status;
  }

  it('has a rule for every operation the spec lists', () => {
    const missing = operations.map((o) => `${o.method} ${o.path}`).filter((o) => ruleOf(o) === undefined);
    expect(missing).toEqual([]);
    expect(operations.length).toBeGreaterThan(45);
  });

  it('opens tracking with the right code only, and the same answer for a wrong one as for no case', async () => {
    const get = (caseNo: string, code?: string) =>
      fetch(`${api.url}/api/track/${encodeURIComponent(caseNo)}`, {
        headers: code ? { 'x-tracking-code': code } : {},
      }).then((r) => r.status);
    expect(await get(ids.caseNo!, ids.trackingCode)).toBe(200);
    expect(await get(ids.caseNo!, 'AAAA-BBBB-CCCC-DDDD-EEEE')).toBe(404);
    expect(await get(ids.caseNo!)).not.toBe(200);
    expect(await get('YJS-19990101-000001', ids.trackingCode)).toBe(404);
    // A staff token is no tracking code.
    const withToken = await fetch(`${api.url}/api/track/${encodeURIComponent(ids.caseNo!)}`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect(withToken.status).not.toBe(200);
  });

  it('lets in exactly the callers each rule names, by bearer token', async () => {
    const wrong: string[] = [];
    // Destructive operations last, so they do not take away what the others need (the revoked token's
    // owner, the case).
    const ordered = [...operations].sort(
      (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
    );
    for (const op of ordered) {
      const rule = ruleOf(`${op.method} ${op.path}`);
      if (!Array.isArray(rule)) continue;
      for (const caller of CALLERS) {
        // An admin revoking a token is allowed; do it last, once, so the others still find it.
        if (op.method === 'DELETE' && op.path === '/api/tokens/{id}' && caller === 'admin') continue;
        const status = await call(op, caller);
        const allowed = rule.includes(caller);
        if (allowed ? DENIED.includes(status) : !DENIED.includes(status))
          wrong.push(
            `${op.method} ${op.path} as ${caller}: ${status} (${allowed ? 'should pass' : 'should be refused'})`,
          );
      }
    }
    expect(wrong).toEqual([]);
    expect(
      await call({ method: 'DELETE', path: '/api/tokens/{id}', multipart: false }, 'admin'),
    ).not.toBeOneOf(DENIED);
  }, 300_000);

  it('takes department callbacks with a valid signature only, and no bearer token for them', async () => {
    const path = `/api/callbacks/${ids.department}`;
    const body = JSON.stringify({});
    const post = (headers: Record<string, string>) =>
      fetch(api.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }).then((r) => r.status);
    expect(await post({})).toBe(401);
    expect(await post({ authorization: `Bearer ${tokens.admin}` })).toBe(401);
    expect(await post(signedHeaders('another secret', body))).toBe(401);
    expect(await post(signedHeaders(SECRET, body))).not.toBeOneOf([401, 403]);
  });
});
