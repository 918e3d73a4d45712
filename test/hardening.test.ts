// Hardening over real HTTP (real Temporal server and database): security headers and no-store on every API
// answer, CORS off unless configured, 429 problems with Retry-After for floods of failed authentications,
// sign-ins, tracking requests and badly signed callbacks, and a revoked token refused at once by another
// API process on the same database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { DefinitionStore } from '../db/definitions.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { companyStartupApplication } from './fixtures/examples.ts';
import { callApi, startTestApi, type TestApi } from './helpers.ts';

const WINDOW_MS = 1500;
const SIGN_IN_WINDOW_MS = 6000;
const allow = (max: number) => ({ max, windowMs: WINDOW_MS });
const PORTAL = 'https://portal.example.gov.cn';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    corsOrigins: [PORTAL],
    integrations: { BANK: { baseUrl: 'http://127.0.0.1:9', secret: 'bank-secret-for-tests' } },
    limits: {
      authFailures: allow(20),
      signatureFailures: allow(3),
      // Sign-ins hash passwords (scrypt): slow on a busy machine, so a longer window.
      signIn: { max: 3, windowMs: SIGN_IN_WINDOW_MS },
      tracking: allow(3),
      callbacks: allow(1000),
    },
  });
});
afterAll(() => api?.stop());

/** Waits until the limiters' window has passed, so one test's flood does not hold up the next. */
const windowPassed = (ms = WINDOW_MS) => new Promise((resolve) => setTimeout(resolve, ms + 100));

function expectTooMany(res: { status: number; headers: Headers; body: Record<string, unknown> }) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.body).toMatchObject({ status: 429, type: expect.stringContaining('too-many-requests') });
}

describe('headers of every answer', () => {
  it('sends security headers and no-store on API answers, errors included', async () => {
    const created = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'company-startup',
      application: companyStartupApplication,
      materials: await api.materialsFor('company-startup'),
    });
    expect(created.status).toBe(201);
    for (const res of [
      await api.call('GET', `/api/cases/${created.body.id}`, api.tokens.manager),
      await api.call('GET', '/api/tasks', api.tokens.samr),
      await api.call('GET', '/api/cases', undefined),
      await api.call('GET', '/api/no-such-route', api.tokens.clerk),
    ]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('lets only the configured origins call the API cross-origin, without credentials', async () => {
    const from = (origin: string) => ({ origin });
    const allowed = await api.call('GET', '/api/me', api.tokens.clerk, undefined, from(PORTAL));
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await api.call('GET', '/api/me', api.tokens.clerk, undefined, from('https://evil.example'));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/cases`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const ok = await preflight(PORTAL);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS unless configured', () => {
  it('is off: no origin is allowed and preflights find nothing', async () => {
    const app = await buildApp({
      db: api.engine.database.db,
      definitions: new DefinitionStore(api.engine.database.db),
      client: api.engine.temporal.client,
      taskQueue: api.engine.taskQueue,
      materials: new FsMaterialStore('/nonexistent'),
    });
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await callApi(url, 'GET', '/api/me', api.tokens.clerk, undefined, { origin: PORTAL });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${url}/api/cases`, {
        method: 'OPTIONS',
        headers: { origin: PORTAL, 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once an address has sent too many unknown tokens, valid ones too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push((await api.call('GET', '/api/me', `yjs_not-a-token-${i}`)).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    expectTooMany(await api.call('GET', '/api/me', 'yjs_one-more'));
    // While the address is over its allowance, even a valid token waits: guessing learns nothing.
    expectTooMany(await api.call('GET', '/api/me', api.tokens.clerk));
    await windowPassed();
    expect((await api.call('GET', '/api/me', api.tokens.clerk)).status).toBe(200);
  });

  it('limits sign-ins per address, right or wrong', async () => {
    const signIn = () =>
      api.call('POST', '/api/session', undefined, { username: 'clerk', password: api.passwords.clerk });
    for (let i = 0; i < 3; i++) expect((await signIn()).status).toBe(200);
    expectTooMany(await signIn());
    await windowPassed(SIGN_IN_WINDOW_MS);
    expect((await signIn()).status).toBe(200);
  });

  it('limits tracking requests per address, with the right code too', async () => {
    const created = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'company-startup',
      application: companyStartupApplication,
      materials: await api.materialsFor('company-startup'),
    });
    const track = () =>
      api.call('GET', `/api/track/${created.body.caseNo}`, undefined, undefined, {
        'x-tracking-code': created.body.trackingCode,
      });
    for (let i = 0; i < 3; i++) expect((await track()).status).toBe(200);
    expectTooMany(await track());
    await windowPassed();
  });

  it('refuses a department system that keeps sending bad signatures', async () => {
    const callback = () =>
      api.call(
        'POST',
        '/api/callbacks/BANK',
        undefined,
        { taskId: 'x' },
        { 'x-yjs-timestamp': String(Math.floor(Date.now() / 1000)), 'x-yjs-signature': 'sha256=00' },
      );
    for (let i = 0; i < 3; i++) expect((await callback()).status).toBe(401);
    expectTooMany(await callback());
    await windowPassed();
    expect((await callback()).status).toBe(401);
  });
});

describe('token revocation', () => {
  it('is refused at once by another API process on the same database', async () => {
    const other = await buildApp({
      db: api.engine.database.db,
      definitions: new DefinitionStore(api.engine.database.db),
      client: api.engine.temporal.client,
      taskQueue: api.engine.taskQueue,
      materials: new FsMaterialStore('/nonexistent'),
    });
    try {
      const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });
      const me = await api.call('GET', '/api/me', api.tokens.clerk);
      const issued = await api.call('POST', `/api/users/${me.body.id}/tokens`, api.tokens.admin, {
        label: 'revocation test',
      });
      expect(issued.status).toBe(201);
      // The other process has seen the token work (a cache would keep it now).
      expect((await callApi(otherUrl, 'GET', '/api/me', issued.body.token)).status).toBe(200);
      const revoked = await api.call('DELETE', `/api/tokens/${issued.body.id}`, api.tokens.admin);
      expect(revoked.status).toBe(204);
      expect((await callApi(otherUrl, 'GET', '/api/me', issued.body.token)).status).toBe(401);
      expect((await api.call('GET', '/api/me', issued.body.token)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
