// After the run: what every case should be, checked against the read model (Postgres), each workflow's own
// state (its `state` query, through Temporal), the audit chain, the simulator's ledger and the driver's
// record of every answer it got. Each check yields its violations with the cases concerned.
import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { verifyChain } from '../db/audit.ts';
import { type Db, rowsOf } from '../db/client.ts';
import { CATALOG } from '../processes/index.ts';
import type { LedgerEntry, LedgerSnapshot } from '../simulator/control-types.ts';
import { SAMPLES } from '../test/fixtures/examples.ts';
import { type CaseState, stateQuery } from '../workflows/messages.ts';
import type { ClientStats } from './client.ts';
import type { CaseRecord } from './driver.ts';
import { type IncidentRow, systemStepDigest } from './system-digest.ts';
import { SYSTEM_DEPARTMENTS } from './topology.ts';

export const CHECKS = [
  'every case closed',
  'outcome its decisions imply',
  'read model = workflow state',
  'audit chain intact',
  'each effect exactly once',
  'every 2xx decision present',
  'no 5xx answer',
  'every request answered',
] as const;
export type Check = (typeof CHECKS)[number];

export interface Violation {
  check: Check;
  caseId?: string;
  detail: string;
}

export interface Verdict {
  cases: number;
  outcomes: Record<string, number>;
  violations: Violation[];
  ledgerEntries: number;
  duplicateDeliveries: number;
}

interface StepRow {
  case_id: string;
  step_id: string;
  department: string;
  status: string;
  outputs: Record<string, unknown> | null;
  decided_by: string | null;
}
interface CaseRow {
  id: string;
  status: string;
  data: Record<string, { value: unknown; stepId: string; at: string }>;
}
interface EventRow {
  case_id: string;
  step_id: string | null;
  type: string;
  actor: string;
  seq: number;
}

const FAILED = ['denied', 'cancelled', 'terminated'];
const DECISION_EVENT = {
  approve: 'step.approved',
  deny: 'step.denied',
  supplement: 'step.supplement_requested',
};

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const sameInstant = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();

export async function verify(
  db: Db,
  temporal: Client,
  ledger: LedgerSnapshot,
  records: CaseRecord[],
  stats: ClientStats,
): Promise<Verdict> {
  const violations: Violation[] = [];
  const flag = (check: Check, detail: string, caseId?: string) =>
    violations.push({ check, detail, ...(caseId ? { caseId } : {}) });

  const ids = records.flatMap((r) => (r.caseId ? [r.caseId] : []));
  for (const r of records) {
    if (!r.caseId)
      flag(
        'every case closed',
        `case #${r.index} (${r.processId}) was never accepted: ${r.unexpected.join('; ')}`,
      );
    for (const u of r.unexpected) if (r.caseId) flag('every request answered', u, r.caseId);
  }
  const list = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const caseRows = ids.length
    ? rowsOf<CaseRow>(await db.execute(sql`select id, status, data from cases where id in (${list})`))
    : [];
  const stepRows = ids.length
    ? rowsOf<StepRow>(
        await db.execute(
          sql`select case_id, step_id, department, status, outputs, decided_by from case_steps where case_id in (${list})`,
        ),
      )
    : [];
  const eventRows = ids.length
    ? rowsOf<EventRow>(
        await db.execute(
          sql`select case_id, step_id, type, actor, seq from case_events where case_id in (${list})`,
        ),
      )
    : [];
  const userIds = Object.fromEntries(
    rowsOf<{ id: string; username: string }>(await db.execute(sql`select id, username from users`)).map(
      (u) => [u.username, u.id],
    ),
  );
  const cases = new Map(caseRows.map((c) => [c.id, c]));
  const stepsOf = new Map<string, StepRow[]>();
  for (const s of stepRows) stepsOf.set(s.case_id, [...(stepsOf.get(s.case_id) ?? []), s]);
  const eventsOf = new Map<string, EventRow[]>();
  for (const e of eventRows) eventsOf.set(e.case_id, [...(eventsOf.get(e.case_id) ?? []), e]);
  const ledgerOf = new Map<string, LedgerEntry[]>();
  for (const entry of ledger.entries) {
    const k = `${entry.caseId}|${entry.stepId}`;
    ledgerOf.set(k, [...(ledgerOf.get(k) ?? []), entry]);
    if (entry.effectsApplied > 1)
      flag(
        'each effect exactly once',
        `${entry.taskId}: ${entry.effectsApplied} effects`,
        entry.caseId ?? undefined,
      );
  }

  const outcomes: Record<string, number> = {};
  await mapLimit(records, 8, async (record) => {
    const id = record.caseId;
    if (!id) return;
    const row = cases.get(id);
    if (!row) return flag('every case closed', 'accepted (2xx) but not in the read model', id);
    outcomes[row.status] = (outcomes[row.status] ?? 0) + 1;
    let state: CaseState | undefined;
    try {
      state = await temporal.workflow.getHandle(id).query(stateQuery);
    } catch (error) {
      flag('read model = workflow state', `state query failed: ${(error as Error).message}`, id);
    }
    if (row.status === 'running' || state?.status === 'running')
      flag('every case closed', `read model ${row.status}, workflow ${state?.status}`, id);

    const steps = stepsOf.get(id) ?? [];
    const events = (eventsOf.get(id) ?? []).sort((a, b) => a.seq - b.seq);
    const byStep = new Map(steps.map((s) => [s.step_id, s]));

    // Read model = the workflow's state.
    if (state) {
      if (state.status !== row.status)
        flag('read model = workflow state', `status: read model ${row.status}, workflow ${state.status}`, id);
      for (const [stepId, status] of Object.entries(state.steps))
        if (byStep.get(stepId)?.status !== status)
          flag(
            'read model = workflow state',
            `step ${stepId}: read model ${byStep.get(stepId)?.status}, workflow ${status}`,
            id,
          );
      if (steps.length !== Object.keys(state.steps).length)
        flag(
          'read model = workflow state',
          `${steps.length} steps in the read model, ${Object.keys(state.steps).length} in the workflow`,
          id,
        );
      const names = new Set([...Object.keys(state.data), ...Object.keys(row.data)]);
      for (const name of names) {
        const a = row.data[name];
        const b = state.data[name];
        if (
          !a ||
          !b ||
          JSON.stringify(a.value) !== JSON.stringify(b.value) ||
          a.stepId !== b.stepId ||
          !sameInstant(a.at, b.at)
        )
          flag(
            'read model = workflow state',
            `datum ${name}: read model ${JSON.stringify(a)}, workflow ${JSON.stringify(b)}`,
            id,
          );
      }
      const lastSeq = events.at(-1)?.seq ?? 0;
      if (lastSeq !== state.seq || events.length !== state.seq)
        flag(
          'read model = workflow state',
          `trail has ${events.length} events up to seq ${lastSeq}, workflow seq ${state.seq}`,
          id,
        );
    }

    // Audit chain.
    const chain = await verifyChain(db, id);
    if (!chain.intact) flag('audit chain intact', `broken at seq ${chain.brokenAt} of ${chain.events}`, id);

    // The outcome its decisions imply: each step's status from the decisions made (by staff, by the
    // department's system per the ledger, by rules), cancellations only where a dependency failed.
    const definition = CATALOG.find((d) => d.id === record.processId)!;
    const expected: Record<string, string> = {};
    const stopped = definition.steps.some(
      (s) => s.onDeny === 'stop-case' && FAILED.includes(byStep.get(s.id)?.status ?? ''),
    );
    for (const step of definition.steps) {
      const actual = byStep.get(step.id)?.status ?? 'missing';
      const last = record.decisions
        .filter((d) => d.stepId === step.id && d.status === 200 && d.outcome !== 'supplement')
        .at(-1);
      const delivered = (ledgerOf.get(`${id}|${step.id}`) ?? []).find(
        (e) => e.decision?.delivery === 'delivered',
      );
      const dependencyFailed = step.dependsOn.some((d) => FAILED.includes(byStep.get(d)?.status ?? ''));
      let want: string;
      if (last) want = last.outcome === 'approve' ? 'approved' : 'denied';
      else if (delivered) want = delivered.decision!.outcome === 'approve' ? 'approved' : 'denied';
      else if (step.adapter === 'auto' && ['approved', 'denied'].includes(actual)) want = actual;
      else if (actual === 'not_applicable' && step.condition) want = actual;
      else if (dependencyFailed || stopped) want = 'cancelled';
      else want = 'approved or denied by someone';
      expected[step.id] = want;
      if (want !== actual) {
        // The answers that refused a decision of this step, so a wedged step names why it was refused.
        const refused = record.decisions
          .filter((d) => d.stepId === step.id && d.status !== 200)
          .map((d) => `${d.status} ${d.problem ?? ''} at ${new Date(d.at).toISOString()}`.trim());
        const answers = refused.length ? ` (refused: ${refused.join(', ')})` : '';
        const system = SYSTEM_DEPARTMENTS.includes(step.department)
          ? ` ${await systemDigestOf(db, id, step.id, ledgerOf.get(`${id}|${step.id}`) ?? [], events)}`
          : '';
        flag(
          'outcome its decisions imply',
          `step ${step.id}: ${actual}, expected ${want}${answers}${system}`,
          id,
        );
      }
      // The outputs recorded are those the department sent.
      const row = byStep.get(step.id);
      if (last?.outcome === 'approve' && row?.status === 'approved') {
        const sent = SAMPLES[record.processId]!.approvals[step.id]?.outputs ?? {};
        if (
          JSON.stringify(row.outputs ?? {}) !== JSON.stringify(sent) &&
          !sameOutputs(row.outputs ?? {}, sent)
        )
          flag(
            'outcome its decisions imply',
            `step ${step.id}: outputs ${JSON.stringify(row.outputs)} differ from those sent`,
            id,
          );
      }
    }
    const statuses = Object.entries(expected)
      .filter(([, s]) => s !== 'not_applicable')
      .map(([, s]) => s);
    const approved = statuses.filter((s) => s === 'approved').length;
    const want =
      approved === statuses.length
        ? 'completed'
        : approved > 0
          ? 'partially_completed'
          : statuses.includes('denied')
            ? 'denied'
            : 'terminated';
    if (row.status !== want)
      flag('outcome its decisions imply', `case ${row.status}, its decisions imply ${want}`, id);

    // Effects exactly once: a step decided by its department's own system was received and applied once.
    for (const step of steps.filter((s) => SYSTEM_DEPARTMENTS.includes(s.department))) {
      const entries = ledgerOf.get(`${id}|${step.step_id}`) ?? [];
      const effects = entries.reduce((n, e) => n + e.effectsApplied, 0);
      const bySystem = ['approved', 'denied'].includes(step.status);
      if (bySystem ? effects !== 1 : effects > 1)
        flag(
          'each effect exactly once',
          `step ${step.step_id} (${step.status}): ${effects} effects in ${entries.length} ledger entries`,
          id,
        );
    }

    // Every 2xx decision is in the trail, once (a repeat with its key applied nothing more), and the trail
    // holds no staff decision that was not acknowledged.
    const acknowledged = new Map<string, number>();
    for (const d of record.decisions.filter((x) => x.status === 200)) {
      const k = `${d.stepId}|${DECISION_EVENT[d.outcome]}|${userIds[d.user]}`;
      acknowledged.set(k, (acknowledged.get(k) ?? 0) + 1);
    }
    const staff = new Set(record.decisions.map((d) => userIds[d.user]));
    const recorded = new Map<string, number>();
    for (const e of events)
      if (Object.values(DECISION_EVENT).includes(e.type) && staff.has(e.actor)) {
        const k = `${e.step_id}|${e.type}|${e.actor}`;
        recorded.set(k, (recorded.get(k) ?? 0) + 1);
      }
    for (const k of new Set([...acknowledged.keys(), ...recorded.keys()]))
      if ((acknowledged.get(k) ?? 0) !== (recorded.get(k) ?? 0))
        flag(
          'every 2xx decision present',
          `${k.split('|').slice(0, 2).join(' ')}: ${acknowledged.get(k) ?? 0} acknowledged, ${recorded.get(k) ?? 0} in the trail`,
          id,
        );
  });

  for (const e of stats.serverErrors) flag('no 5xx answer', `${e.method} ${e.path}: ${e.status} ${e.body}`);
  for (const a of stats.abandoned)
    flag('every request answered', `${a.method} ${a.path} abandoned: ${a.last}`);
  return {
    cases: records.length,
    outcomes,
    violations,
    ledgerEntries: ledger.entries.length,
    duplicateDeliveries: ledger.entries.reduce((n, e) => n + Math.max(0, e.dispatchesReceived - 1), 0),
  };
}

async function systemDigestOf(
  db: Db,
  caseId: string,
  stepId: string,
  entries: LedgerEntry[],
  events: EventRow[],
): Promise<string> {
  const incidents = rowsOf<IncidentRow>(
    await db.execute(
      sql`select round, attempts, retrying, last_error, resolved_at from incidents
          where case_id = ${caseId}::uuid and step_id = ${stepId} order by round`,
    ),
  );
  const trail = events.filter((e) => e.step_id === stepId).map((e) => e.type.replace(/^step\./, ''));
  return systemStepDigest(entries, incidents, trail);
}

/** Same outputs, whatever the key order jsonb gave them. */
function sameOutputs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
