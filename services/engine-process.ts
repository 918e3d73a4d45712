// The whole engine as `npm start` runs it, in a child process of its own: a temporary DATA_DIR, free ports
// for the API, Temporal, its UI and the department simulator, the demo accounts' tokens read from the
// credentials file main.ts writes. For suites that test the engine from outside (the browser tests, the
// API fuzzing), stopped by its own PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoCredential } from './demo-users.ts';
import { availablePort } from './ports.ts';

const PROJECT = fileURLToPath(new URL('../', import.meta.url));

export interface EngineProcess {
  baseUrl: string;
  dataDir: string;
  /** The engine's own PID (main.ts runs in it, not behind npx). */
  pid: number;
  credentials: DemoCredential[];
  /** The last 20,000 characters the engine printed (for error reports). */
  output(): string;
  /** SIGTERM, then SIGKILL to its process group after 30 s; removes the data folder. */
  stop(): Promise<void>;
  /** For process 'exit' handlers, which cannot wait: SIGKILL to its process group now. */
  killNow(): void;
}

export interface EngineOptions {
  /** Extra environment for the engine (e.g. SESSION_IDLE_MINUTES, DEMO_SIMULATOR=0). */
  env?: Record<string, string>;
  /** How long to wait for /readyz (first start installs the Temporal CLI). */
  readyTimeoutMs?: number;
  /** Prefix of the temporary data folder. */
  dataDirPrefix?: string;
}

/** Starts main.ts in a child process; resolves once /readyz answers and the demo credentials are written. */
export async function startEngine(options: EngineOptions = {}): Promise<EngineProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), options.dataDirPrefix ?? 'yjs-engine-'));
  const port = await availablePort(0);
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    TEMPORAL_PORT: String(await availablePort(0)),
    TEMPORAL_UI_PORT: String(await availablePort(0)),
    SIMULATOR_PORT: String(await availablePort(0)),
    ...options.env,
  };
  // node --import tsx runs main.ts in this one process (npx tsx would put two more processes between us
  // and it), so its PID is the engine's own; its own process group lets stop() reach the Temporal server
  // it started if it does not stop on SIGTERM, and keeps a terminal's Ctrl-C to whoever started it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: PROJECT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, exited, () => running);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const killNow = () => {
    if (!running || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 240_000);
    const credentialsFile = join(dataDir, 'demo-credentials.json');
    for (;;) {
      if (!running) throw new Error(`the engine exited before it was ready:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the engine was not ready in time:\n${output}`);
      const credentials = (await isReady(baseUrl)) ? readCredentials(credentialsFile) : undefined;
      if (credentials)
        return { baseUrl, dataDir, pid: child.pid!, credentials, output: () => output, stop, killNow };
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/readyz`)).ok;
  } catch {
    return false;
  }
}

/** The demo credentials once main.ts has written them all (with passwords), else undefined. */
function readCredentials(file: string): DemoCredential[] | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as DemoCredential[];
    return credentials.length > 0 && credentials.every((c) => c.password && c.token)
      ? credentials
      : undefined;
  } catch {
    return undefined; // caught mid-write
  }
}

/** SIGTERM to the engine's PID; after 30 s, SIGKILL to its process group (it and what it started). */
async function stopChild(child: ChildProcess, exited: Promise<unknown>, running: () => boolean) {
  if (!running() || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout' && running()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }
}
