// Builds the workflow bundle and writes its code to stdout: run by services/case-worker.ts as a child
// process, so the worker's own process never loads webpack (which kept ~110 MB of its resident set).
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './payload-codec.ts';

const { code } = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  // Failures raised in workflow code get their messages encrypted like those of activities.
  failureConverterPath: FAILURE_CONVERTER_PATH,
  logger: {
    trace() {},
    debug() {},
    info() {},
    warn: console.error,
    error: console.error,
    log() {},
  } as never,
});
process.stdout.write(code);
