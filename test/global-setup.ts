// Starts one real Temporal dev server (the pinned CLI, installed on first use) for every test file.
import type { TestProject } from 'vitest/node';
import { startEmbeddedTemporal, type TemporalServices } from '../services/temporal.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

let temporal: TemporalServices | undefined;

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
  temporal = await startEmbeddedTemporal({ payloadKeys: TEST_PAYLOAD_KEYS });
  project.provide('temporalAddress', temporal.address);
  stopOnSignal('SIGINT', 130);
  stopOnSignal('SIGTERM', 143);
}

export async function teardown(): Promise<void> {
  const running = temporal;
  temporal = undefined;
  await running?.stop();
}
