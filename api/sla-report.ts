// The SLA report (电子监察) assembled from the summaries: case figures, per step working-time percentiles
// (from histograms: each percentile is the start of the bucket it falls in, a half hour below 8 h), supplements,
// steps that ended past their promise and those held past it now, a bottleneck ranking and a daily series.
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import { ratingFigures, ratings } from '../db/rating-report.ts';
import {
  type CaseFigures,
  caseDays,
  caseDepartments,
  type HistogramRow,
  histogramRows,
  histograms as histogramsOf,
  overdueSteps,
  readParts,
  type SlaRange,
  stepEnds,
} from '../db/reports.ts';
import { bucketStartHours } from '../db/sla-changes.ts';

const HOUR = 3_600_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Nearest-rank percentile over a histogram: the ceil(p·n)-th smallest duration, given as the start of its
 * bucket (below 8 h a half hour: 3 h 10 min reads 3.0; below 40 h two hours; beyond, a working day).
 */
export function percentileHours(histogram: Map<number, number>, p: number): number | null {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return bucketStartHours(bucket);
  }
  return null;
}

function caseTotals(rows: CaseFigures[]) {
  const sum = (k: keyof Omit<CaseFigures, 'day' | 'department'>) => rows.reduce((a, r) => a + r[k], 0);
  const closed = {
    completed: sum('completed'),
    partiallyCompleted: sum('partiallyCompleted'),
    denied: sum('denied'),
    withdrawn: sum('withdrawn'),
    terminated: sum('terminated'),
  };
  return caseBlock(sum('opened'), closed, sum('promised'), sum('promiseKept'));
}

function caseBlock(
  opened: number,
  closed: Record<'completed' | 'partiallyCompleted' | 'denied' | 'withdrawn' | 'terminated', number>,
  promised: number,
  promiseKept: number,
) {
  const total = Object.values(closed).reduce((a, b) => a + b, 0);
  return {
    opened,
    closed: { ...closed, total },
    promised,
    promiseKept,
    promiseKeptPercent: promised === 0 ? null : round2((promiseKept / promised) * 100),
  };
}

const key = (r: { processId: string; stepId: string }) => `${r.processId}\u0000${r.stepId}`;
const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
/** Steps in order of process, then step (ids are ASCII: code units order them as people read them). */
const byKey = (a: { processId: string; stepId: string }, b: { processId: string; stepId: string }) =>
  compare(a.processId, b.processId) || compare(a.stepId, b.stepId);

export async function slaReport(db: Db, definitions: DefinitionStore, range: SlaRange, now = new Date()) {
  // One statement for every part (db/reports.ts readParts).
  const parts = await readParts(db, {
    days: caseDays(range),
    steps: stepEnds(range),
    histograms: histogramsOf(range),
    open: overdueSteps(range, now),
    ratings: ratings(range, now),
  });
  const { days, steps, open } = parts;
  const histograms = histogramRows(parts.histograms);
  const byStep = new Map<string, Map<number, number>>();
  for (const h of histograms) {
    const m = byStep.get(key(h)) ?? new Map<number, number>();
    m.set(h.bucket, (m.get(h.bucket) ?? 0) + h.steps);
    byStep.set(key(h), m);
  }
  const openByStep = new Map(open.map((o) => [key(o), o]));
  const titles = new Map<string, string>();
  const titleOf = async (processId: string, stepId: string) => {
    if (!titles.has(processId)) {
      const def = await definitions.latest(processId);
      for (const s of def?.steps ?? []) titles.set(`${processId}\u0000${s.id}`, s.title);
      titles.set(processId, def?.title ?? processId);
    }
    return titles.get(`${processId}\u0000${stepId}`) ?? stepId;
  };
  // Steps held past their promise now count even if none ended in the range.
  const all = new Map(steps.map((s) => [key(s), s]));
  for (const o of open) {
    if (!all.has(key(o)))
      all.set(key(o), {
        processId: o.processId,
        stepId: o.stepId,
        department: o.department,
        ended: 0,
        approved: 0,
        denied: 0,
        terminated: 0,
        workingMs: 0,
        supplementMs: 0,
        supplemented: 0,
        late: 0,
      });
  }
  const stepRows = [];
  for (const s of [...all.values()].sort(byKey)) {
    const histogram = byStep.get(key(s)) ?? new Map();
    const timed = [...histogram.values()].reduce((a: number, b: number) => a + b, 0);
    stepRows.push({
      processId: s.processId,
      stepId: s.stepId,
      title: await titleOf(s.processId, s.stepId),
      department: s.department,
      ended: s.ended,
      approved: s.approved,
      denied: s.denied,
      terminated: s.terminated,
      workingHours: {
        p50: percentileHours(histogram, 0.5),
        p90: percentileHours(histogram, 0.9),
        mean: timed === 0 ? null : round2(s.workingMs / timed / HOUR),
      },
      supplemented: s.supplemented,
      supplementRatePercent: s.ended === 0 ? null : round2((s.supplemented / s.ended) * 100),
      supplementWaitHours: {
        total: round2(s.supplementMs / HOUR),
        mean: s.supplemented === 0 ? null : round2(s.supplementMs / s.supplemented / HOUR),
      },
      endedLate: s.late,
      overdueNow: openByStep.get(key(s))?.steps ?? 0,
    });
  }
  const bottlenecks = stepRows
    .map((s) => ({
      processId: s.processId,
      stepId: s.stepId,
      title: s.title,
      department: s.department,
      heldPastPromise: s.endedLate + s.overdueNow,
      endedLate: s.endedLate,
      overdueNow: s.overdueNow,
    }))
    .filter((b) => b.heldPastPromise > 0)
    .sort((a, b) => b.heldPastPromise - a.heldPastPromise || byKey(a, b));
  return {
    cases: caseTotals(days),
    steps: stepRows,
    bottlenecks,
    daily: days.map((d) => ({
      day: d.day!,
      opened: d.opened,
      closed: d.completed + d.partiallyCompleted + d.denied + d.withdrawn + d.terminated,
      promised: d.promised,
      promiseKept: d.promiseKept,
    })),
    ratings: ratingFigures(parts.ratings),
  };
}

/** Per department: its cases (those with a step of it), its steps' working time, lateness and backlog. */
export async function departmentReport(db: Db, range: SlaRange, now = new Date()) {
  const parts = await readParts(db, {
    cases: caseDepartments(range),
    steps: stepEnds(range),
    histograms: histogramsOf(range),
    open: overdueSteps(range, now),
  });
  const { cases, steps, open } = parts;
  const histograms = histogramRows(parts.histograms);
  const departments = new Set([
    ...cases.map((c) => c.department!),
    ...steps.map((s) => s.department),
    ...open.map((o) => o.department),
  ]);
  const hist = (d: string) => {
    const m = new Map<number, number>();
    for (const h of histograms.filter((x: HistogramRow) => x.department === d))
      m.set(h.bucket, (m.get(h.bucket) ?? 0) + h.steps);
    return m;
  };
  return [...departments].sort().map((department) => {
    const c = cases.find((x) => x.department === department);
    const own = steps.filter((s) => s.department === department);
    const sum = (k: 'ended' | 'late' | 'supplemented') => own.reduce((a, s) => a + s[k], 0);
    const histogram = hist(department);
    return {
      department,
      cases: caseBlock(
        c?.opened ?? 0,
        {
          completed: c?.completed ?? 0,
          partiallyCompleted: c?.partiallyCompleted ?? 0,
          denied: c?.denied ?? 0,
          withdrawn: c?.withdrawn ?? 0,
          terminated: c?.terminated ?? 0,
        },
        c?.promised ?? 0,
        c?.promiseKept ?? 0,
      ),
      stepsEnded: sum('ended'),
      workingHours: { p50: percentileHours(histogram, 0.5), p90: percentileHours(histogram, 0.9) },
      supplemented: sum('supplemented'),
      endedLate: sum('late'),
      overdueNow: open.filter((o) => o.department === department).reduce((a, o) => a + o.steps, 0),
    };
  });
}
