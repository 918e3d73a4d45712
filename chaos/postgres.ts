// A throwaway PostgreSQL server for the chaos run, as scripts/with-postgres.sh makes one: Debian's
// PostgreSQL (installed if missing), a cluster in a temporary folder on a free port, run as the postgres
// user when we are root (initdb refuses root). Started, restarted and stopped through pg_ctl, which acts on
// the cluster's own postmaster.pid: never by process name.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface PostgresServer {
  url: string;
  port: number;
  /** The postmaster's pid (it changes on every restart). */
  pid(): number;
  /** pg_ctl stop -m fast: every connection is cut. */
  down(): Promise<void>;
  /** pg_ctl start: resolves once the server accepts connections. */
  up(): Promise<void>;
  /** Stops the server if it runs (synchronously, for exit paths); its folder is the caller's to remove. */
  destroy(): void;
}

function binDir(): string {
  const find = () => {
    if (!existsSync('/usr/lib/postgresql')) return undefined;
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
    const dir = versions.length ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : undefined;
    return dir && existsSync(join(dir, 'initdb')) ? dir : undefined;
  };
  const found = find();
  if (found) return found;
  console.log('Installing PostgreSQL (Debian package)…');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]) => execFileSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1));
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'postgresql']);
  const installed = find();
  if (!installed) throw new Error('PostgreSQL could not be installed');
  return installed;
}

export function startPostgres(dir: string, port: number): PostgresServer {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    if (spawnSync('id', ['postgres']).status !== 0)
      execFileSync('useradd', ['--system', '--no-create-home', 'postgres']);
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  }
  const pg = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };
  const data = join(dir, 'data');
  pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const log = join(dir, 'server.log');
  pg('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
  // Asynchronous from here on: the run's clients live in this process and must go on meanwhile.
  const pgAsync = async (args: string[]) => {
    const tool = join(bin, 'pg_ctl');
    await promisify(execFile)(
      asRoot ? 'runuser' : tool,
      asRoot ? ['-u', 'postgres', '--', tool, ...args] : args,
    );
  };
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    down: async () => {
      await pgAsync(['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    up: async () => {
      await pgAsync(['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
      running = true;
    },
    destroy: () => {
      if (running) {
        try {
          pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        } catch {
          // already stopped
        }
      }
      running = false;
    },
  };
}
