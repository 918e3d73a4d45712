// The run's own child processes (APIs, workers, the simulator, the Temporal dev server): started with
// their output in a log file, waited for until ready, killed with a real signal by their own pid and
// started again. Every process started here is stopped by stopAll(), which main.ts calls on exit,
// SIGINT and SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logDir: string;
  /** Ready once this appears in its output, or once probe() answers true. */
  readyLine?: RegExp;
  probe?: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

const live = new Set<Managed>();

export class Managed {
  #child: ChildProcess | undefined;
  #log: WriteStream;
  #output = '';
  starts = 0;

  constructor(readonly spec: ProcessSpec) {
    this.#log = createWriteStream(join(spec.logDir, `${spec.name}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process; one that exits while starting (its database restarting, say) is started again. */
  async start(attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#startOnce();
      } catch (error) {
        if (attempt >= attempts || this.running) throw error;
        this.#log.write(`--- start failed, again in 2 s\n`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  async #startOnce(): Promise<void> {
    const { spec } = this;
    this.starts++;
    this.#output = '';
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    live.add(this);
    this.#log.write(`\n--- start #${this.starts} pid ${child.pid} at ${new Date().toISOString()}\n`);
    const collect = (chunk: Buffer) => {
      this.#log.write(chunk);
      if (this.#output.length < 200_000) this.#output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 90_000);
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${spec.name} exited while starting:\n${this.#output.slice(-3000)}`);
      if (spec.readyLine?.test(this.#output)) return;
      if (spec.probe && (await spec.probe().catch(() => false))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${spec.name} not ready in time:\n${this.#output.slice(-3000)}`);
  }

  /** Sends the signal to this process's own pid and waits for it to exit. */
  async kill(signal: NodeJS.Signals, graceMs = 15_000): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.#log.write(`--- ${signal} pid ${child.pid} at ${new Date().toISOString()}\n`);
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    live.delete(this);
    this.#log.end();
  }
}

/** Stops every process this run started (SIGTERM, SIGKILL after a grace period), each by its own pid. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((m) => m.stop()));
}

/** Last resort on a hard exit: SIGKILL what is still running (synchronous, for process.on('exit')). */
export function killAllNow(): void {
  for (const m of live) if (m.running && m.pid) process.kill(m.pid, 'SIGKILL');
}
