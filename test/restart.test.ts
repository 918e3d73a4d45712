// `npm start` as a user runs it: the whole embedded system in its own process, stopped with SIGTERM in
// the middle of a case and started again on the same data folder. Nothing is lost, and nothing it started
// outlives it (the Temporal dev server's port is free again once it exits).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { companyStartup } from '../processes/company-startup.ts';
import { availablePort } from '../services/ports.ts';
import { parallelApprovals, registrationApproval, SAMPLES } from './fixtures/examples.ts';
import { uploadMaterials } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'yjs-restart-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Ports {
  api: number;
  temporal: number;
  ui: number;
}

async function start(ports: Ports): Promise<{ url: string; exited: Promise<number | null> }> {
  child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(ports.api),
      DATA_DIR: dataDir,
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      DEMO_SIMULATOR: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${ports.api}`;
  // Up to 150 s: a start builds the web UI when its sources changed, and shares the machine with other suites.
  for (let i = 0; i < 600; i++) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, exited };
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm start not ready:\n${output}`);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start, stopped and started again mid-case', () => {
  it('loses nothing and leaves nothing running', async () => {
    const ports = { api: await availablePort(), temporal: await availablePort(), ui: await availablePort() };
    const first = await start(ports);
    const tokens = Object.fromEntries(
      (
        JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as {
          user: string;
          token: string;
        }[]
      ).map((c) => [c.user, c.token]),
    );
    const call = async (url: string, method: string, path: string, token: string, body?: unknown) => {
      const r = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: r.status,
        body: (await r.json()) as Record<string, unknown> & { id?: string; status?: string },
      };
    };
    const materials = await uploadMaterials(
      first.url,
      tokens.clerk!,
      companyStartup.materials.map((m) => m.id),
    );
    const created = await call(first.url, 'POST', '/api/cases', tokens.clerk!, {
      processId: 'company-startup',
      application: SAMPLES['company-startup']!.application,
      materials,
    });
    expect(created.status).toBe(201);
    const id = created.body.id!;
    const registered = await call(
      first.url,
      'POST',
      `/api/cases/${id}/steps/registration/decision`,
      tokens.samr!,
      {
        outcome: 'approve',
        opinion: '同意',
        outputs: registrationApproval,
      },
    );
    expect(registered.status).toBe(200);

    child!.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await listening(ports.temporal)).toBe(false);
    expect(await listening(ports.api)).toBe(false);

    const second = await start(ports);
    for (const [step, dept, outputs] of parallelApprovals) {
      const r = await call(
        second.url,
        'POST',
        `/api/cases/${id}/steps/${step}/decision`,
        tokens[dept.toLowerCase()]!,
        {
          outcome: 'approve',
          opinion: '同意',
          outputs,
        },
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const detail = await call(second.url, 'GET', `/api/cases/${id}`, tokens.manager!);
    expect(detail.body.status).toBe('completed');
    const audit = await call(second.url, 'GET', `/api/cases/${id}/audit`, tokens.manager!);
    expect(audit.body).toEqual({ intact: true, events: 14, anchor: 'anchored' });

    child!.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(await listening(ports.temporal)).toBe(false);
  }, 360_000);
});
