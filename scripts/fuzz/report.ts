// What one schemathesis run did, read from its NDJSON event log: how many requests, their statuses, the
// slowest answer, and every failed check (by operation), for the closing summary of `npm run fuzz`.
import { existsSync, readFileSync } from 'node:fs';

export interface RunReport {
  requests: number;
  statuses: Map<number, number>;
  serverErrors: number;
  slowestSeconds: number;
  /** "check: METHOD /path" -> how many test cases failed it. */
  failures: Map<string, number>;
  /** Errors schemathesis reported about itself while generating cases ("type: message (operation)"). */
  toolErrors: string[];
  /** Other errors it reported (a connection refused, a response it could not read...). */
  otherErrors: string[];
}

/**
 * Errors of the Python interpreter inside schemathesis's case generation (seen: CPython's "AST constructor
 * recursion depth mismatch" while it builds strings for a pattern): nothing the API did. The operation's
 * other phases still ran and were checked.
 */
const GENERATOR_ERRORS = new Set(['SystemError', 'RecursionError']);

interface Interaction {
  response?: { status_code: number; elapsed?: number } | null;
}

interface ScenarioFinished {
  recorder?: {
    label?: string;
    interactions?: Record<string, Interaction>;
    checks?: Record<string, { name: string; status: string }[]>;
  };
}

export function readReport(ndjsonPath: string): RunReport {
  const report: RunReport = {
    requests: 0,
    statuses: new Map(),
    serverErrors: 0,
    slowestSeconds: 0,
    failures: new Map(),
    toolErrors: [],
    otherErrors: [],
  };
  if (!existsSync(ndjsonPath)) return report;
  for (const line of readFileSync(ndjsonPath, 'utf8').split('\n')) {
    if (line.includes('"NonFatalError"')) {
      const { value, label } = (
        JSON.parse(line) as { NonFatalError: { value?: { type?: string; message?: string }; label?: string } }
      ).NonFatalError;
      const text = `${value?.type ?? '?'}: ${value?.message ?? ''} (${label ?? '?'})`;
      (GENERATOR_ERRORS.has(value?.type ?? '') ? report.toolErrors : report.otherErrors).push(text);
      continue;
    }
    if (!line.includes('"ScenarioFinished"')) continue;
    const scenario = (JSON.parse(line) as { ScenarioFinished: ScenarioFinished }).ScenarioFinished;
    const recorder = scenario.recorder ?? {};
    for (const interaction of Object.values(recorder.interactions ?? {})) {
      report.requests += 1;
      const response = interaction.response;
      if (!response) continue;
      const status = response.status_code;
      report.statuses.set(status, (report.statuses.get(status) ?? 0) + 1);
      if (status >= 500) report.serverErrors += 1;
      report.slowestSeconds = Math.max(report.slowestSeconds, response.elapsed ?? 0);
    }
    for (const checks of Object.values(recorder.checks ?? {})) {
      for (const check of checks.filter((c) => c.status === 'failure')) {
        const key = `${check.name}: ${recorder.label ?? '?'}`;
        report.failures.set(key, (report.failures.get(key) ?? 0) + 1);
      }
    }
  }
  return report;
}

/** "200×56 400×1783 …", statuses in order. */
export function statusLine(statuses: Map<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
}
