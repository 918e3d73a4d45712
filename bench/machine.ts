// What the bench ran on, and the CPU the processes under test used (read from /proc, Linux only: elsewhere
// the CPU columns read 0). CPU-seconds per step hold up on a busy machine where steps per second do not.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU-seconds used by a process (user + system), with its waited-for children's when `children`. */
export function cpuSecondsOf(pid: number, children = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return ticks / TICKS_PER_SECOND;
}

export function parentOf(pid: number): number | undefined {
  const f = statFields(pid);
  return f ? Number(f[1]) : undefined;
}

/** Resident set of a process, in bytes (0 when unreadable). */
export function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Live processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e) && parentOf(Number(e)) === pid).map(Number);
}

/** CPU-seconds of a process tree: the root (with the children it reaped) and its live children. */
export function treeCpuSeconds(root: number): number {
  return cpuSecondsOf(root, true) + childrenOf(root).reduce((s, c) => s + cpuSecondsOf(c), 0);
}

export function describeMachine(database: string): string {
  const cores = cpus();
  const [one, five] = loadavg();
  return [
    `Machine: ${cores.length} cores (${cores[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB`,
    `Node ${process.version}, ${process.platform} ${process.arch}; database: ${database}`,
    `Load average at start: ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min)`,
  ].join('\n');
}
