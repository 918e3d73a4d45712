// Which routes need a token is decided by the scope they are registered in, not by matching the raw URL:
// a percent-encoded path that the router decodes to an /api route still meets the bearer-token hook.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

/** A GET with the path sent exactly as written (fetch would normalise it). */
function rawGet(path: string): Promise<number> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('authentication scope', () => {
  it('refuses percent-encoded /api paths without a token, as the plain ones', async () => {
    for (const path of ['/api/processes', '/%61pi/processes', '/a%70i/cases', '/api/%63ases', '/api/tasks']) {
      expect(await rawGet(path), path).toBe(401);
    }
  });

  it('leaves health and the signed callbacks outside the token scope', async () => {
    expect(await rawGet('/healthz')).toBe(200);
    // A callback without a signature is refused by its own check (404 for an unknown department), not 401.
    const res = await api.call('POST', '/api/callbacks/NOPE', undefined, { taskId: 'x' });
    expect(res.status).toBe(404);
  });
});
