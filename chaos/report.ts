// The closing note: one table of the checks (with the cases each violation concerns), the faults with
// their recovery times, and the client's answers by status.
import type { ClientStats } from './client.ts';
import type { FaultRecord } from './faults.ts';
import { CHECKS, type Verdict } from './verify.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Time from an instant to the first 2xx decision answered after it. */
function nextDecision(times: number[], after: number): number | undefined {
  const t = times.find((x) => x > after);
  return t === undefined ? undefined : t - after;
}

export function report(
  verdict: Verdict,
  faults: FaultRecord[],
  decisionTimes: number[],
  stats: ClientStats,
  started: number,
  drivingMs: number,
): string {
  const sorted = [...decisionTimes].sort((a, b) => a - b);
  const checks = table(
    ['check', 'result', 'violations', 'cases'],
    CHECKS.map((check) => {
      const found = verdict.violations.filter((v) => v.check === check);
      const cases = [...new Set(found.flatMap((v) => (v.caseId ? [v.caseId] : [])))];
      return [
        check,
        found.length ? 'FAIL' : 'ok',
        String(found.length),
        cases.slice(0, 4).join(' ') + (cases.length > 4 ? ' …' : ''),
      ];
    }),
  );
  const faultTable = table(
    ['fault', 'target', 'at', 'back after', 'next 2xx decision'],
    faults.map((f) => {
      const next = f.skipped ? undefined : nextDecision(sorted, f.restoredAt ?? f.at);
      return [
        f.kind,
        f.skipped ? 'skipped (cases done first)' : f.target,
        `+${s(f.at - started)}`,
        f.restoredAt ? s(f.restoredAt - f.at) : '-',
        next === undefined ? (f.skipped ? '-' : 'none') : `${s(next)} after it was back`,
      ];
    }),
  );
  const statuses = Object.entries(stats.statuses)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const details = verdict.violations
    .slice(0, 40)
    .map((v) => `  - [${v.check}] ${v.caseId ?? ''} ${v.detail}`);
  return [
    '',
    `Chaos run: ${verdict.cases} cases in ${s(drivingMs)} (${Object.entries(verdict.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); ` +
      `${sorted.length} staff decisions; ${verdict.ledgerEntries} tasks with departments' own systems (${verdict.duplicateDeliveries} repeated deliveries absorbed)`,
    '',
    checks,
    '',
    faultTable,
    '',
    `Answers by status: ${statuses}; ${stats.connectionErrors} requests without an answer (repeated); 5xx other than 503: ${stats.serverErrors.length}`,
    ...(details.length ? ['', 'Violations:', ...details] : []),
    ...(verdict.violations.length > 40 ? [`  … and ${verdict.violations.length - 40} more`] : []),
    '',
  ].join('\n');
}
