// The read model (drizzle). Temporal holds each case's execution state; these tables hold what worklists,
// searches, reports and the audit need, written by the workflow's projection activity (cases' steps and
// events) and by the API (case intake, users, tokens, the access log).
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ProcessDefinition } from '../process/definition.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  /** clerk | department | manager | admin */
  role: text('role').notNull(),
  /** Department code, set for department staff only. */
  department: text('department'),
  /** scrypt$N$r$p$salt$hash (db/passwords.ts); null for users who sign in with API tokens only. */
  passwordHash: text('password_hash'),
  /** A department's lead (科室负责人): assigns its tasks to colleagues and may decide any of them. */
  lead: boolean('lead').notNull().default(false),
  /** Set when an admin disabled the user: their tokens and sessions stop working. */
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * Browser sessions (sign-in at /login). The cookie holds a random secret; only its SHA-256 is stored, with
 * the synchronizer token that state-changing requests must echo (CSRF). Kept in the database so sessions
 * survive restarts and every API process sees them.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** last seen + the idle limit: a request after this finds the session expired. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  /** SHA-256 of the bearer token: a leaked table does not leak tokens. */
  tokenHash: text('token_hash').notNull().unique(),
  label: text('label').notNull(),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export const processDefinitions = pgTable(
  'process_definitions',
  {
    processId: text('process_id').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    definition: jsonb('definition').$type<ProcessDefinition>().notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.processId, t.version] })],
);

/** One combined application (办件). */
export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey(),
    caseNo: text('case_no').notNull().unique(),
    processId: text('process_id').notNull(),
    processVersion: integer('process_version').notNull(),
    /** running | completed | partially_completed | denied */
    status: text('status').notNull(),
    application: jsonb('application').$type<Record<string, unknown>>().notNull(),
    /** Outputs of approved steps with provenance: name -> {value, stepId, at}. */
    data: jsonb('data').$type<Record<string, CaseDatum>>().notNull().default({}),
    idempotencyKey: text('idempotency_key'),
    /** SHA-256 of the submitted request, so a reused key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** The case's overall promise (承诺时限), from intake. */
    promisedDeadline: timestamp('promised_deadline', { withTimezone: true }),
    /** When the case's own promise turns yellow. */
    yellowAt: timestamp('yellow_at', { withTimezone: true }),
    /** SHA-256 of the applicant's tracking code (办件查询码), shown once on the receipt. */
    trackingCodeHash: text('tracking_code_hash'),
    /**
     * The working-day calendar region the case counts with (its workflow has the snapshot): publishing a
     * year reaches the running cases of that region and of the regions extending it. Null for cases
     * accepted before the column existed: they are offered every publication, and the workflow says.
     */
    calendarRegion: text('calendar_region'),
  },
  (t) => [
    uniqueIndex('cases_idempotency_idx')
      .on(t.submittedBy, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    // Search (db/case-list.ts): every sort is a keyset over (key, id), alone or after an equality filter.
    index('cases_status_idx').on(t.status, t.submittedAt, t.id),
    index('cases_submitted_idx').on(t.submittedAt, t.id),
    index('cases_process_idx').on(t.processId, t.submittedAt, t.id),
    index('cases_deadline_idx')
      .on(sql`coalesce(${t.promisedDeadline}, 'infinity'::timestamptz)`, t.id)
      .where(sql`${t.status} = 'running'`),
    index('cases_closed_idx').on(t.closedAt, t.id).where(sql`${t.closedAt} is not null`),
    index('cases_case_no_prefix_idx').on(t.caseNo.op('text_pattern_ops')),
    // Running cases by the colour of their own promise (red: deadline past; yellow: yellow_at past).
    index('cases_running_clock_idx').on(t.promisedDeadline, t.yellowAt).where(sql`${t.status} = 'running'`),
  ],
);

/**
 * Keyed hashes (HMAC-SHA256, APPLICANT_HASH_KEY) of the identifiers in a case's application (ID numbers,
 * credit codes), written at intake: search finds an applicant's cases by an exact identifier without the
 * index holding any in clear.
 */
export const caseApplicants = pgTable(
  'case_applicants',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    identifierHash: text('identifier_hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.identifierHash] }),
    index('case_applicants_hash_idx').on(t.identifierHash, t.caseId),
  ],
);

export interface CaseDatum {
  value: string | number | boolean;
  stepId: string;
  at: string;
}

/** One department step (事项) of a case: its worklist entry while it awaits a decision. */
export const caseSteps = pgTable(
  'case_steps',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    stepId: text('step_id').notNull(),
    department: text('department').notNull(),
    /** The case's process (never changes): the worklist and the reports filter by it without a join. */
    processId: text('process_id').notNull(),
    title: text('title').notNull(),
    /** See StepStatus in process/definition.ts. */
    status: text('status').notNull(),
    /** 1 at first dispatch, +1 each time it returns to its department after a supplement. */
    round: integer('round').notNull().default(0),
    outputs: jsonb('outputs').$type<Record<string, string | number | boolean>>(),
    opinion: text('opinion'),
    reasons: jsonb('reasons').$type<string[]>(),
    /** A user id, or 'system' for instant (秒批) decisions. */
    decidedBy: text('decided_by'),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** What a supplement request (补正) asked for, while it is open. */
    supplementItems: jsonb('supplement_items').$type<{ item: string; reason: string }[]>(),
    /** The special stage (特别程序) open on the step. */
    specialStage: jsonb('special_stage').$type<{ kind: string; since: string }>(),
    /** Materials still owed under 容缺受理, and by when. */
    owed: jsonb('owed').$type<string[]>().notNull().default([]),
    owedBy: timestamp('owed_by', { withTimezone: true }),
    /** An adapter's failure a manager must look at. */
    incident: text('incident'),
    promisedDeadline: timestamp('promised_deadline', { withTimezone: true }),
    statutoryDeadline: timestamp('statutory_deadline', { withTimezone: true }),
    yellowAt: timestamp('yellow_at', { withTimezone: true }),
    /** Why the step has no deadline (e.g. past the last published calendar year). */
    deadlineNote: text('deadline_note'),
    /** The member of staff who claimed the task (承办人), or was assigned it by the department's lead. */
    assignee: uuid('assignee'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.stepId] }),
    index('case_steps_worklist_idx').on(t.department, t.status, t.dispatchedAt),
    // The worklist (db/tasks.ts): a department's pending steps in urgency order, keyset-paginated; the
    // columns after the key are carried so counts by urgency and holder read the index alone.
    index('case_steps_pending_idx')
      .on(
        t.department,
        sql`coalesce(${t.promisedDeadline}, ${t.statutoryDeadline}, 'infinity'::timestamptz)`,
        t.dispatchedAt,
        t.caseId,
        t.stepId,
        t.promisedDeadline,
        t.statutoryDeadline,
        t.yellowAt,
        t.assignee,
        t.processId,
      )
      .where(sql`${t.status} = 'awaiting_decision'`),
    index('case_steps_assignee_idx')
      .on(
        t.assignee,
        sql`coalesce(${t.promisedDeadline}, ${t.statutoryDeadline}, 'infinity'::timestamptz)`,
        t.dispatchedAt,
        t.caseId,
        t.stepId,
      )
      .where(sql`${t.status} = 'awaiting_decision' and ${t.assignee} is not null`),
    // Steps waiting for the applicant's supplement (search ?awaiting=supplement, the clerks' queue): few.
    index('case_steps_supplement_idx').on(t.caseId).where(sql`${t.status} = 'supplement_requested'`),
    // Search's probes from a case to its steps (db/case-list.ts, newest cases first): "has a step of this
    // department that applies" and "has a pending step of this colour" answered from the index alone,
    // without reading the case's step rows (a rare department's page probed ~500 cases' rows).
    index('case_steps_case_department_idx')
      .on(t.caseId, t.department)
      .where(sql`${t.status} <> 'not_applicable'`),
    index('case_steps_case_pending_idx')
      .on(
        t.caseId,
        sql`coalesce(${t.promisedDeadline}, ${t.statutoryDeadline}, 'infinity'::timestamptz)`,
        t.yellowAt,
      )
      .where(sql`${t.status} = 'awaiting_decision'`),
    // Steps held past their promise now (the report's open overdue steps), read from the index alone.
    index('case_steps_running_clock_idx')
      .on(t.promisedDeadline, t.processId, t.stepId, t.department)
      .where(sql`${t.status} = 'awaiting_decision'`),
  ],
);

/**
 * SLA summaries, maintained by the projection in the same statement as the events (db/case-events.ts), so
 * a report is exact and never lags the worklist. Days are China dates. Cases per day, process and department
 * ('*' for the whole case; a department's row counts the cases it has a step in).
 */
export const slaCaseDaily = pgTable(
  'sla_case_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    processId: text('process_id').notNull(),
    department: text('department').notNull(),
    opened: integer('opened').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    partiallyCompleted: integer('partially_completed').notNull().default(0),
    denied: integer('denied').notNull().default(0),
    withdrawn: integer('withdrawn').notNull().default(0),
    terminated: integer('terminated').notNull().default(0),
    /** Closed cases that had a promise, and those closed by it. */
    promised: integer('promised').notNull().default(0),
    promiseKept: integer('promise_kept').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.department, t.day, t.processId] })],
);

/**
 * Steps that ended (approved, denied, terminated) per day of their ending, process and step; kept per day
 * and per month (`grain`; a month's `day` is its first), like the histogram.
 */
export const slaStepDaily = pgTable(
  'sla_step_daily',
  {
    grain: text('grain').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    processId: text('process_id').notNull(),
    stepId: text('step_id').notNull(),
    department: text('department').notNull(),
    ended: integer('ended').notNull().default(0),
    approved: integer('approved').notNull().default(0),
    denied: integer('denied').notNull().default(0),
    terminated: integer('terminated').notNull().default(0),
    /** Working time used (pauses excluded), and working time spent waiting for supplements. */
    workingMs: bigint('working_ms', { mode: 'number' }).notNull().default(0),
    supplementMs: bigint('supplement_ms', { mode: 'number' }).notNull().default(0),
    /** Steps that asked for at least one supplement. */
    supplemented: integer('supplemented').notNull().default(0),
    /** Steps that ended after their promised deadline: they held the case past its promise. */
    late: integer('late').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.day, t.processId, t.stepId] }),
    index('sla_step_daily_department_idx').on(t.grain, t.department, t.day),
  ],
);

/**
 * Working-time histogram of ended steps in buckets (db/sla-changes.ts bucketOf): half hours below 8 working
 * hours, 2 hours below 40, working days beyond; p50/p90 over any range are exact to the bucket. Kept twice, per day and per
 * month (`grain`; a month's `day` is its first), so a year's report sums twelve months, not 365 days.
 */
export const slaStepHistogram = pgTable(
  'sla_step_histogram',
  {
    grain: text('grain').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    processId: text('process_id').notNull(),
    stepId: text('step_id').notNull(),
    department: text('department').notNull(),
    bucket: integer('bucket').notNull(),
    steps: integer('steps').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.day, t.processId, t.stepId, t.bucket] }),
    index('sla_step_histogram_department_idx').on(t.grain, t.department, t.day),
    // A report reads its periods' rows from this index alone (the year's twelve months are ~7,000 rows,
    // scattered over as many heap pages when read through the primary key).
    index('sla_step_histogram_report_idx').on(
      t.grain,
      t.day,
      t.processId,
      t.stepId,
      t.department,
      t.bucket,
      t.steps,
    ),
  ],
);

/**
 * The backlog: steps awaiting their department's decision, counted by when their promise falls due, per
 * process, step and department; each step is counted three times, in its UTC month, day and hour (`grain`,
 * `due` the start of each). Kept by the statements that rewrite step rows (db/sla-backlog.ts), so it is
 * exact in the same transaction; rows that reach zero stay. The report's steps held past their
 * promise now are the months before this one, this month's days before today, today's hours before this
 * one, and this hour's steps from case_steps: a bounded number of rows however the deadlines fall, instead
 * of every overdue step.
 */
export const slaStepBacklog = pgTable(
  'sla_step_backlog',
  {
    grain: text('grain').notNull(),
    due: timestamp('due', { withTimezone: true }).notNull(),
    processId: text('process_id').notNull(),
    stepId: text('step_id').notNull(),
    department: text('department').notNull(),
    steps: integer('steps').notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.due, t.processId, t.stepId, t.department] })],
);

/**
 * The audit trail: every transition, numbered by the workflow, append-only. Each row's hash covers the
 * previous row's hash, so an edited or deleted row shows when the chain is verified.
 */
export const caseEvents = pgTable(
  'case_events',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    stepId: text('step_id'),
    /** User id, or 'system' for transitions the engine makes itself. */
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    opinion: text('opinion'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    hash: text('hash').notNull(),
    /**
     * The workflow's history length when the workflow task that made the event ran (not hashed): a task
     * that died after writing its events is retried at a longer history, and its replacement batch removes
     * the dead task's rows, while a stale task (lower fence) can never remove a live one's. See
     * db/superseded-events.ts.
     */
    fence: integer('fence'),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.seq] })],
);

/** Every read of a case's personal data by staff (PIPL): the applicant can see who looked. */
export const accessLog = pgTable(
  'access_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    userId: uuid('user_id').notNull(),
    role: text('role').notNull(),
    department: text('department'),
    purpose: text('purpose').notNull(),
    /** The form fields shown (names only, never values). */
    fields: jsonb('fields').$type<string[]>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('access_log_case_idx').on(t.caseId, t.at)],
);

/** Unified delivery (统一出件): every result of a closed case, and how it was handed over. */
export const deliveries = pgTable('deliveries', {
  caseId: uuid('case_id')
    .primaryKey()
    .references(() => cases.id),
  outcome: text('outcome').notNull(),
  results: jsonb('results').$type<Record<string, CaseDatum>>().notNull(),
  readyAt: timestamp('ready_at', { withTimezone: true }).notNull(),
  /** window | post | electronic */
  method: text('method'),
  note: text('note'),
  handedOverBy: uuid('handed_over_by'),
  handedOverAt: timestamp('handed_over_at', { withTimezone: true }),
});

/** Uploaded files, content-addressed in the material store. */
export const uploads = pgTable('uploads', {
  id: uuid('id').primaryKey(),
  sha256: text('sha256').notNull(),
  size: integer('size').notNull(),
  contentType: text('content_type').notNull(),
  filename: text('filename').notNull(),
  uploadedBy: uuid('uploaded_by').notNull(),
  createdAt: createdAt(),
});

/** Which upload stands for which material of a case; a supplement adds a newer one (history is kept). */
export const caseMaterials = pgTable(
  'case_materials',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    materialId: text('material_id').notNull(),
    uploadId: uuid('upload_id')
      .notNull()
      .references(() => uploads.id),
    attachedBy: uuid('attached_by').notNull(),
    attachedAt: timestamp('attached_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.materialId, t.uploadId] })],
);

/**
 * Working-day calendars per region: 'CN' holds the State Council's schedule (a WorkingCalendar); a city or
 * province holds its additions to it (a LocalCalendar with `extends`).
 */
export const calendars = pgTable('calendars', {
  region: text('region').primaryKey(),
  extends: text('extends'),
  calendar: jsonb('calendar').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A department system that did not take a dispatched step (unreachable, failing, or refusing it): open
 * while attempts fail, resolved when one succeeds. Managers watch these and retry from the API.
 */
export const incidents = pgTable(
  'incidents',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    stepId: text('step_id').notNull(),
    round: integer('round').notNull(),
    department: text('department').notNull(),
    attempts: integer('attempts').notNull(),
    /** The failure, without request content (no personal data). */
    lastError: text('last_error').notNull(),
    /** False once the engine stopped retrying (4xx, or attempts exhausted): a manager must act. */
    retrying: integer('retrying').notNull().default(1),
    firstAt: timestamp('first_at', { withTimezone: true }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.stepId, t.round] })],
);

/** Per-day counters behind human-readable case numbers. */
export const caseNumberCounters = pgTable('case_number_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});

/** The applicant's service rating (好差评) after delivery: one per case, replaceable for 7 days. */
export const caseRatings = pgTable('case_ratings', {
  caseId: uuid('case_id')
    .primaryKey()
    .references(() => cases.id),
  score: integer('score').notNull(),
  comment: text('comment'),
  /** When the applicant first rated: a replacement is accepted until 7 days after. */
  firstRatedAt: timestamp('first_rated_at', { withTimezone: true }).notNull(),
  ratedAt: timestamp('rated_at', { withTimezone: true }).notNull(),
  /** The department the applicant blamed (a code of one of the case's applicable steps); null: the centre. */
  department: text('department'),
});

/**
 * A follow-up (整改) a bad rating (1 or 2) opened: one per case, for the blamed department or the centre
 * (department null), on a 15-working-day clock run by its followUpWorkflow. The workflow writes the clock
 * (opened_at, due_at, yellow_at, clock_state, warnings); the API writes the response, which closes it.
 */
export const followUps = pgTable(
  'follow_ups',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .unique()
      .references(() => cases.id),
    /** The score that opened it (a later replacement of the rating does not close it). */
    score: integer('score').notNull(),
    /** The applicant's comment with that score: the complaint as made, kept if the rating is replaced. */
    comment: text('comment'),
    /** Department code; null: the service centre (the comprehensive window), answered by managers. */
    department: text('department'),
    /** When the clock started (the workflow's start; until then, when the rating was made). */
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    /** The 15th working day's close of office on the case's calendar; null until the workflow counted it. */
    dueAt: timestamp('due_at', { withTimezone: true }),
    yellowAt: timestamp('yellow_at', { withTimezone: true }),
    /**
     * As the workflow last recorded it: pending until it counted the deadline, then green | yellow | red,
     * stopped once answered.
     */
    clockState: text('clock_state').notNull().default('pending'),
    /** The colour at the response (answered late = red). */
    finalLevel: text('final_level'),
    warnedYellowAt: timestamp('warned_yellow_at', { withTimezone: true }),
    warnedRedAt: timestamp('warned_red_at', { withTimezone: true }),
    /** Reminders sent after the deadline passed. */
    reminders: integer('reminders').notNull().default(0),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** The department's answer, shown to the applicant. */
    response: text('response'),
    respondedBy: uuid('responded_by').references(() => users.id),
  },
  (t) => [
    index('follow_ups_open_idx').on(t.department, t.dueAt).where(sql`${t.closedAt} is null`),
    index('follow_ups_opened_idx').on(t.openedAt),
  ],
);
