// Starts one real Temporal dev server (the pinned CLI, installed on first use) for every test file, and
// builds the workflow bundle once for all of them (WORKFLOW_BUNDLE_PATH, read by services/case-worker.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startEmbeddedTemporal, type TemporalServices } from '../services/temporal.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

let temporal: TemporalServices | undefined;
let bundleDir: string | undefined;

/**
 * Vitest runs no teardown when it is stopped by a signal (Ctrl-C, or a CI's SIGTERM), and the dev server,
 * a process of its own, would outlive the run: stop it first, then end as the signal would have.
 */
function stopOnSignal(signal: NodeJS.Signals, code: number): void {
  process.once(signal, () => {
    void teardown().finally(() => process.exit(code));
  });
}

/** services/workflow-bundler.ts in a child process, as services/case-worker.ts runs it: the bundle's code. */
async function buildWorkflowBundle(): Promise<string> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(root, 'services', 'workflow-bundler.ts')],
    { cwd: root, maxBuffer: 256 * 2 ** 20, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return stdout;
}

export async function setup(project: TestProject): Promise<void> {
  // Built while the server starts; a failure is reported below, once the server can be stopped with it.
  const building = process.env.WORKFLOW_BUNDLE_PATH ? undefined : buildWorkflowBundle();
  building?.catch(() => {});
  temporal = await startEmbeddedTemporal({ payloadKeys: TEST_PAYLOAD_KEYS });
  project.provide('temporalAddress', temporal.address);
  if (building) {
    // Test files run in processes forked after this, with this environment.
    bundleDir = mkdtempSync(join(tmpdir(), 'yjs-workflow-bundle-'));
    const path = join(bundleDir, 'workflows.js');
    try {
      writeFileSync(path, await building);
    } catch (error) {
      await teardown();
      throw error;
    }
    process.env.WORKFLOW_BUNDLE_PATH = path;
  }
  stopOnSignal('SIGINT', 130);
  stopOnSignal('SIGTERM', 143);
}

export async function teardown(): Promise<void> {
  const running = temporal;
  temporal = undefined;
  await running?.stop();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = undefined;
}
