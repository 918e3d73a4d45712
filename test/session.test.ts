// Browser sessions over real HTTP (real Temporal, real database): sign-in, the cookie's attributes, CSRF on
// changes, one answer for every wrong sign-in, the 429 after five failures, idle expiry, sign-out, and the
// admin's password reset and disabling. The app trusts X-Forwarded-For here so each test is its own client.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
let clock = Date.now();
beforeAll(async () => {
  api = await startTestApi({ trustProxy: true, now: () => new Date(clock) });
});
afterAll(() => api?.stop());

/** A client address of its own, so the per-address failure count of one test does not touch another. */
const client = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

interface Browser {
  ip: string;
  cookie?: string;
  csrf?: string;
}

async function signIn(b: Browser, username: string, password: string): Promise<ApiResponse> {
  const res = await api.call(
    'POST',
    '/api/session',
    undefined,
    { username, password },
    { 'x-forwarded-for': b.ip },
  );
  const set = res.headers.get('set-cookie');
  if (res.status === 200 && set) {
    b.cookie = set.split(';')[0];
    b.csrf = res.body.csrfToken;
  }
  return res;
}

function asBrowser(b: Browser, method: string, path: string, body?: unknown, csrf = true) {
  return api.call(method, path, undefined, body, {
    'x-forwarded-for': b.ip,
    ...(b.cookie ? { cookie: b.cookie } : {}),
    ...(csrf && b.csrf ? { 'x-csrf-token': b.csrf } : {}),
  });
}

describe('signing in', () => {
  it('opens a session: httpOnly SameSite=Strict cookie, the user, a CSRF token, the idle limit', async () => {
    const b: Browser = { ip: client() };
    const res = await signIn(b, 'samr', api.passwords.samr!);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: {
        id: expect.any(String),
        username: 'samr',
        displayName: expect.any(String),
        role: 'department',
        department: 'SAMR',
      },
      csrfToken: expect.stringMatching(/^[\w-]{40,}$/),
      idleMinutes: 30,
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^yjs_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');

    const again = await asBrowser(b, 'GET', '/api/session');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    // Every route works on the session as on a token: the department's worklist, its identity.
    expect((await asBrowser(b, 'GET', '/api/me')).body.username).toBe('samr');
    expect((await asBrowser(b, 'GET', '/api/tasks')).status).toBe(200);
    // …and role checks still apply.
    expect((await asBrowser(b, 'GET', '/api/users')).status).toBe(403);
  });

  it('marks the cookie Secure when the request came over HTTPS through the trusted proxy', async () => {
    const res = await api.call(
      'POST',
      '/api/session',
      undefined,
      { username: 'clerk', password: api.passwords.clerk },
      { 'x-forwarded-for': client(), 'x-forwarded-proto': 'https' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('gives a wrong password, an unknown user and a disabled user the same 401', async () => {
    const ip = client();
    const wrong = await signIn({ ip }, 'clerk', 'not-the-password');
    const unknown = await signIn({ ip }, `nobody-${randomUUID().slice(0, 8)}`, 'whatever-it-is');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(wrong.body.type).toBe('https://yijianshi.dev/problems/invalid-credentials');
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses the 6th attempt after five failures in a minute for one user name (even the right password)', async () => {
    const name = await newUser('right-password-1');
    for (let i = 0; i < 5; i++)
      expect((await signIn({ ip: client() }, name, 'wrong-password')).status).toBe(401);
    const sixth = await signIn({ ip: client() }, name, 'right-password-1');
    expect(sixth.status).toBe(429);
    expect(sixth.body.type).toBe('https://yijianshi.dev/problems/too-many-attempts');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another user from another address is not affected.
    expect((await signIn({ ip: client() }, 'clerk', api.passwords.clerk!)).status).toBe(200);
  });

  it('refuses the 6th attempt after five failures in a minute from one client address', async () => {
    const ip = client();
    for (let i = 0; i < 5; i++)
      expect((await signIn({ ip }, `guess-${i}`, 'wrong-password')).status).toBe(401);
    const sixth = await signIn({ ip }, 'clerk', api.passwords.clerk!);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('rejects a malformed sign-in with a problem listing the fields', async () => {
    const res = await api.call(
      'POST',
      '/api/session',
      undefined,
      { username: 'clerk' },
      { 'x-forwarded-for': client() },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.password', message: 'is required' }]);
  });
});

describe('CSRF', () => {
  it('refuses a change on a session without the CSRF token, and allows it with the token', async () => {
    const b: Browser = { ip: client() };
    await signIn(b, 'clerk', api.passwords.clerk!);
    const bad = { processId: 'no-such-process', application: {} };
    const without = await asBrowser(b, 'POST', '/api/cases', bad, false);
    expect(without.status).toBe(403);
    expect(without.body.type).toBe('https://yijianshi.dev/problems/csrf');
    const wrong = await api.call('POST', '/api/cases', undefined, bad, {
      cookie: b.cookie!,
      'x-csrf-token': 'x'.repeat(b.csrf!.length),
    });
    expect(wrong.status).toBe(403);
    // With the token the request reaches the route (which refuses the unknown process on its merits).
    const withToken = await asBrowser(b, 'POST', '/api/cases', bad);
    expect(withToken.status).toBe(400);
    expect(withToken.body.type).toBe('https://yijianshi.dev/problems/unknown-process');
    // Reads need no token.
    expect((await asBrowser(b, 'GET', '/api/processes', undefined, false)).status).toBe(200);
  });

  it('asks nothing of bearer-token requests', async () => {
    const res = await api.call('POST', '/api/cases', api.tokens.clerk, {
      processId: 'no-such-process',
      application: {},
    });
    expect(res.status).toBe(400);
  });
});

describe('session lifetime', () => {
  it('expires after 30 idle minutes (session-expired), and use keeps it alive', async () => {
    const b: Browser = { ip: client() };
    await signIn(b, 'manager', api.passwords.manager!);
    clock += 20 * 60_000;
    expect((await asBrowser(b, 'GET', '/api/cases')).status).toBe(200);
    clock += 20 * 60_000;
    expect((await asBrowser(b, 'GET', '/api/session')).status).toBe(200);
    clock += 31 * 60_000;
    const expired = await asBrowser(b, 'GET', '/api/cases');
    expect(expired.status).toBe(401);
    expect(expired.body.type).toBe('https://yijianshi.dev/problems/session-expired');
    expect(expired.headers.get('set-cookie')).toMatch(/^yjs_session=;/);
    // The expired session is gone: the cookie no longer names anything.
    const after = await asBrowser(b, 'GET', '/api/session');
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('https://yijianshi.dev/problems/unauthorized');
  });

  it('signs out: DELETE needs the CSRF token, then clears the cookie and ends the session', async () => {
    const b: Browser = { ip: client() };
    await signIn(b, 'clerk', api.passwords.clerk!);
    expect((await asBrowser(b, 'DELETE', '/api/session', undefined, false)).status).toBe(403);
    const out = await asBrowser(b, 'DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^yjs_session=;/);
    expect((await asBrowser(b, 'GET', '/api/me')).status).toBe(401);
    // Signing out without a session is harmless.
    expect((await api.call('DELETE', '/api/session', undefined)).status).toBe(204);
  });

  it('answers GET /api/session without a cookie with 401 unauthorized', async () => {
    const res = await api.call('GET', '/api/session', undefined);
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('https://yijianshi.dev/problems/unauthorized');
  });
});

/** Creates a clerk with a password through the admin API; their user name. */
async function newUser(password: string): Promise<string> {
  const username = `u-${randomUUID().slice(0, 8)}`;
  const res = await api.call('POST', '/api/users', api.tokens.admin, {
    username,
    displayName: 'Test clerk',
    role: 'clerk',
    password,
  });
  expect(res.status).toBe(201);
  return username;
}

describe('administering accounts', () => {
  it('refuses an initial password shorter than 8 characters', async () => {
    const res = await api.call('POST', '/api/users', api.tokens.admin, {
      username: `u-${randomUUID().slice(0, 8)}`,
      displayName: 'X',
      role: 'clerk',
      password: 'short',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.password');
  });

  it('resets a password: the old one and its sessions stop working, the new one signs in', async () => {
    const name = await newUser('first-password');
    const b: Browser = { ip: client() };
    expect((await signIn(b, name, 'first-password')).status).toBe(200);
    const id = (await asBrowser(b, 'GET', '/api/me')).body.id;
    const short = await api.call('PUT', `/api/users/${id}/password`, api.tokens.admin, { password: 'x' });
    expect(short.status).toBe(400);
    const reset = await api.call('PUT', `/api/users/${id}/password`, api.tokens.admin, {
      password: 'second-password',
    });
    expect(reset.status).toBe(204);
    expect((await asBrowser(b, 'GET', '/api/me')).status).toBe(401);
    expect((await signIn({ ip: client() }, name, 'first-password')).status).toBe(401);
    expect((await signIn({ ip: client() }, name, 'second-password')).status).toBe(200);
    expect(
      (
        await api.call('PUT', `/api/users/${randomUUID()}/password`, api.tokens.admin, {
          password: 'whatever-1',
        })
      ).status,
    ).toBe(404);
    expect(
      (await api.call('PUT', `/api/users/${id}/password`, api.tokens.clerk, { password: 'whatever-1' }))
        .status,
    ).toBe(403);
  });

  it('disables a user: their tokens, sessions and sign-in stop at once; enabling restores them', async () => {
    const name = await newUser('disable-me-pw');
    const b: Browser = { ip: client() };
    await signIn(b, name, 'disable-me-pw');
    const id = (await asBrowser(b, 'GET', '/api/me')).body.id;
    const token = (await api.call('POST', `/api/users/${id}/tokens`, api.tokens.admin, { label: 'script' }))
      .body;
    expect((await api.call('GET', '/api/me', token.token)).status).toBe(200);

    const disabled = await api.call('POST', `/api/users/${id}/disable`, api.tokens.admin);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id, username: name, disabled: true });
    expect((await api.call('GET', '/api/me', token.token)).status).toBe(401);
    expect((await asBrowser(b, 'GET', '/api/me')).status).toBe(401);
    const signIn2 = await signIn({ ip: client() }, name, 'disable-me-pw');
    expect(signIn2.status).toBe(401);
    expect(signIn2.body.type).toBe('https://yijianshi.dev/problems/invalid-credentials');
    const listed = (await api.call('GET', '/api/users', api.tokens.admin)).body.find(
      (u: { id: string }) => u.id === id,
    );
    expect(listed.disabled).toBe(true);

    expect((await api.call('POST', `/api/users/${id}/enable`, api.tokens.admin)).body.disabled).toBe(false);
    expect((await api.call('GET', '/api/me', token.token)).status).toBe(200);
    expect((await signIn({ ip: client() }, name, 'disable-me-pw')).status).toBe(200);
  });

  it("lists a user's tokens without their secrets, and an admin cannot disable themselves", async () => {
    const admin = (await api.call('GET', '/api/me', api.tokens.admin)).body;
    const tokens = await api.call('GET', `/api/users/${admin.id}/tokens`, api.tokens.admin);
    expect(tokens.status).toBe(200);
    expect(tokens.body[0]).toEqual({
      id: expect.any(String),
      label: 'demo',
      createdAt: expect.any(String),
      revokedAt: null,
    });
    expect(JSON.stringify(tokens.body)).not.toContain(api.tokens.admin);
    const self = await api.call('POST', `/api/users/${admin.id}/disable`, api.tokens.admin);
    expect(self.status).toBe(409);
    expect((await api.call('GET', `/api/users/${randomUUID()}/tokens`, api.tokens.admin)).status).toBe(404);
  });
});
