// The worker process's heap flags are on every command line that starts worker.ts, and the workflow
// thread's limits follow the cache it is given (services/case-worker.ts says why).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKER_PROCESS_HEAP_FLAGS, workflowHeapFlags } from '../services/case-worker.ts';

const file = (name: string) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');

describe('worker heap', () => {
  it('starts worker.ts with the process heap flags wherever it is started', () => {
    const script = JSON.parse(file('package.json')).scripts.worker as string;
    expect(script.split(' ')).toEqual(['tsx', ...WORKER_PROCESS_HEAP_FLAGS, 'worker.ts']);
    const command = /^\s+command: (\[.*"worker\.ts"\])$/m.exec(file('docker-compose.yml'))?.[1];
    expect(JSON.parse(command ?? '[]')).toEqual([
      'node',
      ...WORKER_PROCESS_HEAP_FLAGS,
      '--import',
      'tsx',
      'worker.ts',
    ]);
  });

  it('sizes the workflow thread old space for the cache, with room for the bundle', () => {
    const oldSpace = (cached: number) =>
      Number(/--max-old-space-size=(\d+)/.exec(workflowHeapFlags(cached).join(' '))![1]);
    expect(oldSpace(200)).toBe(208);
    // A cached case holds about 200 KB: the limit leaves at least twice that for each.
    for (const cached of [10, 250, 1000, 5000])
      expect(oldSpace(cached)).toBeGreaterThanOrEqual(64 + cached * 0.4);
  });
});
