// Case repository: intake (with idempotency and human-readable case numbers) and the reads the API needs.
import { and, asc, eq, lt, notExists, type SQL, sql } from 'drizzle-orm';
import { CHINA_OFFSET_MINUTES } from '../process/calendar.ts';
import { type Db, rowsOf } from './client.ts';
import { preparedRunnerOf } from './pglite-prepared.ts';
import { caseEvents, caseSteps, cases } from './schema.ts';

export type CaseRow = typeof cases.$inferSelect;
export type StepRow = typeof caseSteps.$inferSelect;
export type EventRow = typeof caseEvents.$inferSelect;

/** Case numbers are dated in China time, so the number matches the day printed on the receipt. */
const CHINA_OFFSET_MS = CHINA_OFFSET_MINUTES * 60_000;

export function caseDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

export interface NewStep {
  stepId: string;
  department: string;
  title: string;
  /** 'blocked' unless its condition did not hold ('not_applicable'). */
  status?: 'blocked' | 'not_applicable';
  /** 容缺受理: materials promised later, and by when (ISO instant). */
  owed?: string[];
  owedBy?: string;
}

export interface NewCase {
  id: string;
  /** Case numbers read PREFIX-YYYYMMDD-NNNNNN: unique, and sorted by date of intake. */
  caseNoPrefix: string;
  processId: string;
  processVersion: number;
  application: Record<string, unknown>;
  submittedBy: string;
  idempotencyKey?: string;
  requestHash: string;
  /** Every step of the definition, shown as blocked until the workflow releases it. */
  steps: NewStep[];
  /** Materials attached at intake: material id -> upload id. */
  materials?: Record<string, string>;
  /** Keyed hashes of the applicant's identifiers, for search (never the identifiers). */
  identifierHashes?: string[];
  /** The calendar region the case's clocks count with. */
  calendarRegion?: string;
  /** The hash of the applicant's tracking code (db/tracking.ts), stored with the case itself. */
  trackingCodeHash?: string;
}

/** What intake needs back of a case. */
export interface CaseRef {
  id: string;
  caseNo: string;
  status: string;
  processId: string;
  processVersion: number;
  submittedBy: string;
  requestHash: string;
}

const caseRefColumns = {
  id: cases.id,
  caseNo: cases.caseNo,
  status: cases.status,
  processId: cases.processId,
  processVersion: cases.processVersion,
  submittedBy: cases.submittedBy,
  requestHash: cases.requestHash,
};

export async function findByIdempotencyKey(
  db: Db,
  submittedBy: string,
  key: string,
): Promise<CaseRef | undefined> {
  const [row] = await db
    .select(caseRefColumns)
    .from(cases)
    .where(and(eq(cases.submittedBy, submittedBy), eq(cases.idempotencyKey, key)));
  return row;
}

/**
 * Inserts a case with its next case number and its step rows in one statement (one database round trip,
 * atomic without a transaction), or returns the case this clerk already submitted with the same
 * idempotency key: `created` tells which.
 */
export async function insertCase(
  db: Db,
  c: NewCase,
  at = new Date(),
): Promise<{ row: CaseRef; created: boolean }> {
  if (c.idempotencyKey) {
    const existing = await findByIdempotencyKey(db, c.submittedBy, c.idempotencyKey);
    if (existing) return { row: existing, created: false };
  }
  const day = caseDay(at);
  const statement = sql`
    with n as (
      insert into case_number_counters (day, last) values (${day}, 1)
      on conflict (day) do update set last = case_number_counters.last + 1
      returning last
    ), c as (
      insert into cases (id, case_no, process_id, process_version, status, application, idempotency_key,
                         request_hash, submitted_by, submitted_at, updated_at, calendar_region,
                         tracking_code_hash)
      select ${c.id}::uuid, ${`${c.caseNoPrefix}-${day}-`} || lpad(n.last::text, 6, '0'), ${c.processId},
             ${c.processVersion}, 'running', ${JSON.stringify(c.application)}::jsonb, ${c.idempotencyKey ?? null},
             ${c.requestHash}, ${c.submittedBy}::uuid, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz,
             ${c.calendarRegion ?? null}, ${c.trackingCodeHash ?? null}
      from n
      on conflict do nothing
      returning id, case_no
    ), s as (
      insert into case_steps (case_id, step_id, department, process_id, title, status, owed, owed_by, updated_at)
      select c.id, x."stepId", x.department, ${c.processId}, x.title, coalesce(x.status, 'blocked'), coalesce(x.owed, '[]'),
             x."owedBy", ${at.toISOString()}::timestamptz
      from c, jsonb_to_recordset(${JSON.stringify(c.steps)}::jsonb)
        as x("stepId" text, department text, title text, status text, owed jsonb, "owedBy" timestamptz)
      returning 1
    ), m as (
      insert into case_materials (case_id, material_id, upload_id, attached_by, attached_at)
      select c.id, x.key, x.value::uuid, ${c.submittedBy}::uuid, ${at.toISOString()}::timestamptz
      from c, jsonb_each_text(${JSON.stringify(c.materials ?? {})}::jsonb) as x
      returning 1
    ), a as (
      insert into case_applicants (case_id, identifier_hash)
      select c.id, x from c, jsonb_array_elements_text(${JSON.stringify(c.identifierHashes ?? [])}::jsonb) as x
      returning 1
    )
    select c.case_no as "caseNo", (select count(*) from s) as steps, (select count(*) from m) as materials,
           (select count(*) from a) as identifiers from c
  `;
  const inserted = await insertedCaseNo(db, statement);
  if (inserted) {
    const { id, processId, processVersion, submittedBy, requestHash } = c;
    return {
      row: {
        id,
        caseNo: inserted,
        status: 'running',
        processId,
        processVersion,
        submittedBy,
        requestHash,
      },
      created: true,
    };
  }
  // Lost a race with a concurrent submission of the same key: theirs is the case.
  const existing = c.idempotencyKey
    ? await findByIdempotencyKey(db, c.submittedBy, c.idempotencyKey)
    : undefined;
  if (!existing) throw new Error('case insert conflicted but no case has that idempotency key');
  return { row: existing, created: false };
}

/**
 * The case number the intake statement gave, if it inserted: on PGlite as a named prepared statement
 * (db/pglite-prepared.ts: its five CTEs cost more to plan than to run), through drizzle otherwise.
 */
async function insertedCaseNo(db: Db, statement: SQL): Promise<string | undefined> {
  const prepared = preparedRunnerOf(db);
  if (prepared) return (await prepared(statement))[0]?.[0] ?? undefined;
  return rowsOf<{ caseNo: string }>(await db.execute(statement))[0]?.caseNo;
}

/** Running cases stored before `before` whose workflow never recorded an event (never started). */
export async function unstartedCases(db: Db, before: Date): Promise<{ kase: CaseRef; steps: StepRow[] }[]> {
  const rows = await db
    .select(caseRefColumns)
    .from(cases)
    .where(
      and(
        eq(cases.status, 'running'),
        lt(cases.submittedAt, before),
        notExists(db.select({ one: sql`1` }).from(caseEvents).where(eq(caseEvents.caseId, cases.id))),
      ),
    );
  return Promise.all(rows.map(async (kase) => ({ kase, steps: await listSteps(db, kase.id) })));
}

export async function findCase(db: Db, id: string): Promise<CaseRow | undefined> {
  const [row] = await db.select().from(cases).where(eq(cases.id, id));
  return row;
}

export async function listSteps(db: Db, caseId: string): Promise<StepRow[]> {
  return db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId));
}

/**
 * A step's status and round, all a department system's callback checks before its Update: on PGlite as a
 * named prepared statement (every callback reads it), through drizzle otherwise.
 */
export async function stepProgressOf(
  db: Db,
  caseId: string,
  stepId: string,
): Promise<Pick<StepRow, 'status' | 'round'> | undefined> {
  const query = db
    .select({ status: caseSteps.status, round: caseSteps.round })
    .from(caseSteps)
    .where(and(eq(caseSteps.caseId, caseId), eq(caseSteps.stepId, stepId)));
  const prepared = preparedRunnerOf(db);
  if (!prepared) return (await query)[0];
  const [row] = await prepared(query.getSQL());
  return row ? { status: row[0] as StepRow['status'], round: Number(row[1]) } : undefined;
}

export async function findStep(db: Db, caseId: string, stepId: string): Promise<StepRow | undefined> {
  const [row] = await db
    .select()
    .from(caseSteps)
    .where(and(eq(caseSteps.caseId, caseId), eq(caseSteps.stepId, stepId)));
  return row;
}

export async function caseTimeline(db: Db, caseId: string): Promise<EventRow[]> {
  return db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.seq));
}
