// Small statistics for the bench table.
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface Measured {
  scenario: string;
  cases: number;
  concurrency: number;
  steps: number;
  seconds: number;
  latencies: number[];
}

export function row(m: Measured, baselineStepsPerSecond?: number): Record<string, string> {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const rate = m.steps / m.seconds;
  return {
    scenario: m.scenario,
    cases: String(m.cases),
    concurrency: String(m.concurrency),
    steps: String(m.steps),
    'steps/s': rate.toFixed(1),
    'vs baseline': baselineStepsPerSecond ? `${(rate / baselineStepsPerSecond).toFixed(2)}x` : '-',
    'decision p50 ms': percentile(sorted, 50).toFixed(1),
    'decision p99 ms': percentile(sorted, 99).toFixed(1),
  };
}

export function printTable(rows: Record<string, string>[]): void {
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(columns.map((c) => r[c]!)));
}

/** Runs `total` jobs with at most `concurrency` at once. */
export async function pool(
  total: number,
  concurrency: number,
  job: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) await job(next++);
  });
  await Promise.all(lanes);
}
