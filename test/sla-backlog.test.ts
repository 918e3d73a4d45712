// The backlog (sla_step_backlog, kept by the projection's statement) on a real database (PGlite, or the
// Postgres server in TEST_DATABASE_URL): whatever a batch does to the step rows (dispatch, supplement,
// decision, new deadlines, several steps at once, a dead task's batch replaced), the backlog equals a
// recount of the steps; and the report's steps held past their promise now equal what this test set up,
// counted here by hand.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjection } from '../activities/projection.ts';
import { insertCase } from '../db/cases.ts';
import { type Database, rowsOf } from '../db/client.ts';
import { openOverdueSteps } from '../db/reports.ts';
import type { CaseEvent, UnnumberedCaseEvent } from '../process/events.ts';
import { createClerk, openTestDatabase } from './helpers.ts';

let database: Database;
let clerk: string;

beforeAll(async () => {
  database = await openTestDatabase();
  clerk = await createClerk(database.db);
});
afterAll(() => database?.close());

const STEPS = [
  { stepId: 'a', department: 'X', title: 'A' },
  { stepId: 'b', department: 'Y', title: 'B' },
  { stepId: 'c', department: 'X', title: 'C' },
];

/** Each case's last sequence number and hash, so batches chain as the workflow's do. */
const chains = new Map<string, { seq: number; hash: string }>();

async function newCase(processId: string): Promise<string> {
  const id = randomUUID();
  await insertCase(database.db, {
    id,
    caseNoPrefix: 'BL',
    processId,
    processVersion: 1,
    application: {},
    submittedBy: clerk,
    requestHash: 'h',
    steps: STEPS,
  });
  await project(id, [{ type: 'case.started', steps: [] }]);
  return id;
}

type Event = DistributiveOmit<UnnumberedCaseEvent, 'at' | 'actor'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One batch of the case's events, as the workflow's projection writes it. */
async function project(caseId: string, events: Event[], fence?: number) {
  const chain = chains.get(caseId) ?? { seq: 0, hash: '' };
  const numbered = events.map(
    (e, i) =>
      ({ ...e, seq: chain.seq + i + 1, at: '2026-11-28T02:00:00.000Z', actor: 'system' }) as CaseEvent,
  );
  const hash = await createProjection(database.db)({
    caseId,
    previousHash: chain.hash,
    events: numbered,
    ...(fence === undefined ? {} : { fence }),
  });
  chains.set(caseId, { seq: chain.seq + events.length, hash });
  return { before: chain, hash };
}

const dispatch = (stepId: string, promised?: string): Event => ({
  type: 'step.dispatched',
  stepId,
  adapter: 'worklist',
  round: 1,
  ...(promised ? { promised, statutory: '2027-01-29T09:00:00.000Z' } : {}),
});

/** The backlog as stored (rows at zero left out: they stay), and as a recount of the steps would have it. */
async function expectExact() {
  const stored = rowsOf<Record<string, unknown>>(
    await database.db.execute(sql`
      select grain, to_char(due at time zone 'UTC', 'YYYY-MM-DD"T"HH24') as due, process_id, step_id,
             department, steps
      from sla_step_backlog where steps <> 0 order by 1, 2, 3, 4, 5`),
  );
  const recount = rowsOf<Record<string, unknown>>(
    await database.db.execute(sql`
      select g.grain,
             to_char(date_trunc(g.grain, promised_deadline at time zone 'UTC'), 'YYYY-MM-DD"T"HH24') as due,
             process_id, step_id, department, count(*)::int as steps
      from case_steps cross join (values ('month'), ('day'), ('hour')) as g (grain)
      where status = 'awaiting_decision' and promised_deadline is not null
      group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`),
  );
  expect(stored).toEqual(recount);
  return stored;
}

const overdue = async (now: string, filter: { processId?: string; department?: string } = {}) =>
  Object.fromEntries(
    (await openOverdueSteps(database.db, filter, new Date(now))).map((o) => [
      `${o.processId}/${o.stepId}/${o.department}`,
      o.steps,
    ]),
  );

describe('the backlog of steps awaiting a decision', () => {
  it('follows every batch of the projection, and counts steps past their promise by hand', async () => {
    const [p1, p2, p3] = [await newCase('bl-1'), await newCase('bl-1'), await newCase('bl-2')];
    // Intake's steps are blocked: nothing awaits yet.
    expect(await expectExact()).toEqual([]);

    // Dispatched with promises: two past days, today (2026-12-07) before and after noon, a later day; one
    // without a promise (statutory limits only), never in the backlog.
    await project(p1, [
      dispatch('a', '2026-12-01T03:00:00Z'),
      dispatch('b', '2026-12-07T08:00:00Z'),
      dispatch('c'),
    ]);
    await project(p2, [dispatch('a', '2026-12-01T09:00:00Z'), dispatch('b', '2026-12-07T14:00:00Z')]);
    await project(p3, [dispatch('a', '2026-12-05T23:59:59Z'), dispatch('b', '2026-12-09T01:00:00Z')]);
    // Each step in its month, day and hour: bl-1's two a steps share a day, not an hour.
    const rows = await expectExact();
    expect(rows.filter((r) => r.grain === 'month')).toHaveLength(4);
    expect(rows.filter((r) => r.grain === 'day')).toHaveLength(4);
    expect(rows.filter((r) => r.grain === 'hour')).toHaveLength(6);

    const noon = '2026-12-07T12:00:00.000Z';
    expect(await overdue(noon)).toEqual({ 'bl-1/a/X': 2, 'bl-2/a/X': 1, 'bl-1/b/Y': 1 });
    expect(await overdue(noon, { department: 'Y' })).toEqual({ 'bl-1/b/Y': 1 });
    expect(await overdue(noon, { processId: 'bl-2' })).toEqual({ 'bl-2/a/X': 1 });
    // This hour's steps come from case_steps: due 14:00, past its promise from 14:00 on.
    expect(await overdue('2026-12-07T13:59:59.999Z')).toEqual({
      'bl-1/a/X': 2,
      'bl-2/a/X': 1,
      'bl-1/b/Y': 1,
    });
    expect(await overdue('2026-12-07T14:00:00.000Z')).toEqual({
      'bl-1/a/X': 2,
      'bl-2/a/X': 1,
      'bl-1/b/Y': 2,
    });
    expect(await overdue('2026-12-07T14:30:00.000Z')).toEqual({
      'bl-1/a/X': 2,
      'bl-2/a/X': 1,
      'bl-1/b/Y': 2,
    });
    // At the very start of a day, a step due at that instant is past its promise; one due later is not.
    expect(await overdue('2026-12-05T23:59:59.000Z')).toEqual({ 'bl-1/a/X': 2, 'bl-2/a/X': 1 });
    expect(await overdue('2026-12-05T23:59:58.999Z')).toEqual({ 'bl-1/a/X': 2 });
    // The next day, today's steps are read from the days too.
    expect(await overdue('2026-12-08T00:00:01.000Z')).toEqual({
      'bl-1/a/X': 2,
      'bl-2/a/X': 1,
      'bl-1/b/Y': 2,
    });

    // A supplement request pauses the step (it leaves the backlog), the supplement brings it back with a
    // later promise, a decision takes it out.
    await project(p1, [
      {
        type: 'step.supplement_requested',
        stepId: 'a',
        opinion: '补正',
        items: [{ item: 'id', reason: '不清晰' }],
      },
    ]);
    await expectExact();
    expect(await overdue(noon)).toEqual({ 'bl-1/a/X': 1, 'bl-2/a/X': 1, 'bl-1/b/Y': 1 });
    await project(p1, [
      {
        type: 'step.supplemented',
        stepId: 'a',
        note: '',
        materials: [],
        round: 2,
        promised: '2026-12-10T03:00:00Z',
      },
    ]);
    await expectExact();
    await project(p2, [{ type: 'step.approved', stepId: 'a', opinion: 'ok', outputs: {} }]);
    await expectExact();
    expect(await overdue(noon)).toEqual({ 'bl-2/a/X': 1, 'bl-1/b/Y': 1 });

    // New deadlines (a calendar published later) move a step without changing its status; an assignment
    // changes nothing the backlog counts.
    await project(p3, [{ type: 'step.deadlines_updated', stepId: 'a', promised: '2026-12-08T01:00:00Z' }]);
    await project(p2, [{ type: 'step.assigned', stepId: 'b', action: 'claim', assignee: randomUUID() }]);
    await expectExact();
    expect(await overdue(noon)).toEqual({ 'bl-1/b/Y': 1 });

    // One batch over many steps (a withdrawal terminates every open step of a case).
    await project(
      p1,
      ['a', 'b', 'c'].map((stepId) => ({ type: 'step.terminated', stepId, opinion: '撤回', materials: [] })),
    );
    await expectExact();
    expect(await overdue(noon)).toEqual({});
    expect((await expectExact()).map((r) => `${r.grain} ${r.due} ${r.process_id}/${r.step_id}`)).toEqual([
      'day 2026-12-07T00 bl-1/b',
      'day 2026-12-08T00 bl-2/a',
      'day 2026-12-09T00 bl-2/b',
      'hour 2026-12-07T14 bl-1/b',
      'hour 2026-12-08T01 bl-2/a',
      'hour 2026-12-09T01 bl-2/b',
      'month 2026-12-01T00 bl-1/b',
      'month 2026-12-01T00 bl-2/a',
      'month 2026-12-01T00 bl-2/b',
    ]);
  });

  it('counts steps past their promise in earlier months, this month and this hour', async () => {
    const [q1, q2, q3] = [await newCase('bl-old'), await newCase('bl-old'), await newCase('bl-old')];
    await project(q1, [dispatch('a', '2026-10-31T23:00:00Z')]);
    await project(q2, [dispatch('a', '2026-11-30T23:59:59Z')]);
    await project(q3, [dispatch('a', '2026-12-01T00:30:00Z')]);
    await expectExact();
    const old = { processId: 'bl-old' };
    expect(await overdue('2026-12-01T00:15:00.000Z', old)).toEqual({ 'bl-old/a/X': 2 });
    expect(await overdue('2026-12-01T00:45:00.000Z', old)).toEqual({ 'bl-old/a/X': 3 });
    expect(await overdue('2026-11-30T23:59:58.000Z', old)).toEqual({ 'bl-old/a/X': 1 });
    expect(await overdue('2027-03-01T00:00:00.000Z', old)).toEqual({ 'bl-old/a/X': 3 });
    await project(q1, [{ type: 'step.denied', stepId: 'a', opinion: '不予', reasons: ['r'] }]);
    expect(await overdue('2027-03-01T00:00:00.000Z', old)).toEqual({ 'bl-old/a/X': 2 });
  });

  it('takes back what a dead workflow task’s batch counted when the retried task’s replaces it', async () => {
    const r = await newCase('bl-dead');
    await project(r, [dispatch('a', '2026-11-20T01:00:00Z')], 3);
    // The dead task's batch: a approved, b dispatched.
    const dead = await project(
      r,
      [
        { type: 'step.approved', stepId: 'a', opinion: 'ok', outputs: {} },
        dispatch('b', '2026-11-21T01:00:00Z'),
      ],
      8,
    );
    expect(await overdue('2026-12-01T00:00:00.000Z', { processId: 'bl-dead' })).toEqual({ 'bl-dead/b/Y': 1 });
    // The retried task's batch at the same place: b's department was not reached, a got new deadlines.
    chains.set(r, dead.before);
    await project(r, [{ type: 'step.deadlines_updated', stepId: 'a', promised: '2026-11-22T01:00:00Z' }], 11);
    await expectExact();
    expect(await overdue('2026-11-21T12:00:00.000Z', { processId: 'bl-dead' })).toEqual({});
    expect(await overdue('2026-12-01T00:00:00.000Z', { processId: 'bl-dead' })).toEqual({ 'bl-dead/a/X': 1 });
  });
});
