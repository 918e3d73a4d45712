// Starts one real Temporal dev server (the pinned CLI, installed on first use) for every test file, and
// builds the workflow bundle once for all of them (WORKFLOW_BUNDLE_PATH, read by services/case-worker.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedTemporal, type TemporalServices } from '../services/temporal.ts';
import { buildWorkflowBundleCode } from '../services/workflow-bundle.ts';
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

export async function setup(project: TestProject): Promise<void> {
  // Built while the server starts; a failure is reported below, once the server can be stopped with it.
  const building = process.env.WORKFLOW_BUNDLE_PATH ? undefined : buildWorkflowBundleCode();
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
