// `npm run chaos -- --record-histories N`: histories of the run's cases that went through what only faults
// produce (a workflow task failed or timed out because its worker died, a task heartbeated while its
// projection waited on a restarting Postgres, a dispatch retried while a department was down), written to
// test/histories/ beside the catalog's paths, so that test/replay.test.ts replays them on every change.
// The run then uses the tests' fixed payload key (test/payload-keys.ts), the key the replay decodes with.
import type { Client } from '@temporalio/client';
import { writeHistory } from '../test/histories/history-files.ts';
import type { CaseRecord } from './driver.ts';

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

/** What a fault left in a history, by name. */
const MARKS: Record<string, (e: HistoryEvent) => boolean> = {
  'task-failed': (e) => !!e.workflowTaskFailedEventAttributes,
  'task-timed-out': (e) => !!e.workflowTaskTimedOutEventAttributes,
  'activity-retried': (e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
};

/**
 * Picks up to `count` closed cases whose histories together show every mark the run produced (each pick
 * adds a mark the earlier ones lack, smallest history first), and writes them as chaos-<process>-<n>.
 */
export async function recordHistories(
  temporal: Client,
  records: CaseRecord[],
  count: number,
): Promise<string[]> {
  const candidates: { record: CaseRecord; marks: Set<string>; history: unknown; size: number }[] = [];
  for (const record of records) {
    if (!record.caseId || record.status === 'running' || record.status === undefined) continue;
    const history = await temporal.workflow.getHandle(record.caseId).fetchHistory();
    const events = history.events ?? [];
    const marks = new Set(Object.entries(MARKS).flatMap(([mark, test]) => (events.some(test) ? [mark] : [])));
    if (marks.size > 0) candidates.push({ record, marks, history, size: events.length });
  }
  candidates.sort((a, b) => a.size - b.size);
  const covered = new Map<string, number>();
  const picked: typeof candidates = [];
  // Greedy: first what covers a mark seen least so far, until every mark appears twice or none is left.
  for (const c of candidates) {
    if (picked.length >= count) break;
    if ([...c.marks].some((m) => (covered.get(m) ?? 0) < 2)) {
      picked.push(c);
      for (const m of c.marks) covered.set(m, (covered.get(m) ?? 0) + 1);
    }
  }
  return picked.map((c, i) => {
    const name = `chaos-${c.record.processId}-${i + 1}`;
    writeHistory(name, c.history);
    return `${name} (${[...c.marks].join(', ')})`;
  });
}
