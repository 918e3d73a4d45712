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

export async function setup(project: TestProject): Promise<void> {
  temporal = await startEmbeddedTemporal({ payloadKeys: TEST_PAYLOAD_KEYS });
  project.provide('temporalAddress', temporal.address);
}

export async function teardown(): Promise<void> {
  await temporal?.stop();
}
