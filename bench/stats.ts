// Small statistics for the bench table, and the table's JSON form (`--json FILE`).
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** What the driver measured in one scenario. */
export interface Measured {
  scenario: string;
  cases: number;
  concurrency: number;
  /** Department steps decided (by people and by rules). */
  steps: number;
  /** Of those, decided by 秒批 rules (the mix only). */
  instantSteps?: number;
  seconds: number;
  latencies: number[];
  driverCpuSeconds: number;
}

/** What the bench adds: CPU and memory of the processes under test while the scenario ran. */
export interface Costs {
  /** The engine's process (API, worker with its workflow thread, PGlite), or the bare worker's (same one). */
  engineCpuSeconds: number;
  /** The Temporal dev server. */
  serverCpuSeconds: number;
  /** The Postgres server's processes (when on Postgres and readable). */
  databaseCpuSeconds?: number;
  /** The departments' own systems (the simulator's process), in the scenario that uses them. */
  departmentSystemsCpuSeconds?: number;
  /** Resident set of the engine's process at the end of the scenario, and its peak during it. */
  rssMb: number;
  peakRssMb: number;
}

export interface ResultRow {
  scenario: string;
  database: string;
  cases: number;
  concurrency: number;
  steps: number;
  instantSteps?: number;
  seconds: number;
  casesPerSecond: number;
  stepsPerSecond: number;
  /** stepsPerSecond over the bare baseline's of the same concurrency in the same run. */
  ratio: number | null;
  p50Ms: number;
  p99Ms: number;
  /** CPU-milliseconds per step (per case when the scenario decides no steps) of each process under test. */
  engineCpuMsPerStep: number;
  serverCpuMsPerStep: number;
  databaseCpuMsPerStep?: number;
  /** The load generator's (HTTP or Temporal client), for the record: not part of the engine. */
  driverCpuMsPerStep: number;
  /** The department simulator's (Tax and the bank's own systems), in the HTTP scenario: not the engine. */
  departmentSystemsCpuMsPerStep?: number;
  rssMb: number;
  peakRssMb: number;
  /** Open-cases scenario: cases open and waiting while it ran, and its throughput over the run with none. */
  openCases?: number;
  vsNoneOpen?: number;
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

export function resultRow(
  m: Measured,
  costs: Costs,
  database: string,
  baselineStepsPerSecond?: number,
): ResultRow {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const rate = m.steps / m.seconds;
  // Per step; for a scenario of intakes only (no steps), per case.
  const perStep = (seconds: number) => round((seconds * 1000) / Math.max(1, m.steps || m.cases), 2);
  return {
    scenario: m.scenario,
    database,
    cases: m.cases,
    concurrency: m.concurrency,
    steps: m.steps,
    ...(m.instantSteps !== undefined ? { instantSteps: m.instantSteps } : {}),
    seconds: round(m.seconds, 2),
    casesPerSecond: round(m.cases / m.seconds, 2),
    stepsPerSecond: round(rate),
    ratio: baselineStepsPerSecond ? round(rate / baselineStepsPerSecond, 2) : null,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    engineCpuMsPerStep: perStep(costs.engineCpuSeconds),
    serverCpuMsPerStep: perStep(costs.serverCpuSeconds),
    ...(costs.databaseCpuSeconds !== undefined
      ? { databaseCpuMsPerStep: perStep(costs.databaseCpuSeconds) }
      : {}),
    driverCpuMsPerStep: perStep(m.driverCpuSeconds),
    ...(costs.departmentSystemsCpuSeconds !== undefined
      ? { departmentSystemsCpuMsPerStep: perStep(costs.departmentSystemsCpuSeconds) }
      : {}),
    rssMb: costs.rssMb,
    peakRssMb: costs.peakRssMb,
  };
}

/** The printed table's cells for a row. */
export function tableCells(r: ResultRow): Record<string, string> {
  const cpu = [
    r.engineCpuMsPerStep,
    r.serverCpuMsPerStep,
    r.databaseCpuMsPerStep,
    r.driverCpuMsPerStep,
    r.departmentSystemsCpuMsPerStep,
  ]
    .filter((x) => x !== undefined)
    .map((x) => x.toFixed(1))
    .join(' / ');
  return {
    scenario: r.scenario,
    cases: String(r.cases),
    conc: String(r.concurrency),
    steps: r.instantSteps !== undefined ? `${r.steps} (${r.instantSteps} 秒批)` : String(r.steps),
    'cases/s': r.casesPerSecond.toFixed(1),
    'steps/s': r.stepsPerSecond.toFixed(1),
    'vs baseline': r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    'p50 ms': Number.isNaN(r.p50Ms) ? '-' : r.p50Ms.toFixed(1),
    'p99 ms': Number.isNaN(r.p99Ms) ? '-' : r.p99Ms.toFixed(1),
    'CPU ms/step engine / server / driver': cpu,
    'RSS MB': `${r.rssMb} (peak ${r.peakRssMb})`,
  };
}

/** East Asian wide characters take two columns in a terminal. */
const width = (s: string) => [...s].reduce((w, c) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);

export function printTable(rows: Record<string, string>[]): void {
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(width(c), ...rows.map((r) => width(r[c]!))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
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
