// `npm run seed` (scripts/seed.ts) on a Postgres server of its own database: it loads the cases, replaces
// them when run again (every table that references a case is emptied with them), and its SLA summaries
// agree with the cases it wrote. Needs TEST_DATABASE_URL (`npm run test:pg`).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.ts';

const admin = process.env.TEST_DATABASE_URL;
const CASES = 400;

const seed = (url: string) =>
  promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/seed.ts', '--cases', String(CASES), '--months', '2'],
    { env: { ...process.env, DATABASE_URL: url }, maxBuffer: 16 * 1024 * 1024 },
  );

describe.runIf(admin)('the seed', () => {
  let throwaway: ThrowawayDatabase | undefined;
  let sql: postgres.Sql;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(admin!);
    sql = postgres(throwaway.url, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await sql?.end();
    await throwaway?.drop();
  });

  it('loads cases, replaces them on a second run, and writes summaries that match them', async () => {
    await seed(throwaway!.url);
    // A follow-up of a seeded case: the second run must empty it with the cases it references.
    await sql`insert into follow_ups (id, case_id, score, department, opened_at)
              select gen_random_uuid(), id, 1, 'SAMR', now() from cases limit 1`;
    await seed(throwaway!.url);

    const [counts] = await sql<{ cases: number; followUps: number; steps: number }[]>`
      select (select count(*)::int from cases) as cases,
             (select count(*)::int from follow_ups) as "followUps",
             (select count(*)::int from case_steps) as steps`;
    expect(counts).toMatchObject({ cases: CASES, followUps: 0 });
    expect(counts!.steps).toBeGreaterThan(CASES);

    // Over all days, the summaries count every case once when opened and once when closed, by outcome.
    const byStatus = Object.fromEntries(
      (
        await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from cases group by 1`
      ).map((r) => [r.status, r.n]),
    );
    const [sums] = await sql<Record<string, number>[]>`
      select sum(opened)::int as opened, sum(completed)::int as completed, sum(denied)::int as denied,
             sum(withdrawn)::int as withdrawn
      from sla_case_daily where department = '*'`;
    expect(sums).toEqual({
      opened: CASES,
      completed: byStatus.completed ?? 0,
      denied: byStatus.denied ?? 0,
      withdrawn: byStatus.withdrawn ?? 0,
    });
    expect(byStatus.running).toBeGreaterThan(0);

    // The backlog (kept by triggers while COPY loads the steps) counts every step awaiting a decision with a
    // promise, once in its month, day and hour.
    const [backlog] = await sql<{ month: number; day: number; hour: number; awaiting: number }[]>`
      select (select sum(steps)::int from sla_step_backlog where grain = 'month') as month,
             (select sum(steps)::int from sla_step_backlog where grain = 'day') as day,
             (select sum(steps)::int from sla_step_backlog where grain = 'hour') as hour,
             (select count(*)::int from case_steps
              where status = 'awaiting_decision' and promised_deadline is not null) as awaiting`;
    expect(backlog!.awaiting).toBeGreaterThan(0);
    const awaiting = backlog!.awaiting;
    expect(backlog).toEqual({ month: awaiting, day: awaiting, hour: awaiting, awaiting });
  }, 120_000);
});
