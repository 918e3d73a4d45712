// Cases already running must keep running on the next release: every history recorded from the catalog's
// paths (test/histories/, npm run record-histories) is replayed with the current workflow code, the same
// bundle and payload codec as the real worker. A change that would make a running case's workflow take
// another path than its history says (a new activity, a timer, a reordered command) fails here; ship it
// behind patched() instead (README, "Changing the workflow of running cases").
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { caseWorkflowBundle } from '../services/case-worker.ts';
import { dataConverterFor } from '../services/payload-codec.ts';
import * as messages from '../workflows/messages.ts';
import { readHistories } from './histories/history-files.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

const histories = readHistories();

describe('recorded histories', () => {
  it('cover every process of the catalog and every Update the workflow handles', async () => {
    const { CATALOG } = await import('../processes/index.ts');
    const names = histories.map((h) => h.name);
    for (const definition of CATALOG) expect(names).toContain(`${definition.id}-approved`);
    const recorded = new Set(
      histories.flatMap(({ history }) =>
        (history.events ?? []).flatMap((e) => {
          const name = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
          return name ? [name] : [];
        }),
      ),
    );
    const handled = Object.values(messages).flatMap((m) =>
      typeof m === 'object' && m && 'type' in m && m.type === 'update' ? [m.name as string] : [],
    );
    // A new Update needs a history that exercises it: add a path to record.rec.ts and record again.
    expect(handled.filter((name) => !recorded.has(name))).toEqual([]);
  });

  it('replay with the current workflow code', { timeout: 180_000 }, async () => {
    expect(histories.length).toBeGreaterThanOrEqual(10);
    const failures: string[] = [];
    const results = Worker.runReplayHistories(
      {
        workflowBundle: await caseWorkflowBundle(),
        dataConverter: dataConverterFor(TEST_PAYLOAD_KEYS),
        replayName: 'recorded-histories',
      },
      histories.map(({ name, history }) => ({ workflowId: name, history })),
    );
    let replayed = 0;
    for await (const result of results) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message.split('\n')[0]}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  });
});
