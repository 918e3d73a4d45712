// Gauges read from the read model when Prometheus scrapes: open cases by the colour of their own promise,
// and incidents with departments' systems still open. Counts only, no case data.
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from './client.ts';

export async function openCasesByClock(db: Db, now = new Date()) {
  const at = now.toISOString();
  const result = await db.execute(sql`
    select count(*) filter (where promised_deadline <= ${at}::timestamptz)::int as red,
           count(*) filter (where promised_deadline > ${at}::timestamptz and yellow_at <= ${at}::timestamptz)::int as yellow,
           count(*) filter (where promised_deadline > ${at}::timestamptz
                              and (yellow_at is null or yellow_at > ${at}::timestamptz))::int as green,
           count(*) filter (where promised_deadline is null)::int as none
    from cases where status = 'running'
  `);
  return rowsOf<{ red: number; yellow: number; green: number; none: number }>(result)[0]!;
}

export async function openIncidents(db: Db): Promise<{ retrying: number; stuck: number }> {
  const result = await db.execute(sql`
    select count(*) filter (where retrying = 1)::int as retrying, count(*) filter (where retrying = 0)::int as stuck
    from incidents where resolved_at is null
  `);
  return rowsOf<{ retrying: number; stuck: number }>(result)[0]!;
}
