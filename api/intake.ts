// Intake (一窗受理): a clerk's combined application becomes a case row (with its steps) and a running
// caseWorkflow. Idempotent per clerk and Idempotency-Key: a retry returns the same case and, if the first
// attempt stored the case but died before starting its workflow, starts it now.
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Static } from 'typebox';
import { DEFAULTS } from '../config.ts';
import type { CalendarStore } from '../db/calendars.ts';
import { type CaseRef, insertCase, unstartedCases } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import { uploadOwners } from '../db/materials.ts';
import { hashTrackingCode, newTrackingCode } from '../db/tracking.ts';
import type { User } from '../db/users.ts';
import { DEFAULT_TIMEOUT_MS, type Integrations } from '../departments/integrations.ts';
import { canonicalJson } from '../process/canonical-json.ts';
import type { Deficiency } from '../process/case-machine.ts';
import type { ClockWarning } from '../process/clock.ts';
import type { AdapterKind, ProcessDefinition, StepStatus } from '../process/definition.ts';
import {
  type CaseInput,
  intakeUpdate,
  type IntakeResult as WorkflowIntakeResult,
} from '../workflows/messages.ts';
import { applicationIdentifierHashes } from './applicant-identifiers.ts';
import { validateApplication } from './form-validator.ts';
import { checkMaterials, notApplicableSteps } from './intake-checks.ts';
import { invalid, Problem } from './problem.ts';
import type { SubmitCaseBody } from './schemas/cases.ts';
import { startWithUpdate } from './updates.ts';

export interface IntakeDeps {
  db: Db;
  definitions: DefinitionStore;
  client: Client;
  taskQueue: string;
  caseNoPrefix: string;
  /** Departments integrated over HTTP: their steps use the 'http' adapter in this deployment. */
  integrations: Integrations;
  calendars: CalendarStore;
  calendarRegion: string;
  warning: ClockWarning;
  /** Key of the applicant identifiers' hashes (search by ID number or credit code). */
  applicantHashKey: string;
  /** How long intake waits for the case's workflow in all, retries included, before a 503. */
  updateWaitMs?: number;
}

/** A combined application as the clerk submits it (POST /api/cases). */
export type Submission = Static<typeof SubmitCaseBody>;

export interface IntakeResult {
  row: CaseRef;
  created: boolean;
  /** The applicant's tracking code, in clear only here (for the receipt); null on a replay. */
  trackingCode: string | null;
  /**
   * The steps intake moved, with their status: sent to their departments, or decided at once by their rules
   * (秒批). Null when the case's workflow had already ended (a late replay).
   */
  steps: Record<string, StepStatus> | null;
}

export function requestHash(submission: Submission): string {
  return createHash('sha256').update(canonicalJson(submission)).digest('hex');
}

export class CaseIntake {
  constructor(private readonly deps: IntakeDeps) {}

  /**
   * Stores and starts a case, with the hash of a new tracking code (the case and its code exist together or
   * not at all). A repeat with the same Idempotency-Key answers the case stored first, without a code.
   */
  async submit(user: User, submission: Submission, idempotencyKey?: string): Promise<IntakeResult> {
    const definition = await this.deps.definitions.latest(submission.processId);
    if (!definition) {
      throw invalid('unknown-process', 'Unknown process', `There is no process '${submission.processId}'.`, [
        { field: 'processId', message: 'is not a published process' },
      ]);
    }
    const materials = submission.materials ?? {};
    const formErrors = validateApplication(definition, submission.application);
    // Conditions read the application: only a valid one can say which steps apply.
    const notApplicable =
      formErrors.length === 0 ? notApplicableSteps(definition, submission.application) : [];
    const uploads = await uploadOwners(this.deps.db, Object.values(materials));
    const now = new Date();
    const checked = checkMaterials(
      definition,
      notApplicable,
      materials,
      uploads,
      user.id,
      submission.deficiencies ?? [],
      now,
    );
    const errors = [...formErrors, ...checked.errors];
    if (errors.length > 0) {
      throw invalid(
        formErrors.length > 0 ? 'invalid-application' : 'invalid-materials',
        formErrors.length > 0 ? 'Invalid application' : 'Materials missing or invalid',
        `The application has ${errors.length} problem(s); all are listed.`,
        errors,
      );
    }

    const hash = requestHash(submission);
    const trackingCode = newTrackingCode();
    const { row, created } = await insertCase(
      this.deps.db,
      {
        id: randomUUID(),
        caseNoPrefix: this.deps.caseNoPrefix,
        processId: definition.id,
        processVersion: definition.version,
        application: submission.application,
        submittedBy: user.id,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        requestHash: hash,
        materials,
        identifierHashes: applicationIdentifierHashes(this.deps.applicantHashKey, submission.application),
        calendarRegion: this.deps.calendarRegion,
        trackingCodeHash: hashTrackingCode(trackingCode),
        steps: definition.steps.map((s) => {
          const owed = checked.deficiencies.filter((d) => d.stepId === s.id);
          return {
            stepId: s.id,
            department: s.department,
            title: s.title,
            ...(notApplicable.includes(s.id) ? { status: 'not_applicable' as const } : {}),
            ...(owed.length > 0 ? { owed: owed.flatMap((d) => d.materials), owedBy: owed[0]!.due } : {}),
          };
        }),
      },
      now,
    );
    if (!created && row.requestHash !== hash) {
      throw new Problem(
        422,
        'idempotency-key-reused',
        'Idempotency key reused',
        'This Idempotency-Key was already used for a different request; use a new key for a new application.',
      );
    }
    const snapshot = created
      ? definition
      : (await this.deps.definitions.get(row.processId, row.processVersion))!;
    const opened = await this.startCase(row, snapshot, notApplicable, checked.deficiencies);
    return { row, created, trackingCode: created ? trackingCode : null, steps: opened?.steps ?? null };
  }

  /** The workflow input this deployment gives a stored case: adapters, calendar snapshot, warnings. */
  private async startCase(
    row: CaseRef,
    definition: ProcessDefinition,
    notApplicable: string[],
    deficiencies: Deficiency[],
  ): Promise<WorkflowIntakeResult | undefined> {
    const adapters: Record<string, AdapterKind> = {};
    const httpAttempts: Record<string, number> = {};
    const httpTimeoutsMs: Record<string, number> = {};
    for (const step of definition.steps) {
      const integration = this.deps.integrations[step.department];
      if (step.adapter !== 'worklist' || !integration) continue;
      adapters[step.id] = 'http';
      httpAttempts[step.department] = integration.maximumAttempts ?? 10;
      httpTimeoutsMs[step.department] = integration.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    }
    // The calendar goes into the workflow's input: a snapshot. A year published later reaches the case as a
    // recorded Update (api/calendar-delivery.ts), so its history always says which calendar it counted with.
    const calendar = await this.deps.calendars.effective(this.deps.calendarRegion);
    if (!calendar) throw new Error(`no calendar for region ${this.deps.calendarRegion}`);
    return this.start(row, definition, {
      notApplicable,
      adapters,
      httpAttempts,
      httpTimeoutsMs,
      deficiencies,
      calendar,
      warning: this.deps.warning,
    });
  }

  /**
   * Starts the workflows of stored cases that have none (the process stopped between storing a case and
   * starting it, and the clerk did not retry). Everything the start needs is in the read model.
   */
  async resumeUnstarted(olderThanMs = 30_000): Promise<number> {
    const rows = await unstartedCases(this.deps.db, new Date(Date.now() - olderThanMs));
    for (const { kase, steps } of rows) {
      const definition = (await this.deps.definitions.get(kase.processId, kase.processVersion))!;
      const notApplicable = steps.filter((s) => s.status === 'not_applicable').map((s) => s.stepId);
      const deficiencies = steps
        .filter((s) => s.owed.length > 0 && s.owedBy)
        .map((s) => ({ stepId: s.stepId, materials: s.owed, due: s.owedBy!.toISOString() }));
      await this.startCase(kase, definition, notApplicable, deficiencies);
    }
    return rows.length;
  }

  /**
   * Starts the case's workflow unless it already runs or ran (a closed case is never started again), and
   * waits, in the same server call, until the case's first steps are in their departments' worklists.
   */
  async start(
    row: CaseRef,
    definition: ProcessDefinition,
    options: Pick<
      CaseInput,
      | 'notApplicable'
      | 'adapters'
      | 'httpAttempts'
      | 'httpTimeoutsMs'
      | 'deficiencies'
      | 'calendar'
      | 'warning'
    >,
  ): Promise<WorkflowIntakeResult | undefined> {
    const input: CaseInput = {
      caseId: row.id,
      caseNo: row.caseNo,
      definition,
      submittedBy: row.submittedBy,
      ...options,
    };
    // Transient refusals (a workflow task that failed while a worker restarted, Temporal unreachable) are
    // sent again with the same Update id, which the server applies once, until the bound; then 503.
    return startWithUpdate(this.deps.client, row.caseNo, this.deps.updateWaitMs ?? DEFAULTS.updateWaitMs, {
      workflowType: 'caseWorkflow',
      workflowId: row.id,
      taskQueue: this.deps.taskQueue,
      args: [input],
      update: intakeUpdate,
      updateId: `intake:${row.id}`,
    });
  }
}
