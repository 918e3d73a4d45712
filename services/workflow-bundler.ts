// Builds the workflow bundle and writes its code to stdout: run by services/case-worker.ts as a child
// process, so the worker's own process never loads webpack (which kept ~110 MB of its resident set).
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './payload-codec.ts';

/**
 * The SDK compiles workflow TypeScript for ES2017, so every object spread and rest in the case machine and
 * the clocks became a call to a helper (`_object_spread`, `_object_spread_props`: 3% of the workflow
 * thread's time in a profile of 2026-12-08). The workflow thread runs the process's own Node (20), which has
 * ES2022 natively; the semantics are the same, so histories replay alike.
 */
type Configuration = Parameters<
  NonNullable<Parameters<typeof bundleWorkflowCode>[0]['webpackConfigHook']>
>[0];
function modernSyntax(config: Configuration): Configuration {
  for (const rule of config.module?.rules ?? []) {
    const use = rule && typeof rule === 'object' ? rule.use : undefined;
    if (use && typeof use === 'object' && !Array.isArray(use) && String(use.loader).includes('swc-loader')) {
      const options = use.options as { jsc?: { target?: string } } | undefined;
      if (options?.jsc) options.jsc.target = 'es2022';
    }
  }
  return config;
}

const { code } = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  // Failures raised in workflow code get their messages encrypted like those of activities.
  failureConverterPath: FAILURE_CONVERTER_PATH,
  webpackConfigHook: modernSyntax,
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
