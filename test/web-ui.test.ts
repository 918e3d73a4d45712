// Serving the browser UI: services/web-build.ts builds a small web/ fixture with the real Vite (and skips
// the build when nothing changed), and the app serves the result: the staff app for every page a browser
// opens, the applicant's page under /track, hashed assets cached for long, and the API untouched.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../services/web-build.ts';
import { startTestApi, type TestApi } from './helpers.ts';

const project = mkdtempSync(join(tmpdir(), 'yjs-web-'));
const web = join(project, 'web');
const log: string[] = [];
let api: TestApi;

function writeFixture(staffText: string) {
  mkdirSync(join(web, 'src'), { recursive: true });
  mkdirSync(join(web, 'public'), { recursive: true });
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(web, 'public', 'robots.txt'), 'User-agent: *\n');
  // The shape of the real web/vite.config.ts: root web/, two HTML entries, out to web/dist.
  writeFileSync(
    join(web, 'vite.config.ts'),
    `import { fileURLToPath } from 'node:url';
export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { outDir: 'dist', rolldownOptions: { input: {
    index: fileURLToPath(new URL('index.html', import.meta.url)),
    track: fileURLToPath(new URL('track.html', import.meta.url)),
  } } },
};
`,
  );
  const html = (title: string, src: string) =>
    `<!doctype html><html lang="zh-CN"><head><title>${title}</title></head><body><div id="root"></div><script type="module" src="${src}"></script></body></html>`;
  writeFileSync(join(web, 'index.html'), html('staff', '/src/staff.js'));
  writeFileSync(join(web, 'track.html'), html('track', '/src/track.js'));
  writeFileSync(
    join(web, 'src', 'staff.js'),
    `document.getElementById('root').textContent = ${JSON.stringify(staffText)};`,
  );
  writeFileSync(join(web, 'src', 'track.js'), `document.getElementById('root').textContent = 'track';`);
}

beforeAll(async () => {
  writeFixture('staff v1');
  const first = await ensureWebBuilt({ project, log: (m) => log.push(m) });
  expect(first).toEqual({ dist: join(web, 'dist'), built: true });
  api = await startTestApi({ webDist: join(web, 'dist') });
}, 180_000);
afterAll(async () => {
  await api?.stop();
  rmSync(project, { recursive: true, force: true });
});

const get = (path: string, accept = 'text/html,application/xhtml+xml,*/*;q=0.8') =>
  fetch(api.url + path, { headers: { accept } });

describe('building the UI', () => {
  it('skips the build when nothing changed and rebuilds when a source changed', async () => {
    expect(await ensureWebBuilt({ project, log: () => {} })).toEqual({
      dist: join(web, 'dist'),
      built: false,
    });
    writeFixture('staff v2');
    expect((await ensureWebBuilt({ project, log: () => {} })).built).toBe(true);
    // No half-built folders are left beside dist.
    expect(readdirSync(web).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  }, 120_000);

  it('does nothing, and says why, in a checkout without web/', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'yjs-noweb-'));
    const messages: string[] = [];
    expect(await ensureWebBuilt({ project: empty, log: (m) => messages.push(m) })).toEqual({ built: false });
    expect(messages.join()).toContain('no web/vite.config.ts');
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('serving the UI', () => {
  it('serves the staff app at / and at every page the client routes, uncached', async () => {
    for (const path of ['/', '/login', '/clerk/new', '/department/tasks/x', '/manager', '/admin/users']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(await res.text(), path).toContain('<title>staff</title>');
    }
  });

  it("serves the applicant's page at /track and below it", async () => {
    for (const path of ['/track', '/track/YJS-20261128-000001']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('<title>track</title>');
    }
  });

  it('sends a Content-Security-Policy: scripts from the site only, eval for the staff app alone', async () => {
    const staff = (await get('/clerk/new')).headers.get('content-security-policy')!;
    expect(staff).toContain("script-src 'self' 'unsafe-eval'");
    expect(staff).toContain("style-src 'self' 'unsafe-inline'");
    expect(staff).toContain("script-src-attr 'none'");
    const track = (await get('/track')).headers.get('content-security-policy')!;
    expect(track).toMatch(/script-src 'self'(;|$)/);
    expect(track).not.toContain('unsafe-eval');
  });

  it('serves the files at the top of the build (Vite copies web/public there)', async () => {
    const res = await get('/robots.txt', '*/*');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('User-agent');
    expect((await get('/%2e%2e/package.json', '*/*')).status).toBe(404);
    expect((await get('/assets/no-such-file.js', '*/*')).status).toBe(404);
  });

  it('serves hashed assets with a year-long immutable cache, also after a rebuild', async () => {
    const html = await (await get('/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const res = await get(asset!, '*/*');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toContain('javascript');
  });

  it('leaves the API, the docs and the health checks as they were', async () => {
    // An unknown /api path is a problem+json 404, never the UI's page, with or without a token (which routes
    // exist is public in /docs anyway; authentication belongs to the routes' scope, not to URL prefixes).
    const unknown = await get('/api/no-such-route');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const withToken = await fetch(`${api.url}/api/no-such-route`, {
      headers: { accept: 'text/html', authorization: `Bearer ${api.tokens.clerk}` },
    });
    expect(withToken.status).toBe(404);
    expect(withToken.headers.get('content-type')).toContain('application/problem+json');
    expect((await get('/healthz', 'application/json')).status).toBe(200);
    expect((await get('/docs/json', 'application/json')).status).toBe(200);
    expect((await get('/.build-hash', '*/*')).status).toBe(404);
  });

  it('answers a page request that does not accept HTML with a problem+json 404', async () => {
    const res = await get('/login', 'application/json');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
