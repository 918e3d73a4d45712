// The time-skipping test server started at a chosen instant: libfaketime (from the project venv) is
// preloaded into the server through a small wrapper script, so a test can begin the day before a real
// holiday in the past (the State Council's 2026 National Day, say) and skip through it.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverterFor } from '../services/payload-codec.ts';
import { installTemporalRuntime } from '../services/temporal.ts';
import { resolveFaketimeLibrary, resolveTemporalExecutable } from '../services/temporal-cli.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

export async function timeSkippingServerAt(startIso: string): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime();
  const server = resolveTemporalExecutable('test-server');
  if (server.type !== 'existing-path')
    throw new Error('the time-skipping test server could not be installed');
  const faketime = resolveFaketimeLibrary();
  if (!faketime) throw new Error('libfaketime could not be installed from PyPI (libfaketime==3.0.1)');
  const start = new Date(startIso);
  const stamp = start.toISOString().replace('T', ' ').slice(0, 19);
  const dir = mkdtempSync(join(tmpdir(), 'yjs-ts-'));
  const wrapper = join(dir, 'temporal-test-server');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexport TZ=UTC\nexport LD_PRELOAD='${faketime}'\nexport FAKETIME='@${stamp}'\nexec '${server.path}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: wrapper } },
    client: { dataConverter: dataConverterFor(TEST_PAYLOAD_KEYS) },
  });
}
