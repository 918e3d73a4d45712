// What `npm run fuzz` (schemathesis against the served OpenAPI spec) found, each as a test that failed
// before its fix: over real HTTP, on a real Temporal dev server and PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

async function send(method: string, path: string, token: string | undefined, body: unknown) {
  const response = await fetch(api.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function get(path: string, token: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const response = await fetch(api.url + path, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function expectProblem(res: ApiResponse, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('NUL in a query value', () => {
  it.each([
    '/api/reports/sla/departments?from=2026-01-01&to=2026-01-31&processId=a%00b',
    '/api/reports/sla?from=2026-01-01&to=2026-01-31&processId=a%00b',
    '/api/reports/sla.csv?from=2026-01-01&to=2026-01-31&department=S%00AMR',
    '/api/reports/sla/departments.csv?from=2026-01-01&to=2026-01-31&department=S%00AMR',
    '/api/cases?processId=a%00b',
    '/api/cases?department=S%00AMR',
    '/api/cases?caseNo=YJS%00',
    '/api/cases?applicant=a%00b',
    '/api/cases?cursor=a%00b',
    '/api/tasks?cursor=a%00b',
    '/api/tasks/counts?department=S%00AMR',
  ])('%s answers 400, not 500', async (path) => {
    expectProblem(await get(path, api.tokens.manager!), 400);
  });
});

describe('NUL in the other strings a request carries', () => {
  const NUL = 'a\u0000b';
  it('answers 400 naming the field, for signing in, tracking, rating and passwords', async () => {
    const cases: [string, string, string | undefined, unknown, string][] = [
      ['POST', '/api/session', undefined, { username: NUL, password: 'x' }, 'body.username'],
      ['POST', '/api/track', undefined, { caseNo: NUL, trackingCode: 'X' }, 'body.caseNo'],
      [
        'POST',
        '/api/track/rating',
        undefined,
        { caseNo: 'YJS-1', trackingCode: 'X', score: 5, comment: NUL },
        'body.comment',
      ],
      [
        'POST',
        '/api/users',
        api.tokens.admin,
        { username: 'nul-user', displayName: 'N', role: 'clerk', password: `${NUL}2345678` },
        'body.password',
      ],
    ];
    for (const [method, path, token, body, field] of cases) {
      const res = await send(method, path, token, body);
      expectProblem(res, 400);
      expect(res.body.errors, path).toContainEqual({ field, message: expect.stringMatching(/NUL/) });
    }
    expectProblem(await get('/api/track/a%00b', api.tokens.clerk!, { 'x-tracking-code': 'X' }), 400);
  });
});

describe('the served OpenAPI spec', () => {
  type Schema = Record<string, unknown>;
  /** Paths of request strings with nothing that refuses NUL (no pattern, format, enum or const). */
  function unguarded(schema: unknown, where: string, out: string[]): void {
    if (!schema || typeof schema !== 'object') return;
    const s = schema as Schema;
    if (s.type === 'string' && !['pattern', 'format', 'enum', 'const'].some((k) => k in s)) out.push(where);
    for (const k of ['anyOf', 'oneOf', 'allOf'])
      for (const [i, sub] of ((s[k] as unknown[]) ?? []).entries()) unguarded(sub, `${where}|${i}`, out);
    for (const [name, sub] of Object.entries((s.properties as Schema) ?? {}))
      unguarded(sub, `${where}.${name}`, out);
    unguarded(s.items, `${where}[]`, out);
    unguarded(s.additionalProperties, `${where}{}`, out);
    for (const sub of Object.values((s.patternProperties as Schema) ?? {})) unguarded(sub, `${where}{}`, out);
  }

  it('gives every string a request carries a pattern, format or enum (Text: no NUL, no lone surrogate)', async () => {
    const spec = (await get('/docs/json', api.tokens.clerk!)).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { in: string; name: string; schema: unknown }[];
            requestBody?: { content: Record<string, { schema: unknown }> };
          }
        >
      >;
    };
    const found: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const p of operation.parameters ?? [])
          unguarded(p.schema, `${method} ${path} ${p.in}.${p.name}`, found);
        for (const [type, content] of Object.entries(operation.requestBody?.content ?? {}))
          unguarded(content.schema, `${method} ${path} body(${type})`, found);
      }
    }
    expect(found).toEqual([]);
  });
});
