// Schemathesis, pinned, from PyPI into a project-local git-ignored venv (.venv-fuzz), installed on first use
// and again only when the pin changes; and one `st run` against the served OpenAPI spec as a child process.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipInstall } from '../../services/python-venv.ts';

export const SCHEMATHESIS_VERSION = '4.32.5';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
export const FUZZ_VENV = process.env.FUZZ_VENV_DIR ?? join(PROJECT, '.venv-fuzz');

/** The checks every response must pass (max_response_time is enabled by --max-response-time). */
export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
];

function installedVersion(st: string): string | undefined {
  const result = spawnSync(st, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? /version (\S+)/.exec(result.stdout)?.[1] : undefined;
}

/** The path of the pinned `st`, installing it if it is missing or another version. */
export function ensureSchemathesis(): string {
  const st = join(FUZZ_VENV, 'bin', 'st');
  if (existsSync(st) && installedVersion(st) === SCHEMATHESIS_VERSION) return st;
  if (!pipInstall(FUZZ_VENV, `schemathesis==${SCHEMATHESIS_VERSION}`) || !existsSync(st)) {
    throw new Error(
      `could not install schemathesis==${SCHEMATHESIS_VERSION} into ${FUZZ_VENV} (needs python3 with venv and PyPI)`,
    );
  }
  return st;
}

export interface RunOptions {
  st: string;
  /** A schemathesis.toml (dictionaries of real ids bound to path parameters). */
  configFile: string;
  specUrl: string;
  token: string;
  maxExamples: number;
  maxResponseTimeSeconds: number;
  seed: string;
  workers: number;
  /** Where the run's NDJSON event log is written (requests, responses, checks). */
  ndjsonPath: string;
  /** Extra selection flags, e.g. ['--exclude-path', '/api/tokens/{id}']. */
  selection: string[];
}

export interface RunningSchemathesis {
  child: ChildProcess;
  /** Resolves with st's exit code (0: every check passed). */
  exited: Promise<number>;
}

/** Starts `st run` (its output goes to ours), with the token as a bearer header on every request. */
export function runSchemathesis(options: RunOptions): RunningSchemathesis {
  const args = [
    '--config-file',
    options.configFile,
    'run',
    options.specUrl,
    '--header',
    `Authorization: Bearer ${options.token}`,
    '--checks',
    CHECKS.join(','),
    '--max-response-time',
    String(options.maxResponseTimeSeconds),
    '--max-examples',
    String(options.maxExamples),
    '--seed',
    options.seed,
    '--workers',
    String(options.workers),
    '--continue-on-failure',
    '--generation-database',
    'none',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    options.ndjsonPath,
    '--no-color',
    '--warnings',
    'off',
    ...options.selection,
  ];
  // In the config file's folder (.fuzz/), where schemathesis keeps its cache, not in the project's.
  const child = spawn(options.st, args, {
    cwd: dirname(options.configFile),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.once('error', () => resolve(127));
  });
  return { child, exited };
}
