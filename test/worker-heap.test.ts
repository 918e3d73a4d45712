// The worker process's heap flags and environment are on every command line that starts worker.ts, and
// the workflow thread's limits follow the cache it is given (services/case-worker.ts says why).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKER_PROCESS_ENV, WORKER_PROCESS_HEAP_FLAGS, workflowHeapFlags } from '../services/case-worker.ts';

const file = (name: string) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
const env = Object.entries(WORKER_PROCESS_ENV);

describe('worker heap', () => {
  it('starts worker.ts with the process heap flags and environment wherever it is started', () => {
    const script = JSON.parse(file('package.json')).scripts.worker as string;
    expect(script.split(' ')).toEqual([
      ...env.map(([name, value]) => `${name}=${value}`),
      'tsx',
      ...WORKER_PROCESS_HEAP_FLAGS,
      'worker.ts',
    ]);
    const compose = file('docker-compose.yml');
    const service = compose.slice(compose.indexOf('\n  worker:'));
    const command = /^\s+command: (\[.*"worker\.ts"\])$/m.exec(service)?.[1];
    expect(JSON.parse(command ?? '[]')).toEqual([
      'node',
      ...WORKER_PROCESS_HEAP_FLAGS,
      '--import',
      'tsx',
      'worker.ts',
    ]);
    for (const [name, value] of env) expect(service).toContain(`\n      ${name}: "${value}"\n`);
  });

  it('sizes the workflow thread old space for the cache, with room for the bundle', () => {
    const oldSpace = (cached: number) =>
      Number(/--max-old-space-size=(\d+)/.exec(workflowHeapFlags(cached).join(' '))![1]);
    expect(oldSpace(200)).toBe(208);
    // A cached case holds about 200 KB: the limit leaves at least twice that for each.
    for (const cached of [10, 200, 1000, 5000])
      expect(oldSpace(cached)).toBeGreaterThanOrEqual(64 + cached * 0.4);
  });
});
