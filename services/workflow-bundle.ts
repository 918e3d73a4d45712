// Runs services/workflow-bundler.ts in a child process and returns the workflow bundle's code: the caller's
// process never loads webpack (which kept ~110 MB of its resident set). Used by services/case-worker.ts and
// by the test run's global setup, which builds one bundle for all its files.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLER = fileURLToPath(new URL('./workflow-bundler.ts', import.meta.url));

export async function buildWorkflowBundleCode(): Promise<string> {
  // `--import tsx` resolves from the project's root (vitest's module runner has no import.meta.resolve).
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', BUNDLER], {
    cwd: ROOT,
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return stdout;
}
