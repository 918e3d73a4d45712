// caseWorkflow: one case (办件) of one process definition, interpreted from the snapshot it was started
// with. Ready steps go to their departments; decisions arrive as the `decide` Update; approved outputs
// join the case data with provenance and feed dependants; a denial cancels only what depends on it (or
// the whole case, for steps marked stop-case); the case closes when no step can run any more.
//
// Every transition becomes a numbered event written to the read model by one local activity per batch
// (no extra server round trip per step). The Update answers only after its batch is written, so the
// API's caller reads its own write.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { checkDecision } from '../process/decision.ts';
import type { CaseOutcome, ProcessDefinition, StepStatus } from '../process/definition.ts';
import { stepById } from '../process/definition.ts';
import type { CaseEvent } from '../process/events.ts';
import { initialStatuses, plan } from '../process/planner.ts';
import {
  type CaseDatumState,
  type CaseInput,
  type CaseState,
  type DecideArgs,
  type DecideResult,
  decideUpdate,
  type IntakeResult,
  intakeUpdate,
  stateQuery,
} from './messages.ts';

const { projectCase } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  // Our own database: keep trying (a projection must never be dropped), backing off to 10 s.
  retry: { initialInterval: '100 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

type EventBody = CaseEvent extends infer E
  ? E extends CaseEvent
    ? Omit<E, 'seq' | 'at' | 'actor'>
    : never
  : never;

export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  const definition: ProcessDefinition = input.definition;
  let statuses: Record<string, StepStatus> = initialStatuses(definition);
  const data: Record<string, CaseDatumState> = {};
  let outcome: CaseOutcome | undefined;
  let seq = 0;

  // Batches are written strictly in order (the audit chain links each event to the one before), while
  // several Updates may be in flight at once: each waits for the batches queued before its own.
  // Each batch extends the audit hash chain from the previous batch's last hash (a local activity result,
  // so replay sees the same value without reading the database).
  let written: Promise<void> = Promise.resolve();
  let lastHash = '';
  const project = (events: CaseEvent[]): Promise<void> => {
    const batch = written.then(async () => {
      lastHash = await projectCase({ caseId: input.caseId, previousHash: lastHash, events });
    });
    written = batch;
    return batch;
  };
  const event = (actor: string, body: EventBody): CaseEvent =>
    ({ ...body, seq: ++seq, at: new Date().toISOString(), actor }) as CaseEvent;

  /** Applies the planner's transitions and, once nothing can run, closes the case. */
  const advance = (events: CaseEvent[]) => {
    const next = plan(definition, statuses);
    statuses = next.statuses;
    for (const t of next.transitions) {
      if (t.to === 'awaiting_decision') {
        const adapter = stepById(definition, t.stepId)!.adapter;
        events.push(event('system', { type: 'step.dispatched', stepId: t.stepId, adapter }));
      } else {
        events.push(
          event('system', {
            type: 'step.cancelled',
            stepId: t.stepId,
            because: t.because!,
            withdrawn: !!t.withdraw,
          }),
        );
      }
    }
    if (next.finished && outcome === undefined) {
      outcome = next.outcome!;
      events.push(event('system', { type: 'case.closed', outcome }));
    }
    return next.transitions;
  };

  const state = (): CaseState => ({
    caseId: input.caseId,
    status: outcome ?? 'running',
    steps: { ...statuses },
    data: { ...data },
    seq,
  });

  // The opening batch is planned and queued before any handler is registered: the SDK delivers Updates
  // that arrived with the start as soon as their handler is set, and they must see the released steps.
  const opening: CaseEvent[] = [
    event(input.submittedBy, {
      type: 'case.started',
      steps: definition.steps.map((s) => ({ stepId: s.id, department: s.department, title: s.title })),
    }),
  ];
  const released = advance(opening)
    .filter((t) => t.to === 'awaiting_decision')
    .map((t) => t.stepId);
  const opened = project(opening);

  setHandler(stateQuery, state);
  setHandler(intakeUpdate, async (): Promise<IntakeResult> => {
    await opened;
    return { dispatched: released, status: outcome ?? 'running' };
  });

  setHandler(
    decideUpdate,
    async (args: DecideArgs): Promise<DecideResult> => {
      // Re-checked here as well: the validator and this handler are not one atomic step if two Updates
      // for the same step arrive in one workflow task.
      rejectIfInvalid(definition, statuses, args);
      const events: CaseEvent[] = [];
      const actor = args.actor.userId;
      if (args.outcome === 'approve') {
        const outputs = args.outputs ?? {};
        statuses[args.stepId] = 'approved';
        events.push(
          event(actor, { type: 'step.approved', stepId: args.stepId, opinion: args.opinion, outputs }),
        );
        const at = events[0]!.at;
        for (const [name, value] of Object.entries(outputs)) data[name] = { value, stepId: args.stepId, at };
      } else {
        statuses[args.stepId] = 'denied';
        events.push(
          event(actor, {
            type: 'step.denied',
            stepId: args.stepId,
            opinion: args.opinion,
            reasons: args.reasons ?? [],
          }),
        );
      }
      const transitions = advance(events);
      const caseStatus = outcome ?? 'running'; // as this decision left it, not as later ones may
      await project(events);
      return {
        stepId: args.stepId,
        stepStatus: statuses[args.stepId]!,
        caseStatus,
        dispatched: transitions.filter((t) => t.to === 'awaiting_decision').map((t) => t.stepId),
        cancelled: transitions.filter((t) => t.to === 'cancelled').map((t) => t.stepId),
        seq: events[events.length - 1]!.seq,
      };
    },
    { validator: (args: DecideArgs) => rejectIfInvalid(definition, statuses, args) },
  );

  await opened;
  await condition(() => outcome !== undefined && allHandlersFinished());
  await written;
  return state();
}

function rejectIfInvalid(
  definition: ProcessDefinition,
  statuses: Record<string, StepStatus>,
  args: DecideArgs,
): void {
  const problem = checkDecision(definition, statuses[args?.stepId], args);
  if (problem) {
    throw ApplicationFailure.create({
      type: problem.code,
      message: problem.message,
      details: problem.errors ? [problem.errors] : [],
      nonRetryable: true,
    });
  }
}
